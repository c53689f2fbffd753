// `agentpprof live`: a budget flamegraph that grows while the agent works (see src/live/run.ts).
import { chownSync, mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
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
import { commandEnv, commandSeesEnv, commandUser, resolveExecutable, shownCommand, spawnHeld, type HeldCommand } from '../live/command.js';
import { collectorScope } from '../live/scope.js';
import { summary as runSummary } from '../live/summary.js';

export const summary = 'live dashboard: eBPF collector + trace tailing → a flamegraph that grows while agents work';

export const help = `agentpprof live [OPTIONS] [-- CMD ARGS…]

Serves a live dashboard at http://127.0.0.1:${DEFAULT_PORT}/?token=… (the token is random per run and
printed on stdout): the flamegraph of tokens, cost, time, files and network by prompt tag, charts of
tokens/s, cost/min, events/s and ring-buffer drops, active sessions and latency percentiles.

Run it with sudo to get kernel evidence (the eBPF collector: processes, file and network effects, TLS
plaintext of the API calls). Without root or BPF it runs on the agents' trace files alone and says
what is missing, in the terminal and on the page. As root, the server and all parsing run in a child
process with the uid/gid of the sudo user (SUDO_UID/SUDO_GID), else nobody; the root parent only
supervises the collector and reads trace files.

What is traced: by default the process trees of agent CLIs recognised by executable and argv (Claude
Code's node build \`node …/@anthropic-ai/claude-code/cli.js\` and its native build, Codex, Gemini, Qwen,
OpenCode, …), and any process that writes below a followed trace root; other processes cost nothing
and emit nothing (filtered in the kernel). --pid and --comm add trees, --all traces everything; the page
says what is traced, and which traced agent's TLS cannot be seen.

With \`-- CMD ARGS…\` (as root: \`sudo agentpprof live -- claude -p "fix the test"\`) it runs CMD as the
invoking user (SUDO_UID/SUDO_GID, their HOME), held until the collector is attached so no first event is
lost, traces exactly CMD's process tree, follows the trace files under that user's roots, stops when
CMD exits (--keep: keeps serving until Ctrl-C), prints a one-screen summary (tokens and cost by tag, top
files and domains, where the profile went) on stderr and exits with CMD's exit code.

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
  --pid N               also trace process N and its descendants (repeatable): an agent already running
  --comm a,b            also trace processes with these names and their descendants
  --all                 trace every process (debugging)
  --keep                with -- CMD: keep serving after CMD exits, until Ctrl-C
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
  // For the child of `live -- CMD`: the command is the root parent's child, and the only thing traced
  'command-run': { type: 'boolean' },
  pid: { type: 'string', multiple: true }, comm: { type: 'string' }, all: { type: 'boolean' }, keep: { type: 'boolean' },
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
  // Its own pid and the root parent's (and their children: the collector) are not the agents' — except
  // in `live -- CMD`, whose command is the parent's child and the collector's whole scope.
  const s = await serveWith(v, undefined, v['command-run'] ? [process.pid] : [process.pid, process.ppid]);
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

export async function run(allArgv: string[]): Promise<number> {
  // `live [OPTIONS] -- CMD ARGS…`: what follows -- is the command, whatever it looks like
  const dd = allArgv.indexOf('--');
  const argv = dd >= 0 ? allArgv.slice(0, dd) : allArgv;
  const cmdArgv = dd >= 0 ? allArgv.slice(dd + 1) : [];
  if (dd >= 0 && !cmdArgv.length) throw new Error('live --: no command after --');
  const { values: v } = parse(argv);
  if (v['serve-child']) return runChild(v);
  const pids = (v.pid ?? []).map((p) => {
    if (!/^\d+$/.test(p) || Number(p) < 1) throw new Error(`--pid: not a process id: ${p}`);
    return Number(p);
  });
  const log = makeLogger(!!v['log-json']);
  if (v.host && !isLoopback(v.host)) {
    log.warn({ host: v.host }, 'binding a non-loopback address: anyone who can reach it and has the URL sees your agents\' activity');
  }
  const history = Number(v.history);
  const collector = v['collector-cmd'] ? { command: v['collector-cmd'] } : v.collector === 'none' ? 'none' as const : 'builtin' as const;
  if (!v['collector-cmd'] && v.collector !== 'none' && v.collector !== 'builtin') throw new Error(`--collector: builtin or none (or --collector-cmd "…"), not ${v.collector}`);
  // The child gets the processing options only; the parent keeps the reading side.
  const parentOnly = ['--collector-cmd', '--traces', '--collector', '--history', '--record', '--out', '--pid', '--comm'];
  const childArgv = argv.filter((a, i) => !parentOnly.includes(a) && !parentOnly.includes(argv[i - 1]) && !['--all', '--keep'].includes(a) &&
    !/^--(collector(-cmd)?|traces|history|record|out|pid|comm)=/.test(a));
  // The child does not get --out: it gets the Loki spool's path, created here and owned by the user it runs as.
  const spool = fleetOptions(v, resolve(v.out!)).spoolDir;
  if (spool && !v['push-spool']) childArgv.push('--push-spool', spool);
  if (spool && process.getuid?.() === 0 && !v['no-drop-privileges']) {
    mkdirSync(spool, { recursive: true });
    const who = dropTarget();
    chownSync(spool, who.uid, who.gid);
  }
  // -- CMD: the command's user, environment and trace roots; only files written from now on, unless asked
  const who = commandUser();
  // (also without a command: under sudo, HOME is root's, but the agents to profile are the user's)
  const cmdEnv = commandEnv(who);
  const seen = commandSeesEnv(cmdArgv, cmdEnv);
  const roots = [...defaultRoots(seen, seen.HOME), ...(v.traces ?? []).map((d) => resolve(d))];
  const explicitHistory = argv.some((a) => a === '--history' || a.startsWith('--history='));
  const since = cmdArgv.length && !explicitHistory ? Date.now() : Date.now() - (Number.isFinite(history) ? history : 60) * 60_000;
  // The server advises (/api/advice) on the same files and window it profiles.
  const adviceArgs = { 'advice-root': roots, 'advice-since': String(since) };
  childArgv.push(`--advice-since=${adviceArgs['advice-since']}`, ...roots.flatMap((r) => ['--advice-root', r]));
  const held = cmdArgv.length ? spawnHeld(cmdArgv, who, cmdEnv) : undefined;
  if (held) childArgv.push('--command-run');
  const scope = collectorScope(held ? { command: { pid: held.pid, argv: cmdArgv } } : { pids, comms: v.comm?.split(','), all: v.all });
  const exe = held && resolveExecutable(cmdArgv[0], cmdEnv.PATH);
  let live;
  try {
    live = await startLive({
      collector, roots, since, scope, tlsPreload: exe ? [exe] : [], tlsHome: seen.HOME,
    outDir: resolve(v.out!), record: v.record ? resolve(v.record) : undefined,
    dropPrivileges: !v['no-drop-privileges'], childArgv,
      serveHere: (kernel) => serveWith({ ...v, ...adviceArgs }, kernel, held ? [] : undefined), log,
    });
  } catch (e) {
    held?.proc.kill('SIGKILL'); // never released: it has not run the command
    throw e;
  }
  log.info({ scope: scope.what }, 'tracing');
  if (held) return runCommand(held, cmdArgv, live, { outDir: resolve(v.out!), keep: !!v.keep, log, who });
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

/** `live -- CMD`: releases the held command once the collector is attached, waits for it, stops (or keeps
 * serving with --keep), prints the summary and returns the command's exit code. */
async function runCommand(held: HeldCommand, argv: string[], live: Awaited<ReturnType<typeof startLive>>,
  o: { outDir: string; keep: boolean; log: ReturnType<typeof makeLogger>; who: { uid: number; gid: number; name: string } }): Promise<number> {
  const sup = live.supervisor;
  if (sup) {
    // attached, or the collector gave up (then the command runs on trace files alone, as the page says)
    let gaveUp!: () => void;
    const failed = new Promise<void>((r) => (gaveUp = r));
    const check = setInterval(() => { if (sup.state === 'failed' || sup.state === 'stopped') gaveUp(); }, 100);
    await Promise.race([sup.attached, failed, held.exit]);
    clearInterval(check);
  }
  const started = Date.now();
  held.release();
  process.stderr.write(`agentpprof live: ${live.url}\nagentpprof live: running \`${shownCommand(argv)}\` as ${o.who.name} (pid ${held.pid})${sup ? ', traced from its first instruction' : ''}\n`);
  // Ctrl-C reaches the command too (same process group): the first one is its to handle; a second one
  // while it still runs sends it SIGTERM.
  let interrupts = 0;
  const onSignal = () => { if (++interrupts > 1 && held.proc.exitCode === null) held.proc.kill('SIGTERM'); };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const code = await held.exit;
  const seconds = (Date.now() - started) / 1000;
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  if (o.keep) {
    process.stderr.write(`agentpprof live: \`${argv[0]}\` exited ${code}; still serving ${live.url} (Ctrl-C writes the profile and exits)\n`);
    await new Promise<void>((r) => { process.once('SIGINT', () => r()); process.once('SIGTERM', () => r()); });
  } else {
    // the last trace lines (polled every 200 ms) and kernel events (batched 100 ms) reach the pipeline
    await new Promise((r) => setTimeout(r, 1000));
  }
  await live.stop();
  giveTo(o.outDir, o.who);
  process.stderr.write(runSummary({ dir: o.outDir, command: shownCommand(argv), exitCode: code, seconds }));
  return code;
}

/** The profile written by root belongs to the user the command ran as. */
function giveTo(dir: string, who: { uid: number; gid: number }): void {
  if (process.getuid?.() !== 0 || who.uid === 0) return;
  try {
    chownSync(dir, who.uid, who.gid);
    for (const f of readdirSync(dir)) chownSync(join(dir, f), who.uid, who.gid);
  } catch { /* not ours to give: left as written */ }
}
