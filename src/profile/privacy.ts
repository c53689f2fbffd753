// Privacy by default: every frame and label passes through here. Paths outside the project root become
// stable external/… buckets, private-looking hosts collapse, user names and secret-looking strings are
// replaced, and `;`/newlines (folded-format separators) never survive into a frame value.

import { posix } from 'node:path';

export interface PrivacyOptions {
  /** User names to remove from every frame (the current user's and those seen in home paths). */
  userNames: string[];
}

/** Account names too generic to scrub without mangling ordinary words (CI runs as root). */
const GENERIC_USERS = new Set(['root', 'user', 'admin', 'runner', 'node', 'ubuntu', 'debian', 'nobody', 'home', 'users']);

const HOME_NAME = /(?:^|[\s"'=:])\/(?:home|Users)\/([^/\s"':]+)/g;

/** User names visible in home paths (`/home/NAME`, `/Users/NAME`), e.g. in sessions' cwds. */
export function userNamesIn(texts: Iterable<string>): string[] {
  const out = new Set<string>();
  for (const t of texts) for (const m of t.matchAll(HOME_NAME)) out.add(m[1]);
  return [...out];
}

/** Secret-looking tokens: API keys, tokens, JWTs, long hex/base64 runs, key=value credentials. */
const SECRETS: RegExp[] = [
  /\b(?:sk|pk|rk)-(?:ant-|proj-|live-|test-)?[A-Za-z0-9_-]{12,}/g,
  /\b(?:gh[pousr]|github_pat|glpat|xox[abposr])[-_][A-Za-z0-9_]{10,}/g,
  /\bAKIA[0-9A-Z]{12,}/g,
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}(?:\.[A-Za-z0-9_-]+)?/g,
  /\b(?:password|passwd|pwd|secret|token|api[_-]?key|auth)\s*[=:]\s*\S+/gi,
  /\b[0-9a-f]{32,}\b/gi,
];

/** Long runs mixing digits, upper and lower case read as keys; long plain identifiers do not. */
const LONG_RUN = /[A-Za-z0-9+_=-]{32,}/g;
const looksRandom = (s: string) => /\d/.test(s) && /[A-Z]/.test(s) && /[a-z]/.test(s);

export class Privacy {
  private readonly names: RegExp | null;
  private readonly memo = new Map<string, string>();
  constructor(opts: PrivacyOptions) {
    const names = [...new Set(opts.userNames.map((n) => n.trim()).filter((n) => n.length >= 3 && !GENERIC_USERS.has(n.toLowerCase())))]
      .sort((a, b) => b.length - a.length)
      .map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    this.names = names.length ? new RegExp(names.join('|'), 'gi') : null;
  }

  hasUserName(s: string): boolean {
    if (!this.names) return false;
    this.names.lastIndex = 0;
    return this.names.test(s);
  }

  /** A frame or label value made safe: no user name, no secrets, no separators. Memoized. */
  scrub(s: string): string {
    let out = this.memo.get(s);
    if (out !== undefined) return out;
    out = s.replace(/[;\r\n\t]+/g, ' ');
    for (const re of SECRETS) out = out.replace(re, '<secret>');
    out = out.replace(LONG_RUN, (m) => (looksRandom(m) ? '<secret>' : m));
    if (this.names) out = out.replace(this.names, 'USER');
    if (out.length > 120) out = out.slice(0, 117) + '...';
    if (this.memo.size < 200_000) this.memo.set(s, out);
    return out;
  }

  /** A path as a file frame value: project-relative inside `root`, else an external/… bucket. */
  fileLabel(path: string, root: string): string {
    return this.scrub(fileBucket(path, root));
  }

  /** A host (or URL, `user@host:path`, `host:port`) as a domain frame value; private hosts collapse. */
  domainLabel(target: string): string {
    const host = hostOf(target);
    if (!host) return 'unknown';
    const h = hostBucket(host);
    // A host naming the user is private whatever its domain (alice-laptop.example.com).
    if (this.hasUserName(host) || this.hasUserName(h)) return 'private.host';
    return this.scrub(h);
  }
}

const TMP = /^\/(?:tmp|var\/tmp|private\/tmp|private\/var\/folders|var\/folders|dev\/shm)(?:\/|$)/;
const HOME = /^\/(?:home\/[^/]+|Users\/[^/]+|root)(?:\/|$)/;

export function fileBucket(path: string, root: string): string {
  let p = path.trim();
  if (!p) return '.';
  if (p === '~' || p.startsWith('~/') || p.startsWith('$HOME')) return externalOf(p.replace(/^(~|\$HOME)/, '/home/_'));
  if (/^file:\/\//.test(p)) p = p.slice(7);
  const r = root.replace(/\/+$/, '');
  // No usable root: a relative path stays relative (minus any climb out of it).
  if (!r.startsWith('/')) return p.startsWith('/') ? externalOf(posix.normalize(p)) : relativeOnly(p);
  const abs = p.startsWith('/') ? posix.normalize(p) : posix.join(r, p);
  if (abs === r) return '.';
  if (abs.startsWith(r + '/')) return abs.slice(r.length + 1);
  return externalOf(abs);
}

function relativeOnly(p: string): string {
  const n = posix.normalize(p);
  return n.startsWith('../') || n === '..' ? 'external/path' : n;
}

function externalOf(abs: string): string {
  if (/\/\.claude(?:\/|$)|\/\.config\/claude(?:\/|$)/.test(abs)) return 'external/claude';
  if (/\/\.codex(?:\/|$)/.test(abs)) return 'external/codex';
  if (TMP.test(abs)) return 'external/tmp';
  if (HOME.test(abs)) return 'external/home';
  return 'external/path';
}

/** The host part of a URL, `git@host:repo`, `host:port`, `[v6]:port` or bare host; '' when none. */
export function hostOf(target: string): string {
  const t = target.trim();
  if (/^git-remote:/.test(t)) return 'git-remote';
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(t)) {
    try { return new URL(t).hostname.replace(/^\[|\]$/g, '').toLowerCase(); } catch { return ''; }
  }
  const scp = t.match(/^[\w.-]+@([\w.-]+):/);
  if (scp) return scp[1].toLowerCase();
  const v6 = t.match(/^\[([0-9a-f:.]+)\](?::\d+)?$/i);
  if (v6) return v6[1].toLowerCase();
  if (/^[0-9a-f:]+$/i.test(t) && t.includes('::')) return t.toLowerCase();
  const m = t.match(/^([A-Za-z0-9_.-]+)(?::\d+)?(?:\/.*)?$/);
  return m ? m[1].toLowerCase().replace(/\.$/, '') : '';
}

const PRIVATE_V4 = /^(?:10\.|192\.168\.|172\.(?:1[6-9]|2\d|3[01])\.|169\.254\.|100\.(?:6[4-9]|[7-9]\d|1[01]\d|12[0-7])\.)/;
const PRIVATE_SUFFIX = /\.(?:local|localdomain|internal|intranet|corp|lan|home|home\.arpa|private|test|example|invalid)$/;
const SECOND_LEVEL = new Set(['co', 'com', 'net', 'org', 'gov', 'edu', 'ac', 'or', 'ne', 'go']);

/** localhost / private.network / private.host, or the registrable domain (api.github.com → github.com). */
export function hostBucket(host: string): string {
  const h = host.toLowerCase();
  if (h === 'git-remote') return h;
  if (h === 'localhost' || h.endsWith('.localhost') || /^127\./.test(h) || h === '::1' || h === '0.0.0.0') return 'localhost';
  if (/^\d+\.\d+\.\d+\.\d+$/.test(h)) return PRIVATE_V4.test(h) ? 'private.network' : h;
  if (h.includes(':')) return /^(?:fc|fd|fe80)/.test(h) ? 'private.network' : h;
  if (!h.includes('.') || PRIVATE_SUFFIX.test(h)) return 'private.host';
  const parts = h.split('.');
  const n = parts.length >= 3 && parts[parts.length - 1].length === 2 && SECOND_LEVEL.has(parts[parts.length - 2]) ? 3 : 2;
  return parts.slice(-n).join('.');
}
