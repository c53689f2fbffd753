// The pipeline's profile stage, data in → data out: an EventBatch plus prompt tags become one Profile
// for one view. Every event is turned into "sites" (a call and a token kind, a tool, a file effect…)
// with a weight; each site's stack is the view's frame kinds resolved against it; samples aggregate in a
// Map keyed by the joined stack and session, so a 500 MB history folds in one linear pass.

import type { EventBatch, LlmCall, Prompt, Session, ToolCall } from '../model.js';
import { BUNDLED_PRICES } from '../cost/prices.js';
import { Pricer, type PriceTable } from '../cost/pricing.js';
import { UNMATCHED } from '../tag/types.js';
import { callKind, programOf, type FrameKind } from './frames.js';
import { Privacy, userNamesIn, type PrivacyOptions } from './privacy.js';
import { makeStatus, tagOf } from './status.js';
import { DEFAULT_IDLE_CAP_MS, durations } from './time.js';
import { backgroundLabel, hintKey, observedKey } from '../join/observed.js';
import type { Profile, Sample, ViewName } from './types.js';
import { viewDef } from './views.js';

export interface WhereFilter {
  kind: FrameKind;
  re: RegExp;
}

export interface BuildOptions {
  view: ViewName;
  /** Frame kinds root first; replaces the view's default list. */
  stack?: FrameKind[];
  /** Keep only samples whose frame of each kind matches (all must match; a missing frame does not). */
  where?: WhereFilter[];
  /** User names to scrub besides those seen in the batch's home paths. */
  privacy?: PrivacyOptions;
  prices?: PriceTable;
  /** Add a `text:` frame with the prompt's first words under each prompt frame (off by default). */
  includePrompts?: boolean;
  idleCapMs?: number;
  /** Attach project/agent/session labels (default true); off merges samples across sessions. */
  labels?: boolean;
}

/** One place a weight lands. Fields are filled as far as they apply. */
interface Site {
  session: Session;
  call?: LlmCall;
  tool?: ToolCall;
  process?: string;
  file?: string;
  effect?: string;
  domain?: string;
  token?: string;
  /** A kernel effect no tool call (hence no prompt) could be found for: `prompt:unattributed`, never dropped. */
  unattributed?: boolean;
}

export const UNATTRIBUTED = 'unattributed';

const TOKEN_KINDS = ['input', 'output', 'cache_read', 'cache_write'] as const;

/** Frame kinds fixed by a site's session and LLM call alone. */
const CALL_LEVEL = new Set<FrameKind>(['agent', 'project', 'session', 'prompt', 'call', 'model', 'host']);

/** `call:` frame values as constants: equal strings that are one object hash once. */
const CALL_VALUES: Record<string, string> = Object.fromEntries(
  ['edit', 'agent', 'web', 'tool', 'code', 'text', 'thinking', 'usage'].map((k) => [k, `llm/${k}`]));

function byId<T extends { id: string }>(xs: readonly T[]): Map<string, T> {
  const m = new Map<string, T>();
  for (const x of xs) m.set(x.id, x);
  return m;
}

