// Effect hints from tool inputs: which files a tool call says it reads/writes/deletes, which commands it
// runs and which hosts it reaches. Pure functions; the kernel (live mode) gives the ground truth, these
// give offline profiles their file and domain frames.
import type { EffectHint } from '../model.js';
import { splitCommands, type SimpleCommand } from './shell.js';

const s = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

/** Hints for one tool call, by tool name (Claude Code, Codex and Gemini CLI names) and its input. */
export function toolHints(name: string, input: unknown): EffectHint[] {
  const i = (input && typeof input === 'object' ? input : {}) as Record<string, unknown>;
  const path = s(i.file_path) ?? s(i.absolute_path) ?? s(i.notebook_path) ?? s(i.path);
  switch (name) {
    case 'Read': case 'NotebookRead': case 'read_file': case 'view':
      return path ? [{ kind: 'read', target: path }] : [];
    case 'Write': case 'Edit': case 'MultiEdit': case 'NotebookEdit':
    case 'write_file': case 'replace': case 'edit': case 'edit_file':
      return path ? [{ kind: 'write', target: path }] : [];
    case 'Glob': case 'glob': case 'LS': case 'list_directory': {
      const t = s(i.path) ?? s(i.pattern) ?? s(i.dir_path);
      return t ? [{ kind: 'read', target: t }] : [];
    }
    case 'Grep': case 'search_file_content': case 'grep': case 'grep_search': {
      const t = s(i.path) ?? s(i.dir_path);
      return t ? [{ kind: 'read', target: t }] : [];
    }
    case 'read_many_files':
      return (Array.isArray(i.paths) ? i.paths : []).filter((p): p is string => typeof p === 'string')
        .map((target) => ({ kind: 'read', target }));
    case 'Bash': case 'run_shell_command': case 'shell_command': case 'BashOutput':
      return commandHints(i.command);
    case 'shell': case 'container.exec': case 'local_shell':
      return commandHints(i.command ?? i.cmd);
    case 'exec_command':
      return commandHints(i.cmd ?? i.command);
    case 'WebFetch': case 'web_fetch': {
      const url = s(i.url) ?? (s(i.prompt)?.match(/https?:\/\/[^\s"'<>)]+/)?.[0]);
      return url ? [{ kind: 'connect', target: url }] : [];
    }
    case 'apply_patch':
      return patchHints(s(i.input) ?? s(i.patch) ?? (typeof input === 'string' ? input : ''));
    default:
      return [];
  }
}

/** Targets of an apply_patch envelope (`*** Add File:` / `*** Update File:` / `*** Delete File:` / `*** Move to:`). */
export function patchHints(patch: string): EffectHint[] {
  const out: EffectHint[] = [];
  const re = /^\*\*\* (Add File|Update File|Delete File|Move to): (.+?)\s*$/gm;
  for (let m = re.exec(patch); m; m = re.exec(patch)) {
    const kind = m[1] === 'Add File' ? 'create' : m[1] === 'Delete File' ? 'delete' : 'write';
    out.push({ kind, target: m[2] });
  }
  return out;
}

/** Hints for a shell command given as a line or an argv (Codex passes `["bash","-lc","…"]`). */
export function commandHints(command: unknown): EffectHint[] {
  if (Array.isArray(command)) {
    const argv = command.filter((w): w is string => typeof w === 'string');
    if (argv.length >= 3 && /(^|\/)(ba|z|da)?sh$/.test(argv[0]) && /^-\w*c\w*$/.test(argv[1])) {
      return commandHints(argv[2]);
    }
    return argv.length ? simpleHints({ words: argv, redirects: [] }) : [];
  }
  if (typeof command !== 'string' || !command.trim()) return [];
  const out: EffectHint[] = [];
  for (const c of splitCommands(command)) out.push(...simpleHints(c));
  return out;
}

const READERS = new Set(['cat', 'head', 'tail', 'less', 'more', 'wc', 'sort', 'uniq', 'diff', 'md5sum',
  'sha256sum', 'sha1sum', 'file', 'stat', 'nl', 'xxd', 'hexdump', 'strings', 'bat', 'source', '.', 'jq']);
const DELETERS = new Set(['rm', 'rmdir', 'unlink', 'shred']);
const CREATORS = new Set(['touch', 'mkdir']);
const WRAPPERS = new Set(['sudo', 'env', 'time', 'nohup', 'nice', 'timeout', 'exec', 'command', 'xargs', 'stdbuf']);

const REGISTRIES: Record<string, { sub: RegExp; host: string }> = {
  npm: { sub: /^(install|i|ci|add|update|upgrade)$/, host: 'registry.npmjs.org' },
  pnpm: { sub: /^(install|i|add|update|up)$/, host: 'registry.npmjs.org' },
  yarn: { sub: /^(install|add|upgrade)?$/, host: 'registry.yarnpkg.com' },
  bun: { sub: /^(install|i|add)$/, host: 'registry.npmjs.org' },
  pip: { sub: /^install$/, host: 'pypi.org' },
  pip3: { sub: /^install$/, host: 'pypi.org' },
  uv: { sub: /^(add|sync|pip)$/, host: 'pypi.org' },
  cargo: { sub: /^(build|add|install|fetch|update|run|test|check)$/, host: 'index.crates.io' },
  go: { sub: /^(get|install|mod)$/, host: 'proxy.golang.org' },
};

function simpleHints(cmd: SimpleCommand): EffectHint[] {
  const words = [...cmd.words];
  // Drop `VAR=value` prefixes and wrappers (`sudo`, `timeout 10`, …) to find the real program.
  while (words.length && (/^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0]) || WRAPPERS.has(words[0]))) {
    const w = words.shift()!;
    if (w === 'timeout' && words.length && /^[0-9.]+[smhd]?$/.test(words[0])) words.shift();
    while (words.length && WRAPPERS.has(w) && words[0].startsWith('-')) words.shift();
  }
  const out: EffectHint[] = [];
  if (words.length) {
    const prog = words[0].split('/').pop()!;
    const args = words.slice(1);
    const operands = args.filter((a) => !a.startsWith('-'));
    if (/^(ba|z|da)?sh$/.test(prog) && args[0] === '-c' || /^-\w*c\w*$/.test(args[0] ?? '') && /^(ba|z|da)?sh$/.test(prog)) {
      return [...commandHints(args[1] ?? ''), ...redirectHints(cmd)];
    }
    // The command as run, without wrappers and `VAR=value` prefixes (which often carry secrets).
    out.push({ kind: 'exec', target: words.join(' ') });
    if (READERS.has(prog)) for (const f of operands) out.push({ kind: 'read', target: f });
    else if (DELETERS.has(prog)) for (const f of operands) out.push({ kind: 'delete', target: f });
    else if (CREATORS.has(prog)) for (const f of operands) out.push({ kind: 'create', target: f });
    else if (prog === 'tee') for (const f of operands) out.push({ kind: 'write', target: f });
    else if (prog === 'cp' && operands.length >= 2) {
      for (const f of operands.slice(0, -1)) out.push({ kind: 'read', target: f });
      out.push({ kind: 'write', target: operands[operands.length - 1] });
    } else if (prog === 'mv' && operands.length >= 2) {
      for (const f of operands.slice(0, -1)) out.push({ kind: 'delete', target: f });
      out.push({ kind: 'write', target: operands[operands.length - 1] });
    } else if (prog === 'sed' && args.some((a) => /^-[a-zA-Z]*i/.test(a) || a.startsWith('--in-place'))) {
      // With -e/-f the script is an option argument; otherwise the first operand is the script.
      const hasScriptOpt = args.some((a) => a === '-e' || a === '-f');
      const files = operandsAfterOptions(args, ['-e', '-f']).slice(hasScriptOpt ? 0 : 1);
      for (const f of files) out.push({ kind: 'write', target: f });
    } else if (prog === 'curl' || prog === 'wget') {
      for (const a of operands) if (/^https?:\/\/|^[\w-]+(\.[\w-]+)+(:\d+)?(\/|$)/.test(a)) out.push({ kind: 'connect', target: a });
    } else if (prog === 'git') out.push(...gitHints(args));
    else if (REGISTRIES[prog]) {
      const r = REGISTRIES[prog];
      if (r.sub.test(operands[0] ?? '')) out.push({ kind: 'connect', target: r.host });
    }
  }
  out.push(...redirectHints(cmd));
  return out;
}

function operandsAfterOptions(args: string[], withValue: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (withValue.includes(args[i])) i++;
    else if (!args[i].startsWith('-')) out.push(args[i]);
  }
  return out;
}

