// Orchestrates `agentpprof live`: the reading side (trace tailer + collector supervisor) and the
// processing side (pipeline + server), in one process when not root, split in two when root:
// the root parent keeps only what needs root (loading BPF, restarting the collector, reading any
// user's traces) and forwards bytes and lines over IPC to a child started with the target uid/gid,
// which parses, aggregates and serves. Network-facing code never runs as root.
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, openSync } from 'node:fs';
import type { Logger } from 'pino';
import { builtinCollectorPath, collectorMissing, CollectorSupervisor } from './collector.js';
import type { LiveInput } from './inputs.js';
import { dropTarget } from './privilege.js';
import { packageRoot } from './plugins/static.js';
import { writeFlush, type FlushFile, type Serving } from './serve.js';
import { TraceFeed } from './traces.js';
import { collectorScope, type CollectorScope } from './scope.js';
import { nativeAgentInstalls, probeCommand, TlsLocator } from '../sources/collector-tls.js';

const IPC_HIGH = 2000;
const IPC_LOW = 200;

export interface LiveRunOptions {
  collector: 'builtin' | 'none' | { command: string };
  /** What the built-in collector traces (default: agent CLIs and the trace files' writers). */
  scope?: CollectorScope;
  /** Where located TLS functions are cached (default: ~/.cache/agentpprof/tls-probes.json). */
  tlsCache?: string;
  /** Executables to locate TLS functions in before the collector starts (`live -- CMD`'s program). */
  tlsPreload?: string[];
  /** The user's home, where native agent builds may be installed (located in the background). */
  tlsHome?: string;
  roots: string[];
  since: number;
  outDir: string;
  record?: string;
  dropPrivileges: boolean;
  /** Arguments the child gets (the user's own, minus reading-side options). */
  childArgv: string[];
  /** In-process processing side (used when not splitting). */
  serveHere: (kernel: () => boolean) => Promise<Serving>;
  log: Logger;
}

export interface LiveRun {
  url: string;
  stop(): Promise<string[]>;
  supervisor?: CollectorSupervisor;
  child?: ChildProcess;
}

