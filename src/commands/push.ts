// `agentpprof push loki://HOST:3100|clickhouse://HOST:8123[/DB] [PATHS…]`: sends the history's semantic
// events (privacy-filtered stacks and weights, one per LLM call / orphan tool call / orphan effect) to
// Loki or ClickHouse, through the on-disk spool, so the team's flamegraph can be drawn from the store
// with `agentpprof --from URL`.

import { createHash } from 'node:crypto';
import { homedir, hostname } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { semanticEvents } from '../fleet/events.js';
import { fleetPusher, PUSH_URL_HELP, pushTarget } from '../fleet/push-target.js';
import { taggerOptions } from '../tag/index.js';
import { COMMON_HELP, COMMON_OPTIONS, currentUserNames, loadAndTag, loadPrices } from './profile.js';
import { usageError } from '../util/cli-error.js';

export const summary = 'push semantic events (tags, stacks, weights — no prompt text) to Loki or ClickHouse for a fleet flamegraph';

export const help = `agentpprof push ${PUSH_URL_HELP} [OPTIONS] [PATHS…]

Pushes this machine's agent history as semantic events: one per LLM call (with its tool calls and
effects), each carrying its folded stacks and weights for the tokens, cost, ops, files and network
views, with host, agent, tag, model and project. Prompt text, session ids, paths outside projects and
user names never leave the machine (the same privacy filter as every output).
  Loki: one JSON line per event; stream labels app="agentpprof", host, agent, tag.
  ClickHouse: one row per event in DB.agentpprof_events (created when missing; DB defaults to default);
  every batch carries an id, so a batch resent after a lost answer is counted once.
Batches go through an on-disk spool first: if the store is down, nothing is lost; run again later.

${COMMON_HELP}
Push:
  --host NAME            host label (default: this machine's hostname)
  --spool DIR            spool directory (default ~/.cache/agentpprof/spool/<target>)
  --prices FILE          price overrides for the cost samples
  --timeout SECONDS      how long to wait for the spool to drain (default 120)
  --ttl DAYS             ClickHouse: delete events older than DAYS (18.16 has no TTL clause: an ALTER DELETE
                         at push time)

Then draw the team's profile from the store:
  agentpprof --from clickhouse://HOST:8123 --since 30d --view tokens -o team.svg`;

const OPTIONS = {
  ...COMMON_OPTIONS,
  host: { type: 'string' },
  spool: { type: 'string' },
  prices: { type: 'string' },
  timeout: { type: 'string' },
  ttl: { type: 'string' },
  user: { type: 'string', multiple: true },
} as const;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: { ...taggerOptions(), ...OPTIONS }, allowPositionals: true, strict: true });
  const [target, ...paths] = positionals;
  if (!target || !pushTarget(target)) throw usageError(`push: give the store's address first (${PUSH_URL_HELP}), e.g. agentpprof push clickhouse://127.0.0.1:8123`);
  const ttlDays = values.ttl !== undefined ? Number(values.ttl) : undefined;
  if (ttlDays !== undefined && !(ttlDays > 0)) throw usageError(`--ttl: a number of days > 0, not ${values.ttl}`);
  const host = values.host ?? hostname();
  const spool = values.spool ?? join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'agentpprof', 'spool',
    createHash('sha256').update(target).digest('hex').slice(0, 12));
  const { batch, tags } = await loadAndTag(values, paths);
  const pusher = fleetPusher(target, { spoolDir: spool, batchSize: 1000, flushMs: 200, ttlDays });
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
    process.stderr.write(`push: ${target} did not take everything (${pusher.lastError}); ${s.pending} batches (${s.spoolBytes} bytes) wait in ${spool} — run push again to resend\n`);
    return 3;
  }
  return 0;
}
