// A one-line progress indicator on stderr: only on a TTY, and only once a scan has run for a while,
// so quick runs and pipes stay silent.
export interface ProgressLine {
  update(p: { files: number; totalFiles: number; bytes: number; totalBytes: number }): void;
  done(): void;
}

export function progressLine(
  label: string,
  stream: NodeJS.WriteStream = process.stderr,
  opts: { delayMs?: number; now?: () => number } = {},
): ProgressLine {
  const now = opts.now ?? Date.now;
  const started = now();
  const delay = opts.delayMs ?? 1000;
  let shown = false;
  let lastDraw = 0;
  return {
    update(p) {
      if (!stream.isTTY) return;
      const t = now();
      if (t - started < delay || t - lastDraw < 100) return;
      lastDraw = t;
      shown = true;
      const pct = p.totalBytes ? Math.floor((100 * p.bytes) / p.totalBytes) : 0;
      stream.write(`\r\x1b[K${label}: ${p.files}/${p.totalFiles} files, ${formatBytes(p.bytes)}/${formatBytes(p.totalBytes)} (${pct}%)`);
    },
    done() {
      if (shown) stream.write('\r\x1b[K');
    },
  };
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}
