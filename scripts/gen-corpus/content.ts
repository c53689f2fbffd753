// The projects a generated user works on, and the bulk text their tools return: source files (Read
// outputs are most of a real history's bytes), command output, fetched pages. File contents are derived
// from (seed, project, path) alone, so the same file reads the same every time, as it would on disk.
import { Rng } from './rng.js';
import type { PromptSlots } from './prompts.js';

export interface Project {
  name: string;
  cwd: string;
  lang: 'ts' | 'py' | 'rs' | 'go' | 'c' | 'tex';
  files: string[];
  fns: string[];
  mods: string[];
  svcs: string[];
  libs: string[];
  cmds: string[];
  errs: string[];
  topics: string[];
  /** Share of Chinese in this user's prompts for this project (0..1). */
  zh: number;
}

interface Archetype extends Omit<Project, 'cwd' | 'zh'> {}

const ARCHETYPES: Archetype[] = [
  {
    name: 'webshop', lang: 'ts',
    files: ['src/server/auth.ts', 'src/server/orders.ts', 'src/server/db.ts', 'src/client/App.tsx', 'src/client/Cart.tsx',
      'src/client/api.ts', 'src/lib/money.ts', 'src/lib/retry.ts', 'test/orders.test.ts', 'test/auth.test.ts', 'package.json',
      'tsconfig.json', 'README.md', 'docs/api.md', 'vite.config.ts', '.github/workflows/ci.yml'],
    fns: ['createOrder', 'validateToken', 'applyDiscount', 'fetchCart', 'formatPrice', 'withRetry', 'loadSession'],
    mods: ['auth', 'orders', 'cart', 'payments', 'the API client'], svcs: ['orders-api', 'checkout', 'auth'],
    libs: ['axios', 'zod', 'prisma', 'express', 'react-query'], cmds: ['npm test', 'npm run build', 'npm run dev', 'npx tsc'],
    errs: ["TypeError: Cannot read properties of undefined (reading 'items')", 'Error: connect ECONNREFUSED 127.0.0.1:5432',
      "error TS2345: Argument of type 'string' is not assignable to parameter of type 'number'", 'Unhandled promise rejection: 401 Unauthorized'],
    topics: ['optimistic UI updates', 'payment idempotency', 'session token rotation'],
  },
  {
    name: 'agentsight', lang: 'c',
    files: ['bpf/process.bpf.c', 'bpf/sslsniff.bpf.c', 'bpf/events.h', 'collector/src/main.rs', 'collector/src/ringbuf.rs',
      'collector/src/ssl.rs', 'Makefile', 'README.md', 'docs/design.md', 'frontend/src/Timeline.tsx', 'script/analyze.py'],
    fns: ['handle_exec', 'probe_ssl_write', 'poll_ring', 'parse_sse', 'attach_uprobes', 'emit_event'],
    mods: ['the collector', 'sslsniff', 'the ring buffer reader', 'the process tracer'], svcs: ['collector', 'frontend', 'analyzer'],
    libs: ['libbpf', 'tokio', 'serde_json', 'clap'], cmds: ['make', 'cargo build --release', 'cargo test', 'sudo ./collector'],
    errs: ["error: linker `cc` not found", 'libbpf: failed to find BTF for extern', 'thread \'main\' panicked at src/ringbuf.rs:88:14',
      'undefined reference to `bpf_object__open_file`'],
    topics: ['eBPF TLS interception', 'uprobe overhead', 'agent observability'],
  },
  {
    name: 'ml-pipeline', lang: 'py',
    files: ['pipeline/train.py', 'pipeline/data.py', 'pipeline/model.py', 'pipeline/eval.py', 'configs/base.yaml',
      'tests/test_data.py', 'tests/test_model.py', 'requirements.txt', 'README.md', 'notebooks/explore.ipynb', 'setup.py'],
    fns: ['load_dataset', 'train_epoch', 'evaluate', 'collate_batch', 'build_model', 'save_checkpoint'],
    mods: ['the data loader', 'training loop', 'the evaluation script'], svcs: ['trainer', 'inference-server'],
    libs: ['torch', 'pandas', 'numpy', 'transformers', 'pydantic'], cmds: ['pytest', 'python -m pipeline.train', 'pip install -r requirements.txt'],
    errs: ['RuntimeError: CUDA out of memory. Tried to allocate 2.00 GiB', "KeyError: 'label'",
      'ValueError: shapes (32,128) and (64,) not aligned', 'ModuleNotFoundError: No module named \'pipeline\''],
    topics: ['curriculum learning', 'LoRA fine-tuning', 'data deduplication', 'evaluation contamination'],
  },
  {
    name: 'kvstore', lang: 'go',
    files: ['cmd/kvd/main.go', 'internal/raft/raft.go', 'internal/raft/log.go', 'internal/store/store.go', 'internal/store/store_test.go',
      'internal/server/http.go', 'go.mod', 'README.md', 'Dockerfile', 'deploy/k8s/statefulset.yaml'],
    fns: ['AppendEntries', 'applyCommitted', 'handlePut', 'compactLog', 'newServer', 'snapshot'],
    mods: ['raft', 'the store', 'the http server'], svcs: ['kvd', 'gateway'], libs: ['grpc', 'bbolt', 'zap', 'cobra'],
    cmds: ['go test ./...', 'go build ./cmd/kvd', 'go vet ./...', 'docker build .'],
    errs: ['panic: runtime error: index out of range [3] with length 3', 'fatal error: concurrent map writes',
      'context deadline exceeded', 'undefined: raft.Config'],
    topics: ['raft log compaction', 'linearizable reads', 'consensus under partitions'],
  },
  {
    name: 'dotfiles-cli', lang: 'rs',
    files: ['src/main.rs', 'src/config.rs', 'src/sync.rs', 'src/git.rs', 'tests/cli.rs', 'Cargo.toml', 'README.md', 'CHANGELOG.md'],
    fns: ['parse_config', 'sync_repo', 'apply_links', 'resolve_home', 'run_hooks'],
    mods: ['config', 'sync', 'the git wrapper'], svcs: ['the CLI'], libs: ['serde', 'anyhow', 'git2', 'clap'],
    cmds: ['cargo test', 'cargo clippy', 'cargo build', 'cargo run -- sync'],
    errs: ['error[E0502]: cannot borrow `self.entries` as mutable because it is also borrowed as immutable',
      'error[E0425]: cannot find value `home` in this scope', 'thread \'main\' panicked at \'called `Option::unwrap()` on a `None` value\''],
    topics: ['symlink farm managers', 'config file formats'],
  },
  {
    name: 'thesis-paper', lang: 'tex',
    files: ['paper/main.tex', 'paper/intro.tex', 'paper/method.tex', 'paper/eval.tex', 'paper/refs.bib', 'scripts/plot.py',
      'data/results.csv', 'README.md', 'Makefile'],
    fns: ['plot_latency', 'load_results', 'bootstrap_ci'], mods: ['the evaluation section', 'the plotting script'],
    svcs: ['overleaf sync'], libs: ['matplotlib', 'seaborn', 'scipy'], cmds: ['latexmk -pdf main.tex', 'make figures', 'python scripts/plot.py'],
    errs: ['! Undefined control sequence.', 'LaTeX Warning: Citation `smith2023` undefined', 'FileNotFoundError: data/results.csv'],
    topics: ['semantic profiling of LLM agents', 'flame graphs', 'prompt clustering', 'token accounting'],
  },
];

