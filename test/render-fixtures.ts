// Synthetic but realistic profiles for the render tests and bench: the frame vocabulary of the real
// views (agent:, project:, prompt:TAG, call:llm/KIND, model:, tool:, process:, file:, effect:, token:),
// deterministic (seeded), with the pitfalls renderers meet: unicode and XML-special labels, float
// weights (cost), a few heavy stacks next to thousands of tiny ones.
import type { Profile, Sample } from '../src/profile/types.js';
import { prng } from './fixtures/agentsight/wire.js';

const TAGS = ['debug', 'review', 'git', 'docs', 'test', 'refactor', 'unmatched', 'continue'];
const KINDS = ['tool', 'code', 'edit', 'text'];
const MODELS = ['claude-opus-4-6', 'claude-sonnet-4-5', 'gpt-5-codex'];
const TOOLS = ['Bash', 'Read', 'Edit', 'Grep', 'apply_patch', 'exec_command'];
const TOKENS = ['input', 'output', 'cache_read', 'cache_write'];
const FILES = ['src/main.rs', 'src/lib.rs', 'Cargo.toml', 'docs/a<b>&"c".md', 'src/日本語.ts', 'external/tmp', 'external/home'];
const pick = <T>(r: () => number, xs: T[]) => xs[Math.floor(r() * xs.length)];

/** tokens view: agent → project → prompt → call → model → token. */
export function tokensProfile(n = 400, seed = 1): Profile {
  const r = prng(seed);
  const samples: Sample[] = [];
  for (let i = 0; i < n; i++) {
    const agent = pick(r, ['claude', 'codex']);
    const project = pick(r, ['agentsight', 'webapp']);
    const stack = [`agent:${agent}`, `project:${project}`, `prompt:${pick(r, TAGS)}`, `call:llm/${pick(r, KINDS)}`, `model:${pick(r, MODELS)}`, `token:${pick(r, TOKENS)}`];
    samples.push({ stack, weight: 1 + Math.floor(r() * 5000), labels: { project, agent, session: `s${i % 7}` } });
  }
  return finish('tokens', 'tokens', samples);
}

/** files view: prompt → tool → file → effect, counts. */
export function filesProfile(n = 300, seed = 2): Profile {
  const r = prng(seed);
  const samples: Sample[] = [];
  for (let i = 0; i < n; i++) {
    const stack = [`prompt:${pick(r, TAGS)}`, `tool:${pick(r, TOOLS)}`, `file:${pick(r, FILES)}`, `effect:${pick(r, ['read', 'write', 'delete'])}`];
    samples.push({ stack, weight: 1, labels: { project: 'agentsight', agent: 'claude', session: `s${i % 3}` } });
  }
  return finish('files', 'count', samples);
}

/** cost view: float dollars. */
export function costProfile(n = 200, seed = 3): Profile {
  const r = prng(seed);
  const samples: Sample[] = [];
  for (let i = 0; i < n; i++) samples.push({ stack: [`prompt:${pick(r, TAGS)}`, `call:llm/${pick(r, KINDS)}`, `model:${pick(r, MODELS)}`], weight: Math.round(r() * 20000) / 1e6, labels: { project: 'webapp', agent: 'codex', session: 's1' } });
  return finish('cost', 'usd', samples);
}

/** `n` distinct stacks (the bench's 100k): deep, wide, mostly tiny weights plus a few heavy paths. */
export function distinctStacks(n: number, seed = 4): Profile {
  const r = prng(seed);
  const samples: Sample[] = [];
  for (let i = 0; i < n; i++) {
    const stack = [`agent:${pick(r, ['claude', 'codex', 'gemini'])}`, `prompt:${pick(r, TAGS)}`, `call:llm/${pick(r, KINDS)}`, `tool:${pick(r, TOOLS)}`, `process:${pick(r, ['cargo', 'git', 'node', 'rg'])}`, `file:src/mod${Math.floor(r() * 400)}/f${i}.rs`, `effect:${pick(r, ['read', 'write'])}`];
    samples.push({ stack, weight: r() < 0.001 ? 50_000 : 1 + Math.floor(r() * 50) });
  }
  return finish('files', 'count', samples);
}

function finish(view: string, unit: Profile['unit'], samples: Sample[]): Profile {
  const total = samples.reduce((a, s) => a + s.weight, 0);
  return {
    view,
    unit,
    samples,
    total,
    status: { sessions: 7, prompts: samples.length, matched: samples.length, unmatched: 0, coverage_pct: 100, tag_counts: {}, unknown_models: [], skipped_lines: 0, time_range: { start: Date.UTC(2026, 10, 1, 9), end: Date.UTC(2026, 10, 27, 18, 30) } },
  };
}
