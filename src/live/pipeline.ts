// Live pipeline: normalized events in (from tailed trace files, the collector, a replay), samples out
// into the hub. The join is src/join's, fed incrementally (the Binder, the ToolIndex, the CallIndex,
// the CallJoiner, the EffectJoin whose Placer is the offline merge's and re-places effects when a
// binding, a tool or a call arrives late), with every table capped so memory stays bounded. What is
// kept here is the counting: prompt tags, each call's and tool's counted weights (calls deduplicated
// by message id, so a call seen in a trace file and in TLS counts once; times by profile/time.ts's
// rule, the offline one), tool-input hints the kernel has not seen (join/observed.ts), and the moves
// when a call's, an effect's or a hint's place changes.

import type { ApiCall } from '../http/types.js';
import type { Effect, EventBatch, LlmCall, Process, Prompt, Session, ToolCall, Usage } from '../model.js';
import type { Tagger } from '../tag/types.js';
import { ToolIndex, UNBOUND_AGENT, UNBOUND_SESSION } from '../join/attribute.js';
import { Binder } from '../join/bind.js';
import { CallJoiner, isMadePrompt, PromptIndex } from '../join/calls.js';
import { CappedMap } from '../join/capped.js';
import { EffectJoin, type Placement } from '../join/incremental.js';
import { CallIndex } from '../join/llm-calls.js';
import { backgroundLabel, hintKey, observedKey } from '../join/observed.js';
import { callMs, capSeconds, RequestMarks } from '../profile/time.js';
import { callFrame, processLabel } from './frames.js';
import { Privacy, userNamesIn } from '../profile/privacy.js';
import { programOf } from '../profile/frames.js';
import { UNATTRIBUTED } from '../profile/build.js';
import type { LiveHub } from './hub.js';
import { Pricer } from '../cost/pricing.js';

const CAP = 100_000;
const TOKEN_KINDS = [['input', 'input'], ['output', 'output'], ['cache_read', 'cacheRead'], ['cache_write', 'cacheWrite']] as const;

interface CallState {
  session: string;
  /** Seen only in TLS so far (session and prompt guessed from the pid). */
  fromTls: boolean;
  /** The process that made it (TLS): bound by the message id when the trace copy arrives. */
  pid?: number;
  /** Stack prefix the call's weights were counted under (it changes when later lines reveal tool use). */
  prefix: string[];
  /** First and last line of the copy that counts for time (the trace's once it has arrived, as offline). */
  ts: number;
  end: number;
  model: string;
  counted: { input: number; output: number; cacheRead: number; cacheWrite: number; cacheWrite1h: number; cost: Record<string, number>; ms: number };
}

/** What a held effect was counted under: its stack, the tool whose hint it replaces, the tool or call it is charged to. */
interface Counted { id: number; tool?: ToolCall; owner?: string }

/** The tool or LLM call an effect is charged to (its frames follow theirs when they change). */
const ownerOf = (p: Placement): string | undefined => (p.tool ? `t:${p.tool.id}` : p.call ? `c:${p.call.id}` : undefined);

interface ToolState {
  name: string;
  ts: number;
  prefix: string[];
  countedMs: number;
  /** Its input's effect hints by hintKey: the stack each is counted under, and whether it counts (the kernel has not seen it). */
  hints?: Map<string, { id: number; ts: number; counted: boolean }>;
}

export interface PipelineOptions {
  tagger: Tagger;
  includePrompts?: boolean;
  /** Kernel evidence is present (kept for callers; hints the kernel saw are replaced by what it saw either way). */
  kernel?: () => boolean;
  /** Pids whose effects are ours (the supervisor and its collector), never the agent's. */
  ignorePids?: Set<number>;
}

/** Older recordings named the session of a call seen only in TLS `pid:N`. */
const fromTraffic = (c: LlmCall): boolean => c.source === 'traffic' || c.session.startsWith('pid:');