export const USERS = ['alice', 'bob', 'dev', 'yunwei', 'mchen', 'sam'];

export function makeProjects(rng: Rng, user: string, count: number): Project[] {
  const picked = [...ARCHETYPES].sort(() => rng.next() - 0.5).slice(0, count);
  return picked.map((a) => ({ ...a, cwd: `/home/${user}/src/${a.name}`, zh: rng.pick([0, 0.2, 0.5, 0.8]) }));
}

export function promptSlots(rng: Rng, p: Project): PromptSlots {
  return {
    file: rng.pick(p.files), file2: rng.pick(p.files), fn: rng.pick(p.fns), mod: rng.pick(p.mods), err: rng.pick(p.errs),
    cmd: rng.pick(p.cmds), branch: rng.pick(['fix/', 'feat/', 'wip-', 'chore/']) + rng.pick(p.fns).toLowerCase().slice(0, 12),
    svc: rng.pick(p.svcs), lib: rng.pick(p.libs), topic: rng.pick(p.topics),
  };
}

// ---- file contents -------------------------------------------------------------------------------

const WORDS = ['user', 'order', 'item', 'value', 'count', 'buffer', 'event', 'config', 'state', 'result', 'index', 'token',
  'request', 'response', 'entry', 'node', 'batch', 'cache', 'handler', 'session', 'path', 'offset', 'len', 'key', 'total'];

