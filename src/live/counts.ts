// Live's sessions, prompts and calls, counted by the one definition every offline command uses
// (model.ts countBatch): the status a live profile carries equals the offline status of the same traces.
// Batches arrive incrementally and may hand an item out again (a re-read, a call re-placed), so every
// count is a set of ids, never a running sum.
import { COUNTS_DEFINITION, isMainPrompt, type EventBatch } from '../model.js';
import { tagStatsOf } from '../profile/status.js';
import { UNMATCHED } from '../tag/types.js';

export class LiveCounts {
  readonly #sessions = new Map<string, boolean>();
  /** Main-thread prompt id → its tag (set once the tagger answered). */
  readonly #prompts = new Map<string, string>();
  readonly #calls = new Set<string>();
  readonly #tools = new Set<string>();

  /** `tagOf` gives a prompt's tag once the pipeline has it. Calls seen only in TLS are not trace calls: not counted. */
  observe(b: Partial<EventBatch>, tagOf: (promptId: string) => string | undefined): void {
    for (const s of b.sessions ?? []) this.#sessions.set(`${s.agent}\u0000${s.id}`, Boolean(s.parent));
    for (const p of b.prompts ?? []) if (isMainPrompt(p)) this.#prompts.set(p.id, tagOf(p.id) ?? (p.kind === 'continue' ? 'continue' : UNMATCHED));
    for (const c of b.calls ?? []) if (c.source !== 'traffic') this.#calls.add(c.id);
    for (const t of b.tools ?? []) this.#tools.add(t.id);
  }

  status() {
    let subagents = 0;
    for (const sub of this.#sessions.values()) if (sub) subagents++;
    return {
      sessions: this.#sessions.size - subagents, subagent_sessions: subagents, ...tagStatsOf(this.#prompts.values()),
      calls: this.#calls.size, tool_calls: this.#tools.size, counted: COUNTS_DEFINITION,
    };
  }
}
