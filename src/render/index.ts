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

/**
 * Render each path in the format its extension (or `format`) says and write it; `-` is stdout.
 * Returns the written paths with their byte sizes, for the caller's status line.
 */
export function writeOutputs(profiles: Profile[], paths: string[], opts: RenderOptions & { format?: OutputFormat } = {}): { path: string; format: OutputFormat; bytes: number }[] {
  const done: { path: string; format: OutputFormat; bytes: number }[] = [];
  const cache = new Map<OutputFormat, Buffer | string>();
  for (const path of paths) {
    const format = opts.format ?? formatFromPath(path);
    let body = cache.get(format);
    if (body === undefined) {
      body = renderProfiles(profiles, format, opts);
      cache.set(format, body);
    }
    if (path === '-') process.stdout.write(body);
    else {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, body);
    }
    done.push({ path, format, bytes: typeof body === 'string' ? Buffer.byteLength(body) : body.length });
  }
  return done;
}
