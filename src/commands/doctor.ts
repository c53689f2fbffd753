// `agentpprof doctor`: what `agentpprof live` can and cannot see on this machine, one line per check,
// each failing line with its fix; exit 1 when live cannot run its eBPF collector here.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { arch, release } from 'node:os';
import { parseArgs } from 'node:util';
import { builtinCollectorPath } from '../live/collector.js';
import { packageRoot } from '../live/plugins/static.js';
import { countBatch } from '../model.js';
import { discoverRoots, loadHistory } from '../sources/index.js';
import { readElf } from '../util/elf.js';
import { installHint, OPTIONAL_PACKAGES, type OptionalPackage } from '../util/optional-package.js';
import { findAgentClis, type AgentCli } from './doctor-agents.js';

export const summary = 'check what live can see here: kernel, BPF, the collector, agent histories and CLIs';

export const help = `agentpprof doctor [--json] [--no-load]

One line per check: the kernel and its BTF, tracefs, uprobes and uprobe_multi links, root, the eBPF
collector and whether it loads (started for a moment, as root), each agent history found (path,
sessions), each agent CLI on PATH and whether its TLS can be seen, and what \`agentpprof live\` will and
will not show. A failing line says how to fix it. Exit status 1 when live cannot run its collector here
(it then still follows the trace files), else 0.

Options:
  --json      the checks as JSON
  --no-load   do not start the collector (only check that it is there)`;

type Status = 'ok' | 'warn' | 'fail' | 'info' | 'skip';
export interface Check { id: string; status: Status; detail: string; fix?: string }

const BTF = '/sys/kernel/btf/vmlinux';
const LOAD_TIMEOUT_MS = 20_000;
const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;

function kernelChecks(): Check[] {
  const out: Check[] = [{ id: 'kernel', status: 'info', detail: `Linux ${release()} ${arch()}` }];
  out.push(existsSync(BTF)
    ? { id: 'btf', status: 'ok', detail: `${BTF} (${mb(statSync(BTF).size)}): CO-RE programs load without kernel headers` }
    : { id: 'btf', status: 'fail', detail: `no ${BTF}: the collector's CO-RE programs cannot load`, fix: 'boot a kernel built with CONFIG_DEBUG_INFO_BTF=y (the default of Debian 11+, Ubuntu 20.10+, Fedora 31+)' });
  const mounts = readOr('/proc/mounts');
  const at = mounts.split('\n').map((l) => l.split(' ')).find((f) => f[2] === 'tracefs')?.[1];
  if (at) out.push({ id: 'tracefs', status: 'ok', detail: `mounted at ${at}` });
  else if (/\btracefs\b/.test(readOr('/proc/filesystems'))) out.push({ id: 'tracefs', status: 'ok', detail: 'not mounted; the kernel has it, and the collector mounts it at /sys/kernel/tracing when it starts' });
  else out.push({ id: 'tracefs', status: 'fail', detail: 'the kernel has no tracefs: tracepoints cannot be attached', fix: 'a kernel with CONFIG_FTRACE and CONFIG_TRACING' });
  out.push(existsSync('/sys/bus/event_source/devices/uprobe')
    ? { id: 'uprobes', status: 'ok', detail: 'uprobe events available (TLS plaintext, getaddrinfo)' }
    : { id: 'uprobes', status: 'warn', detail: 'no uprobe events: no TLS capture (files, processes and network still seen)', fix: 'a kernel with CONFIG_UPROBE_EVENTS=y' });
  // The kernel's symbol names are readable without root (only their addresses are hidden).
  const kallsyms = readOr('/proc/kallsyms');
  const multi = kallsyms ? /\bbpf_uprobe_multi_link_attach\b/.test(kallsyms) : versionAtLeast(release(), 6, 6);
  out.push(multi
    ? { id: 'uprobe_multi', status: 'ok', detail: 'uprobe_multi links (kernel 6.6+): TLS probes cost a traced process only when they fire' }
    : { id: 'uprobe_multi', status: 'warn', detail: 'no uprobe_multi links (kernel < 6.6): TLS probes are perf-event uprobes, which tax a traced process on every context switch (agentsight/README.md)', fix: 'a 6.6+ kernel for cheaper probes (live works either way)' });
  return out;
}

