// Finding agent histories: default roots as the agents define them, flags and explicit paths that
// replace discovery, format detection by layout / name / first line, clear messages for missing roots.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectFormat, discoverRoots, listTraceFiles, loadHistory } from '../src/sources/index.js';
import { variants } from './helpers/json-variants.js';

const FIX = 'test/fixtures/sources';
const home = () => mkdtempSync(join(tmpdir(), 'agentpprof-home-'));

describe('roots', () => {
  it('discovers ~/.claude, ~/.config/claude (XDG), ~/.codex, ~/.gemini', () => {
    const h = home();
    for (const d of ['.claude', '.config/claude', '.codex', '.gemini']) mkdirSync(join(h, d), { recursive: true });
    const r = discoverRoots({ HOME: h }, h);
    expect(r.claude).toEqual([join(h, '.config/claude'), join(h, '.claude')]);
    expect(r.codex).toEqual([join(h, '.codex')]);
    expect(r.gemini).toEqual([join(h, '.gemini')]);
    const xdg = join(h, 'xdg');
    mkdirSync(join(xdg, 'claude'), { recursive: true });
    expect(discoverRoots({ HOME: h, XDG_CONFIG_HOME: xdg }, h).claude).toEqual([join(xdg, 'claude'), join(h, '.claude')]);
  });

  it('honours CLAUDE_CONFIG_DIR (a comma list) and CODEX_HOME, and lists what it checked', () => {
    const h = home();
    const a = join(h, 'a'), b = join(h, 'b'), cx = join(h, 'cx');
    for (const d of [a, b, cx]) mkdirSync(d);
    const r = discoverRoots({ HOME: h, CLAUDE_CONFIG_DIR: `${a}, ${b},${join(h, 'missing')}`, CODEX_HOME: cx }, h);
    expect(r.claude).toEqual([a, b]);
    expect(r.codex).toEqual([cx]);
    expect(r.checked).toContain(join(h, 'missing'));
  });

  it('reads the default roots of a home, and says clearly when there are none', async () => {
    const h = home();
    cpSync(join(FIX, 'claude'), join(h, '.claude'), { recursive: true });
    cpSync(join(FIX, 'codex'), join(h, '.codex'), { recursive: true });
    const found = await loadHistory({ env: { HOME: h }, threads: 0 });
    expect(new Set(found.sessions.map((s) => s.agent))).toEqual(new Set(['claude', 'codex']));
    expect(found.problems).toEqual([]);
    const empty = await loadHistory({ env: { HOME: home() }, threads: 0 });
    expect(empty.sessions).toEqual([]);
    expect(empty.problems[0]).toMatch(/^no agent history found \(looked in .*\.claude.*\.codex.*\.gemini\)$/);
  });

  it('detects a loose trace file by its first line in every valid JSON spelling', () => {
    // Every JSONL trace of examples/ and of the real CLIs' captures, renamed so that only the first line
    // can tell its format, with that line re-spelled: the format detected must not change.
    const all = listTraceFiles({ paths: ['examples', 'test/fixtures/real'] }).files.filter((f) => f.path.endsWith('.jsonl'));
    expect(all.length).toBeGreaterThan(40);
    const d = home();
    let checked = 0;
    for (const f of all) {
      const [first, ...rest] = readFileSync(f.path, 'utf8').split('\n');
      let value: unknown;
      try { value = JSON.parse(first); } catch { continue; }
      for (const v of variants()) {
        const loose = join(d, `t${checked++}.jsonl`);
        writeFileSync(loose, [v.text(value), ...rest].join('\n'));
        expect(detectFormat(loose), `${f.path} (${v.name})`).toBe(f.format);
      }
    }
    expect(checked).toBeGreaterThan(300);
  });

  it('detects formats by name and first line; explicit paths replace discovery', () => {
    expect(detectFormat(join(FIX, 'claude/projects/-home-dev-app/sa.jsonl'))).toBe('claude');
    expect(detectFormat(join(FIX, 'codex/sessions/2025/06/01/rollout-2025-06-01-aaaaaaaa-0000-0000-0000-000000000004.jsonl'))).toBe('codex');
    expect(detectFormat(join(FIX, 'gemini/tmp/proj1hash/chats/session-2026-03-02T09-00-g1.jsonl'))).toBe('gemini');
    expect(detectFormat(join(FIX, 'claude/projects/-home-dev-app/sa/subagents/agent-ag2.meta.json'))).toBeNull();
    const d = home();
    writeFileSync(join(d, 'renamed.jsonl'), '{"timestamp":"2026-01-01T00:00:00Z","type":"session_meta","payload":{"id":"x"}}\n');
    writeFileSync(join(d, 'notes.jsonl'), '{"hello":"world"}\n');
    expect(detectFormat(join(d, 'renamed.jsonl'))).toBe('codex');
    expect(detectFormat(join(d, 'notes.jsonl'))).toBeNull();
    const l = listTraceFiles({ paths: [join(d, 'renamed.jsonl'), join(d, 'notes.jsonl'), join(d, 'nope')] });
    expect(l.files.map((f) => f.format)).toEqual(['codex']);
    expect(l.problems).toEqual([
      `not a Claude Code, Codex or Gemini trace: ${join(d, 'notes.jsonl')}`, `path not found: ${join(d, 'nope')}`,
    ]);
    expect(listTraceFiles({ codexDirs: [join(d, 'gone')] }).problems).toEqual([`codex dir not found: ${join(d, 'gone')}`]);
  });

  it('finds agent roots inside a folder (like examples/), each file once', () => {
    const l = listTraceFiles({ paths: [FIX, join(FIX, 'claude')] });
    const by = (f: string) => l.files.filter((x) => x.format === f).length;
    expect([by('claude'), by('codex'), by('gemini')]).toEqual([4, 5, 2]);
    expect(l.files.some((f) => f.path.includes('archived_sessions/2026'))).toBe(false);
  });
});
