// The processing side of `agentpprof live` / `replay`: runtime + processor + server, and the flush of
// the profile so far to disk. Used in-process (no root) or in the unprivileged child (root runs).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Tagger } from '../tag/types.js';
import { renderProfiles } from '../render/index.js';
import { VIEWS } from './hub.js';
import { LiveProcessor } from './processor.js';
import { LiveRuntime } from './runtime.js';
import { buildServer, DEFAULT_HOST, DEFAULT_PORT } from './server.js';

export interface ServeOptions {
  tagger: Tagger;
  host?: string;
  port?: number;
  token?: string;
  includePrompts?: boolean;
  record?: string;
  clock?: () => number;
  kernel?: () => boolean;
  intervalMs?: number;
}

export interface Serving {
  rt: LiveRuntime;
  processor: LiveProcessor;
  url: string;
  token: string;
  /** Stops serving, writes the profile so far into `outDir`; returns the files written. */
  close(outDir?: string): Promise<string[]>;
}

export async function serve(opts: ServeOptions): Promise<Serving> {
  // Tool-input hints stand in for kernel effects only while no collector is delivering them.
  const kernel = opts.kernel ?? (() => rt.hub.status.collector === 'running');
  const rt: LiveRuntime = new LiveRuntime({ tagger: opts.tagger, includePrompts: opts.includePrompts, record: opts.record, clock: opts.clock, kernel });
  const processor = new LiveProcessor(rt);
  const { app, token } = await buildServer({ hub: rt.hub, token: opts.token, intervalMs: opts.intervalMs });
  const host = opts.host ?? DEFAULT_HOST;
  const address = await app.listen({ host, port: opts.port ?? DEFAULT_PORT });
  const expire = setInterval(() => processor.tick(), 5000);
  expire.unref();
  return {
    rt, processor, token,
    url: `${address}/?token=${token}`,
    async close(outDir) {
      clearInterval(expire);
      await app.close();
      await rt.flush();
      const files = outDir ? flushProfiles(rt, outDir) : [];
      await rt.recorder?.close();
      return files;
    },
  };
}

/** Writes every view's all-time profile (folded), one pprof with all views, and the tokens SVG. */
export function flushProfiles(rt: LiveRuntime, dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const profiles = VIEWS.map((v) => rt.hub.profile(v, 'all'));
  const files: string[] = [];
  const write = (name: string, body: string | Buffer) => {
    const path = join(dir, name);
    writeFileSync(path, body);
    files.push(path);
  };
  for (const p of profiles) write(`${p.view}.folded`, renderProfiles([p], 'folded'));
  write('live.pb.gz', renderProfiles(profiles, 'pprof'));
  write('tokens.svg', renderProfiles([profiles[0]], 'svg', { title: 'agentpprof live — tokens' }));
  write('status.json', JSON.stringify(rt.hub.profileStatus(), null, 2) + '\n');
  return files;
}
