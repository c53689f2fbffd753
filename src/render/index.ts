// The render dispatcher: one entry for every output format. Callers parse once and hand the same
// Profiles to several outputs (`-o a.svg -o a.pb.gz`).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Profile } from '../profile/types.js';
import { renderFolded } from './folded.js';
import { renderHtml } from './html.js';
import { renderJson } from './json.js';
import { renderPprof } from './pprof.js';
import { renderSvg } from './svg.js';
import { renderText } from './text.js';

export type OutputFormat = 'svg' | 'html' | 'pprof' | 'json' | 'folded' | 'text';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['svg', 'html', 'pprof', 'json', 'folded', 'text'];

export interface RenderOptions {
  title?: string;
  /** Epoch milliseconds; defaults to the profiles' status.time_range. */
  timeRange?: { start: number; end: number };
}

const EXTENSIONS: [string, OutputFormat][] = [
  ['.pb.gz', 'pprof'],
  ['.pprof', 'pprof'],
  ['.pb', 'pprof'],
  ['.svg', 'svg'],
  ['.html', 'html'],
  ['.htm', 'html'],
  ['.json', 'json'],
  ['.folded', 'folded'],
  ['.collapsed', 'folded'],
  ['.txt', 'text'],
  ['.text', 'text'],
];

/** Output format from a file name; throws with the accepted extensions when it cannot tell. */
export function formatFromPath(path: string): OutputFormat {
  const lower = path.toLowerCase();
  for (const [ext, fmt] of EXTENSIONS) if (lower.endsWith(ext)) return fmt;
  throw new Error(`cannot tell the output format of ${path}: use one of ${EXTENSIONS.map((e) => e[0]).join(' ')} or --format`);
}

export function isOutputFormat(s: string): s is OutputFormat {
  return (OUTPUT_FORMATS as readonly string[]).includes(s);
}

/** One output body. An SVG shows one view (the first profile); writeOutputs writes one SVG per view. */
export function renderProfiles(profiles: Profile[], format: OutputFormat, opts: RenderOptions = {}): Buffer | string {
  switch (format) {
    case 'svg':
      return renderSvg(profiles[0], opts);
    case 'html':
      return renderHtml(profiles, opts);
    case 'pprof':
      return renderPprof(profiles, opts);
    case 'json':
      return renderJson(profiles);
    case 'folded':
      return renderFolded(profiles);
    case 'text':
      return renderText(profiles);
  }
}

/** Formats that hold one view (a folded line has no view): several profiles go to one file per view (x.svg → x.tokens.svg, …). */
const SINGLE_VIEW: ReadonlySet<OutputFormat> = new Set(['svg', 'folded']);

/** `out/x.svg` + `files` → `out/x.files.svg` (`.pb.gz`-style double extensions are kept whole). */
export function perViewPath(path: string, view: string): string {
  const m = /(\.[a-z]+(\.gz)?)$/i.exec(path);
  return m ? `${path.slice(0, m.index)}.${view}${m[1]}` : `${path}.${view}`;
}

/**
 * Render each path in the format its extension (or `format`) says and write it; `-` is stdout. Each
 * format is rendered once however many paths ask for it. An SVG holds one view: with several profiles
 * it is written once per view, the view's name before the extension.
 * Returns the written paths with their byte sizes, for the caller's status line.
 */
export function writeOutputs(profiles: Profile[], paths: string[], opts: RenderOptions & { format?: OutputFormat } = {}): { path: string; format: OutputFormat; bytes: number }[] {
  const done: { path: string; format: OutputFormat; bytes: number }[] = [];
  const cache = new Map<string, Buffer | string>();
  const render = (format: OutputFormat, ps: Profile[], key: string) => {
    let body = cache.get(key);
    if (body === undefined) cache.set(key, (body = renderProfiles(ps, format, opts)));
    return body;
  };
  for (const path of paths) {
    const format = opts.format ?? formatFromPath(path);
    const jobs = SINGLE_VIEW.has(format) && profiles.length > 1 && path !== '-'
      ? profiles.map((p) => ({ path: perViewPath(path, p.view), body: render(format, [p], `${format}:${p.view}`) }))
      : [{ path, body: render(format, profiles, format) }];
    for (const { path: out, body } of jobs) {
      if (out === '-') process.stdout.write(body);
      else {
        mkdirSync(dirname(out), { recursive: true });
        writeFileSync(out, body);
      }
      done.push({ path: out, format, bytes: typeof body === 'string' ? Buffer.byteLength(body) : body.length });
    }
  }
  return done;
}