function ident(r: Rng): string {
  const a = r.pick(WORDS);
  const b = r.pick(WORDS);
  return a + b[0].toUpperCase() + b.slice(1);
}

function codeLine(r: Rng, lang: Project['lang'], depth: number): string {
  const ind = '  '.repeat(depth);
  const x = ident(r);
  const y = ident(r);
  switch (lang) {
    case 'ts':
      return ind + r.pick([`const ${x} = await ${y}(${r.pick(WORDS)});`, `if (!${x}) throw new Error('missing ${x}');`,
        `export function ${x}(${y}: string): number {`, `return ${x}.map((e) => e.${r.pick(WORDS)});`, `// ${r.pick(WORDS)} is validated upstream`,
        `${x}.${y} = ${r.int(0, 999)};`, `}`, `for (const ${r.pick(WORDS)} of ${x}) {`, `logger.debug({ ${x} }, '${y}');`]);
    case 'py':
      return ind + r.pick([`${x} = ${y}(${r.pick(WORDS)})`, `if ${x} is None:`, `def ${x}(self, ${y}):`, `return [e.${r.pick(WORDS)} for e in ${x}]`,
        `# ${r.pick(WORDS)} is normalized before this point`, `self.${x} = ${r.int(0, 999)}`, `raise ValueError(f"bad ${x}: {${y}}")`,
        `for ${r.pick(WORDS)} in ${x}:`, `logger.info("%s %d", ${x}, ${y})`]);
    case 'rs':
      return ind + r.pick([`let ${x} = ${y}(&${r.pick(WORDS)})?;`, `if ${x}.is_empty() {`, `pub fn ${x}(${y}: &str) -> Result<usize> {`,
        `Ok(${x}.iter().map(|e| e.${r.pick(WORDS)}).sum())`, `// ${r.pick(WORDS)} outlives the borrow here`, `}`, `self.${x} += ${r.int(0, 999)};`,
        `for ${r.pick(WORDS)} in &${x} {`, `tracing::debug!(?${x}, "${y}");`]);
    case 'go':
      return ind + r.pick([`${x}, err := ${y}(ctx, ${r.pick(WORDS)})`, `if err != nil {`, `return nil, fmt.Errorf("${x}: %w", err)`,
        `func (s *Store) ${x[0].toUpperCase() + x.slice(1)}(${y} string) error {`, `// ${r.pick(WORDS)} is guarded by s.mu`, `}`,
        `s.${x} = ${r.int(0, 999)}`, `for _, ${r.pick(WORDS)} := range ${x} {`]);
    case 'c':
      return ind + r.pick([`struct ${x} *${y} = bpf_ringbuf_reserve(&rb, sizeof(*${y}), 0);`, `if (!${x})`, `return 0;`,
        `static int ${x}(struct ${y} *ctx) {`, `/* ${r.pick(WORDS)} is read from user memory */`, `}`, `${x}->${y} = ${r.int(0, 999)};`,
        `bpf_probe_read_user(&${x}, sizeof(${x}), ${y});`, `__u64 ${x} = bpf_ktime_get_ns();`]);
    default:
      return r.pick([`\\section{${x}}`, `We measure the ${r.pick(WORDS)} ${r.pick(WORDS)} across ${r.int(3, 40)} sessions~\\cite{${y}${r.int(2019, 2025)}}.`,
        `\\begin{figure}[t]`, `\\includegraphics[width=\\linewidth]{figs/${x}.pdf}`, `\\end{figure}`,
        `Table~\\ref{tab:${x}} shows the ${r.pick(WORDS)} per ${r.pick(WORDS)}; the median drops by ${r.int(2, 60)}\\%.`, '']);
  }
}

