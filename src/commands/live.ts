// `agentpprof live`: a budget flamegraph that grows while the agent works (see src/live/run.ts).
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createTagger, loadRules } from '../tag/index.js';
import type { Tagger } from '../tag/types.js';
import { makeLogger } from '../live/log.js';
import { startLive } from '../live/run.js';
import { serve, type Serving } from '../live/serve.js';
import { DEFAULT_HOST, DEFAULT_PORT, isLoopback } from '../live/server.js';
import { defaultRoots } from '../live/traces.js';
import { currentUserNames } from './profile.js';
import { FLEET_HELP, FLEET_OPTIONS, fleetOptions } from '../fleet/cli-options.js';
import { dropTarget } from '../live/privilege.js';
import { chownSync, mkdirSync } from 'node:fs';

export const summary = 'live dashboard: eBPF collector + trace tailing → a flamegraph that grows while agents work';

export const help = `agentpprof live [OPTIONS]

Serves a live dashboard at http://127.0.0.1:${DEFAULT_PORT}/?token=… (the token is random per run and
printed on stdout): the flamegraph of tokens, cost, time, files and network by prompt tag, charts of
tokens/s, cost/min, events/s and ring-buffer drops, active sessions and latency percentiles.

Run it with sudo to get kernel evidence (the eBPF collector: processes, file and network effects, TLS
plaintext of the API calls). Without root or BPF it runs on the agents' trace files alone and says
what is missing, in the terminal and on the page. As root, the server and all parsing run in a child
process with the uid/gid of the sudo user (SUDO_UID/SUDO_GID), else nobody; the root parent only
supervises the collector and reads trace files.

The page's Advice panel (GET /api/advice) is \`agentpprof advise\` on the followed trace files and
--history window, recomputed at most once a minute; click a finding to open the flamegraph on it.
As root, it reads the roots as the server's user: roots that user cannot read are listed as problems.

Options:
  --port N              port (default ${DEFAULT_PORT}; 0 picks a free one)
  --host ADDR           bind another address than ${DEFAULT_HOST} (prints a warning: anyone who can
                        reach it and has the URL sees your agents' activity)
  --token TOKEN         use this access token instead of a random one (also AGENTPPROF_TOKEN)
  --collector KIND      builtin (default: agentsight/build/agentsight) or none
  --collector-cmd CMD   run CMD instead, reading AgentSight JSON lines from its stdout
  --traces DIR          also follow trace files under DIR (repeatable; default roots are
                        ~/.claude/projects, ~/.config/claude/projects, $CLAUDE_CONFIG_DIR/projects,
                        $CODEX_HOME/sessions or ~/.codex/sessions)
  --history MINUTES     read files modified in the last MINUTES from their start (default 60)
  --out DIR             where the profile so far is written on exit (default agentpprof-live/)
  --record FILE         append the event stream to FILE (JSON lines; replay with \`agentpprof replay\`)
  --include-prompts     show raw prompt text on the page and in recordings (off: tags only)
  --tagger NAME         prompt tagger (default regex); --rules FILE, --tag-rule TAG=REGEX add rules
  --no-drop-privileges  as root, keep the server in the root process
  --log-json            JSON log lines on stderr (default: pretty on a terminal)

${FLEET_HELP}`;

const OPTIONS = {
  port: { type: 'string' }, host: { type: 'string' }, token: { type: 'string' },
  collector: { type: 'string', default: 'builtin' }, 'collector-cmd': { type: 'string' },
  traces: { type: 'string', multiple: true }, history: { type: 'string', default: '60' },
  out: { type: 'string', default: 'agentpprof-live' }, record: { type: 'string' },
  'include-prompts': { type: 'boolean' }, tagger: { type: 'string', default: 'regex' },
  rules: { type: 'string', multiple: true }, 'tag-rule': { type: 'string', multiple: true },
  'no-drop-privileges': { type: 'boolean' }, 'log-json': { type: 'boolean' },
  'serve-child': { type: 'boolean' }, 'record-fd': { type: 'string' },
  // For the child: the parent's trace roots and history start, which /api/advice reads.
  'advice-root': { type: 'string', multiple: true }, 'advice-since': { type: 'string' },
  ...FLEET_OPTIONS,
} as const;

type Values = ReturnType<typeof parse>['values'];
const parse = (argv: string[]) => parseArgs({ args: argv, options: OPTIONS, allowPositionals: false, strict: true });

export async function liveTagger(v: { tagger?: string; rules?: string[]; 'tag-rule'?: string[] }): Promise<Tagger> {
  const { rules } = loadRules({ cli: v['tag-rule'], files: v.rules, projectRoot: process.cwd() });
  return createTagger(v.tagger ?? 'regex', { rules, options: v as Record<string, unknown> });
}