export async function startLive(o: LiveRunOptions): Promise<LiveRun> {
  const missing: string[] = [];
  let supervisor: CollectorSupervisor | undefined;
  const scope = o.scope ?? collectorScope({});
  const tls = o.collector === 'builtin' ? new TlsLocator(o.tlsCache) : undefined;
  /** Executables searched for TLS functions in this run (each once). */
  const tried = new Set<string>();
  if (o.collector === 'none') {
    missing.push('collector disabled (--collector none): no kernel effects (files, processes, network) and no TLS capture; profiling trace files alone');
  } else if (o.collector === 'builtin') {
    const bin = builtinCollectorPath(packageRoot());
    const why = collectorMissing(bin);
    if (why) missing.push(why);
    else supervisor = new CollectorSupervisor({ builtin: [bin, ...scope.args, ...knownTls(tls!, o.tlsPreload ?? [], o.log)] }, events());
  } else {
    supervisor = new CollectorSupervisor({ command: o.collector.command }, events());
  }
  const isRoot = process.getuid?.() === 0;
  const split = isRoot && o.dropPrivileges;
  let send: (m: LiveInput) => void;
  let serving: Serving | undefined;
  let child: ChildProcess | undefined;
  let url: string;
  if (split) {
    const who = dropTarget();
    // Files are opened/written by this (root) process: the child may not be able to reach the paths.
    const recordFd = o.record ? openSync(o.record, 'a') : undefined;
    child = fork(process.argv[1], ['live', '--serve-child', ...o.childArgv, ...(recordFd !== undefined ? ['--record-fd', '4'] : [])], {
      uid: who.uid, gid: who.gid, serialization: 'advanced', execArgv: process.execArgv,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc', ...(recordFd !== undefined ? [recordFd] : [])],
    });
    url = await new Promise<string>((resolve, reject) => {
      child!.once('message', (m: { k: string; url: string }) => (m.k === 'listening' ? resolve(m.url) : reject(new Error('child did not start'))));
      child!.once('exit', (code) => reject(new Error(`server process exited (${code}) before listening`)));
    });
    o.log.info({ uid: who.uid, gid: who.gid, user: who.name }, 'server runs without root; this process only supervises the collector and reads traces');
    // Messages not yet taken by the child: past HIGH the collector is paused (backpressure to the
    // kernel's ring buffers, whose drops are counted), so this root process's memory stays bounded.
    let inflight = 0;
    send = (m) => {
      if (!child!.connected) return;
      inflight++;
      child!.send(m, () => {
        inflight--;
        if (inflight < IPC_LOW && supervisor?.paused) supervisor.resume();
      });
      if (inflight > IPC_HIGH && supervisor && !supervisor.paused) supervisor.pause();
    };
  } else {
    serving = await o.serveHere(() => supervisor?.state === 'running');
    url = serving.url;
    send = (m) => serving!.processor.handle(m);
    if (isRoot) o.log.warn('running as root in one process (--no-drop-privileges): the server keeps root');
  }
  if (missing.length) send({ k: 'missing', what: missing });
  if (supervisor) send({ k: 'scope', what: o.collector === 'builtin' ? scope.what : 'what the collector command (--collector-cmd) reports' });
  for (const m of missing) o.log.warn(m);

  const feed = new TraceFeed(o.roots, send, o.since);
  const poll = setInterval(() => {
    try { feed.poll(); } catch (e) { o.log.error({ err: e }, 'trace polling failed'); }
  }, 200);
  // A process writing below a trace root joins the scope (in the kernel: agentsight --watch); roots that
  // appear later (the first run of an agent creates them) are watched when they do.
  const watched = new Set<string>();
  const watchRoots = () => {
    for (const r of o.roots) if (!watched.has(r) && existsSync(r)) { watched.add(r); supervisor!.command(`watch ${r}`); }
  };
  let rootsTimer: NodeJS.Timeout | undefined;
  if (supervisor) {
    await supervisor.start();
    if (o.collector === 'builtin' && scope.watchRoots) {
      watchRoots();
      rootsTimer = setInterval(watchRoots, 2000);
    }
    if (tls) prelocate(nativeAgentInstalls(o.tlsHome));
  }

  // Native builds installed but not located yet (a new version): one at a time, off the start, each
  // sent to the collector so their processes get probes from their exec.
  function prelocate(paths: string[]): void {
    const known = new Set(tls!.known().map((k) => k.path));
    const todo = paths.filter((p) => !known.has(p));
    const next = () => {
      const exe = todo.shift();
      if (!exe) return;
      tried.add(exe);
      try {
        const cmd = probeCommand(exe, tls!.locate(exe));
        if (cmd) supervisor!.command(cmd);
      } catch (e) {
        o.log.warn({ exe, err: (e as Error).message }, 'cannot read an installed agent for its TLS functions');
      }
      setTimeout(next, 50);
    };
    setTimeout(next, 50);
  }

  function events() {
    return {
      data: (c: Buffer) => send({ k: 'kernel', data: c }),
      state: (state: string, reason?: string) => {
        send({ k: 'collector', state, reason, restarts: supervisor?.restarts });
        if (state === 'running') o.log.info({ restarts: supervisor?.restarts }, 'collector running');
      },
      log: (level: 'info' | 'warn' | 'error', msg: string, extra?: Record<string, unknown>) => o.log[level](extra ?? {}, msg),
      untapped: (a: { agent: string; pid: number; exe: string }) => untapped(a),
    };
  }

  // A traced agent without TLS probes: its executable is searched once (cached by build id) and the
  // probes sent to the running collector, or the page says its TLS cannot be seen.
  function untapped(a: { agent: string; pid: number; exe: string }): void {
    if (!tls || tried.has(a.exe)) return;
    tried.add(a.exe);
    let cmd: string | undefined;
    let why = '';
    try {
      const p = tls.locate(a.exe);
      cmd = probeCommand(a.exe, p);
      if (p.kind === 'none') why = p.why;
    } catch (e) {
      why = `cannot read ${a.exe}: ${(e as Error).message}`;
    }
    if (cmd) {
      o.log.info({ agent: a.agent, pid: a.pid, exe: a.exe }, 'TLS functions located: probing them');
      supervisor?.command(cmd);
      return;
    }
    const w = `${a.agent} (${a.exe}): its TLS cannot be seen (${why}); its model calls come from its trace files only`;
    o.log.warn(w);
    send({ k: 'missing', what: [w] });
  }

  return {
    url, supervisor, child,
    async stop() {
      clearInterval(poll);
      clearInterval(rootsTimer);
      try { feed.poll(); } catch { /* last read is best effort */ }
      await supervisor?.stop();
      if (serving) return serving.close(o.outDir);
      // The child flushes on request and reports what it wrote.
      return new Promise<string[]>((resolve) => {
        const c = child!;
        const t = setTimeout(() => { c.kill('SIGKILL'); resolve([]); }, 15_000);
        c.on('message', (m: { k: string; files?: FlushFile[] }) => {
          if (m.k === 'flushed') { clearTimeout(t); resolve(writeFlush(o.outDir, m.files ?? [])); }
        });
        c.send({ k: 'flush' });
      });
    },
  };
}

/** Loader arguments for the executables whose TLS functions are known (cached from earlier runs, or
 * located now for `preload`): their processes are probed from their exec, with no window. */
function knownTls(tls: TlsLocator, preload: string[], log: Logger): string[] {
  for (const exe of preload) {
    try { tls.locate(exe); } catch (e) { log.warn({ exe, err: (e as Error).message }, 'cannot read the command\'s executable for its TLS functions'); }
  }
  // the loader holds 16 runtimes: the most recently located first
  return tls.known().slice(-10).flatMap(({ path, probe }) => {
    const c = probeCommand(path, probe);
    return c ? ['--' + c.slice(0, c.indexOf(' ')), c.slice(c.indexOf(' ') + 1)] : [];
  });
}
