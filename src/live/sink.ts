// What live offers the sinks that plug into it (the fleet exporters: Loki and ClickHouse pushes, pprof
// push, /metrics): read access to the hub's profiles and status, its taps on every recorded sample, and
// the server's token check for a route a sink adds. Sinks depend on this, not on live's rooms.
import type { Profile, ViewName } from '../profile/types.js';
import type { WindowName } from './aggregate.js';
import type { HubTaps, LiveStatus } from './hub.js';

export type { HubTaps, LiveStatus } from './hub.js';
export type { WindowName } from './aggregate.js';
export { sameToken, tokenOf } from './plugins/auth.js';

/** The hub as a sink sees it (LiveHub implements it). */
export interface LiveSource {
  readonly taps: HubTaps;
  readonly status: LiveStatus;
  /** Interned stacks: a tap's stack id indexes this table. */
  readonly stacks: { readonly stacks: readonly string[][] };
  now(): number;
  profile(view: ViewName, window: WindowName): Profile;
}