export function buildProfile(batch: EventBatch, tags: ReadonlyMap<string, string>, opts: BuildOptions): Profile {
  const def = viewDef(opts.view);
  const stackKinds = opts.stack?.length ? opts.stack : def.stack;
  const where = opts.where ?? [];
  const useLabels = opts.labels !== false;
  const privacy = new Privacy({
    userNames: [...(opts.privacy?.userNames ?? []), ...userNamesIn(batch.sessions.map((s) => s.cwd))],
  });
  const pricer = new Pricer(opts.prices ?? BUNDLED_PRICES);

  const sessions = byId(batch.sessions);
  // Prompts by id only when needed: the tags map answers for nearly every call.
  let promptMap: Map<string, Prompt> | undefined;
  const prompts = () => (promptMap ??= byId(batch.prompts));
  const needTools = opts.view !== 'tokens' && opts.view !== 'cost';
  const calls = needTools ? byId(batch.calls) : new Map<string, LlmCall>();
  const tools = batch.effects.length ? byId(batch.tools) : new Map<string, ToolCall>();
  let lastSession: Session | undefined;
  const unknownSession = (id: string): Session => {
    if (lastSession?.id === id) return lastSession; // a session's calls come in a row
    let s = sessions.get(id);
    if (!s) sessions.set(id, (s = { id, agent: 'unknown', cwd: '', project: 'unknown', start: NaN, end: NaN }));
    return (lastSession = s);
  };

  const promptTag = (c: LlmCall | undefined): string => {
    if (!c?.prompt) return 'none';
    const t = tags.get(c.prompt);
    if (t !== undefined) return t;
    // Untagged: a continuation is `continue` by kind, anything else unmatched.
    const p = prompts().get(c.prompt);
    return p ? tagOf(p, tags) : UNMATCHED;
  };
  const promptText = (c: LlmCall | undefined): string | undefined => {
    const p = c?.prompt ? prompts().get(c.prompt) : undefined;
    // Asked-for text still loses secrets and user names (redacted before cutting, so no key half-shows).
    return p ? privacy.scrub(p.text.replace(/\s+/g, ' ').trim().slice(0, 400)).slice(0, 60).trim() : undefined;
  };

  const value = (k: FrameKind, s: Site): string | undefined => {
    switch (k) {
      case 'agent': return privacy.scrub(s.session.agent);
      case 'project': return privacy.scrub(s.session.project || 'unknown');
      case 'session': return privacy.scrub(s.session.id);
      case 'prompt': return s.unattributed ? UNATTRIBUTED : promptTag(s.call);
      case 'call': return s.call ? CALL_VALUES[callKind(s.call.shape)] ?? `llm/${callKind(s.call.shape)}` : undefined;
      case 'model': return s.call ? privacy.scrub(s.call.model || 'unknown') : undefined;
      case 'tool': return s.tool ? privacy.scrub(s.tool.name) : undefined;
      case 'process': return s.process !== undefined ? privacy.scrub(s.process) : undefined;
      case 'file': return s.file;
      case 'effect': return s.effect;
      case 'domain': return s.domain;
      case 'token': return s.token;
      // The machine an AgentSight recording came from (merge of several hosts' recordings).
      case 'host': return s.session.host ? privacy.scrub(s.session.host) : undefined;
    }
  };

  // Samples aggregate in a trie walked by frame VALUES, one level per stack position (values are
  // memoized strings, so a walk hashes no new string), with the session as the last level when labels
  // are on. Frame strings are built once per new node — this keeps folding a 500 MB history a small
  // fraction of reading it.
  interface Node { kids: (Map<string, Node> | undefined)[]; sample?: Sample; frames: string[] }
  const root: Node = { kids: [], frames: [] };
  const samples: Sample[] = [];
  let total = 0;
  const child = (n: Node, i: number, v: string, frame: string | null): Node => {
    let m = n.kids[i];
    if (!m) n.kids[i] = m = new Map();
    let c = m.get(v);
    if (!c) m.set(v, (c = { kids: [], frames: frame === null ? n.frames : [...n.frames, frame] }));
    return c;
  };
  // The leading call-level kinds (agent … model) give the same path for every site of one call; sites of
  // a call come in a row, so a one-entry cache skips re-walking them.
  let lead = 0;
  while (lead < stackKinds.length && CALL_LEVEL.has(stackKinds[lead])) lead++;
  const headWhere = where.filter((w) => CALL_LEVEL.has(w.kind));
  const tailWhere = where.filter((w) => !CALL_LEVEL.has(w.kind));
  let lastOwner: unknown = null;
  let lastHead: Node | null = null;
  const walk = (n: Node, s: Site, from: number, to: number): Node => {
    for (let i = from; i < to; i++) {
      const k = stackKinds[i];
      const v = value(k, s);
      if (v === undefined) continue;
      n = child(n, i, v, `${k}:${v}`);
      if (k === 'prompt' && opts.includePrompts) {
        const t = promptText(s.call);
        if (t !== undefined) n = child(n, stackKinds.length, t, `text:${t}`);
      }
    }
    return n;
  };
  const emit = (s: Site, weight: number) => {
    if (!(weight > 0)) return;
    // Unattributed effects share their session with call-less sites of another prompt value: own key.
    const owner = s.unattributed ? `${s.session.id}\u0000${UNATTRIBUTED}` : s.call ?? s.session;
    if (owner !== lastOwner) {
      lastOwner = owner;
      const pass = headWhere.every((w) => { const v = value(w.kind, s); return v !== undefined && w.re.test(v); });
      lastHead = pass ? walk(root, s, 0, lead) : null;
    }
    if (!lastHead) return;
    for (const w of tailWhere) {
      const v = value(w.kind, s);
      if (v === undefined || !w.re.test(v)) return;
    }
    let n = walk(lastHead, s, lead, stackKinds.length);
    if (useLabels) n = child(n, stackKinds.length + 1, s.session.id, null);
    let sample = n.sample;
    if (!sample) {
      sample = n.sample = { stack: n.frames, weight: 0 };
      if (useLabels) sample.labels = { project: value('project', s)!, agent: value('agent', s)!, session: value('session', s)! };
      if (useLabels && s.session.host) sample.labels!.host = value('host', s)!;
      samples.push(sample);
    }
    sample.weight += weight;
    total += weight;
  };

  const callSite = (c: LlmCall): Site => ({ session: unknownSession(c.session), call: c });
  const toolSite = (t: ToolCall): Site => {
    const call = calls.get(t.llmCall);
    const exec = t.hints.find((h) => h.kind === 'exec');
    return { session: unknownSession(t.session), call, tool: t, process: exec ? programOf(exec.target) : undefined };
  };

  const extra: Record<string, unknown> = { view: opts.view, unit: def.unit, calls: batch.calls.length, tools: batch.tools.length };
  switch (opts.view) {
    case 'tokens':
      for (const c of batch.calls) {
        const u = c.usage;
        const site = callSite(c);
        site.token = 'input'; emit(site, u.input);
        site.token = 'output'; emit(site, u.output);
        site.token = 'cache_read'; emit(site, u.cacheRead);
        site.token = 'cache_write'; emit(site, u.cacheWrite5m + u.cacheWrite1h);
      }
      break;
    case 'cost':
      for (const c of batch.calls) {
        const parts = pricer.cost(c.model, c.usage);
        if (!parts) continue;
        const site = callSite(c);
        for (const k of TOKEN_KINDS) { site.token = k; emit(site, parts[k]); }
      }
      break;
    case 'time': {
      const d = durations(batch, opts.idleCapMs ?? DEFAULT_IDLE_CAP_MS);
      for (const c of batch.calls) emit(callSite(c), d.calls.get(c.id) ?? 0);
      for (const t of batch.tools) emit(toolSite(t), d.tools.get(t.id) ?? 0);
      extra.idle_cap_seconds = (opts.idleCapMs ?? DEFAULT_IDLE_CAP_MS) / 1000;
      extra.capped_intervals = d.capped;
      break;
    }
    case 'ops':
      for (const c of batch.calls) emit(callSite(c), 1);
      for (const t of batch.tools) emit(toolSite(t), 1);
      break;
    case 'files':
    case 'network': {
      const files = opts.view === 'files';
      // What the kernel saw a tool do to a target replaces what its input said it would do there.
      const observed = new Set<string>();
      for (const e of batch.effects) if (e.toolCall && e.evidence === 'kernel') observed.add(observedKey(e.toolCall, e.kind, e.target));
      // pids are per machine: merged recordings of several hosts reuse them.
      const procs = new Map(batch.processes.map((p) => [`${p.host ?? ''}:${p.pid}`, p.comm]));
      for (const t of batch.tools) {
        const site = toolSite(t);
        const root = site.session.cwd;
        let proc = site.process;
        for (const h of t.hints) {
          if (h.kind === 'exec') { proc = programOf(h.target) ?? proc; continue; }
          if (observed.size && observed.has(hintKey(t.id, h, root))) continue;
          site.process = proc;
          if (files && h.kind !== 'connect') {
            site.file = privacy.fileLabel(h.target, root);
            site.effect = h.kind === 'create' ? 'write' : h.kind;
            emit(site, 1);
          } else if (!files && h.kind === 'connect') {
            site.domain = privacy.domainLabel(h.target);
            emit(site, 1);
          }
        }
      }
      let unattributed = 0;
      for (const e of batch.effects) {
        if (files ? e.kind === 'connect' : e.kind !== 'connect') continue;
        const tool = e.toolCall ? tools.get(e.toolCall) : undefined;
        // The agent's own request setup (connects, DNS, resolver reads) is its LLM call's.
        const call = !tool && e.llmCall ? calls.get(e.llmCall) : undefined;
        const sid = e.session ?? tool?.session ?? call?.session;
        if (!tool && !call) unattributed++;
        // Effects of no known session still count, under the `unbound` session the join uses for them.
        const site: Site = tool ? toolSite(tool) : call ? callSite(call) : { session: unknownSession(sid ?? 'unbound'), unattributed: true };
        const proc = e.pid === undefined ? undefined : procs.get(`${e.host ?? ''}:${e.pid}`);
        if (proc !== undefined) site.process = proc;
        if (e.background) site.process = backgroundLabel(site.process);
        if (files) {
          // An exec's target is its command line: only the program is a file (arguments may hold secrets).
          site.file = privacy.fileLabel(e.kind === 'exec' ? e.target.split(' ')[0] : e.target, site.session.cwd);
          site.effect = e.kind === 'create' ? 'write' : e.kind;
        } else site.domain = privacy.domainLabel(e.domain ?? e.target);
        emit(site, 1);
      }
      extra.unattributed_effects = unattributed;
      break;
    }
  }

  // Samples stay in first-seen order (deterministic for a given batch); renderers sort as they need.
  const status = makeStatus(batch, tags, extra);
  status.unknown_models = unknownModels(batch, pricer).map((m) => privacy.scrub(m));
  return { view: opts.view, unit: def.unit, samples, total, status };
}

/** Models the price table does not know, whatever the view (the status block always lists them). */
function unknownModels(batch: EventBatch, pricer: Pricer): string[] {
  const seen = new Set<string>();
  let last = '';
  for (const c of batch.calls) if (c.model !== last) seen.add((last = c.model));
  return [...seen].filter((m) => m !== '<synthetic>' && !pricer.lookup(m)).sort();
}
