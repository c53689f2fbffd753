// Collector supervision: starts the built-in eBPF collector (agentsight/build/agentsight, listening on a
// private Unix socket that we connect to and read into one reused buffer — Node's default socket reads
// cost the reader more than the decoding) or any command printing AgentSight JSON lines
// (`--collector-cmd`), forwards its bytes, and restarts it with exponential backoff when it dies.
// Every restart opens a gap (shown on the page and in the charts) that closes when data flows again.
// Control commands (`pid N`, `watch DIR`, `ssl-offsets …`) go to the built-in collector over the same
// socket, and again to each restarted run, so a restart keeps the scope and the probes it was given.
import { execa, type ResultPromise } from 'execa';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { connectReusing } from '../sources/collector-run.js';

export type CollectorState = 'starting' | 'running' | 'restarting' | 'stopped' | 'failed';

export interface CollectorEvents {
  data(chunk: Buffer): void;
  /** State changes; `reason` says why (exit code, signal, stderr tail). */
  state(s: CollectorState, reason?: string): void;
  log?(level: 'info' | 'warn' | 'error', msg: string, extra?: Record<string, unknown>): void;
  /** A traced agent CLI the collector has no TLS probes for (its stderr notice; agentsight.c agent_seen). */
  untapped?(a: { agent: string; pid: number; exe: string }): void;
}

const UNTAPPED = /^agentsight: agent (\S+) pid (\d+) exe (.*): no TLS probes$/;

export interface CollectorOptions {
  /** argv of the built-in collector (socket mode) … */
  builtin?: string[];
  /** … or a shell command printing JSON lines on stdout. */
  command?: string;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** Consecutive failed starts (exit before any data) before giving up. */
  maxFailures?: number;
}

/** The collector built in this checkout (`make collector`), else the static one the npm package ships
 * (dist/collector/, scripts/build-package.mjs); the first when neither exists, for the "not built" message. */
export function builtinCollectorPath(root: string): string {
  const dev = join(root, 'agentsight', 'build', 'agentsight');
  const packaged = join(root, 'dist', 'collector', `agentsight-linux-${process.arch}`);
  return !existsSync(dev) && existsSync(packaged) ? packaged : dev;
}

export class CollectorSupervisor {
  #child?: ResultPromise;
  #sock?: Socket;
  #paused = false;
  #dir?: string;
  #socketPath?: string;
  #stopping = false;
  #backoff: number;
  #failures = 0;
  #gotData = false;
  #timer?: NodeJS.Timeout;
  #commands: string[] = [];
  #attached: Promise<void>;
  #attach!: () => void;
  restarts = 0;
  state: CollectorState = 'stopped';

  constructor(private readonly opts: CollectorOptions, private readonly on: CollectorEvents) {
    this.#backoff = opts.minBackoffMs ?? 250;
    this.#attached = new Promise((r) => (this.#attach = r));
  }

  /** Settles when a run of the collector has sent its first frame (the built-in one: every probe attached). */
  get attached(): Promise<void> {
    return this.#attached;
  }

  /** Sends the built-in collector a control command, now and to every later run. */
  command(line: string): void {
    this.#commands.push(line);
    if (this.#sock && !this.#sock.destroyed) this.#sock.write(line + '\n');
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  async start(): Promise<void> {
    if (this.opts.builtin) await this.#listen();
    this.#spawn();
  }

  /** Where each run of the built-in collector listens for us (one connection per run). */
  async #listen(): Promise<void> {
    this.#dir = mkdtempSync(join(tmpdir(), 'agentpprof-'));
    this.#socketPath = join(this.#dir, 'collector.sock');
  }

  /** Connects to this run's collector. */
  #connect(child: ResultPromise): void {
    connectReusing(this.#socketPath!, (c) => this.#data(c), child).then((sock) => {
      if (this.#child !== child) return void sock.destroy();
      this.#running(); // connected: attached and streaming, even before the first event
      this.#sock = sock;
      for (const c of this.#commands) sock.write(c + '\n');
      if (this.#paused) sock.pause();
      sock.on('error', () => sock.destroy());
    }, () => { /* the run ended before it listened: its exit is handled below */ });
  }

  #running(): void {
    if (this.#gotData) return;
    this.#gotData = true;
    this.#failures = 0;
    this.#setState('running');
  }

  #data(c: Buffer): void {
    this.#running();
    this.#attach();
    this.on.data(c);
  }

  #setState(s: CollectorState, reason?: string): void {
    this.state = s;
    this.on.state(s, reason);
  }