const fileCache = new Map<string, string>();

/** Full text of a project file; stable for (seed, project, path). */
export function fileText(seed: number, p: Project, path: string): string {
  const key = `${seed}\0${p.cwd}\0${path}`;
  const hit = fileCache.get(key);
  if (hit !== undefined) return hit;
  const r = new Rng(seed).fork('file', p.cwd, path);
  const n = r.chance(0.05) ? r.int(120, 500) : r.int(6, 80);
  const lines: string[] = [];
  let depth = 0;
  for (let i = 0; i < n; i++) {
    const l = codeLine(r, p.lang, depth);
    lines.push(l);
    if (l.endsWith('{') || l.endsWith(':')) depth = Math.min(depth + 1, 4);
    else if (l.trim() === '}' || r.chance(0.15)) depth = Math.max(depth - 1, 0);
  }
  const text = lines.join('\n') + '\n';
  if (fileCache.size > 2000) fileCache.clear();
  fileCache.set(key, text);
  return text;
}

/** Claude Code's Read output: cat -n style with an arrow, optionally a window of the file. */
export function numbered(text: string, from = 1, limit = 2000): string {
  const lines = text.split('\n');
  const out: string[] = [];
  for (let i = from - 1; i < Math.min(lines.length, from - 1 + limit); i++) out.push(`${String(i + 1).padStart(6)}→${lines[i]}`);
  return out.join('\n');
}

// ---- command output ------------------------------------------------------------------------------

export interface Command {
  command: string;
  stdout: string;
  stderr: string;
  exitCode: number;
  /** Hosts it talks to (network effects), for the generator's own bookkeeping. */
  hosts: string[];
}

function lines(r: Rng, n: number, f: (i: number) => string): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(f(i));
  return out.join('\n');
}

