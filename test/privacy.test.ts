// Privacy by default: secrets and the user name planted in prompts, paths, commands, hosts, session ids
// and project names must appear in no output format — folded, text, the JSON status block, and every
// renderer behind the dispatcher (svg, html, pprof, json) — through the library and through the CLI.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { emptyBatch, emptyUsage, type EventBatch } from '../src/model.js';
import { buildProfile, FRAME_KINDS, VIEW_NAMES, fileBucket, hostBucket, Privacy, type Profile } from '../src/profile/index.js';
import { renderFolded } from '../src/render/folded.js';
import { OUTPUT_FORMATS, renderProfiles } from '../src/render/index.js';
import { renderText } from '../src/render/text.js';

const USER = 'mortimer';
const SECRETS = [
  'sk-ant-api03-AbCdEf1234567890XYZabc', 'ghp_ABCDEFGHIJKLMNOPQRSTUVWX1234', 'AKIAABCDEFGHIJKLMNOP', 'hunter2hunter2',
  'SECRETTOKEN123', 'SuperSecretPw9', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N',
];
const PROMPT_WORDS = 'purple elephant migration plan';
const FORBIDDEN = [USER, ...SECRETS, PROMPT_WORDS, 'mortimer-laptop', '192.168.1.20', 'private-repo'];

const T0 = Date.parse('2026-04-01T08:00:00Z');
const CWD = `/home/${USER}/src/${USER}-dotfiles`;

function plantedBatch(): EventBatch {
  const b = emptyBatch();
  b.sessions.push({ id: `${USER}-session-1`, agent: 'claude', cwd: CWD, project: `${USER}-dotfiles`, start: T0, end: T0 + 60_000, file: `/home/${USER}/.claude/projects/x/${USER}.jsonl` });
  b.prompts.push({ id: 'p1', session: `${USER}-session-1`, ts: T0, kind: 'human',
    text: `${PROMPT_WORDS}: fix it, my key is ${SECRETS[0]} and my password=${SECRETS[3]}, I am ${USER}` });
  b.calls.push({ id: 'c1', session: `${USER}-session-1`, prompt: 'p1', ts: T0 + 1000, end: T0 + 2000, model: `${USER}-finetune-${SECRETS[1]}`,
    usage: { ...emptyUsage(), input: 10, output: 20 }, shape: { toolUses: 3, textChars: 0, thinkingChars: 0, codeBlocks: 0, tools: ['Bash', 'Read', `mcp__${USER}_notes__read`] } });
  b.calls.push({ id: 'c2', session: `${USER}-session-1`, prompt: 'p1', ts: T0 + 3000, end: T0 + 4000, model: 'claude-sonnet-4-5',
    usage: { ...emptyUsage(), input: 5, cacheRead: 100 }, shape: { toolUses: 0, textChars: 10, thinkingChars: 0, codeBlocks: 0, tools: [] } });
  const cmd = `curl -H "Authorization: Bearer ${SECRETS[1]}" "https://${USER}.internal/api?token=${SECRETS[4]}" && mysql -p${SECRETS[5]} -e 'select 1' > /home/${USER}/out-${SECRETS[2]}.txt`;
  b.tools.push(
    { id: 't1', session: `${USER}-session-1`, llmCall: 'c1', name: 'Bash', ts: T0 + 2000, end: T0 + 2500, status: 'ok', summary: cmd, hints: [
      { kind: 'exec', target: cmd }, { kind: 'connect', target: `https://${USER}.internal/api?token=${SECRETS[4]}` },
      { kind: 'write', target: `/home/${USER}/out-${SECRETS[2]}.txt` },
      { kind: 'exec', target: `/home/${USER}/bin/${USER}-deploy --token ${SECRETS[6]}` },
      { kind: 'connect', target: 'https://mortimer-laptop.tail1234.ts.net:8443/x' }, { kind: 'connect', target: 'http://192.168.1.20:3000/' },
      { kind: 'connect', target: `git@github.com:${USER}/private-repo.git` }, { kind: 'connect', target: `https://${USER}corp.com/` },
    ] },
    { id: 't2', session: `${USER}-session-1`, llmCall: 'c1', name: 'Read', ts: T0 + 2000, end: T0 + 2100, status: 'ok', hints: [
      { kind: 'read', target: `/home/${USER}/.ssh/id_rsa` }, { kind: 'read', target: `/Users/${USER}/notes.txt` },
      { kind: 'read', target: `${CWD}/src/config-${SECRETS[0]}.ts` }, { kind: 'read', target: `${CWD}/${USER}-notes/todo.md` },
      { kind: 'read', target: `/home/${USER}/.claude/settings.json` }, { kind: 'delete', target: `/tmp/${USER}-scratch` },
    ] },
    { id: 't3', session: `${USER}-session-1`, llmCall: 'c1', name: `mcp__${USER}_notes__read`, ts: T0 + 2000, end: T0 + 2200, status: 'ok', hints: [] },
  );
  return b;
}