  #spawn(): void {
    this.#gotData = false;
    this.#setState('starting');
    const started = Date.now();
    const child = this.opts.builtin
      ? execa(this.opts.builtin[0], [...this.opts.builtin.slice(1), '--listen', this.#socketPath!], { reject: false, stdout: 'ignore', stderr: 'pipe', buffer: { stderr: false } })
      // Its own process group: a shell's children die with it, and a terminal's Ctrl-C reaches only
      // us (we stop the collector after flushing, not before).
      : execa(this.opts.command!, { shell: true, detached: true, reject: false, stdout: 'pipe', stderr: 'pipe', buffer: { stdout: false, stderr: false } });
    this.#child = child;
    let stderrTail = '';
    let partial = '';
    child.stderr?.on('data', (c: Buffer) => {
      stderrTail = (stderrTail + c.toString()).slice(-400);
      const lines = (partial + c.toString()).split('\n');
      partial = lines.pop()!.slice(-4096);
      for (const l of lines) {
        const m = UNTAPPED.exec(l);
        if (m) this.on.untapped?.({ agent: m[1], pid: Number(m[2]), exe: m[3] });
      }
    });
    if (!this.opts.builtin) child.stdout?.on('data', (c: Buffer) => this.#data(c));
    else this.#connect(child);
    child.then((r) => {
      if (this.#child !== child) return;
      this.#child = undefined;
      if (this.#stopping) return this.#setState('stopped');
      const why = `${r.signal ? `killed by ${r.signal}` : `exit ${r.exitCode}`}${stderrTail ? `: ${stderrTail.trim().split('\n').at(-1)}` : ''}`;
      // A run that delivered data resets the backoff; one that died at once counts as a failure.
      if (this.#gotData && Date.now() - started > 5000) this.#backoff = this.opts.minBackoffMs ?? 250;
      if (!this.#gotData) this.#failures++;
      if (this.#failures >= (this.opts.maxFailures ?? 5)) {
        this.on.log?.('error', `collector gave up after ${this.#failures} failed starts`, { why });
        return this.#setState('failed', why);
      }
      this.#setState('restarting', why);
      this.on.log?.('warn', `collector stopped (${why}); restarting in ${this.#backoff} ms`);
      this.#timer = setTimeout(() => { this.restarts++; this.#spawn(); }, this.#backoff);
      this.#backoff = Math.min(this.opts.maxBackoffMs ?? 10_000, this.#backoff * 2);
    });
  }

  /**
   * Backpressure: stop reading while the processing side is behind. The collector then blocks on its
   * socket, its ring buffers fill and the kernel drops events, which it counts and reports (drops).
   */
  get paused(): boolean {
    return this.#paused;
  }

  pause(): void {
    this.#paused = true;
    this.#sock?.pause();
    this.#child?.stdout?.pause();
  }

  resume(): void {
    this.#paused = false;
    this.#sock?.resume();
    this.#child?.stdout?.resume();
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    clearTimeout(this.#timer);
    const child = this.#child;
    if (child) {
      const kill = (sig: NodeJS.Signals) => {
        try { if (this.opts.command && child.pid) process.kill(-child.pid, sig); else child.kill(sig); } catch { /* already gone */ }
      };
      kill('SIGTERM');
      const t = setTimeout(() => kill('SIGKILL'), 3000);
      await child;
      clearTimeout(t);
    }
    // what the collector sent while detaching is still in the socket: read it to the end
    const sock = this.#sock;
    if (sock && !sock.destroyed) await new Promise<void>((r) => { sock.once('close', () => r()); setTimeout(() => { sock.destroy(); r(); }, 2000); });
    if (this.#dir) rmSync(this.#dir, { recursive: true, force: true });
    this.#setState('stopped');
  }
}

/** Why the built-in collector cannot run here, or null when it can try. */
export function collectorMissing(binary: string, uid = process.getuid?.() ?? 0): string | null {
  if (uid !== 0) return 'not running as root: no eBPF collector, so no kernel effects (files, processes, network) and no TLS capture; profiling trace files alone (run with sudo)';
  if (!existsSync(binary)) {
    // A clone builds it with `make collector`; the npm package ships it prebuilt for x86_64 only.
    return `the collector is not built for this machine (${binary}): in a clone run \`make collector\` (it installs its toolchain); ` +
      `from the npm package (prebuilt for x86_64 only) run \`make -C ${join(dirname(binary), '..', '..', 'agentsight')}\` with clang, bpftool and libbpf-dev; profiling trace files alone`;
  }
  if (!existsSync('/sys/kernel/btf/vmlinux')) return 'this kernel has no BTF (/sys/kernel/btf/vmlinux): no eBPF collector; profiling trace files alone';
  return null;
}
