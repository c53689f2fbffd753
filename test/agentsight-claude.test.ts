// End to end with real parts: our collector (as root, BPF) records the real Claude Code CLI (node
// build) in `--json` mode — AgentSight's JSON lines — while it fixes a bug against the scripted model
// server over HTTPS; the recording merged with that run's session file puts the Bash tool's kernel
// file effects under the Bash tool call, its LLM call and the run's prompt tag.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeFailure, type AgentRun } from '../scripts/agents/agent-run.js';
import { runClaude } from '../scripts/agents/run-claude.js';
import { buildProfile } from '../src/profile/index.js';
import { tagPrompts } from '../src/profile/tagging.js';
import { loadHistory } from '../src/sources/index.js';
import { recordingForm } from '../src/sources/agentsight.js';
import { loadRecordings, type RecordingsResult } from '../src/join/recordings.js';
import { defaultRules, RegexTagger } from '../src/tag/index.js';
import { cannotTrace, recordJson, sleep } from './collector-harness.js';

const skip = cannotTrace();
if (skip) console.warn(`AgentSight recording of a real Claude Code run skipped: ${skip}`);

describe.skipIf(skip)('a recording of a real Claude Code run, merged with its session file', () => {
  let run: AgentRun;
  let rec: string;
  let res: RecordingsResult;

  beforeAll(async () => {
    rec = join(process.env.TMPDIR ?? '/tmp', `agentpprof-rec-${process.pid}.jsonl`);
    const collector = await recordJson(rec, ['--comm', 'claude']);
    try {
      run = await runClaude();
      if (run.exitCode !== 0 || run.timedOut) throw new Error(describeFailure(run));
      await sleep(300);
    } finally {
      expect(await collector.stop()).toBe(0);
    }
    const traces = await loadHistory({ paths: run.traceFiles, threads: 0 });
    res = await loadRecordings([`devbox=${rec}`], { traces });
  }, 240_000);

  afterAll(() => {
    rmSync(rec, { force: true });
    if (run) rmSync(run.root, { recursive: true, force: true });
  });

  it('reads the collector\'s --json output as an AgentSight recording', () => {
    expect(recordingForm(rec)).toBe('events');
    const r = res.status.recordings[0];
    expect(r.form).toBe('events');
    // Same machine, same clock: the calls both sides saw agree.
    expect(r).toMatchObject({ offset_ms: 0, offset_evidence: 'api-calls' });
    // Other Claude Code processes on this machine (other tests) are recorded too: they stay unbound.
    expect(res.status.calls_in_traces).toBe(run.sent.replies.filter((x) => x.api === 'anthropic' && x.kind === 'main').length);
    // Every call of this run is one the session file holds: nothing counts twice.
    expect(res.calls.filter((c) => c.source === 'traffic' && c.pid === run.pid)).toEqual([]);
    expect(res.calls.filter((c) => c.source === 'traffic').every((c) => c.session === 'unbound')).toBe(true);
  });

  it('binds the claude process to the session by its trace-file write', () => {
    const b = res.bindings.find((x) => x.pid === run.pid);
    expect(b).toMatchObject({ reason: 'trace-file-write', confidence: 0.95, host: 'devbox' });
  });

  it('attributes the Bash tool\'s file effects to the Bash call and the run\'s prompt tag', async () => {
    const bash = res.tools.filter((t) => t.name === 'Bash');
    const first = bash[0]; // `cat README.md; echo hi > out.txt`
    const mine = res.effects.filter((e) => e.evidence === 'kernel' && e.toolCall === first.id);
    const rel = (p: string) => p.replace(run.repoDir + '/', '');
    expect(mine.some((e) => e.kind === 'read' && rel(e.target) === 'README.md')).toBe(true);
    expect(mine.some((e) => e.kind === 'write' && rel(e.target) === 'out.txt')).toBe(true);
    const call = res.calls.find((c) => c.id === first.llmCall)!;
    const prompt = res.prompts.find((p) => p.id === call.prompt)!;
    expect(prompt.text).toBe(run.prompt);
    const { tags } = await tagPrompts(res, new RegexTagger(defaultRules()));
    const tag = tags.get(prompt.id)!;
    const files = buildProfile(res, tags, { view: 'files', privacy: { userNames: [] } });
    const stacks = files.samples.map((s) => s.stack.join(';'));
    expect(stacks.some((s) => s.includes(`prompt:${tag}`) && s.includes('tool:Bash') && s.includes('file:out.txt') && s.includes('effect:write'))).toBe(true);
  });
});