export function makeCommand(r: Rng, p: Project, seed: number): Command {
  const kind = r.weighted([['test', 5], ['build', 3], ['git', 5], ['ls', 2], ['grep', 3], ['cat', 2], ['install', 2], ['curl', 2],
    ['clone', 0.5], ['ps', 0.5], ['tail', 1]] as const);
  const fail = r.chance(0.18);
  const f = r.pick(p.files);
  switch (kind) {
    case 'test': {
      const cmd = r.pick(p.cmds.filter((c) => /test|pytest/.test(c)).concat([p.cmds[0]]));
      const n = r.skewed(3, 200);
      const body = lines(r, n, (i) => `${i % 17 === 3 && fail ? '✗' : '✓'} ${ident(r)} ${r.pick(['handles', 'rejects', 'returns', 'parses'])} ${r.pick(WORDS)} (${r.int(0, 90)}ms)`);
      const tail = fail ? `\n\nFAIL ${f}\n  Expected: ${r.int(0, 9)}\n  Received: ${r.int(10, 99)}\n\nTests: ${Math.ceil(n / 17)} failed, ${n} total` : `\n\nTests: ${n} passed, ${n} total`;
      return { command: cmd, stdout: body + tail, stderr: '', exitCode: fail ? 1 : 0, hosts: [] };
    }
    case 'build': {
      const cmd = r.pick(p.cmds);
      const body = lines(r, r.skewed(3, 150), () => `   Compiling ${r.pick(WORDS)}-${r.pick(WORDS)} v0.${r.int(1, 30)}.${r.int(0, 9)}`);
      const err = fail ? `${r.pick(p.errs)}\n --> ${f}:${r.int(1, 400)}:${r.int(1, 60)}` : '';
      return { command: cmd, stdout: body, stderr: err, exitCode: fail ? 2 : 0, hosts: [] };
    }
    case 'git': {
      const sub = r.pick(['status', 'log --oneline -20', 'diff', 'diff --stat', 'push origin HEAD', 'pull --rebase', 'commit -m "fix: handle empty input"', 'fetch origin']);
      const net = /push|pull|fetch/.test(sub);
      const out = sub.startsWith('log') ? lines(r, 20, () => `${r.hex(7)} ${r.pick(['fix', 'feat', 'chore', 'refactor'])}: ${r.pick(WORDS)} ${r.pick(WORDS)}`)
        : sub === 'diff' ? `diff --git a/${f} b/${f}\n--- a/${f}\n+++ b/${f}\n@@ -${r.int(1, 200)},7 +${r.int(1, 200)},9 @@\n` + lines(r, r.skewed(5, 400), () => `${r.pick([' ', '+', '-'])}${codeLine(r, p.lang, 1)}`)
          : sub === 'status' ? `On branch main\nChanges not staged for commit:\n` + lines(r, r.int(1, 12), () => `\tmodified:   ${r.pick(p.files)}`)
            : lines(r, r.int(1, 8), () => `${r.pick(['remote:', 'To', ' ', 'Updating'])} ${r.pick(WORDS)} ${r.hex(7)}..${r.hex(7)}`);
      return { command: `git ${sub}`, stdout: out, stderr: '', exitCode: 0, hosts: net ? ['github.com'] : [] };
    }
    case 'ls':
      return { command: r.pick(['ls -la', `ls -la ${f.split('/')[0]}`, 'find . -name "*.' + p.lang + '" | head -50', 'tree -L 2']),
        stdout: lines(r, r.int(5, 60), () => `-rw-r--r-- 1 u u ${r.int(100, 90000)} Nov ${r.int(1, 28)} ${r.int(10, 23)}:${r.int(10, 59)} ${r.pick(p.files)}`),
        stderr: '', exitCode: 0, hosts: [] };
    case 'grep': {
      const fn = r.pick(p.fns);
      return { command: `grep -rn "${fn}" ${r.pick(['.', 'src', 'internal', 'pipeline'])}`,
        stdout: lines(r, r.skewed(1, 200), () => `${r.pick(p.files)}:${r.int(1, 900)}:${codeLine(r, p.lang, 1).replace(/\w+\(/, fn + '(')}`),
        stderr: '', exitCode: 0, hosts: [] };
    }
    case 'cat': {
      const t = fileText(seed, p, f);
      return { command: `cat ${f}`, stdout: t, stderr: '', exitCode: 0, hosts: [] };
    }
    case 'install': {
      const [cmd, host] = r.pick([
        ['npm install', 'registry.npmjs.org'], [`npm i -E ${r.pick(p.libs)}@${r.int(1, 9)}.${r.int(0, 20)}.${r.int(0, 9)}`, 'registry.npmjs.org'],
        [`pip install ${r.pick(p.libs)}`, 'pypi.org'], ['cargo fetch', 'index.crates.io'], ['go mod download', 'proxy.golang.org'],
      ] as const);
      return { command: cmd, stdout: lines(r, r.skewed(2, 150), () => `${r.pick(['added', 'Downloading', 'Collecting', '  Downloaded'])} ${r.pick(p.libs)}-${r.int(0, 9)}.${r.int(0, 40)}`),
        stderr: r.chance(0.3) ? 'npm warn deprecated inflight@1.0.6: This module is not supported' : '', exitCode: 0, hosts: [host] };
    }
    case 'curl': {
      const [url, host] = r.pick([
        ['http://localhost:8080/health', 'localhost'], ['https://api.github.com/repos/octo/demo/issues?state=open', 'api.github.com'],
        ['https://httpbin.org/get', 'httpbin.org'], ['http://127.0.0.1:3000/api/orders', '127.0.0.1'],
      ] as const);
      return { command: `curl -s ${r.chance(0.3) ? '-X POST ' : ''}${url}`,
        stdout: JSON.stringify({ status: 'ok', items: Array.from({ length: r.skewed(1, 60) }, () => ({ id: r.int(1, 1e6), [r.pick(WORDS)]: ident(r) })) }, null, 2),
        stderr: '', exitCode: 0, hosts: [host] };
    }
    case 'clone':
      return { command: `git clone https://github.com/${r.pick(['torvalds', 'libbpf', 'tokio-rs', 'pallets'])}/${r.pick(['linux-docs', 'libbpf-bootstrap', 'mini-redis', 'flask'])}.git /tmp/ref-${r.hex(4)}`,
        stdout: '', stderr: `Cloning into '/tmp/ref'...\nReceiving objects: 100% (${r.int(100, 90000)}/${r.int(100, 90000)}), done.`, exitCode: 0, hosts: ['github.com'] };
    case 'ps':
      return { command: 'ps aux | head -40', stdout: lines(r, 40, () => `u ${r.int(100, 99999)} 0.${r.int(0, 9)} 1.${r.int(0, 9)} ${r.pick(['node', 'python', 'bash', 'kvd', 'postgres'])}`),
        stderr: '', exitCode: 0, hosts: [] };
    default:
      return { command: `tail -n 200 /tmp/${p.name}.log`, stdout: lines(r, r.skewed(10, 200), () => `2026-05-${String(r.int(1, 28)).padStart(2, '0')}T10:${r.int(10, 59)}:00Z ${r.pick(['INFO', 'WARN', 'ERROR'])} ${r.pick(WORDS)} ${r.pick(WORDS)}=${r.int(0, 999)}`),
        stderr: '', exitCode: 0, hosts: [] };
  }
}

