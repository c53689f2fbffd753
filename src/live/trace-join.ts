// What mergeResults (sources/merge.ts) does once over a whole scan, done as the files' deltas arrive:
// a streamed response copied into several files counted as one call (pickCopy), tool results joined
// to their tools (the first result of an id wins; a later version of the same result replaces it),
// sidechain calls given the prompt of the call that spawned their subagent, and a subagent's last
// call completed from the parent's result (repairPartialSubagents). Each step touches only what
// arrived and what was waiting for it, so a batch costs what it holds, not what the files hold.
import type { EventBatch, LlmCall, Prompt, ToolCall } from '../model.js';
import { pickCopy, type FileResult, type ToolResult } from '../sources/merge.js';
import { repairPartialSubagents, spawnerOf, type Spawn, type SubagentFinal } from '../sources/claude-subagent.js';

export type Delta = FileResult & { whole?: boolean };

export class TraceJoin {
  /** Streamed-response key → the copy counted. */
  readonly #byKey = new Map<string, LlmCall>();
  /** Main-thread call id → its last copy (a spawning tool names its call by id). */
  readonly #mainCalls = new Map<string, LlmCall>();
  readonly #tools = new Map<string, { t: ToolCall; file: string }>();
  readonly #results = new Map<string, { r: ToolResult; file: string }>();
  readonly #prompts = new Set<string>();
  readonly #agentToTool = new Map<string, string>();
  readonly #finals = new Map<string, SubagentFinal>();
  readonly #spawnOf = new Map<LlmCall, Spawn>();
  /** A subagent run's calls, by `t:` spawning tool id and by `a:` agent id (the calls' Spawn names either). */
  readonly #runs = new Map<string, Set<LlmCall>>();
  /** Spawning tool id → the agent ids its results linked to it. */
  readonly #agentsOf = new Map<string, string[]>();
  /** Sidechain calls waiting for what links them to their parent's prompt: keyed by what they wait for. */
  readonly #waiting = new Map<string, Set<LlmCall>>();