function privilegeCheck(uid: number): Check {
  if (uid === 0) return { id: 'root', status: 'ok', detail: 'running as root: the collector can load (CAP_BPF, CAP_PERFMON)' };
  const eff = /^CapEff:\s*([0-9a-f]+)/m.exec(readOr('/proc/self/status'))?.[1];
  const caps = eff ? BigInt(`0x${eff}`) : 0n;
  const has = (bit: number) => ((caps >> BigInt(bit)) & 1n) === 1n;
  const detail = `uid ${uid}${has(39) && has(38) ? ' (with CAP_BPF and CAP_PERFMON, but the collector requires root)' : ', no CAP_BPF'}: the collector cannot load; live follows trace files only`;
  return { id: 'root', status: 'fail', detail, fix: 'sudo agentpprof live (and sudo agentpprof doctor to check that the collector loads)' };
}

interface LoadResult { ok: boolean; ms: number; attached?: string; code?: number | null; stderr: string; error?: string }

/** Starts the collector for one real load and attach (no agent traced), then stops it. */
function loadCollector(bin: string): Promise<LoadResult> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    let stderr = '';
    let done = false;
    const child = spawn(bin, ['--json', '--comm', 'agentpprof-doc'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const finish = (r: Omit<LoadResult, 'stderr'>) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      resolve({ ...r, stderr });
    };
    const timer = setTimeout(() => finish({ ok: false, ms: Date.now() - t0, error: `did not attach within ${LOAD_TIMEOUT_MS / 1000} s` }), LOAD_TIMEOUT_MS);
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    // The first frame (STATS) is written right after every probe is attached, just after the
    // "attached (…)" line on stderr, which may arrive a moment later through its own pipe.
    child.stdout.once('data', () => {
      const ms = Date.now() - t0;
      setTimeout(() => finish({ ok: true, ms, attached: /agentsight: attached \(([^)]*)\)/.exec(stderr)?.[1] }), 100);
    });
    child.on('error', (e) => finish({ ok: false, ms: Date.now() - t0, error: e.message }));
    child.on('exit', (code) => finish({ ok: false, ms: Date.now() - t0, code }));
  });
}

const EXIT_FIX: Record<number, string> = {
  2: 'the collector does not take the options this agentpprof passes: rebuild it (make collector) or reinstall agentpprof',
  3: 'run as root: sudo agentpprof live',
  4: `boot a kernel with BTF (${BTF})`,
  5: 'the kernel refused the BPF programs: `sudo COLLECTOR -v --json` prints the verifier log; report it with `uname -r`',
  6: 'the collector could not write its output',
};

type Loaded = 'loaded' | 'failed' | 'untried';

async function collectorChecks(uid: number, load: boolean): Promise<{ checks: Check[]; loaded: Loaded; multi?: boolean }> {
  const root = packageRoot();
  const bin = builtinCollectorPath(root);
  const inCheckout = existsSync(`${root}/agentsight/build`) || existsSync(`${root}/.git`);
  if (!existsSync(bin)) {
    const fix = inCheckout ? 'make collector (installs clang, bpftool and libbpf-dev when missing, then builds it)'
      : process.arch === 'x64' ? 'reinstall agentpprof: the package ships the collector for x86_64' : `no prebuilt collector for ${process.arch}: build it with \`make -C ${root}/agentsight\` (clang, bpftool, libbpf-dev)`;
    return { checks: [{ id: 'collector', status: 'fail', detail: `not found (${bin})`, fix }], loaded: 'failed' };
  }
  const elf = readElf(bin);
  const kind = elf ? (elf.interp ? 'dynamically linked' : 'static') : 'not an ELF executable for this machine';
  const checks: Check[] = [{ id: 'collector', status: elf ? 'ok' : 'fail', detail: `${bin} (${kind}, ${mb(statSync(bin).size)})`, ...(elf ? {} : { fix: 'make collector' }) }];
  if (!elf) return { checks, loaded: 'failed' };
  if (!load) return { checks: [...checks, { id: 'collector-load', status: 'skip', detail: 'not started (--no-load)' }], loaded: 'untried' };
  if (uid !== 0) return { checks: [...checks, { id: 'collector-load', status: 'skip', detail: 'not started: loading BPF programs needs root' }], loaded: 'failed' };
  if (!existsSync(BTF)) return { checks: [...checks, { id: 'collector-load', status: 'skip', detail: 'not started: no BTF' }], loaded: 'failed' };
  const r = await loadCollector(bin);
  if (r.ok) {
    checks.push({ id: 'collector-load', status: 'ok', detail: `loaded and attached in ${r.ms} ms${r.attached ? ` (${r.attached})` : ''}` });
    return { checks, loaded: 'loaded', multi: r.attached ? /uprobe_multi/.test(r.attached) : undefined };
  }
  const tail = r.stderr.trim().split('\n').filter(Boolean).slice(-2).join(' | ');
  const why = r.error ?? `exited with status ${r.code}`;
  const fix = (r.code != null && EXIT_FIX[r.code]?.replace('COLLECTOR', bin)) || `run \`sudo ${bin} -v --json\` to see why`;
  checks.push({ id: 'collector-load', status: 'fail', detail: `${why}${tail ? `: ${tail}` : ''}`, fix });
  return { checks, loaded: 'failed' };
}

