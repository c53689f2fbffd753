// The tool calls of each session by time: which tool a moment (an effect of the agent's own process,
// the spawn of a process) falls in. place.ts decides when time decides at all.
import type { Effect, ToolCall } from '../model.js';
import { CappedMap } from './capped.js';
import { partitionPoint } from '../util/collections.js';

export const UNBOUND_SESSION = 'unbound';
/** The agent frame of the unbound session: activity the recording saw that no agent session claims. */
export const UNBOUND_AGENT = 'agentsight';

/** Tolerance around a tool's [ts, end] for clock granularity and write delays, used only when no tool's window holds the moment. */
export const SLACK_MS = 500;

export interface ToolIndexOptions {
  /**
   * A tool with no end yet (end ≤ ts) is still running, so open. Live, where its result line is
   * still to come; offline such a tool never ended (interrupted) and is open only within the slack.
   */
  openEnded?: boolean;
  /** Tools kept per session (the latest started) and by id; default unbounded. Live runs set them. */
  perSession?: number;
  cap?: number;
}

const NONE: readonly ToolCall[] = Object.freeze([]);

/** Tool calls of each session sorted by start, for "which tool was open at t" queries. */
export class ToolIndex {
  readonly #bySession: Map<string, ToolCall[]>;
  readonly #byId: Map<string, ToolCall>;
  /** Lists that got a tool out of start order (sorted on their next query). */
  readonly #unsorted = new Set<ToolCall[]>();
  readonly #opts: ToolIndexOptions;

  constructor(tools: Iterable<ToolCall> = [], opts: ToolIndexOptions = {}) {
    this.#opts = opts;
    this.#bySession = opts.cap ? new CappedMap(opts.cap) : new Map();
    this.#byId = opts.cap ? new CappedMap(opts.cap) : new Map();
    for (const t of tools) this.add(t);
  }

  get(id: string): ToolCall | undefined {
    return this.#byId.get(id);
  }

  /**
   * Adds a tool call, or completes a known one (its result line brings the end, the status and the
   * output size: the stored tool is updated in place). Returns the stored tool and whether this
   * ended it; undefined for a result whose call was never seen (or was forgotten past the caps).
   */
  add(t: ToolCall): { tool: ToolCall; fresh: boolean; ended: boolean } | undefined {
    const known = this.#byId.get(t.id);
    if (known) {
      const ended = known.end <= known.ts && t.end > known.ts;
      known.end = Math.max(known.end, t.end);
      if (t.status !== 'unknown') known.status = t.status;
      if (t.outputChars !== undefined) known.outputChars = t.outputChars;
      return { tool: known, fresh: false, ended };
    }
    if (!t.name) return undefined;
    const tool = { ...t };
    this.#byId.set(t.id, tool);
    let list = this.#bySession.get(t.session);
    if (!list) this.#bySession.set(t.session, (list = []));
    if (list.length && list[list.length - 1].ts > t.ts) this.#unsorted.add(list);
    list.push(tool);
    const keep = this.#opts.perSession;
    if (keep && list.length > keep) {
      this.#sort(list);
      list.splice(0, list.length - keep);
    }
    return { tool, fresh: true, ended: false };
  }

  #sort(list: ToolCall[]): void {
    if (this.#unsorted.delete(list)) list.sort((a, b) => a.ts - b.ts);
  }

  /** Open tools at t (within slack), the most recently started first. */
  openAt(session: string, t: number, slack: number): readonly ToolCall[] {
    const list = this.#bySession.get(session);
    if (!list) return NONE;
    this.#sort(list);
    // Past the last tool starting at or before t + slack.
    const started = partitionPoint(list, (x) => x.ts <= t + slack);
    const out: ToolCall[] = [];
    const openEnded = this.#opts.openEnded;
    // Tools run for minutes at most in practice; scan back a bounded number of candidates.
    for (let i = started - 1; i >= 0 && i >= started - 64; i--) {
      const x = list[i];
      if ((openEnded && x.end <= x.ts) || Math.max(x.end, x.ts) + slack >= t) out.push(x);
    }
    return out;
  }

