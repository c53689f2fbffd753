// Errors a command reports as one line and an exit code, never as a stack: 2 when the command line is
// wrong (unknown command or option, a bad value), 1 when the input holds nothing to profile (a missing
// or unreadable path, a folder without agent sessions, filters that match nothing).

export const EXIT_NO_DATA = 1;
export const EXIT_USAGE = 2;

export class CliError extends Error {
  constructor(message: string, readonly exitCode: number) {
    super(message);
    this.name = 'CliError';
  }
}

export const usageError = (message: string): CliError => new CliError(message, EXIT_USAGE);
export const noDataError = (message: string): CliError => new CliError(message, EXIT_NO_DATA);

/** node:util parseArgs' own errors (unknown option, missing value) are usage errors too. */
export function exitCodeOf(err: unknown): number {
  if (err instanceof CliError) return err.exitCode;
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) return EXIT_USAGE;
  return 1;
}