function libsslCheck(): Check {
  const ld = spawnSync('ldconfig', ['-p'], { encoding: 'utf8' }).stdout ?? '';
  const lib = /\blibssl\.so\.3 .*=> (\S+)/.exec(ld)?.[1] ?? /\blibssl\.so .*=> (\S+)/.exec(ld)?.[1];
  return lib
    ? { id: 'libssl', status: 'ok', detail: `${lib}: TLS of programs using the system OpenSSL (curl, git, python…) is seen machine-wide` }
    : { id: 'libssl', status: 'info', detail: 'no system libssl found (ldconfig -p): only the runtimes below are probed for TLS' };
}

/** The home of the user who ran sudo (whose agents live follows), from /etc/passwd. */
function sudoUserHome(env: NodeJS.ProcessEnv): string | undefined {
  const uid = env.SUDO_UID;
  if (!uid) return undefined;
  return readOr('/etc/passwd').split('\n').map((l) => l.split(':')).find((f) => f[2] === uid)?.[5];
}

/** Each history root found, with its sessions counted as every command counts them (model.ts countBatch). */
async function historyChecks(env: NodeJS.ProcessEnv, userHome?: string): Promise<Check[]> {
  const sets = [discoverRoots(env)];
  if (userHome) sets.push(discoverRoots({ ...env, HOME: userHome, CLAUDE_CONFIG_DIR: undefined, CODEX_HOME: undefined, XDG_CONFIG_HOME: undefined }, userHome));
  const seen = new Set<string>();
  const out: Check[] = [];
  for (const roots of sets) {
    for (const [agent, dirs, key] of [['claude', roots.claude, 'claudeDirs'], ['codex', roots.codex, 'codexDirs'], ['gemini', roots.gemini, 'geminiDirs']] as const) {
      for (const dir of dirs) {
        if (seen.has(dir)) continue;
        seen.add(dir);
        const h = await loadHistory({ [key]: [dir], env });
        const n = countBatch(h);
        const last = h.sessions.reduce((t, s) => Math.max(t, s.end), 0);
        const when = last ? `, last active ${new Date(last).toISOString().slice(0, 16).replace('T', ' ')} UTC` : '';
        const subs = n.subagents ? ` (+${n.subagents} subagent session${n.subagents === 1 ? '' : 's'})` : '';
        const skipped = h.skippedCount ? `, ${h.skippedCount} lines skipped` : '';
        out.push({ id: `history ${agent}`, status: 'ok', detail: `${dir}: ${n.sessions} sessions${subs}, ${n.prompts} prompts, ${h.files} trace files, ${mb(h.bytes)}${when}${skipped}` });
      }
    }
  }
  if (!out.length) out.push({ id: 'history', status: 'info', detail: `no agent history found (looked in ${[...new Set(sets.flatMap((s) => s.checked))].join(', ')})` });
  return out;
}