  /** One batch with the deltas' new and changed items. */
  add(deltas: Delta[]): EventBatch {
    const b: EventBatch = { sessions: [], prompts: [], calls: [], tools: [], effects: [], processes: [], skipped: [], skippedCount: 0 };
    const calls = new Set<LlmCall>();
    const tools = new Set<ToolCall>();
    // What arrived that parked sidechain calls may wait for (looked up only if any wait).
    const wake: { c: string[]; t: string[]; a: string[] } = { c: [], t: [], a: [] };
    const runs = new Set<string>();
    for (const d of deltas) {
      b.sessions.push(...d.sessions);
      for (const p of d.prompts) this.#prompt(p, b.prompts);
      d.calls.forEach((c, i) => {
        const counted = this.#call(c, d.keys[i], d.spawn[i]);
        calls.add(counted);
        if (!counted.sidechain) { this.#mainCalls.set(counted.id, counted); wake.c.push(counted.id); }
        const sp = this.#spawnOf.get(counted);
        if (sp) { this.#wait(counted, sp); const run = spawnerOf(sp, this.#agentToTool); if (run) runs.add(run); }
      });
      for (const t of d.tools) {
        const prev = this.#tools.get(t.id);
        // The first file to name a tool owns it; the same file may hand out a later version of it.
        if (prev && prev.file !== d.file) continue;
        this.#tools.set(t.id, { t, file: d.file });
        const res = this.#results.get(t.id);
        if (res) ended(t, res.r);
        tools.add(t);
        wake.t.push(t.id);
      }
      for (const r of d.results) {
        const prev = this.#results.get(r.id);
        if (prev && prev.r !== r && !(d.whole && prev.file === d.file)) continue;
        this.#results.set(r.id, { r, file: d.file });
        const t = this.#tools.get(r.id)?.t;
        if (t) { ended(t, r); tools.add(t); }
      }
      for (const [agent, tool] of d.agentLinks) {
        if (this.#agentToTool.has(agent)) continue;
        this.#agentToTool.set(agent, tool);
        const as = this.#agentsOf.get(tool);
        if (as) as.push(agent); else this.#agentsOf.set(tool, [agent]);
        wake.a.push(agent);
      }
      for (const f of d.subagentFinals) if (!this.#finals.has(f.toolUseId)) { this.#finals.set(f.toolUseId, f); runs.add(f.toolUseId); }
      b.skippedCount += d.skippedCount;
      b.skipped.push(...d.skipped);
    }
    const keys = this.#waiting.size ? [...wake.c.map((x) => `c:${x}`), ...wake.t.map((x) => `t:${x}`), ...wake.a.map((x) => `a:${x}`)] : [];
    for (const k of keys) {
      const ws = this.#waiting.get(k);
      if (!ws) continue;
      this.#waiting.delete(k);
      for (const c of ws) {
        const sp = this.#spawnOf.get(c);
        if (sp && this.#wait(c, sp)) calls.add(c);
      }
    }
    for (const c of this.#repair(runs)) calls.add(c);
    b.calls = [...calls];
    b.tools = [...tools];
    return b;
  }

  #prompt(p: Prompt, out: Prompt[]): void {
    // Resumed sessions copy earlier user lines (same uuid) into the new file.
    const k = p.session + '\u0000' + p.id;
    if (this.#prompts.has(k)) return;
    this.#prompts.add(k);
    out.push(p);
  }

  /** The copy counted for this call (another file's earlier copy, merged with this one). */
  #call(c: LlmCall, key: string, spawn: Spawn | null): LlmCall {
    const prev = key ? this.#byKey.get(key) : undefined;
    const counted = prev && prev !== c ? pickCopy(prev, c) : c;
    if (key) this.#byKey.set(key, counted);
    if (prev && counted !== prev) this.#spawnOf.delete(prev);
    if (counted === c) {
      if (spawn && c.sidechain) {
        this.#spawnOf.set(c, spawn);
        for (const k of [spawn.toolUseId && `t:${spawn.toolUseId}`, spawn.agentId && `a:${spawn.agentId}`]) {
          if (!k) continue;
          let s = this.#runs.get(k);
          if (!s) this.#runs.set(k, (s = new Set()));
          s.add(c);
        }
      } else this.#spawnOf.delete(c);
    }
    return counted;
  }

  /**
   * A sidechain call takes its parent's prompt once the chain spawn → tool → parent call is known;
   * until then it waits on the missing link. True when the prompt was set.
   */
  #wait(c: LlmCall, sp: Spawn): boolean {
    const toolId = spawnerOf(sp, this.#agentToTool);
    if (!toolId) return this.#park(`a:${sp.agentId}`, c);
    const tool = this.#tools.get(toolId)?.t;
    if (!tool) return this.#park(`t:${toolId}`, c);
    const parent = this.#mainCalls.get(tool.llmCall);
    if (!parent?.prompt) return this.#park(`c:${tool.llmCall}`, c);
    c.prompt = parent.prompt;
    return true;
  }

  #park(k: string, c: LlmCall): false {
    let s = this.#waiting.get(k);
    if (!s) this.#waiting.set(k, (s = new Set()));
    s.add(c);
    return false;
  }

  /** Subagent runs whose final usage or calls arrived: their last call completed; the calls it changed. */
  #repair(runs: Set<string>): LlmCall[] {
    const spawnOf = new Map<LlmCall, Spawn>();
    for (const run of runs) {
      if (!this.#finals.has(run)) continue;
      // A run's calls are known by the spawning tool's id, or by the agent id its result links to it.
      for (const k of [`t:${run}`, ...(this.#agentsOf.get(run) ?? []).map((a) => `a:${a}`)]) {
        for (const c of this.#runs.get(k) ?? []) {
          const sp = this.#spawnOf.get(c);
          if (sp && spawnerOf(sp, this.#agentToTool) === run) spawnOf.set(c, sp);
        }
      }
    }
    if (!spawnOf.size) return [];
    const before = new Map([...spawnOf.keys()].map((c) => [c, c.usage]));
    repairPartialSubagents(spawnOf, this.#agentToTool, this.#finals);
    return [...before].filter(([c, u]) => c.usage !== u).map(([c]) => c);
  }
}

function ended(t: ToolCall, r: ToolResult): void {
  t.end = Math.max(t.ts, r.ts);
  t.status = r.status;
  t.outputChars = r.outputChars;
}
