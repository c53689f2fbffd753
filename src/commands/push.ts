// `agentpprof push loki://HOST:3100 [PATHS…]`: sends the history's semantic events (privacy-filtered
// stacks and weights, one JSON line per LLM call / orphan tool call / orphan effect) to Loki, through
// the on-disk spool, so the team's flamegraph can be drawn from Loki with `agentpprof --from loki://…`.

import { createHash } from 'node:crypto';
import { homedir, hostname } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { semanticEvents } from '../fleet/events.js';
import { LokiPusher } from '../fleet/loki-push.js';
import { taggerOptions } from '../tag/index.js';
import { COMMON_HELP, COMMON_OPTIONS, currentUserNames, loadAndTag, loadPrices } from './profile.js';
import { usageError } from '../util/cli-error.js';

export const summary = 'push semantic events (tags, stacks, weights — no prompt text) to Loki for a fleet flamegraph';

export const help = `agentpprof push loki://HOST:3100 [OPTIONS] [PATHS…]

Pushes this machine's agent history to Loki as semantic events: one JSON line per LLM call (with its
tool calls and effects), each carrying its folded stacks and weights for the tokens, cost, ops, files
and network views. Stream labels: app="agentpprof", host, agent, tag. Prompt text, paths outside
projects and user names never leave the machine (the same privacy filter as every output).
Batches go through an on-disk spool first: if Loki is down, nothing is lost; run again later.

${COMMON_HELP}
Push:
  --host NAME            host label (default: this machine's hostname)
  --spool DIR            spool directory (default ~/.cache/agentpprof/spool/<target>)
  --prices FILE          price overrides for the cost samples
  --timeout SECONDS      how long to wait for the spool to drain (default 120)

Then draw the team's profile from Loki:
  agentpprof --from loki://HOST:3100 --since 30d --view tokens -o team.svg`;

const OPTIONS = {
  ...COMMON_OPTIONS,
  host: { type: 'string' },
  spool: { type: 'string' },
  prices: { type: 'string' },
  timeout: { type: 'string' },
  user: { type: 'string', multiple: true },
} as const;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: { ...taggerOptions(), ...OPTIONS }, allowPositionals: true, strict: true });
  const [target, ...paths] = positionals;
  if (!target || !/^(loki|https?):\/\//.test(target)) throw usageError('push: give the Loki address first, e.g. agentpprof push loki://127.0.0.1:3100');
  const host = values.host ?? hostname();
  const spool = values.spool ?? join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'agentpprof', 'spool',
    createHash('sha256').update(target).digest('hex').slice(0, 12));
  const { batch, tags } = await loadAndTag(values, paths);
  const pusher = new LokiPusher({ url: target, spoolDir: spool, batchSize: 1000, flushMs: 200 });
  const t0 = performance.now();
  let n = 0;
  for (const ev of semanticEvents(batch, tags, { host, build: { prices: loadPrices(values.prices), privacy: { userNames: currentUserNames(values.user) } } })) {
    pusher.push(ev);
    n++;
  }
  const drained = await pusher.drainAll(Number(values.timeout ?? 120) * 1000);
  pusher.close();
  const secs = (performance.now() - t0) / 1000;
  const s = pusher.stats;
  if (!values.quiet) {
    process.stderr.write(`pushed ${s.sent} of ${n} events as host "${host}" in ${secs.toFixed(1)} s (${Math.round(s.sent / Math.max(secs, 1e-3))} events/s)` +
      (s.failedAttempts ? `, ${s.failedAttempts} failed attempts` : '') + '\n');
  }
  if (!drained) {
    process.stderr.write(`push: Loki at ${target} did not take everything; ${s.pending} batches (${s.spoolBytes} bytes) wait in ${spool} — run push again to resend\n`);
    return 3;
  }
  return 0;
}