  /**
   * The tool of a session that something at time t on `target` belongs to: among the tools whose
   * window holds t (a tool still running, live, from its start on), the one naming the target, else
   * the one running then (see running: a subagent's tool inside its Task); only when no window holds t,
   * the slack decides — the tool naming the target, else the nearest in time. `named`: only a tool
   * whose input names the target qualifies (the agent's own process works for its tools only on what
   * they name; its other files are its own bookkeeping, whatever tool is open).
   */
  toolAt(session: string, t: number, target: string, slack = SLACK_MS, named = false): ToolCall | undefined {
    const open = this.openAt(session, t, slack);
    if (!open.length) return undefined;
    const openEnded = this.#opts.openEnded;
    const holding = open.filter((x) => x.ts <= t && (t <= x.end || (openEnded && x.end <= x.ts)));
    const inside = naming(running(holding), target);
    if (inside || (holding.length && !named)) return inside ?? running(holding)[0];
    // Within the slack the nearest in time (an agent may touch a file a few ms before its tool's line
    // is written: Claude Code runs a tool as soon as its block has streamed).
    const byGap = [...open].sort((a, b) => gap(a, t) - gap(b, t));
    const near = naming(byGap, target);
    return near || named ? near : byGap[0];
  }

  /**
   * The tool a process the agent started at t belongs to: a tool whose window holds t (else within
   * the slack), the one running then first; a command tool (Bash, exec_command) only when the process runs its
   * command — the agent also starts helpers of its own while a command tool is open (Claude Code's
   * shell snapshot, `which`), and those are no tool's. `argv` unknown (no exec seen): the one running.
   */
  spawnAt(session: string, t: number, argv: string[] | undefined, slack = SLACK_MS): ToolCall | undefined {
    const open = this.openAt(session, t, slack);
    const openEnded = this.#opts.openEnded;
    const holding = open.filter((x) => x.ts <= t && (t <= x.end || (openEnded && x.end <= x.ts)));
    const pool = holding.length ? running(holding) : [...open].sort((a, b) => gap(a, t) - gap(b, t));
    if (!argv?.length) return pool[0];
    const have = new Set(words(argv.join(' ')));
    // Within the slack only a command tool running this very command qualifies (a Read just before
    // a Bash's line arrived is no process's tool).
    return pool.find((x) => {
      const commands = x.hints.filter((h) => h.kind === 'exec');
      return commands.length ? commands.some((h) => words(h.target).slice(0, 8).every((w) => have.has(w))) : holding.length > 0;
    });
  }

  /** toolAt for an effect: its time and its target. */
  toolFor(session: string, e: Effect, slack = SLACK_MS): ToolCall | undefined {
    return this.toolAt(session, e.ts, e.target, slack);
  }
}

/** How far t is outside a tool's window (ms). */
const gap = (x: ToolCall, t: number): number => (t < x.ts ? x.ts - t : t - Math.max(x.end, x.ts));

/**
 * Tools whose windows hold a moment, the one running then first: the first to finish (an agent runs
 * the tools of one response one after another unless they only read, and a subagent's tool finishes
 * before its Task), a tool whose result is still to come (live) after those that have one, the
 * earlier started first among equals.
 */
function running(holding: ToolCall[]): ToolCall[] {
  const end = (x: ToolCall) => (x.end > x.ts ? x.end : Infinity);
  return holding.length < 2 ? holding : [...holding].sort((a, b) => end(a) - end(b) || a.ts - b.ts);
}

/** The words of a command line, quoting aside (a shell's argv quotes the command its own way). */
const words = (s: string): string[] => s.match(/[\w./-]{2,}/g) ?? [];

/** Whether a hint's path names a target: the path itself, a file under it, or a sibling made from it (an editor's `file.tmp.N`). */
export function names(hint: string, target: string): boolean {
  if (!hint || !target) return false;
  const rel = hint.startsWith('/') ? hint : `/${hint.replace(/^\.\//, '')}`;
  const at = hint.startsWith('/') ? (target.startsWith(rel) ? 0 : -1) : target.lastIndexOf(rel);
  if (at < 0) return false;
  const rest = target.slice(at + rel.length);
  return rest === '' || rest[0] === '/' || rest[0] === '.' || rel.endsWith('/');
}

/** The first of `tools` whose input names the target. */
function naming(tools: readonly ToolCall[], target: string): ToolCall | undefined {
  if (!tools.length || !target) return undefined;
  return tools.find((t) => t.hints.some((h) => h.kind !== 'exec' && h.kind !== 'connect' && names(h.target, target)));
}