/** The processing side with the user's options (in this process or in the unprivileged child). */
async function serveWith(v: Values, kernel?: () => boolean, ignorePids = [process.pid]): Promise<Serving> {
  const port = v.port !== undefined ? Number(v.port) : DEFAULT_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port: not a port: ${v.port}`);
  return serve({
    tagger: await liveTagger(v), host: v.host ?? DEFAULT_HOST, port, token: v.token ?? process.env.AGENTPPROF_TOKEN,
    includePrompts: v['include-prompts'], kernel,
    record: v['record-fd'] ? Number(v['record-fd']) : v.record ? resolve(v.record) : undefined, ignorePids,
    advice: v['advice-root'] ? { roots: v['advice-root'], since: Number(v['advice-since'] ?? 0), userNames: currentUserNames() } : undefined,
    fleet: { ...fleetOptions(v, resolve(v.out!)), onError: (what, err) => process.stderr.write(`agentpprof live: ${what} failed: ${String(err)}\n`) },
  });
}

/** `live --serve-child`: the unprivileged half; inputs arrive over IPC, 'flush' ends it. */
async function runChild(v: Values): Promise<number> {
  const s = await serveWith(v, undefined, [process.pid, process.ppid]);
  process.on('message', async (m: { k: string }) => {
    if (m.k !== 'flush') return s.processor.handle(m as Parameters<typeof s.processor.handle>[0]);
    const files = await s.closeToFiles();
    process.send!({ k: 'flushed', files }, () => process.exit(0));
  });
  process.on('disconnect', () => process.exit(0));
  // The parent handles SIGINT/SIGTERM and asks for the flush.
  process.on('SIGINT', () => {});
  process.on('SIGTERM', () => {});
  process.send!({ k: 'listening', url: s.url });
  return new Promise<number>(() => {});
}

export async function run(argv: string[]): Promise<number> {
  const { values: v } = parse(argv);
  if (v['serve-child']) return runChild(v);
  const log = makeLogger(!!v['log-json']);
  if (v.host && !isLoopback(v.host)) {
    log.warn({ host: v.host }, 'binding a non-loopback address: anyone who can reach it and has the URL sees your agents\' activity');
  }
  const history = Number(v.history);
  const collector = v['collector-cmd'] ? { command: v['collector-cmd'] } : v.collector === 'none' ? 'none' as const : 'builtin' as const;
  if (!v['collector-cmd'] && v.collector !== 'none' && v.collector !== 'builtin') throw new Error(`--collector: builtin or none (or --collector-cmd "…"), not ${v.collector}`);
  // The child gets the processing options only; the parent keeps the reading side.
  const parentOnly = ['--collector-cmd', '--traces', '--collector', '--history', '--record', '--out'];
  const childArgv = argv.filter((a, i) => !parentOnly.includes(a) && !parentOnly.includes(argv[i - 1]) && !/^--(collector(-cmd)?|traces|history|record|out)=/.test(a));
  // The child does not get --out: it gets the Loki spool's path, created here and owned by the user it runs as.
  const spool = fleetOptions(v, resolve(v.out!)).spoolDir;
  if (spool && !v['push-spool']) childArgv.push('--push-spool', spool);
  if (spool && process.getuid?.() === 0 && !v['no-drop-privileges']) {
    mkdirSync(spool, { recursive: true });
    const who = dropTarget();
    chownSync(spool, who.uid, who.gid);
  }
  const roots = [...defaultRoots(), ...(v.traces ?? []).map((d) => resolve(d))];
  const since = Date.now() - (Number.isFinite(history) ? history : 60) * 60_000;
  // The server advises (/api/advice) on the same files and window it profiles.
  const adviceArgs = { 'advice-root': roots, 'advice-since': String(since) };
  childArgv.push(`--advice-since=${adviceArgs['advice-since']}`, ...roots.flatMap((r) => ['--advice-root', r]));
  const live = await startLive({
    collector, roots, since,
    outDir: resolve(v.out!), record: v.record ? resolve(v.record) : undefined,
    dropPrivileges: !v['no-drop-privileges'], childArgv,
    serveHere: (kernel) => serveWith({ ...v, ...adviceArgs }, kernel), log,
  });
  process.stdout.write(`agentpprof live: ${live.url}\n`);
  log.info({ url: live.url }, 'serving (open the URL; Ctrl-C writes the profile so far and exits)');
  return new Promise<number>((done) => {
    let stopping = false;
    const stop = async (sig: string) => {
      if (stopping) return;
      stopping = true;
      log.info({ signal: sig }, 'stopping: flushing the profile so far');
      const files = await live.stop();
      log.info({ files }, `profile written to ${resolve(v.out!)}`);
      done(0);
    };
    process.on('SIGINT', () => void stop('SIGINT'));
    process.on('SIGTERM', () => void stop('SIGTERM'));
  });
}
