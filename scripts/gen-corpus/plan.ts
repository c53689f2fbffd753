// An agent-neutral script of one session: turns (a prompt and the LLM calls that answer it), each call
// with its tools and their outputs, plus the token sizes. The per-agent writers (claude.ts, codex.ts,
// gemini.ts) render the same plan in their own formats and pitfalls, so every agent gets the same
// realistic mix of intents, effects and sizes.
import type { Rng } from './rng.js';
import { makePrompt, pickIntent, pickLang, type Intent, type Lang } from './prompts.js';
import {
  codeSnippet, externalPath, fileText, makeCommand, promptSlots, prose, webPage, webUrl, type Command, type Project,
} from './content.js';

export type ToolKind = 'read' | 'write' | 'edit' | 'bash' | 'grep' | 'glob' | 'fetch' | 'search' | 'task' | 'todo';

export interface TaskPlan {
  description: string;
  prompt: string;
  agentType: string;
  calls: CallPlan[];
}

export interface ToolPlan {
  kind: ToolKind;
  /** Absolute path for read/write/edit; directory for grep/glob. */
  path?: string;
  pattern?: string;
  command?: Command;
  url?: string;
  query?: string;
  content?: string;
  oldText?: string;
  newText?: string;
  /** The edited file before the edit (Claude Code keeps it in toolUseResult.originalFile). */
  original?: string;
  output: string;
  error: boolean;
  ms: number;
  task?: TaskPlan;
}

export interface CallPlan {
  thinking: string | null;
  text: string | null;
  tools: ToolPlan[];
  /** New (uncached) input tokens for this call. */
  fresh: number;
  /** Tokens of context that a prompt cache could serve. */
  context: number;
  output: number;
  reasoning: number;
  ms: number;
}

export interface TurnPlan {
  text: string;
  intent: Intent;
  lang: Lang;
  ts: number;
  calls: CallPlan[];
}

export interface SessionPlan {
  project: Project;
  user: string;
  start: number;
  end: number;
  turns: TurnPlan[];
}

export interface PlanCtx {
  seed: number;
  user: string;
  /** Scales the number of turns (bigger sessions for the size benchmark). */
  scale: number;
}

const TOOLS_BY_INTENT: Record<Intent, readonly (readonly [ToolKind, number])[]> = {
  debug: [['read', 5], ['grep', 2], ['bash', 4], ['edit', 3], ['glob', 1], ['fetch', 0.3], ['task', 0.3]],
  review: [['read', 6], ['bash', 2], ['grep', 2], ['task', 0.4]],
  git: [['bash', 8], ['read', 1]],
  test: [['read', 4], ['write', 2], ['bash', 4], ['edit', 2]],
  docs: [['read', 4], ['write', 2], ['edit', 3], ['glob', 1]],
  code: [['read', 4], ['write', 3], ['edit', 3], ['bash', 2], ['todo', 0.5], ['search', 0.2]],
  edit: [['read', 3], ['edit', 5], ['bash', 1]],
  refactor: [['read', 5], ['edit', 4], ['write', 1], ['bash', 2], ['grep', 1]],
  perf: [['read', 4], ['bash', 4], ['edit', 2], ['fetch', 0.3]],
  inspect: [['read', 6], ['glob', 2], ['grep', 3], ['bash', 1], ['task', 0.5]],
  continue: [['read', 3], ['edit', 3], ['bash', 3], ['write', 1]],
  confirm: [['edit', 3], ['bash', 3], ['write', 1], ['read', 1]],
  deploy: [['bash', 6], ['read', 2], ['edit', 1], ['fetch', 0.5]],
  research: [['fetch', 4], ['search', 3], ['read', 1], ['task', 1], ['write', 0.5]],
  vague: [['read', 2], ['bash', 1]],
};

const tokensOf = (s: string | null | undefined): number => (s ? Math.ceil(s.length / 3.6) : 0);

