// The event store a `--push URL` names: Loki (loki://, http(s)://) or ClickHouse (clickhouse://). Both
// take the same semantic events through the same spool (spooled-push.ts).

import { ClickHousePusher } from './clickhouse-push.js';
import { clickhouseTarget, isClickHouseUrl } from './clickhouse-http.js';
import type { LokiEvent } from './loki-push.js';
import { LokiPusher } from './loki-push.js';
import type { SpooledPusher, SpooledPushOptions } from './spooled-push.js';

export type PushTarget = 'loki' | 'clickhouse';

export const PUSH_URL_HELP = 'loki://HOST:3100 or clickhouse://HOST:8123[/DB]';

/** Which store a URL names, or null when it names none. */
export function pushTarget(url: string): PushTarget | null {
  if (isClickHouseUrl(url)) {
    try { clickhouseTarget(url); } catch { return null; }
    return 'clickhouse';
  }
  return /^(loki|https?):\/\//.test(url) ? 'loki' : null;
}

export type FleetPusher = SpooledPusher<LokiEvent>;

export function fleetPusher(url: string, opts: SpooledPushOptions & { ttlDays?: number }): FleetPusher {
  return pushTarget(url) === 'clickhouse' ? new ClickHousePusher({ ...opts, url }) : new LokiPusher({ ...opts, url });
}