function agentChecks(clis: AgentCli[]): Check[] {
  if (!clis.length) return [{ id: 'agents', status: 'info', detail: 'no claude, codex or gemini on PATH' }];
  return clis.map((a) => ({
    id: `agent ${a.name}`, status: a.tlsVisible ? 'ok' : 'warn',
    detail: `${a.path}${a.real !== a.path ? ` → ${a.real}` : ''}: ${a.runs}; TLS ${a.tlsVisible ? 'visible' : 'not visible'}: ${a.tls}`,
  }));
}

function optionalChecks(): Check[] {
  const req = createRequire(import.meta.url);
  const what: Record<OptionalPackage, string> = { 'node-llama-cpp': 'the local LLM tagger (--model FILE.gguf)', 'better-sqlite3': 'reading AgentSight SQLite recordings' };
  return (Object.keys(OPTIONAL_PACKAGES) as OptionalPackage[]).map((name) => {
    try {
      req.resolve(name);
      return { id: name, status: 'ok', detail: `installed: ${what[name]} works` };
    } catch {
      return { id: name, status: 'info', detail: installHint(name, what[name]) };
    }
  });
}

function liveSummary(loaded: Loaded, uid: number, clis: AgentCli[]): Check[] {
  const traces = 'what the agents write to their trace files (prompts, tokens, cost, tool calls)';
  if (loaded === 'failed') {
    return [{ id: 'live', status: uid === 0 ? 'fail' : 'warn', detail: `live will show ${traces}; it will not show processes, file and network effects or TLS, which need the collector` }];
  }
  const seen = clis.filter((a) => a.tlsVisible).map((a) => a.name);
  const unseen = clis.filter((a) => !a.tlsVisible).map((a) => a.name);
  const shows = [traces, 'the processes, file reads/writes/deletes and network connections of the agents\' process trees'];
  if (seen.length) shows.push(`the API traffic (TLS plaintext) of ${seen.join(', ')}`);
  const misses = unseen.length ? `; it will not show the TLS of ${unseen.join(', ')} (their tokens still come from their trace files)` : '';
  const untried = loaded === 'untried' ? ' (if the collector loads: not started, --no-load)' : '';
  return [{ id: 'live', status: loaded === 'loaded' ? 'ok' : 'info', detail: `live will show ${shows.join('; ')}${misses}${untried}` }];
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean' }, 'no-load': { type: 'boolean' } }, strict: true });
  const uid = process.getuid?.() ?? 0;
  const env = process.env;
  const userHome = sudoUserHome(env);
  const clis = findAgentClis(env, userHome);
  const kernel = kernelChecks();
  const coll = await collectorChecks(uid, !values['no-load']);
  // The load tells uprobe_multi for sure (the collector probes the kernel for it before loading).
  if (coll.multi !== undefined) {
    const i = kernel.findIndex((c) => c.id === 'uprobe_multi');
    if (coll.multi !== (kernel[i].status === 'ok')) kernel[i] = { id: 'uprobe_multi', status: coll.multi ? 'ok' : 'warn', detail: coll.multi ? 'uprobe_multi links (the collector uses them)' : 'the collector could not make uprobe_multi links: TLS probes are perf-event uprobes (slower)' };
  }
  const checks = [...kernel, privilegeCheck(uid), ...coll.checks, libsslCheck(), ...(await historyChecks(env, userHome)), ...agentChecks(clis), ...optionalChecks(), ...liveSummary(coll.loaded, uid, clis)];
  const failed = checks.some((c) => c.status === 'fail');
  if (values.json) {
    process.stdout.write(JSON.stringify({ ok: !failed, checks }, null, 2) + '\n');
  } else {
    const w = Math.max(...checks.map((c) => c.id.length));
    for (const c of checks) {
      const label = c.status === 'fail' ? 'FAIL' : c.status;
      process.stdout.write(`${label.padEnd(4)}  ${c.id.padEnd(w)}  ${c.detail}${c.fix ? ` — fix: ${c.fix}` : ''}\n`);
    }
  }
  return failed ? 1 : 0;
}

function readOr(path: string): string {
  try { return readFileSync(path, 'utf8'); } catch { return ''; }
}

function versionAtLeast(rel: string, major: number, minor: number): boolean {
  const m = /^(\d+)\.(\d+)/.exec(rel);
  return !!m && (Number(m[1]) > major || (Number(m[1]) === major && Number(m[2]) >= minor));
}
