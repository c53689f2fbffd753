// Command-line options for the benches: node's parseArgs, plus --help, which prints the bench's own
// header comment (each bench documents what it measures and how to run it there, once), and a one-line
// error for an unknown or malformed option instead of a stack trace.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** The leading `//` comment block of a source file, without the slashes. */
export function headerComment(source: string): string {
  const lines: string[] = [];
  for (const line of source.split('\n')) {
    if (!line.startsWith('//')) break;
    lines.push(line.replace(/^\/\/ ?/, ''));
  }
  return lines.join('\n');
}

/** parseArgs for the bench at `moduleUrl` (import.meta.url); exits after --help or a bad option. */
export function benchArgs<T extends ParseArgsConfig>(moduleUrl: string, config: T): ReturnType<typeof parseArgs<T>> {
  const file = fileURLToPath(moduleUrl);
  const options = { ...config.options, help: { type: 'boolean', short: 'h' } } as T['options'];
  let parsed: ReturnType<typeof parseArgs<T>>;
  try {
    parsed = parseArgs({ ...config, options } as T);
  } catch (err) {
    process.stderr.write(`${file.split('/').pop()}: ${(err as Error).message.split('\n')[0]} (--help lists the options)\n`);
    process.exit(2);
  }
  if ((parsed.values as Record<string, unknown>).help) {
    process.stdout.write(headerComment(readFileSync(file, 'utf8')) + '\n');
    process.exit(0);
  }
  return parsed;
}
