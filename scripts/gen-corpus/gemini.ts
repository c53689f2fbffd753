// Gemini CLI writer: `tmp/<projectHash>/chats/session-*.json` (one ConversationRecord) and `.jsonl`
// (metadata line, message records, a message rewritten under the same id as its tools and tokens
// arrive, `$set` metadata patches, `$rewindTo` that drops the target message and everything after it),
// agent-traces.md §3. Counts go to the Tally only for messages that survive replacement and rewinds.
import { createHash } from 'node:crypto';
import type { Rng } from './rng.js';
import type { CallPlan, SessionPlan, ToolPlan } from './plan.js';
import type { Tally } from './totals.js';
import type { Sink } from './sink.js';
import type { Showcase } from './showcase.js';

export interface GeminiWriterCtx {
  rng: Rng;
  tally: Tally;
  sink: Sink;
  /** Directory inside the corpus that plays ~/.gemini. */
  root: string;
  show: Showcase;
}

const iso = (ms: number): string => new Date(ms).toISOString();

function toolCall(r: Rng, t: ToolPlan, cwd: string, ts: number): Record<string, unknown> {
  const [name, args]: [string, Record<string, unknown>] =
    t.kind === 'read' ? ['read_file', { absolute_path: t.path }]
      : t.kind === 'write' ? ['write_file', { file_path: t.path, content: t.content }]
        : t.kind === 'edit' ? ['replace', { file_path: t.path, old_string: t.oldText, new_string: t.newText }]
          : t.kind === 'bash' ? ['run_shell_command', { command: t.command!.command, directory: cwd }]
            : t.kind === 'grep' ? ['search_file_content', { pattern: t.pattern, path: t.path }]
              : t.kind === 'glob' ? ['glob', { pattern: t.pattern, path: t.path }]
                : t.kind === 'fetch' ? ['web_fetch', { prompt: `Summarize ${t.url}` }]
                  : t.kind === 'search' ? ['google_web_search', { query: t.query }]
                    : t.kind === 'todo' ? ['write_todos', { todos: JSON.parse(t.content!) }]
                      : ['delegate_to_agent', { prompt: t.task?.prompt ?? '' }];
  const id = `${name}-${ts}-${r.hex(12)}`;
  return {
    id, name, args, status: t.error ? 'error' : 'success', timestamp: iso(ts),
    result: [{ functionResponse: { id, name, response: t.error ? { error: t.output } : { output: t.output } } }],
    resultDisplay: t.output.length > 2000 ? t.output.slice(0, 2000) : t.output, displayName: name, renderOutputAsMarkdown: name !== 'run_shell_command',
  };
}

interface Built {
  id: string;
  records: Record<string, unknown>[];
  final: Record<string, unknown>;
  model: string;
  call: CallPlan;
}

function geminiMessage(r: Rng, show: Showcase, call: CallPlan, cwd: string, ts: number, model: string, first: boolean): Built {
  const id = r.uuid();
  const cached = first ? 0 : Math.round(call.context * 0.9);
  const input = cached + call.fresh + (first ? call.context : call.context - cached);
  const tokens = { input, output: call.output, cached, thoughts: call.reasoning, tool: 0, total: input + call.output + call.reasoning };
  const base = { id, timestamp: iso(ts), type: 'gemini', content: call.text ?? '', model,
    thoughts: call.thinking ? [{ subject: 'Planning', description: call.thinking, timestamp: iso(ts) }] : [] };
  const toolCalls = call.tools.map((t, i) => toolCall(r, t, cwd, ts + i));
  const final = { ...base, toolCalls, tokens };
  // Written first without tokens (streaming), then rewritten under the same id once complete.
  const records = show.take(r, 'rewritten', 0.6) ? [{ ...base, content: (call.text ?? '').slice(0, 40) }, final] : [final];
  return { id, records, final, model, call };
}

export function writeGeminiSession(c: GeminiWriterCtx, plan: SessionPlan): void {
  const r = c.rng;
  const sessionId = r.uuid();
  const hash = createHash('sha256').update(plan.project.cwd).digest('hex');
  const model = c.show.first('gemini-2.5-pro') ? 'gemini-2.5-pro' : c.show.first('gemini-2.5-flash') ? 'gemini-2.5-flash'
    : r.weighted([['gemini-2.5-pro', 4], ['gemini-2.5-flash', 1]] as const);
  const jsonl = c.show.first('gem-jsonl') || (!c.show.first('gem-json') && r.chance(0.6));
  const name = `session-${iso(plan.start).slice(0, 16).replace(/:/g, '-')}-${sessionId.slice(0, 8)}`;
  const dir = `${c.root}/tmp/${hash}`;
  const t = c.tally.of('gemini');
  t.sessions++;
  const messages: Record<string, unknown>[] = [];
  const jlines: string[] = [JSON.stringify({ sessionId, projectHash: hash, startTime: iso(plan.start), lastUpdated: iso(plan.start), kind: 'main' })];
  let first = true;
  plan.turns.forEach((turn, ti) => {
    const userId = r.uuid();
    const user = { id: userId, timestamp: iso(turn.ts), type: 'user', content: c.show.take(r, 'string-content', 0.3) ? turn.text : [{ text: turn.text }] };
    const built: Built[] = [];
    let ts = turn.ts + 500;
    for (const call of turn.calls) {
      built.push(geminiMessage(r, c.show, call, plan.project.cwd, ts, model, first));
      first = false;
      ts += call.ms + call.tools.reduce((a, x) => a + x.ms, 0);
    }
    // In .jsonl a turn can be rewound (/rewind): the user message and all after it are dropped.
    const rewound = jsonl && ti < plan.turns.length - 1 && (c.show.want('rewind') || r.chance(0.12));
    if (rewound) c.show.mark('rewind');
    if (jsonl) {
      jlines.push(JSON.stringify(user));
      for (const b of built) for (const rec of b.records) jlines.push(JSON.stringify(rec));
      if (c.show.take(r, 'info', 0.1)) jlines.push(JSON.stringify({ id: r.uuid(), timestamp: iso(ts), type: 'info', content: 'Request cancelled.' }));
      jlines.push(JSON.stringify({ $set: { lastUpdated: iso(ts) } }));
      if (rewound) jlines.push(JSON.stringify({ $rewindTo: userId }));
    } else {
      messages.push(user);
      for (const b of built) messages.push(b.final);
    }
    if (rewound) return;
    t.prompts.human++;
    for (const b of built) {
      const tk = b.final.tokens as { input: number; output: number; cached: number; thoughts: number };
      c.tally.call('gemini', b.model, { input: tk.input - tk.cached, output: tk.output + tk.thoughts, cacheRead: tk.cached, cacheWrite5m: 0, cacheWrite1h: 0 });
      t.toolCalls += b.call.tools.length;
    }
  });
  c.sink.writeText(`${dir}/.project_root`, plan.project.cwd);
  if (jsonl) {
    let tail: string | undefined;
    if (c.show.take(r, 'truncated', 0.05)) {
      const l = JSON.stringify({ $set: { lastUpdated: iso(plan.end), summary: 'wip' } });
      tail = l.slice(0, r.int(5, l.length - 2));
      t.skippedLines++;
    }
    c.sink.writeLines(`${dir}/chats/${name}.jsonl`, jlines, tail);
  } else {
    c.sink.writeText(`${dir}/chats/${name}.json`, JSON.stringify({ sessionId, projectHash: hash, startTime: iso(plan.start), lastUpdated: iso(plan.end), messages }, null, 2));
  }
}
