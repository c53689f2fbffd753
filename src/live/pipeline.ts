// Live pipeline: normalized events in (from tailed trace files, the collector, a replay), samples out
// into the hub. It keeps just enough join state to attribute each event — prompt tags, calls already
// counted (deduplicated by message id, so a call seen in a trace file and in TLS counts once), open
// tools, the pid tree and its session bindings — each map capped so memory stays bounded.

import type { Effect, EventBatch, LlmCall, Process, Prompt, Session, ToolCall, Usage } from '../model.js';
import type { Tagger } from '../tag/types.js';
import { CappedMap, Ring } from './capped.js';
import { callFrame, domainLabel, fileLabel, processLabel } from './frames.js';
import { programOf } from '../profile/frames.js';
import type { LiveHub } from './hub.js';
import { Pricer } from '../cost/pricing.js';

export const UNATTRIBUTED = 'unattributed';
/** Session id prefix of calls seen in TLS from a pid not (yet) bound to a trace session. */
export const TLS_SESSION = 'pid:';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/** Keys a written path may bind a pid by: the path itself (a trace file) and any session UUID in it. */
function sessionKeys(path: string): string[] {
  const keys = /\.jsonl?$/.test(path) ? [path] : [];
  if (path.includes('-')) for (const m of path.matchAll(UUID)) keys.push(m[0]);
  return keys;
}
const CAP = 100_000;
/** How long an effect's attribution may still change (trace lines lag kernel events by up to this). */
const TENTATIVE_MS = 30_000;
const TOKEN_KINDS = [['input', 'input'], ['output', 'output'], ['cache_read', 'cacheRead'], ['cache_write', 'cacheWrite']] as const;

interface CallState {
  session: string;
  /** Seen only in TLS so far (session and prompt guessed from the pid). */
  fromTls: boolean;
  /** Stack prefix the call's weights were counted under (it changes when later lines reveal tool use). */
  prefix: string[];
  model: string;
  counted: { input: number; output: number; cacheRead: number; cacheWrite: number; cost: Record<string, number>; ms: number };
}

interface ToolState { tool: ToolCall; prefix: string[]; countedMs: number }

export interface PipelineOptions {
  tagger: Tagger;
  includePrompts?: boolean;
  /** Kernel evidence is present: tool-input hints are then not counted as effects. */
  kernel?: () => boolean;
  /** Pids whose effects are ours (the supervisor and its collector), never the agent's. */
  ignorePids?: Set<number>;
}

export class LivePipeline {
  readonly #sessions = new CappedMap<string, Session>(10_000);
  readonly #promptTags = new CappedMap<string, string>(CAP);
  readonly #sessionTag = new CappedMap<string, string>(10_000);
  readonly #calls = new CappedMap<string, CallState>(CAP);
  readonly #tools = new CappedMap<string, ToolState>(CAP);
  /** Open (or recently closed) tools per session, newest last, for effect attribution. */
  readonly #recentTools = new CappedMap<string, string[]>(10_000);
  readonly #procs = new CappedMap<number, Process>(CAP);
  readonly #pidSession = new CappedMap<number, string>(CAP);
  readonly #fileSession = new CappedMap<string, string>(10_000);
  readonly #effectStacks = new CappedMap<string, number>(CAP);
  readonly #pricer = new Pricer();
  /** Pids that opened a would-be trace file for writing before any session named it. */
  readonly #openers = new CappedMap<string, number[]>(1000);
  readonly #tentative = new Ring<{ e: Effect; id: number; at: number }>(20_000);

  constructor(private readonly hub: LiveHub, private readonly opts: PipelineOptions) {}

  /** Ingests one batch; order matters inside it (sessions and prompts before the calls that use them). */
  async ingest(b: Partial<EventBatch>): Promise<void> {
    for (const s of b.sessions ?? []) this.#session(s);
    if (b.prompts?.length) await this.#prompts(b.prompts);
    for (const p of b.processes ?? []) this.#process(p);
    for (const c of b.calls ?? []) this.#call(c);
    for (const t of b.tools ?? []) this.#tool(t);
    for (const e of b.effects ?? []) this.effect(e);
    if (b.skippedCount) this.hub.status.skipped += b.skippedCount;
  }