function gitHints(args: string[]): EffectHint[] {
  const operands = operandsAfterOptions(args, ['-C', '-c', '--depth', '-b', '--branch', '-o', '--origin']);
  const sub = operands[0];
  if (!sub || !/^(clone|fetch|push|pull|ls-remote)$/.test(sub)) return [];
  const remote = operands[1];
  if (remote && /^(https?|ssh|git):\/\/|^[\w.-]+@[\w.-]+:/.test(remote)) return [{ kind: 'connect', target: remote }];
  return [{ kind: 'connect', target: `git-remote:${remote ?? 'origin'}` }];
}

function redirectHints(cmd: SimpleCommand): EffectHint[] {
  const out: EffectHint[] = [];
  for (const r of cmd.redirects) {
    if (r.target === '/dev/null' || r.target.startsWith('/dev/std') || r.target.startsWith('/dev/fd')) continue;
    out.push({ kind: r.op === '<' ? 'read' : 'write', target: r.target });
  }
  return out;
}

/** A short non-secret summary of the input: a path, a program name, a host. Never the whole command. */
export function toolSummary(hints: EffectHint[]): string | undefined {
  // A command's program says more than the files it touches; otherwise the first path or host.
  const first = hints.find((h) => h.kind === 'exec') ?? hints[0];
  if (!first) return undefined;
  if (first.kind === 'exec') return first.target.trim().split(/\s+/)[0]?.split('/').pop();
  if (first.kind === 'connect') {
    try { return new URL(first.target).host; } catch { return first.target; }
  }
  return first.target;
}