/** Paths outside the project that agents touch: their own config, temp files, the home dir. */
export function externalPath(r: Rng, user: string, p: Project): string {
  return r.pick([
    `/home/${user}/.claude/settings.json`, `/home/${user}/.claude/CLAUDE.md`, `/home/${user}/.codex/config.toml`,
    `/tmp/${p.name}-${r.hex(6)}.log`, `/tmp/scratch/${r.pick(WORDS)}.json`, `/home/${user}/.bashrc`, `/home/${user}/.gitconfig`,
    `/home/${user}/notes/${r.pick(WORDS)}.md`, `/etc/hosts`,
  ]);
}

export function webUrl(r: Rng, p: Project): string {
  return r.pick([
    `https://docs.python.org/3/library/${r.pick(['asyncio', 'json', 'pathlib', 'typing'])}.html`,
    `https://developer.mozilla.org/en-US/docs/Web/API/${r.pick(['fetch', 'WebSocket', 'AbortController'])}`,
    `https://github.com/${r.pick(['libbpf', 'nodejs', 'golang', 'rust-lang'])}/${r.pick(['libbpf', 'node', 'go', 'rust'])}/issues/${r.int(100, 60000)}`,
    `https://arxiv.org/abs/${r.int(2301, 2511)}.${r.int(10000, 29999)}`, `https://www.npmjs.com/package/${r.pick(p.libs)}`,
    `https://docs.rs/${r.pick(['tokio', 'serde', 'clap'])}/latest/`, `https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/`,
    `https://stackoverflow.com/questions/${r.int(1e6, 8e7)}`,
  ]);
}

export function webPage(r: Rng, url: string): string {
  const n = r.skewed(10, 400);
  return `# ${url}\n\n` + lines(r, n, () => `${r.pick(['The', 'A', 'This', 'Each'])} ${r.pick(WORDS)} ${r.pick(['is', 'controls', 'returns', 'holds'])} the ${r.pick(WORDS)} of the ${r.pick(WORDS)}; see ${r.pick(WORDS)}() for details.`);
}

export function prose(r: Rng, min: number, max: number): string {
  const n = r.skewed(min, max);
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(`${r.pick(['I', 'The', 'This', 'Next I', 'Now the'])} ${r.pick(['checked', 'updated', 'found', 'changed', 'read'])} the ${r.pick(WORDS)} ${r.pick(WORDS)}${r.pick(['.', ', which explains the failure.', ' in the handler.', '.'])}`);
  return out.join(' ');
}

export function codeSnippet(seed: number, p: Project, r: Rng): string {
  const t = fileText(seed, p, r.pick(p.files)).split('\n');
  const from = r.int(0, Math.max(0, t.length - 20));
  return t.slice(from, from + r.int(3, 20)).join('\n');
}
