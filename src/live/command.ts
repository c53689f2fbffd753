// `agentpprof live -- CMD`: the command runs as the invoking user (SUDO_UID/SUDO_GID, their HOME, USER
// and LOGNAME; the rest of the environment as sudo passed it), held before its exec until the collector
// has attached, so its first event is traced: a /bin/sh holder waits for a line on fd 3, then execs
// the command in place — same pid, so the collector's in-kernel pid scope (--pid) covers the command
// and everything it starts from its first instruction.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { accessSync, constants, realpathSync } from 'node:fs';
import { constants as osConstants, userInfo } from 'node:os';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { scrubSecrets } from '../http/redact.js';
import type { Identity } from './privilege.js';

export interface HeldCommand {
  pid: number;
  /** Lets the command exec (idempotent). */
  release(): void;
  /** Its exit code (128 + signal number when killed, as a shell reports it). */
  exit: Promise<number>;
  proc: ChildProcess;
}

// read's status is the release: EOF (we died) or anything but "go" exits 125 without running the command
const HOLD = 'IFS= read -r go <&3; [ "$go" = go ] || exit 125; exec 3<&-; exec "$@"';

/** Who the command runs as: the sudo user, else whoever runs us. */
export function commandUser(env: NodeJS.ProcessEnv = process.env): Identity {
  const uid = Number(env.SUDO_UID), gid = Number(env.SUDO_GID);
  if (env.SUDO_UID && Number.isInteger(uid) && Number.isInteger(gid)) return { uid, gid, name: env.SUDO_USER ?? String(uid) };
  return { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0, name: userInfo().username };
}

/** The user's passwd entry (getent: NSS users too): home and shell. */
function passwd(uid: number): { name?: string; home?: string; shell?: string } {
  try {
    const f = execFileSync('getent', ['passwd', String(uid)], { encoding: 'utf8' }).trim().split(':');
    return { name: f[0], home: f[5], shell: f[6] };
  } catch {
    return {};
  }
}

/** The command's environment: ours (what sudo kept), with the user's identity and home, without sudo's own. */
export function commandEnv(who: Identity, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  if (who.uid === (process.getuid?.() ?? 0)) return { ...env };
  const pw = passwd(who.uid);
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) if (!k.startsWith('SUDO_')) out[k] = v;
  out.HOME = pw.home ?? env.HOME ?? '/';
  out.USER = out.LOGNAME = pw.name ?? who.name;
  if (pw.shell) out.SHELL = pw.shell;
  return out;
}

/** The environment the command's programs will see, for finding its trace roots: `env`, plus the
 * `env K=V …` assignments the command starts with (\`live -- env CLAUDE_CONFIG_DIR=/x claude …\`). */
export function commandSeesEnv(argv: string[], env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  if (argv[0]?.split('/').pop() !== 'env') return env;
  const out = { ...env };
  for (const a of argv.slice(1)) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(a);
    if (!m) break;
    out[m[1]] = m[2];
  }
  return out;
}

/** The command line as the terminal, the page and status.json show it: values of secret-looking
 * assignments (`env ANTHROPIC_API_KEY=…`) and anything else that looks like a key are redacted. */
export function shownCommand(argv: string[]): string {
  return scrubSecrets(argv.map((a) => a.replace(/^([A-Za-z_][A-Za-z0-9_]*(?:KEY|TOKEN|SECRET|PASSWORD|PASS|AUTH)[A-Za-z0-9_]*)=.*$/is, '$1=[redacted]')).join(' '));
}

/** The executable `cmd` names on PATH (symlinks resolved), or undefined. */
export function resolveExecutable(cmd: string, path = process.env.PATH ?? '', cwd = process.cwd()): string | undefined {
  const candidates = cmd.includes('/') ? [isAbsolute(cmd) ? cmd : resolve(cwd, cmd)] : path.split(delimiter).filter(Boolean).map((d) => join(d, cmd));
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      return realpathSync(c);
    } catch { /* next */ }
  }
  return undefined;
}

export function spawnHeld(argv: string[], who: Identity, env: NodeJS.ProcessEnv): HeldCommand {
  const self = who.uid === (process.getuid?.() ?? 0);
  const proc = spawn('/bin/sh', ['-c', HOLD, 'agentpprof-hold', ...argv], {
    env, stdio: ['inherit', 'inherit', 'inherit', 'pipe'], ...(self ? {} : { uid: who.uid, gid: who.gid }),
  });
  const gate = proc.stdio[3] as NodeJS.WritableStream;
  let released = false;
  const exit = new Promise<number>((done, fail) => {
    proc.once('error', fail);
    proc.once('exit', (code, signal) => done(code ?? 128 + (signal ? osConstants.signals[signal] : 0)));
  });
  return {
    pid: proc.pid!, proc, exit,
    release() {
      if (released) return;
      released = true;
      gate.end('go\n');
    },
  };
}