function makeTool(r: Rng, ctx: PlanCtx, p: Project, kind: ToolKind, depth: number): ToolPlan {
  const inProject = (f: string) => `${p.cwd}/${f}`;
  const path = r.chance(0.1) ? externalPath(r, ctx.user, p) : inProject(r.pick(p.files));
  const ms = r.skewed(5, 4000);
  switch (kind) {
    case 'read': {
      const missing = r.chance(0.04);
      const text = path.startsWith(p.cwd) ? fileText(ctx.seed, p, path.slice(p.cwd.length + 1)) : `# ${path}\n${prose(r, 2, 30)}\n`;
      return { kind, path, output: missing ? 'File does not exist.' : text, error: missing, ms };
    }
    case 'write': {
      const f = r.chance(0.8) ? inProject(r.pick(p.files).replace(/(\.\w+)$/, `_${r.pick(['new', 'v2', 'util', 'helpers'])}$1`)) : path;
      return { kind, path: f, content: fileText(ctx.seed, p, f + '#new'), output: `File created successfully at: ${f}`, error: false, ms };
    }
    case 'edit': {
      const oldText = codeSnippet(ctx.seed, p, r);
      const fail = r.chance(0.06);
      const original = path.startsWith(p.cwd) ? fileText(ctx.seed, p, path.slice(p.cwd.length + 1)) : undefined;
      return { kind, path, oldText, newText: oldText.replace(/\w+/, (w) => w + 'Checked'), original,
        output: fail ? 'String to replace not found in file.' : `The file ${path} has been updated.`, error: fail, ms };
    }
    case 'bash': {
      const command = makeCommand(r, p, ctx.seed);
      const out = command.stdout + (command.stderr ? `\n${command.stderr}` : '');
      return { kind, command, output: out || '(no output)', error: command.exitCode !== 0, ms: r.skewed(50, 120000) };
    }
    case 'grep':
      return { kind, pattern: r.pick(p.fns), path: p.cwd, output: Array.from({ length: r.int(1, 30) }, () => inProject(r.pick(p.files))).join('\n'), error: false, ms };
    case 'glob':
      return { kind, pattern: r.pick(['**/*.ts', '**/*.py', 'src/**', '*.md', '**/test*', '**/*.go']), path: p.cwd,
        output: p.files.filter(() => r.chance(0.5)).map(inProject).join('\n'), error: false, ms };
    case 'fetch': {
      const url = webUrl(r, p);
      return { kind, url, output: webPage(r, url), error: r.chance(0.05), ms: r.skewed(200, 15000) };
    }
    case 'search': {
      const query = `${r.pick(p.topics)} ${r.pick(['best practices', 'benchmark', '2025', 'paper', 'example'])}`;
      return { kind, query, output: Array.from({ length: r.int(3, 10) }, () => `- ${webUrl(r, p)}: ${prose(r, 1, 3)}`).join('\n'), error: false, ms };
    }
    case 'todo':
      return { kind, output: 'Todos have been modified successfully.', content: JSON.stringify([{ content: prose(r, 1, 1), status: 'in_progress' }]), error: false, ms: 3 };
    case 'task': {
      if (depth > 0) return makeTool(r, ctx, p, 'read', depth);
      const agentType = r.pick(['general-purpose', 'Explore', 'code-reviewer', 'Plan']);
      const prompt = `${r.pick(['Search the codebase for', 'Investigate', 'Review', 'Find every use of'])} ${r.pick(p.fns)} in ${p.cwd} and report ${r.pick(['the call sites', 'any bugs', 'how it is tested', 'the data flow'])}.`;
      const calls = makeCalls(r, ctx, p, r.pick(['inspect', 'review', 'debug'] as const), r.int(2, 6), depth + 1, 9000);
      const output = prose(r, 3, 25);
      return { kind, task: { description: `${r.pick(['Find', 'Review', 'Trace'])} ${r.pick(p.fns)}`, prompt, agentType, calls }, output, error: false,
        ms: calls.reduce((a, c) => a + c.ms, 0) };
    }
  }
}

function makeCalls(r: Rng, ctx: PlanCtx, p: Project, intent: Intent, n: number, depth: number, context0: number): CallPlan[] {
  const calls: CallPlan[] = [];
  let context = context0;
  let fresh = r.int(200, 3000);
  for (let i = 0; i < n; i++) {
    const last = i === n - 1;
    const tools: ToolPlan[] = [];
    if (!last) {
      const k = r.weighted([[1, 7], [2, 2], [3, 1]] as const);
      for (let j = 0; j < k; j++) tools.push(makeTool(r, ctx, p, r.weighted(TOOLS_BY_INTENT[intent]), depth));
    }
    const thinking = r.chance(0.4) ? prose(r, 1, 12) : null;
    const text = last ? prose(r, 1, 20) + (r.chance(0.3) ? `\n\n\`\`\`\n${codeSnippet(ctx.seed, p, r)}\n\`\`\`` : '') : r.chance(0.5) ? prose(r, 1, 3) : null;
    const output = Math.max(1, tokensOf(thinking) + tokensOf(text) + tools.reduce((a, t) => a + tokensOf(t.content ?? t.newText ?? t.command?.command ?? t.path ?? ''), 0) + r.int(5, 60));
    const reasoning = thinking ? tokensOf(thinking) : 0;
    calls.push({ thinking, text, tools, fresh, context, output, reasoning, ms: r.skewed(800, 60000) });
    context += fresh + output;
    fresh = Math.min(40000, tools.reduce((a, t) => a + tokensOf(t.output), 0) + r.int(10, 200));
  }
  return calls;
}

/** What a session must contain (so a small corpus still shows every layout). */
export interface Ensure {
  tools?: ToolKind[];
  minTurns?: number;
}

export function planSession(r: Rng, ctx: PlanCtx, p: Project, start: number, ensure: Ensure = {}): SessionPlan {
  const nTurns = Math.max(ensure.minTurns ?? 1, Math.round(r.skewed(1, 14) * ctx.scale));
  const turns: TurnPlan[] = [];
  let ts = start;
  let context = r.int(12000, 26000);
  for (let t = 0; t < nTurns; t++) {
    const intent = pickIntent(r, t === 0);
    const lang = pickLang(r, p.zh);
    const text = makePrompt(r, intent, lang, promptSlots(r, p));
    const n = intent === 'confirm' || intent === 'continue' ? r.int(1, 6) : intent === 'vague' ? r.int(1, 2) : r.skewed(1, 14);
    const calls = makeCalls(r, ctx, p, intent, n, 0, context);
    context = Math.min(180000, calls[calls.length - 1].context + r.int(500, 4000));
    turns.push({ text, intent, lang, ts, calls });
    ts += calls.reduce((a, c) => a + c.ms + c.tools.reduce((b, tl) => b + tl.ms, 0), 0) + r.skewed(5000, 1800000);
  }
  for (const kind of ensure.tools ?? []) {
    const calls = turns.flatMap((t) => t.calls);
    if (calls.some((c) => c.tools.some((t) => t.kind === kind))) continue;
    const host = calls.find((c) => c.tools.length) ?? calls[0];
    host.tools.unshift(makeTool(r, ctx, p, kind, 0));
  }
  return { project: p, user: ctx.user, start, end: ts, turns };
}
