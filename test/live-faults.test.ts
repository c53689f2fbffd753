// Faults of a real `agentpprof live` process: the collector killed with SIGKILL mid-run is restarted,
// the gap is shown and the aggregates are kept; SIGINT writes the profile so far to disk; replaying
// the recording gives the same profile.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { claudeLines } from './live-fixtures.js';
import { cli, killAll, until, watch } from './live-helpers.js';

afterAll(killAll);

describe('live faults', () => {
  it('kill -9 of the collector: restarted, gap shown, aggregates kept; SIGINT flushes; the recording replays', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'live-faults-'));
    const proj = join(dir, 'traces', 'projects', '-w-app');
    mkdirSync(proj, { recursive: true });
    writeFileSync(join(proj, 's1.jsonl'), claudeLines('s1', '/w/app', [{ prompt: 'debug the crash', msgId: 'msg_f1', input: 700, output: 90 }], Date.now() - 1000).join('\n') + '\n');
    const pidFile = join(dir, 'collector.pid');
    const out = join(dir, 'out'), rec = join(dir, 'rec.jsonl');
    const live = cli(['live', '--port', '0', '--token', 'tok', '--log-json', '--traces', join(dir, 'traces'), '--out', out, '--record', rec,
      '--collector-cmd', `${process.execPath} test/fixtures/live/emit-collector.mjs ${pidFile} /w/app`]);
    const url = await live.url;
    if (process.getuid?.() === 0) {
      // As root the server runs in a child without root (SUDO_UID, else nobody).
      const uids = execFileSync('ps', ['-o', 'uid=', '--ppid', String(live.proc.pid)], { encoding: 'utf8' }).split('\n').map((l) => l.trim());
      expect(uids).toContain(String(Number(process.env.SUDO_UID) || 65534));
    }
    const w = watch(url);
    await until(() => w.state.last?.status.collector === 'running' && w.total() > 20);
    const before = w.total();
    const pid1 = Number(readFileSync(pidFile, 'utf8'));
    process.kill(pid1, 'SIGKILL');
    await until(() => w.state.last!.status.gaps.length >= 1 && w.state.last!.status.restarts >= 1);
    await until(() => w.state.last!.status.collector === 'running' && w.state.last!.status.gaps[0].end !== undefined);
    const pid2 = Number(readFileSync(pidFile, 'utf8'));
    expect(pid2).not.toBe(pid1);
    const gap = w.state.last!.status.gaps[0];
    expect(gap.reason).toMatch(/SIGKILL|exit 137/);
    expect(gap.end! - gap.start).toBeGreaterThanOrEqual(0);
    await until(() => w.total() > before + 20); // kept what it had, and grows again
    expect([...w.state.stacks.values()]).toContain('prompt:unattributed;process:cat;file:external/path;effect:read');
    expect(w.state.last!.status.drops).toBeGreaterThan(0);
    w.ws.close();

    live.proc.kill('SIGINT');
    expect(await live.exit).toBe(0);
    const tokens = readFileSync(join(out, 'tokens.folded'), 'utf8');
    expect(tokens).toMatch(/^agent:claude;prompt:debug;call:llm\/text;model:claude-sonnet-4-5-20250929;token:input 700$/m);
    expect(readFileSync(join(out, 'files.folded'), 'utf8')).toContain('process:cat;');
    expect(readFileSync(join(out, 'live.pb.gz')).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    const recorded = readFileSync(rec, 'utf8');
    expect(recorded).not.toContain('debug the crash'); // prompts are recorded as tags only
    expect(recorded).toContain('"gap"');

    // Replay the recording as fast as possible: the same tokens profile.
    const replay = cli(['replay', rec, '--speed', '0', '--once', '--port', '0', '--out', join(dir, 'replayed'), '--log-json']);
    expect(await replay.exit).toBe(0);
    expect(readFileSync(join(dir, 'replayed', 'tokens.folded'), 'utf8')).toBe(tokens);
  });
});
