// `agentpprof replay FILE`: feeds a live recording to the live server, as if it were happening now.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { makeLogger } from '../live/log.js';
import { replayFile, ReplayClock } from '../live/replay.js';
import { serve } from '../live/serve.js';
import { DEFAULT_HOST, DEFAULT_PORT, isLoopback } from '../live/server.js';
import { liveTagger } from './live.js';
import { FLEET_HELP, FLEET_OPTIONS, fleetOptions } from '../fleet/cli-options.js';
import { noDataError, usageError } from '../util/cli-error.js';
import { deniedProblem, probe } from '../sources/roots.js';

export const summary = 'replay a `live --record` file into the live dashboard';

export const help = `agentpprof replay FILE [OPTIONS]

Feeds a recording made with \`agentpprof live --record FILE\` to the live server at its recorded pace
and serves the dashboard at http://127.0.0.1:${DEFAULT_PORT}/?token=… as \`live\` does.

Options:
  --speed N        N× the recorded pace (default 1; 0 = as fast as possible)
  --port N, --host ADDR, --token TOKEN, --include-prompts   as for \`live\`
  --once           exit when the recording ends (writes the profile to --out)
  --out DIR        where the profile is written on exit (default agentpprof-live/)
  --log-json       JSON log lines on stderr

${FLEET_HELP}`;

export async function run(argv: string[]): Promise<number> {
  const { values: v, positionals } = parseArgs({
    args: argv, allowPositionals: true, strict: true,
    options: {
      speed: { type: 'string', default: '1' }, port: { type: 'string' }, host: { type: 'string' }, token: { type: 'string' },
      'include-prompts': { type: 'boolean' }, once: { type: 'boolean' }, out: { type: 'string', default: 'agentpprof-live' },
      'log-json': { type: 'boolean' }, tagger: { type: 'string', default: 'regex' },
      ...FLEET_OPTIONS,
    },
  });
  if (positionals.length !== 1) throw usageError('replay needs one recording FILE (see --help)');
  // Checked before the server starts: a failed replay must not overwrite the last profile in --out.
  const what = probe(positionals[0]);
  if (what === 'missing') throw noDataError(`recording not found: ${positionals[0]}`);
  if (what === 'denied') throw noDataError(deniedProblem(positionals[0]));
  if (what === 'dir') throw usageError(`${positionals[0]} is a directory; replay takes a file written by live --record`);
  const speed = Number(v.speed);
  if (!(speed >= 0)) throw usageError(`--speed: not a number ≥ 0: ${v.speed}`);
  const log = makeLogger(!!v['log-json']);
  if (v.host && !isLoopback(v.host)) log.warn({ host: v.host }, 'binding a non-loopback address');
  const clock = new ReplayClock(speed);
  const s = await serve({
    tagger: await liveTagger(v), host: v.host ?? DEFAULT_HOST, port: v.port !== undefined ? Number(v.port) : DEFAULT_PORT,
    token: v.token ?? process.env.AGENTPPROF_TOKEN, includePrompts: v['include-prompts'], clock: clock.now, kernel: () => clock.kernel,
    fleet: { ...fleetOptions(v, resolve(v.out!)), onError: (what, err) => log.warn({ err: String(err) }, `${what} failed`) },
  });
  s.rt.hub.status.collector = 'replay';
  process.stdout.write(`agentpprof replay: ${s.url}\n`);
  let stopping = false;
  const finish = async () => {
    stopping = true;
    const files = await s.close(resolve(v.out!));
    log.info({ files }, 'profile written');
    return 0;
  };
  const signalled = new Promise<number>((done) => {
    for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => void finish().then(done));
  });
  const r = await replayFile(resolve(positionals[0]), s.rt, clock, () => stopping);
  log.info({ lines: r.lines, skipped: r.skipped }, 'recording replayed');
  if (!r.lines) {
    await s.close();
    throw noDataError(`no live event in ${positionals[0]} (${r.skipped} line${r.skipped === 1 ? '' : 's'} skipped); ${resolve(v.out!)} left as it was`);
  }
  if (v.once && !stopping) return finish();
  return signalled;
}
