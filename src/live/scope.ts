// What the collector traces in a live run, as loader arguments and as one line for the page: by default
// the process trees of agent CLIs recognised by executable and argv (agentsight/agents.c) plus the
// writers of the followed trace files; `--pid`/`--comm` add trees, `--all` is everything, and
// `live -- CMD` traces exactly the command's tree.
import { shownCommand } from './command.js';

export interface ScopeRequest {
  pids?: number[];
  comms?: string[];
  all?: boolean;
  /** `live -- CMD`: only this process's tree (the held command's pid). */
  command?: { pid: number; argv: string[] };
}

export interface CollectorScope {
  /** Loader arguments (agentsight --agents/--pid/--comm/--all). */
  args: string[];
  /** Whether writers below the trace roots join the scope (`watch` commands). */
  watchRoots: boolean;
  /** For the page and the terminal. */
  what: string;
}

const AGENTS = 'agent CLIs recognised by executable and argv (Claude Code, Codex, Gemini, Qwen, OpenCode, …) and their process trees, and writers of the followed trace files';

export function collectorScope(r: ScopeRequest): CollectorScope {
  if (r.all) return { args: ['--all'], watchRoots: false, what: 'every process on the machine (--all)' };
  if (r.command) {
    const shown = shownCommand(r.command.argv);
    return { args: ['--pid', String(r.command.pid)], watchRoots: false, what: `the process tree of \`${shown.length > 80 ? shown.slice(0, 77) + '…' : shown}\` (pid ${r.command.pid})` };
  }
  const pids = r.pids ?? [];
  const comms = (r.comms ?? []).filter(Boolean);
  const args = ['--agents', ...pids.flatMap((p) => ['--pid', String(p)]), ...(comms.length ? ['--comm', comms.join(',')] : [])];
  const extra = [...pids.map((p) => `pid ${p}'s tree`), ...(comms.length ? [`processes named ${comms.join(', ')}`] : [])];
  return { args, watchRoots: true, what: AGENTS + (extra.length ? `, plus ${extra.join(' and ')}` : '') };
}
