// `agentpprof diff BASE NEW -o d.svg -o d.txt`: what changed between two profiles (two periods, two
// corpora, two machines). Each side is a profile file (folded or pprof), a history path (trace files
// or directories, read and tagged as `agentpprof profile` does), or a time window of the same history
// (--base-since/--base-until vs --since/--until). The differential flamegraph colours NEW's frames red
// (share grew) or blue (shrank); the text report lists the tags and stacks whose share changed most.
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import type { Profile, ViewName } from '../profile/types.js';
import { renderDiffFolded, renderDiffSvg, renderDiffText } from '../render/diff.js';
import { formatFromPath, isOutputFormat, type OutputFormat } from '../render/index.js';
import { taggerOptions } from '../tag/index.js';
import { looksLikeProfileFile, readAll } from './profile-inputs.js';
import { usageError } from '../util/cli-error.js';

export const summary = 'differential flamegraph and change table between two profiles';
export const help = `agentpprof diff BASE NEW [-o d.svg] [-o d.txt] [OPTIONS]
agentpprof diff --base-since D --base-until D [--since D] [--until D] [PATHS…] [OPTIONS]

BASE and NEW are profile files — folded stacks (.folded) or pprof (.pb.gz), e.g. last month's and this
month's \`agentpprof -o x.pb.gz\`, or two machines' — or history paths (trace files or directories:
two corpora). With --base-since/--base-until, BASE and NEW are two windows of the same history (PATHS,
default the agents' own directories): BASE in [base-since, base-until), NEW in [since, until).
BASE is scaled to NEW's total (difffolded.pl -n), so frames are coloured by change of share: red grew,
blue shrank. History is tagged as \`agentpprof profile\` tags it (same --rules/--tagger options).

  -o, --output PATH   .svg (differential flamegraph), .txt (tags and stacks whose share changed most),
                      .folded (difffolded.pl's "stack base new"); repeatable; default: text on stdout
  --format FMT        force svg|text|folded for every -o
  --view NAME         which view to compare (default: the first in both files; tokens for history)
  --base-since/--base-until DATE, --since/--until DATE   the two windows (YYYY-MM-DD or ISO time)
  --project NAME, --agent NAME, --rules FILE, --tag-rule TAG=RE, --tagger NAME   as for profile
  --limit N           rows per table in the text report (default 20)
  --title TEXT        title of the SVG`;

const DIFF_FORMATS: OutputFormat[] = ['svg', 'text', 'folded'];

export function pickView(base: Profile[], next: Profile[], view?: string): [Profile, Profile] {
  const common = next.filter((n) => base.some((b) => b.view === n.view)).map((p) => p.view);
  const chosen = view ?? common[0];
  const b = base.find((p) => p.view === chosen);
  const n = next.find((p) => p.view === chosen);
  if (!b || !n) {
    throw new Error(view ? `view ${view} is not in both profiles (base: ${base.map((p) => p.view).join(', ') || 'none'}; new: ${next.map((p) => p.view).join(', ') || 'none'})` : `no view in common (base: ${base.map((p) => p.view).join(', ') || 'none'}; new: ${next.map((p) => p.view).join(', ') || 'none'}); pass --view`);
  }
  if (b.unit !== n.unit) throw new Error(`${chosen}: base is in ${b.unit}, new in ${n.unit}`);
  return [b, n];
}

export function renderDiff(base: Profile, next: Profile, format: OutputFormat, opts: { title?: string; limit?: number; baseName?: string; newName?: string }): string {
  if (format === 'svg') return renderDiffSvg(base, next, opts);
  if (format === 'text') return renderDiffText(base, next, opts);
  if (format === 'folded') return renderDiffFolded(base, next);
  throw usageError(`diff writes ${DIFF_FORMATS.join(', ')}, not ${format}`);
}

const isProfileFile = (path: string) => {
  try {
    return looksLikeProfileFile(path) && statSync(path).isFile();
  } catch {
    return false;
  }
};

interface Side {
  name: string;
  profiles: Profile[];
}

/** One side from a profile file, or from history paths in a time window (tagged as `profile` does). */
async function loadSide(paths: string[], window: { since?: string; until?: string }, values: Record<string, unknown>, view: string): Promise<Side> {
  if (paths.length === 1 && isProfileFile(paths[0])) {
    const r = readAll(paths, { view: values.view as string | undefined });
    for (const s of r.skipped.slice(0, 20)) process.stderr.write(`skipped ${s}\n`);
    return { name: paths[0], profiles: r.profiles };
  }
  const { loadAndTag, currentUserNames, loadPrices } = await import('./profile.js');
  const { buildProfile } = await import('../profile/index.js');
  const { batch, tags } = await loadAndTag({ ...values, since: window.since, until: window.until }, paths);
  const profile = buildProfile(batch, tags, { view: view as ViewName, prices: loadPrices(undefined), privacy: { userNames: currentUserNames() } });
  const where = paths.length ? paths.join(', ') : 'history';
  const name = window.since || window.until ? `${where} [${window.since ?? '…'}, ${window.until ?? '…'})` : where;
  return { name, profiles: [profile] };
}

const HISTORY_OPTIONS = {
  since: { type: 'string' },
  until: { type: 'string' },
  'base-since': { type: 'string' },
  'base-until': { type: 'string' },
  project: { type: 'string' },
  agent: { type: 'string' },
  rules: { type: 'string', multiple: true },
  'tag-rule': { type: 'string', multiple: true },
  'no-default-rules': { type: 'boolean' },
  tagger: { type: 'string' },
} as const;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...taggerOptions(),
      ...HISTORY_OPTIONS,
      output: { type: 'string', short: 'o', multiple: true },
      format: { type: 'string' },
      view: { type: 'string' },
      limit: { type: 'string' },
      title: { type: 'string' },
    },
  });
  const windows = values['base-since'] !== undefined || values['base-until'] !== undefined;
  if (!windows && positionals.length !== 2) {
    process.stderr.write(`agentpprof diff: need BASE and NEW, or --base-since/--base-until\n\n${help}\n`);
    return 2;
  }
  if (values.format && !(isOutputFormat(values.format) && DIFF_FORMATS.includes(values.format))) {
    process.stderr.write(`agentpprof diff: --format must be one of ${DIFF_FORMATS.join(', ')}\n`);
    return 2;
  }
  const view = values.view ?? 'tokens';
  const base = windows
    ? await loadSide(positionals, { since: values['base-since'], until: values['base-until'] }, values, view)
    : await loadSide([positionals[0]], { since: values.since, until: values.until }, values, view);
  const next = windows
    ? await loadSide(positionals, { since: values.since, until: values.until }, values, view)
    : await loadSide([positionals[1]], { since: values.since, until: values.until }, values, view);
  const [b, n] = pickView(base.profiles, next.profiles, values.view);
  const opts = { title: values.title, limit: values.limit ? Number(values.limit) : undefined, baseName: base.name, newName: next.name };
  const outputs = values.output?.length ? values.output : ['-'];
  for (const path of outputs) {
    const format = (values.format as OutputFormat | undefined) ?? (path === '-' ? 'text' : formatFromPath(path));
    const body = renderDiff(b, n, format, opts);
    if (path === '-') process.stdout.write(body);
    else {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, body);
      process.stderr.write(`wrote ${path} (${format}, ${Buffer.byteLength(body)} bytes)\n`);
    }
  }
  return 0;
}
