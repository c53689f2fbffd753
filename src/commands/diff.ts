// `agentpprof diff BASE NEW -o d.svg -o d.txt`: what changed between two profiles (two periods, two
// corpora, two machines). BASE and NEW are folded or pprof files; the differential flamegraph colours
// NEW's frames red (share grew) or blue (shrank), the text report lists the tags and stacks whose
// share changed most.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import type { Profile } from '../profile/types.js';
import { renderDiffFolded, renderDiffSvg, renderDiffText } from '../render/diff.js';
import { formatFromPath, isOutputFormat, type OutputFormat } from '../render/index.js';
import { readAll } from './profile-inputs.js';

export const summary = 'differential flamegraph and change table between two profiles';
export const help = `agentpprof diff BASE NEW [-o d.svg] [-o d.txt] [OPTIONS]

BASE and NEW are profile files: folded stacks (.folded) or pprof (.pb.gz), e.g. last month's and this
month's \`agentpprof -o x.pb.gz\`, or two machines'. BASE is scaled to NEW's total (difffolded.pl -n),
so frames are coloured by change of share: red grew, blue shrank.

  -o, --output PATH   .svg (differential flamegraph), .txt (tags and stacks whose share changed most),
                      .folded (difffolded.pl's "stack base new"); repeatable; default: text on stdout
  --format FMT        force svg|text|folded for every -o
  --view NAME         which view to compare when the files hold several (default: the first in both)
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
  throw new Error(`diff writes ${DIFF_FORMATS.join(', ')}, not ${format}`);
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      output: { type: 'string', short: 'o', multiple: true },
      format: { type: 'string' },
      view: { type: 'string' },
      limit: { type: 'string' },
      title: { type: 'string' },
    },
  });
  if (positionals.length !== 2) {
    process.stderr.write(`agentpprof diff: need BASE and NEW\n\n${help}\n`);
    return 2;
  }
  if (values.format && !(isOutputFormat(values.format) && DIFF_FORMATS.includes(values.format))) {
    process.stderr.write(`agentpprof diff: --format must be one of ${DIFF_FORMATS.join(', ')}\n`);
    return 2;
  }
  const [basePath, newPath] = positionals;
  const base = readAll([basePath], { view: values.view });
  const next = readAll([newPath], { view: values.view });
  for (const s of [...base.skipped, ...next.skipped].slice(0, 20)) process.stderr.write(`skipped ${s}\n`);
  const [b, n] = pickView(base.profiles, next.profiles, values.view);
  const opts = { title: values.title, limit: values.limit ? Number(values.limit) : undefined, baseName: basePath, newName: newPath };
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