const tags = new Map([['p1', 'debug']]);

function allProfiles(b: EventBatch, userNames: string[] = []): Profile[] {
  const out: Profile[] = [];
  for (const view of VIEW_NAMES) {
    out.push(buildProfile(b, tags, { view, privacy: { userNames } }));
    out.push(buildProfile(b, tags, { view, stack: [...FRAME_KINDS], privacy: { userNames } }));
  }
  return out;
}

function assertClean(where: string, text: string): void {
  const low = text.toLowerCase();
  for (const f of FORBIDDEN) expect(low.includes(f.toLowerCase()), `${where} contains "${f}"`).toBe(false);
}

/** Text of an output: pprof is gzipped protobuf whose strings are stored as UTF-8 bytes. */
const textOf = (body: Buffer | string): string =>
  typeof body === 'string' ? body : (body[0] === 0x1f && body[1] === 0x8b ? gunzipSync(body) : body).toString('latin1');

describe('privacy: nothing planted leaks into any output format', () => {
  it('library: folded, text, status JSON and every renderer format', () => {
    const profiles = allProfiles(plantedBatch());
    for (const p of profiles) {
      assertClean(`folded ${p.view}`, renderFolded(p));
      assertClean(`text ${p.view}`, renderText(p));
      assertClean(`status ${p.view}`, JSON.stringify(p.status));
      assertClean(`labels ${p.view}`, JSON.stringify(p.samples.map((s) => s.labels)));
    }
    for (const format of OUTPUT_FORMATS) assertClean(`render ${format}`, textOf(renderProfiles(profiles, format)));
    // The frames still say what happened.
    const files = renderFolded(buildProfile(plantedBatch(), tags, { view: 'files' }));
    expect(files).toContain('file:external/home;effect:read');
    expect(files).toContain('file:external/claude;effect:read');
    expect(files).toContain('file:external/tmp;effect:delete');
    expect(files).toContain('file:USER-notes/todo.md;effect:read');
    expect(files).toContain('file:src/config-<secret>.ts;effect:read');
    const net = renderFolded(buildProfile(plantedBatch(), tags, { view: 'network', stack: ['domain'] }));
    expect(net.trim().split('\n')).toEqual(['domain:github.com 1', 'domain:private.host 3', 'domain:private.network 1']);
  });

  it('--include-prompts is the only way prompt text gets in', () => {
    const p = buildProfile(plantedBatch(), tags, { view: 'tokens', includePrompts: true });
    const f = renderFolded(p);
    expect(f).toContain('text:purple elephant migration plan');
    expect(f).toContain('<secret>');
    for (const x of [SECRETS[0], USER]) expect(f).not.toContain(x);
  });

  it('buckets and host rules', () => {
    expect(fileBucket('~/x', '/w')).toBe('external/home');
    expect(fileBucket('/root/.codex/sessions/a.jsonl', '/w')).toBe('external/codex');
    expect(fileBucket('/usr/lib/x.so', '/w')).toBe('external/path');
    expect(fileBucket('../../etc/passwd', '/w/p')).toBe('external/path');
    expect(fileBucket('./src/../lib/a.ts', '/w/p')).toBe('lib/a.ts');
    expect(hostBucket('api.anthropic.com')).toBe('anthropic.com');
    expect(hostBucket('foo.bbc.co.uk')).toBe('bbc.co.uk');
    expect(hostBucket('127.0.0.1')).toBe('localhost');
    expect(hostBucket('172.20.1.1')).toBe('private.network');
    expect(hostBucket('fd00::1')).toBe('private.network');
    expect(hostBucket('build.corp')).toBe('private.host');
    expect(hostBucket('nas')).toBe('private.host');
    expect(new Privacy({ userNames: ['root'] }).scrub('src/rootfs.ts')).toBe('src/rootfs.ts');
  });

  it('CLI on a real-format Claude Code history: every -o format, stdout and stderr', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ap-privacy-'));
    const proj = join(dir, 'claude', 'projects', `-home-${USER}-src-${USER}-dotfiles`);
    mkdirSync(proj, { recursive: true });
    const sid = '7d3c2f8e-1b2a-4c5d-9e8f-0a1b2c3d4e5f';
    const env = (o: Record<string, unknown>) => JSON.stringify({ parentUuid: null, isSidechain: false, userType: 'external', cwd: CWD, sessionId: sid, version: '2.1.81', ...o });
    const cmd = `curl -s "https://${USER}.internal/x?token=${SECRETS[4]}" -H "x-api-key: ${SECRETS[0]}" > /home/${USER}/dump.txt`;
    const lines = [
      env({ type: 'user', uuid: 'u1', timestamp: '2026-04-01T08:00:00.000Z', message: { role: 'user', content: `${PROMPT_WORDS} — ${USER} here, fix the failing upload, key ${SECRETS[1]}` } }),
      env({ type: 'assistant', uuid: 'a1', parentUuid: 'u1', timestamp: '2026-04-01T08:00:03.000Z', requestId: 'req_1', message: { id: 'msg_1', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5-20250929',
        content: [{ type: 'tool_use', id: 'toolu_1', name: 'Bash', input: { command: cmd } }, { type: 'tool_use', id: 'toolu_2', name: 'Read', input: { file_path: `/home/${USER}/.aws/credentials` } }],
        stop_reason: 'tool_use', usage: { input_tokens: 10, output_tokens: 30, cache_read_input_tokens: 1000, cache_creation_input_tokens: 50 } } }),
      env({ type: 'user', uuid: 'u2', parentUuid: 'a1', timestamp: '2026-04-01T08:00:05.000Z', message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: `${SECRETS[3]} output` }] } }),
      env({ type: 'user', uuid: 'u3', parentUuid: 'u2', timestamp: '2026-04-01T08:00:05.500Z', message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_2', content: `aws_secret=${SECRETS[2]}` }] } }),
      env({ type: 'assistant', uuid: 'a2', parentUuid: 'u3', timestamp: '2026-04-01T08:00:09.000Z', requestId: 'req_2', message: { id: 'msg_2', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5-20250929',
        content: [{ type: 'text', text: `Done, ${USER}. Token ${SECRETS[4]}` }], stop_reason: 'end_turn', usage: { input_tokens: 5, output_tokens: 12, cache_read_input_tokens: 1100, cache_creation_input_tokens: 0 } } }),
    ];
    writeFileSync(join(proj, `${sid}.jsonl`), lines.join('\n') + '\n');
    const out = join(dir, 'out');
    const outputs = ['p.svg', 'p.html', 'p.pb.gz', 'p.json', 'p.folded', 'p.txt'].flatMap((f) => ['-o', join(out, f)]);
    // stdout is returned; stderr (status block, warnings) is checked on every run.
    const run = (args: string[]) => {
      const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
        encoding: 'utf8', cwd: process.cwd(), env: { ...process.env, HOME: dir, CLAUDE_CONFIG_DIR: join(dir, 'claude') },
      });
      expect(r.status, r.stderr).toBe(0);
      assertClean(`stderr of ${args.slice(0, 4).join(' ')}`, r.stderr);
      return r.stdout;
    };
    const views = VIEW_NAMES.join(',');
    const stdout = run(['--view', views, ...outputs, '--json', join(dir, 'claude')]);
    assertClean('--json stdout', stdout);
    expect(JSON.parse(stdout).prompts).toBe(1);
    for (const f of readdirSync(out)) assertClean(`-o ${f}`, textOf(readFileSync(join(out, f))));
    // Folded files hold one view each (p.tokens.folded, p.files.folded, …).
    expect(readFileSync(join(out, 'p.tokens.folded'), 'utf8')).toContain('prompt:debug');
    for (const format of ['folded', 'text', 'json-status', 'svg', 'html', 'json']) {
      assertClean(`--format ${format}`, run(['--view', views, '--stack', FRAME_KINDS.join(','), '--format', format, join(dir, 'claude')]));
    }
    assertClean('tags --json', run(['tags', '--json', join(dir, 'claude')]));
    assertClean('profile, status on stderr', run(['--view', 'files', '-f', 'folded', join(dir, 'claude')]));
  }, 120_000);
});
