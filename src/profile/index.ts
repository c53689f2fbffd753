// profile/: views, stacks, privacy and pricing applied to normalized events → Profile (types.ts).
export { buildProfile, type BuildOptions, type WhereFilter } from './build.js';
export { VIEWS, VIEW_NAMES, viewDef, type ViewDef } from './views.js';
export { FRAME_KINDS, parseFrameKind, callKind, CALL_KINDS_HELP, type FrameKind } from './frames.js';
export { Privacy, userNamesIn, fileBucket, hostBucket, hostOf, type PrivacyOptions } from './privacy.js';
export { tagStats, tagOf, isTagged, type TagStats } from './status.js';
export { DEFAULT_IDLE_CAP_MS } from './time.js';
export { tagPrompts } from './tagging.js';
export type { Profile, Sample, Status, Unit, ViewName } from './types.js';