  #session(s: Session): void {
    const known = this.#sessions.get(s.id);
    this.#sessions.set(s.id, known ? { ...known, ...s, start: Math.min(known.start, s.start) } : s);
    if (s.file) {
      this.#fileSession.set(s.file, s.id);
    }
    // Its writers may have touched it (or files named after it) before we knew the session.
    for (const key of s.file ? [s.file, s.id] : [s.id]) {
      for (const pid of this.#openers.get(key) ?? []) this.#bind(pid, s.id);
      this.#openers.delete(key);
    }
    this.#row(s.id, s.end || s.start);
  }

  #row(sessionId: string, ts: number) {
    const s = this.#sessions.get(sessionId);
    const row = this.hub.session(sessionId, () => ({
      id: sessionId, agent: s?.agent ?? '?', project: s?.project ?? '?', tag: this.#sessionTag.get(sessionId) ?? '-', lastTs: ts,
    }));
    if (s) { row.agent = s.agent; row.project = s.project; }
    row.lastTs = Math.max(row.lastTs, ts);
    return row;
  }

  async #prompts(prompts: Prompt[]): Promise<void> {
    const fresh = prompts.filter((p) => p.kind !== 'meta' && !this.#promptTags.has(p.id));
    // Replayed prompts carry the tag they got live (their text is not recorded by default).
    for (const p of fresh as (Prompt & { tag?: string })[]) if (p.tag) this.#promptTags.set(p.id, p.tag);
    const human = fresh.filter((p) => p.kind === 'human' && !this.#promptTags.has(p.id));
    const tags = human.length ? await this.opts.tagger.tagAll(human.map((p) => p.text)) : [];
    human.forEach((p, i) => this.#promptTags.set(p.id, tags[i]?.tag ?? 'unmatched'));
    for (const p of fresh) {
      if (!this.#promptTags.has(p.id)) this.#promptTags.set(p.id, 'continue');
      const tag = this.#promptTags.get(p.id)!;
      this.#sessionTag.set(p.session, tag);
      const row = this.#row(p.session, p.ts);
      row.tag = tag;
      if (this.opts.includePrompts) row.prompt = p.text.slice(0, 200);
    }
  }

  /** The tag a prompt got (for the recorder). */
  tagOf(promptId: string): string | undefined {
    return this.#promptTags.get(promptId);
  }

  #agent(session: string): string {
    return `agent:${this.#sessions.get(session)?.agent ?? '?'}`;
  }

  #tagOf(c: Pick<LlmCall, 'prompt' | 'session'>): string {
    return (c.prompt && this.#promptTags.get(c.prompt)) || this.#sessionTag.get(c.session) || UNATTRIBUTED;
  }

  #call(c: LlmCall): void {
    let st = this.#calls.get(c.id);
    const isNew = !st;
    const fromTls = c.session.startsWith(TLS_SESSION);
    // The trace file knows the call's session and prompt for sure: a TLS copy never overrides it.
    if (st && fromTls && !st.fromTls) c = { ...c, session: st.session };
    const tag = this.#tagOf(c);
    const prefix = st && fromTls && !st.fromTls ? st.prefix : [this.#agent(c.session), `prompt:${tag}`, callFrame(c)];
    const model = st && fromTls && !st.fromTls ? st.model : c.model || '?';
    if (!st) {
      st = { session: c.session, prefix, model, fromTls, counted: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, cost: {}, ms: 0 } };
      this.#calls.set(c.id, st);
      this.hub.record('ops', prefix, 1, c.ts);
    } else {
      if (st.prefix.join(';') !== prefix.join(';') || st.model !== model) this.#moveCall(st, prefix, model, c.ts);
      if (st.session !== c.session) this.#moveRow(st, c.session);
      if (!fromTls) st.fromTls = false;
    }
    // Later copies of a response repeat its usage (partial output first): count only what grew.
    const u: Usage = c.usage;
    const now = { input: u.input, output: u.output, cacheRead: u.cacheRead, cacheWrite: u.cacheWrite5m + u.cacheWrite1h };
    const row = this.#row(c.session, c.end || c.ts);
    row.tag = this.#sessionTag.get(c.session) ?? row.tag;
    if (isNew) row.calls++;
    let tokens = 0;
    for (const [frame, key] of TOKEN_KINDS) {
      const grow = Math.max(0, now[key] - st.counted[key]);
      if (!grow) continue;
      st.counted[key] += grow;
      tokens += grow;
      this.hub.record('tokens', [...prefix, `model:${model}`, `token:${frame}`], grow, c.ts);
    }
    const cost = this.#pricer.cost(model, { ...u, cacheWrite5m: st.counted.cacheWrite, cacheWrite1h: 0, input: st.counted.input, output: st.counted.output, cacheRead: st.counted.cacheRead });
    if (!cost && model !== '<synthetic>' && !this.hub.status.unknownModels.includes(model) && this.hub.status.unknownModels.length < 50) {
      this.hub.status.unknownModels.push(model);
    }
    let dollars = 0;
    for (const [frame, usd] of Object.entries(cost ?? {})) {
      const grow = usd - (st.counted.cost[frame] ?? 0);
      if (grow <= 0) continue;
      st.counted.cost[frame] = usd;
      dollars += grow;
      this.hub.record('cost', [...prefix, `model:${model}`, `token:${frame}`], grow, c.ts);
    }
    const ms = Math.max(0, (c.end || c.ts) - c.ts);
    if (ms > st.counted.ms) {
      this.hub.record('time', [...prefix, `model:${model}`], (ms - st.counted.ms) / 1000, c.ts);
      if (st.counted.ms === 0) this.hub.latency('llm', tag, ms);
      st.counted.ms = ms;
    }
    row.tokens += tokens;
    row.cost += dollars;
    this.hub.series.add('tokens', tokens, c.ts);
    this.hub.series.add('cost', dollars, c.ts);
    this.#event(c.ts);
  }

  /** A call first seen in TLS (session unknown) turned out to be a trace session's: move its row stats. */
  #moveRow(st: CallState, session: string): void {
    const from = this.hub.sessions.get(st.session);
    const to = this.#row(session, this.hub.now());
    if (from) {
      to.tokens += from.tokens; to.cost += from.cost; to.calls += 1;
      from.calls -= 1;
      from.tokens = 0; from.cost = 0;
      if (from.calls <= 0 && from.tools === 0) this.hub.sessions.delete(st.session);
    }
    st.session = session;
  }

  /** Moves a call's counted weights to its corrected stack (same timestamps, so every window stays right). */
  #moveCall(st: CallState, prefix: string[], model: string, ts: number): void {
    const k = st.counted;
    for (const [frame, key] of TOKEN_KINDS) {
      if (!k[key]) continue;
      this.hub.record('tokens', [...st.prefix, `model:${st.model}`, `token:${frame}`], -k[key], ts);
      this.hub.record('tokens', [...prefix, `model:${model}`, `token:${frame}`], k[key], ts);
    }
    for (const [frame, usd] of Object.entries(k.cost)) {
      this.hub.record('cost', [...st.prefix, `model:${st.model}`, `token:${frame}`], -usd, ts);
      this.hub.record('cost', [...prefix, `model:${model}`, `token:${frame}`], usd, ts);
    }
    if (k.ms) {
      this.hub.record('time', [...st.prefix, `model:${st.model}`], -k.ms / 1000, ts);
      this.hub.record('time', [...prefix, `model:${model}`], k.ms / 1000, ts);
    }
    this.hub.record('ops', st.prefix, -1, ts);
    this.hub.record('ops', prefix, 1, ts);
    st.prefix = prefix;
    st.model = model;
  }

  #tool(t: ToolCall): void {
    const call = this.#calls.get(t.llmCall);
    const prefix = call ? call.prefix : [this.#agent(t.session), `prompt:${this.#sessionTag.get(t.session) ?? UNATTRIBUTED}`, 'call:llm/tool'];
    let st = this.#tools.get(t.id);
    if (!st && !t.name) return; // a result whose call we never saw (it scrolled out of the caps)
    if (!st) {
      st = { tool: t, prefix, countedMs: 0 };
      this.#tools.set(t.id, st);
      this.hub.record('ops', [...prefix, `tool:${t.name}`], 1, t.ts);
      this.#row(t.session, t.ts).tools++;
      const open = this.#recentTools.get(t.session) ?? [];
      open.push(t.id);
      if (open.length > 64) open.shift();
      this.#recentTools.set(t.session, open);
      if (!this.opts.kernel?.()) for (const h of t.hints) this.#count({ ts: t.ts, kind: h.kind, target: h.target, evidence: 'tool-input', session: t.session, toolCall: t.id });
      this.#reattribute();
    } else {
      // A result line: it only brings the end, the status and the output size.
      const status = t.status !== 'unknown' ? t.status : st.tool.status;
      const ended = st.tool.end <= st.tool.ts && t.end > st.tool.ts;
      st.tool = { ...st.tool, end: Math.max(st.tool.end, t.end), status, outputChars: t.outputChars ?? st.tool.outputChars };
      if (ended) this.#reattribute();
    }
    const ms = Math.max(0, st.tool.end - st.tool.ts);
    if (ms > st.countedMs) {
      this.hub.record('time', [...st.prefix, `tool:${st.tool.name}`], (ms - st.countedMs) / 1000, st.tool.ts);
      if (st.countedMs === 0 && st.tool.end > st.tool.ts) this.hub.latency('tool', st.prefix[1].slice('prompt:'.length), ms);
      st.countedMs = ms;
    }
    this.#event(t.ts);
  }

  #process(p: Process): void {
    const known = this.#procs.get(p.pid);
    this.#procs.set(p.pid, known ? { ...known, ...p } : p);
    if (this.opts.ignorePids?.has(p.ppid)) this.opts.ignorePids.add(p.pid);
    this.#event(p.start || p.exit || this.hub.now());
  }

  /** The session a pid belongs to: its own binding or the nearest bound ancestor's. */
  sessionOfPid(pid: number): string | undefined {
    for (let p: number | undefined = pid, depth = 0; p && depth < 64; depth++) {
      const s = this.#pidSession.get(p);
      if (s) return s;
      p = this.#procs.get(p)?.ppid;
    }
    return undefined;
  }

  /** The tool open in a session at `ts` (the newest that started before it and had not ended). */
  #toolAt(session: string, ts: number): ToolState | undefined {
    const ids = this.#recentTools.get(session) ?? [];
    for (let i = ids.length - 1; i >= 0; i--) {
      const st = this.#tools.get(ids[i]);
      if (!st) continue;
      const { ts: start, end } = st.tool;
      if (start - 50 <= ts && (end <= start || ts <= end + 50)) return st;
    }
    return undefined;
  }

  effect(e: Effect): void {
    if (e.pid !== undefined && this.opts.ignorePids?.has(e.pid)) return;
    if (e.pid !== undefined && e.kind !== 'exec' && e.kind !== 'connect') {
      // A pid that touches a session's trace file is that session's agent (AgentSight's strongest
      // evidence). Codex opens its rollout in a way the probes miss, but it writes and deletes files
      // named after its session id (locks, shell snapshots): as strong, since the id is a UUID.
      const s = this.#fileSession.get(e.target);
      if (s) {
        this.#bind(e.pid, s);
        this.#event(e.ts);
        return;
      }
      if (e.kind !== 'read') {
        for (const key of sessionKeys(e.target)) {
          const byId = this.#sessions.has(key) ? key : undefined;
          if (byId) this.#bind(e.pid, byId);
          else this.#remember(key, e.pid);
        }
      }
    }
        this.#count(e);
    this.#event(e.ts);
  }

  #bind(pid: number, session: string): void {
    if (this.#pidSession.get(pid) === session) return;
    this.#pidSession.set(pid, session);
    this.#reattribute();
  }

  /** A would-be trace file or session-named file written before any session named it. */
  #remember(key: string, pid: number): void {
    const pids = this.#openers.get(key) ?? [];
    if (!pids.includes(pid)) pids.push(pid);
    this.#openers.set(key, pids.slice(-8));
  }

  #count(e: Effect): void {
    const session = e.session ?? (e.pid !== undefined ? this.sessionOfPid(e.pid) : undefined);
    const tool = e.toolCall ? this.#tools.get(e.toolCall) : session ? this.#toolAt(session, e.ts) : undefined;
    const id = this.#effectStack(e, session, tool);
    if (this.hub.stacks.stacks[id][0] === `prompt:${UNATTRIBUTED}`) this.hub.status.unattributed++;
    this.hub.recordId(e.kind === 'connect' ? 'network' : 'files', id, 1, e.ts);
    // Kernel events usually arrive before the trace lines that bind their pid and name the tool that
    // caused them: an attribution stays tentative until its tool is known and ended (#reattribute).
    if (e.evidence === 'kernel' && (!tool || tool.tool.end <= tool.tool.ts)) this.#tentative.push({ e, id, at: this.hub.now() });
  }

  #effectStack(e: Effect, session: string | undefined, tool: ToolState | undefined): number {
    const tag = tool?.prefix[1] ?? (session ? `prompt:${this.#sessionTag.get(session) ?? UNATTRIBUTED}` : `prompt:${UNATTRIBUTED}`);
    const proc = e.pid !== undefined ? this.#procs.get(e.pid) : undefined;
    // As offline (profile/build.ts): the process is the kernel's comm, or the program a tool's command runs;
    // a frame that does not apply (no tool, no known process) is left out rather than invented.
    const exec = tool?.tool.hints.find((h) => h.kind === 'exec');
    const comm = proc ? processLabel(proc.comm) : exec ? programOf(exec.target) ?? '' : '';
    // The hot path (100k+ effects/s): the same (context, process, target) repeats, so its stack id is
    // cached instead of re-deriving labels and joining frames for every event.
    const key = `${tag}\u0001${tool?.tool.name ?? ''}\u0001${session ?? ''}\u0001${comm}\u0001${e.kind}\u0001${e.domain ?? ''}\u0001${e.target}`;
    let id = this.#effectStacks.get(key);
    if (id === undefined) {
      const head = [tag, ...(tool ? [`tool:${tool.tool.name}`] : []), ...(comm ? [`process:${comm}`] : [])];
      const cwd = session ? this.#sessions.get(session)?.cwd : undefined;
      id = this.hub.stacks.id(e.kind === 'connect'
        ? [...head, `domain:${domainLabel(e.target, e.domain)}`]
        // An exec's target is its command line: only the program becomes a frame (arguments may hold secrets).
        : [...head, `file:${fileLabel(e.kind === 'exec' ? e.target.split(' ')[0] : e.target, cwd)}`, `effect:${e.kind}`]);
      this.#effectStacks.set(key, id);
    }
    return id;
  }

  /** Join state changed (a pid bound, a tool seen or ended): tentative effects move where they now belong. */
  #reattribute(): void {
    const now = this.hub.now();
    this.#tentative.retain((item) => {
      if (now - item.at > TENTATIVE_MS) return false;
      const e = item.e;
      const session = e.session ?? (e.pid !== undefined ? this.sessionOfPid(e.pid) : undefined);
      const tool = session ? this.#toolAt(session, e.ts) : undefined;
      const id = this.#effectStack(e, session, tool);
      if (id !== item.id) {
        const view = e.kind === 'connect' ? 'network' : 'files';
        this.hub.recordId(view, item.id, -1, e.ts);
        this.hub.recordId(view, id, 1, e.ts);
        item.id = id;
      }
      return !tool || tool.tool.end <= tool.tool.ts;
    });
  }

  #event(ts: number): void {
    this.hub.status.events++;
    this.hub.series.add('events', 1, ts);
  }

  /** Ring-buffer drops reported by the collector. */
  drops(n: number, ts = this.hub.now()): void {
    this.hub.status.drops += n;
    this.hub.series.add('drops', n, ts);
  }
}