export class LivePipeline {
  readonly #binder = new Binder([], { cap: CAP });
  /** Live, a tool is open until its result line arrives; 64 per session are enough to place effects. */
  readonly #join = new EffectJoin<Counted>(this.#binder, new ToolIndex([], { openEnded: true, perSession: 64, cap: CAP }),
    { openCap: 20_000, calls: new CallIndex([], { cap: CAP, perSession: 256 }) });
  readonly #promptIndex = new PromptIndex([], { cap: 10_000, perSession: 256, digests: true });
  readonly #callJoiner = new CallJoiner(new CappedMap<string, LlmCall>(CAP), this.#binder, this.#promptIndex, 10_000);
  readonly #promptTags = new CappedMap<string, string>(CAP);
  readonly #sessionTag = new CappedMap<string, string>(10_000);
  readonly #calls = new CappedMap<string, CallState>(CAP);
  readonly #tools = new CappedMap<string, ToolState>(CAP);
  readonly #effectStacks = new CappedMap<string, number>(CAP);
  /** Kernel effects placed at each (tool, kind, target): while any is, that target's hint is not counted. */
  readonly #observed = new CappedMap<string, number>(CAP);
  /** When each session's next request could have left (profile/time.ts), and its recent calls to re-time. */
  readonly #marks = new RequestMarks({ cap: 10_000, perSession: 1024 });
  readonly #sessionCalls = new CappedMap<string, string[]>(10_000);
  /** Tools of each call, and the stacks (→ counts) of the effects charged to each tool or call: moved when their frames change. */
  readonly #callTools = new CappedMap<string, string[]>(CAP);
  readonly #placed = new CappedMap<string, Map<number, number>>(CAP);
  readonly #pricer = new Pricer();

  constructor(private readonly hub: LiveHub, private readonly opts: PipelineOptions) {}

  /** Ingests one batch; order matters inside it (sessions and prompts before the calls that use them). */
  async ingest(b: Partial<EventBatch>): Promise<void> {
    for (const s of b.sessions ?? []) this.#session(s);
    if (b.prompts?.length) await this.#prompts(b.prompts);
    for (const p of b.processes ?? []) this.#process(p);
    for (const c of b.calls ?? []) this.#call(c);
    for (const t of b.tools ?? []) this.#tool(t);
    for (const e of b.effects ?? []) this.#effect(e);
    if (this.#join.changed) this.#revisit();
    if (b.skippedCount) this.hub.status.skipped += b.skippedCount;
    this.hub.counts.observe(b, (id) => this.#promptTags.get(id));
  }

  /** Frame values made safe as offline makes them (profile/privacy.ts); user names from the sessions' cwds. */
  #privacy = new Privacy({ userNames: [] });
  readonly #userNames = new Set<string>();

  #session(s: Session): void {
    const fresh = userNamesIn([s.cwd]).filter((n) => !this.#userNames.has(n));
    if (fresh.length) {
      for (const n of fresh) this.#userNames.add(n);
      this.#privacy = new Privacy({ userNames: [...this.#userNames] });
    }
    // Its writers may have touched it (or files named after it) before we knew the session: the Binder binds them now.
    this.#binder.addSession(s);
    this.#row(s.id, s.end || s.start);
  }

  #row(sessionId: string, ts: number) {
    const s = this.#binder.session(sessionId);
    const row = this.hub.session(sessionId, () => ({
      id: sessionId, agent: s?.agent ?? '?', project: s?.project ?? '?', tag: this.#sessionTag.get(sessionId) ?? '-', lastTs: ts,
    }));
    if (s) { row.agent = s.agent; row.project = s.project; }
    row.lastTs = Math.max(row.lastTs, ts);
    return row;
  }

  async #prompts(prompts: Prompt[]): Promise<void> {
    for (const p of prompts) if (!isMadePrompt(p.id)) this.#mark(p.session, `p:${p.id}`, p.ts);
    const fresh = prompts.filter((p) => p.kind !== 'meta' && !this.#promptTags.has(p.id));
    // Replayed prompts carry the tag they got live (their text is not recorded by default).
    for (const p of fresh as (Prompt & { tag?: string })[]) if (p.tag) this.#promptTags.set(p.id, p.tag);
    const human = fresh.filter((p) => p.kind === 'human' && !this.#promptTags.has(p.id));
    const tags = human.length ? await this.opts.tagger.tagAll(human.map((p) => p.text)) : [];
    human.forEach((p, i) => this.#promptTags.set(p.id, tags[i]?.tag ?? 'unmatched'));
    for (const p of fresh) {
      // The trace's prompts are what a TLS call may answer; those made from requests are not.
      if (!isMadePrompt(p.id)) this.#promptIndex.add(p);
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
    return `agent:${this.#binder.session(session)?.agent ?? (session === UNBOUND_SESSION ? UNBOUND_AGENT : '?')}`;
  }

  #tagOf(c: Pick<LlmCall, 'prompt' | 'session'>): string {
    return (c.prompt && this.#promptTags.get(c.prompt)) || this.#sessionTag.get(c.session) || UNATTRIBUTED;
  }

  #call(c: LlmCall): void {
    let st = this.#calls.get(c.id);
    const isNew = !st;
    const fromTls = fromTraffic(c);
    // A trace copy after a TLS one: the TLS copy's pid is the session's (bound by the message id).
    if (!fromTls) this.#callJoiner.traced(c, st?.fromTls ? st : undefined);
    // The trace file knows the call's session and prompt for sure: a TLS copy never overrides it.
    if (st && fromTls && !st.fromTls) c = { ...c, session: st.session };
    const tag = this.#tagOf(c);
    const prefix = st && fromTls && !st.fromTls ? st.prefix : [this.#agent(c.session), `prompt:${tag}`, callFrame(c)];
    const model = st && fromTls && !st.fromTls ? st.model : c.model || '?';
    if (!st) {
      st = { session: c.session, prefix, model, fromTls, pid: c.pid, ts: c.ts, end: Math.max(c.end, c.ts), counted: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, cacheWrite1h: 0, cost: {}, ms: 0 } };
      this.#calls.set(c.id, st);
      this.hub.record('ops', prefix, 1, c.ts);
      // Its tools' lines may have come first (counted under the session's prompt then).
      for (const id of this.#callTools.get(c.id) ?? []) this.#retool(id, prefix);
      const recent = this.#sessionCalls.get(c.session) ?? [];
      recent.push(c.id);
      this.#sessionCalls.set(c.session, recent.slice(-64));
    } else {
      if (st.prefix.join(';') !== prefix.join(';') || st.model !== model) this.#moveCall(c.id, st, prefix, model, c.ts);
      if (st.session !== c.session) {
        this.#marks.delete(st.session, `c:${c.id}`);
        this.#moveRow(st, c.session);
        const recent = this.#sessionCalls.get(c.session) ?? [];
        recent.push(c.id);
        this.#sessionCalls.set(c.session, recent.slice(-64));
      }
      // Times: the trace's copy replaces a TLS copy's (offline the trace's alone counts); copies of one kind spread it.
      if (!fromTls && st.fromTls) { st.ts = c.ts; st.end = Math.max(c.end, c.ts); }
      else if (fromTls === st.fromTls) { st.ts = Math.min(st.ts, c.ts); st.end = Math.max(st.end, c.end, c.ts); }
      if (!fromTls) st.fromTls = false;
    }
    this.#join.call({ id: c.id, session: st.session, ts: st.ts, end: st.end });
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
    // 1-hour cache writes cost more than 5-minute ones: priced apart, as offline.
    st.counted.cacheWrite1h = Math.min(st.counted.cacheWrite, Math.max(st.counted.cacheWrite1h, u.cacheWrite1h));
    const cost = this.#pricer.cost(model, { ...u, cacheWrite5m: st.counted.cacheWrite - st.counted.cacheWrite1h, cacheWrite1h: st.counted.cacheWrite1h, input: st.counted.input, output: st.counted.output, cacheRead: st.counted.cacheRead });
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
    this.#mark(st.session, `c:${c.id}`, st.end);
    this.#chargeTime(st, tag);
    row.tokens += tokens;
    row.cost += dollars;
    this.hub.series.add('tokens', tokens, c.ts);
    this.hub.series.add('cost', dollars, c.ts);
    this.#event(c.ts);
  }

  /** A call first seen in TLS (session unknown) turned out to be a trace session's: move its row stats. */
  #moveRow(st: CallState, session: string): void {
    const k = st.counted;
    const tokens = k.input + k.output + k.cacheRead + k.cacheWrite;
    const cost = Object.values(k.cost).reduce((a, b) => a + b, 0);
    const to = this.#row(session, this.hub.now());
    to.tokens += tokens; to.cost += cost; to.calls += 1;
    const from = this.hub.sessions.get(st.session);
    if (from) {
      // Only this call's share: other TLS calls (other pids) may share the `unbound` row.
      from.tokens -= tokens; from.cost -= cost; from.calls -= 1;
      if (from.calls <= 0 && from.tools === 0) this.hub.sessions.delete(st.session);
    }
    st.session = session;
  }

  /** Moves a call's counted weights to its corrected stack (same timestamps, so every window stays right). */
  #moveCall(id: string, st: CallState, prefix: string[], model: string, ts: number): void {
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
      this.hub.record('time', st.prefix, -k.ms / 1000, ts);
      this.hub.record('time', prefix, k.ms / 1000, ts);
    }
    this.hub.record('ops', st.prefix, -1, ts);
    this.hub.record('ops', prefix, 1, ts);
    // Its tools and the effects charged to it take its new frames.
    this.#rehome(`c:${id}`, st.prefix, prefix, ts);
    st.prefix = prefix;
    st.model = model;
    for (const t of this.#callTools.get(id) ?? []) this.#retool(t, prefix);
  }

  #tool(t: ToolCall): void {
    const got = this.#join.tool(t);
    if (!got) return; // a result whose call we never saw (it scrolled out of the caps)
    const tool = got.tool;
    let st = this.#tools.get(t.id);
    if (!st) {
      const call = this.#calls.get(t.llmCall);
      const prefix = call ? call.prefix : [this.#agent(t.session), `prompt:${this.#sessionTag.get(t.session) ?? UNATTRIBUTED}`, 'call:llm/tool'];
      this.#tools.set(t.id, (st = { name: t.name, ts: t.ts, prefix, countedMs: 0 }));
      const mine = this.#callTools.get(t.llmCall) ?? [];
      mine.push(t.id);
      this.#callTools.set(t.llmCall, mine);
    }
    if (got.fresh) {
      this.hub.record('ops', [...st.prefix, `tool:${tool.name}`], 1, t.ts);
      this.#row(t.session, t.ts).tools++;
      this.#hints(tool, st);
    }
    const ms = capSeconds(tool.end - tool.ts) * 1000;
    if (ms > st.countedMs) {
      this.hub.record('time', [...st.prefix, `tool:${tool.name}`], (ms - st.countedMs) / 1000, tool.ts);
      if (st.countedMs === 0 && tool.end > tool.ts) this.hub.latency('tool', st.prefix[1].slice('prompt:'.length), ms);
      st.countedMs = ms;
    }
    this.#mark(t.session, `t:${t.id}`, tool.end);
    this.#event(t.ts);
  }

  #process(p: Process): void {
    if (this.opts.ignorePids?.has(p.ppid)) this.opts.ignorePids.add(p.pid);
    // Ours (the supervisor, the collector): never an agent's, so never evidence for the Binder's cwd rule.
    if (!this.opts.ignorePids?.has(p.pid)) this.#binder.process(p);
    this.#event(p.start || p.exit || this.hub.now());
  }

  /** An API call seen in TLS as an LlmCall (+ the prompt made from its request, if one was): placed by the join. */
  tlsCall(c: ApiCall): { call: LlmCall; prompt?: Prompt } {
    this.#callJoiner.bindIfTraced(c);
    return this.#callJoiner.place(c);
  }

  #effect(e: Effect): void {
    if (e.pid !== undefined && this.opts.ignorePids?.has(e.pid)) return;
    // A pid touching a session's trace file is that session's agent: binding evidence, not an effect of its work.
    if (this.#binder.effect(e)) {
      this.#event(e.ts);
      return;
    }
    this.#count(e);
    this.#event(e.ts);
  }

  #count(e: Effect): void {
    const place = this.#join.place(e);
    const id = this.#effectStack(e, place);
    if (this.hub.stacks.stacks[id][0] === `prompt:${UNATTRIBUTED}`) this.hub.status.unattributed++;
    this.hub.recordId(e.kind === 'connect' ? 'network' : 'files', id, 1, e.ts);
    this.#observe(e, undefined, place.tool);
    const owner = ownerOf(place);
    this.#tally(owner, id, 1);
    // Its place may change when the trace lines that bind its pid or name its tool arrive (#revisit).
    this.#join.hold(e, place, { id, tool: place.tool, owner }, this.hub.now());
  }

  /** A tool's input hints, as offline (profile/build.ts): each counted unless the kernel saw that effect of it. */
  #hints(tool: ToolCall, st: ToolState): void {
    const cwd = this.#binder.session(tool.session)?.cwd;
    // The process of a hint is the program of the command before it (`cd x && cat y`: cat reads y).
    const first = tool.hints.find((h) => h.kind === 'exec');
    let program = first ? programOf(first.target) : undefined;
    for (const h of tool.hints) {
      if (h.kind === 'exec') { program = programOf(h.target) ?? program; continue; }
      const k = hintKey(tool.id, h, cwd);
      if ((st.hints ??= new Map()).has(k)) continue;
      const id = this.#effectStack({ ts: tool.ts, kind: h.kind, target: h.target, evidence: 'tool-input', session: tool.session, toolCall: tool.id }, { session: tool.session, tool }, program ?? '');
      const counted = !this.#observed.get(k);
      st.hints.set(k, { id, ts: tool.ts, counted });
      if (counted) this.hub.recordId(h.kind === 'connect' ? 'network' : 'files', id, 1, tool.ts);
    }
  }

  /** A kernel effect left tool `from` and/or reached tool `to`: the hint for its target is uncounted or counted back. */
  #observe(e: Effect, from: ToolCall | undefined, to: ToolCall | undefined): void {
    if (e.evidence !== 'kernel' || from === to || e.kind === 'exec') return;
    const view = e.kind === 'connect' ? 'network' : 'files';
    for (const [tool, step] of [[from, -1], [to, 1]] as const) {
      if (!tool) continue;
      const k = observedKey(tool.id, e.kind, e.target);
      const n = (this.#observed.get(k) ?? 0) + step;
      if (n > 0) this.#observed.set(k, n);
      else this.#observed.delete(k);
      const hint = this.#tools.get(tool.id)?.hints?.get(k);
      if (!hint || hint.counted === (n === 0)) continue;
      hint.counted = n === 0;
      this.hub.recordId(view, hint.id, hint.counted ? 1 : -1, hint.ts);
    }
  }

  /** `program`: the process frame of a tool-input hint (its command's program; '' for none). */
  #effectStack(e: Effect, place: Placement, program?: string): number {
    const { session, tool, call, background } = place;
    const toolPrefix = tool ? this.#tools.get(tool.id)?.prefix : undefined;
    const callPrefix = !tool && call ? this.#calls.get(call.id)?.prefix : undefined;
    const prefix = toolPrefix ?? callPrefix;
    // No cause found: `prompt:unattributed`, as offline (profile/build.ts), whatever the session's latest prompt.
    const tag = prefix?.[1] ?? `prompt:${UNATTRIBUTED}`;
    // The network view names the LLM call above the tool (views.ts), so a connect for a request reads as the call's.
    const callLabel = e.kind === 'connect' && prefix && (tool || call) ? prefix[2] : '';
    const proc = e.pid !== undefined ? this.#binder.proc(e.host, e.pid) : undefined;
    // As offline (profile/build.ts): the process is the kernel's comm, or the program a tool's command runs;
    // a frame that does not apply (no tool, no known process) is left out rather than invented.
    const exec = tool?.hints.find((h) => h.kind === 'exec');
    let comm = program ?? (proc ? processLabel(proc.comm) : exec ? programOf(exec.target) ?? '' : '');
    if (background) comm = backgroundLabel(comm || undefined);
    const kind = e.kind === 'create' ? 'write' : e.kind;
    // The hot path (100k+ effects/s): the same (context, process, target) repeats, so its stack id is
    // cached instead of re-deriving labels and joining frames for every event.
    const key = `${tag}\u0001${callLabel}\u0001${tool?.name ?? ''}\u0001${session ?? ''}\u0001${comm}\u0001${kind}\u0001${e.domain ?? ''}\u0001${e.target}`;
    let id = this.#effectStacks.get(key);
    if (id === undefined) {
      const head = [tag, ...(tool ? [`tool:${tool.name}`] : []), ...(comm ? [`process:${comm}`] : [])];
      const cwd = session ? this.#binder.session(session)?.cwd : undefined;
      id = this.hub.stacks.id(e.kind === 'connect'
        ? [tag, ...(callLabel ? [callLabel] : []), ...head.slice(1), `domain:${this.#privacy.domainLabel(e.domain ?? e.target)}`]
        // An exec's target is its command line: only the program becomes a frame (arguments may hold secrets).
        : [...head, `file:${this.#privacy.fileLabel(e.kind === 'exec' ? e.target.split(' ')[0] : e.target, cwd ?? '')}`, `effect:${kind}`]);
      this.#effectStacks.set(key, id);
    }
    return id;
  }

  /** The join learnt something (a pid bound, a tool or call seen or ended): held effects move where they now belong. */
  #revisit(): void {
    this.#join.revisit(this.hub.now(), (e, was, place) => {
      const view = e.kind === 'connect' ? 'network' : 'files';
      if (place.bookkeeping) {
        // Its pid turned out to be the agent writing its own trace file: not an effect after all.
        if (was.id >= 0) this.hub.recordId(view, was.id, -1, e.ts);
        this.#observe(e, was.tool, undefined);
        this.#tally(was.owner, was.id, -1);
        return { id: -1 };
      }
      const next = this.#effectStack(e, place);
      if (next !== was.id) {
        const unattributed = (id: number) => id >= 0 && this.hub.stacks.stacks[id][0] === `prompt:${UNATTRIBUTED}`;
        this.hub.status.unattributed += Number(unattributed(next)) - Number(unattributed(was.id));
        this.hub.recordId(view, was.id, -1, e.ts);
        this.hub.recordId(view, next, 1, e.ts);
      }
      this.#observe(e, was.tool, place.tool);
      const owner = ownerOf(place);
      if (owner !== was.owner || next !== was.id) { this.#tally(was.owner, was.id, -1); this.#tally(owner, next, 1); }
      return { id: next, tool: place.tool, owner };
    });
  }

  #tally(owner: string | undefined, id: number, n: number): void {
    if (!owner || id < 0) return;
    const m = this.#placed.get(owner) ?? new Map<number, number>();
    const left = (m.get(id) ?? 0) + n;
    if (left) m.set(id, left);
    else m.delete(id);
    this.#placed.set(owner, m);
  }

  /** A stack with its prompt (and call) frames of `from` replaced by those of `to`. */
  #rewrite(id: number, from: string[], to: string[]): number {
    const frames = [...this.hub.stacks.stacks[id]];
    if (frames[0] === from[1]) frames[0] = to[1];
    if (frames[1] === from[2]) frames[1] = to[2];
    return this.hub.stacks.id(frames);
  }

  /** The effects charged to a tool or call move to its new frames (counted, held or settled alike). */
  #rehome(owner: string, from: string[], to: string[], ts: number): void {
    const m = this.#placed.get(owner);
    if (!m?.size) return;
    const moved = new Map<number, number>();
    const next = new Map<number, number>();
    for (const [id, n] of m) {
      const dest = this.#rewrite(id, from, to);
      moved.set(id, dest);
      next.set(dest, (next.get(dest) ?? 0) + n);
      if (dest === id) continue;
      const view = this.hub.stacks.stacks[id].at(-1)!.startsWith('domain:') ? 'network' : 'files';
      this.hub.recordId(view, id, -n, ts);
      this.hub.recordId(view, dest, n, ts);
    }
    this.#placed.set(owner, next);
    this.#join.remap((v) => (v.owner === owner && moved.has(v.id) ? { ...v, id: moved.get(v.id)! } : v));
  }

  /** A tool's call got its frames late or changed them (a subagent's call learns its parent's prompt): the tool follows. */
  #retool(id: string, prefix: string[]): void {
    const st = this.#tools.get(id);
    if (!st || st.prefix.join(';') === prefix.join(';')) return;
    const tool = `tool:${st.name}`;
    this.hub.record('ops', [...st.prefix, tool], -1, st.ts);
    this.hub.record('ops', [...prefix, tool], 1, st.ts);
    if (st.countedMs) {
      this.hub.record('time', [...st.prefix, tool], -st.countedMs / 1000, st.ts);
      this.hub.record('time', [...prefix, tool], st.countedMs / 1000, st.ts);
    }
    for (const h of st.hints?.values() ?? []) {
      const dest = this.#rewrite(h.id, st.prefix, prefix);
      if (h.counted && dest !== h.id) {
        const view = this.hub.stacks.stacks[h.id].at(-1)!.startsWith('domain:') ? 'network' : 'files';
        this.hub.recordId(view, h.id, -1, h.ts);
        this.hub.recordId(view, dest, 1, h.ts);
      }
      h.id = dest;
    }
    this.#rehome(`t:${id}`, st.prefix, prefix, st.ts);
    st.prefix = prefix;
  }

  /** A session's next request could leave after t: calls of the session after t are charged again. */
  #mark(session: string, key: string, t: number): void {
    const old = this.#marks.set(session, key, t);
    if (old === t) return;
    // A mark that moved changed the start of calls after its old place too.
    const from = Math.min(t, old ?? t);
    for (const id of this.#sessionCalls.get(session) ?? []) {
      const st = this.#calls.get(id);
      if (st && st.session === session && st.ts > from) this.#chargeTime(st, st.prefix[1].slice('prompt:'.length));
    }
  }

  /** Charges what a call's duration (profile/time.ts's rule) changed by since it was last charged. */
  #chargeTime(st: CallState, tag: string): void {
    const ms = capSeconds(callMs(this.#marks, st)) * 1000;
    if (ms === st.counted.ms) return;
    // The time view's stack is the call's (agent, prompt, call): the model is not one of its frames (views.ts).
    this.hub.record('time', st.prefix, (ms - st.counted.ms) / 1000, st.ts);
    if (st.counted.ms === 0) this.hub.latency('llm', tag, ms);
    st.counted.ms = ms;
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
