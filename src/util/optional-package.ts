// Packages the installed CLI does not carry — node-llama-cpp (677 MB of GPU builds) and better-sqlite3
// (compiled from source, for minutes, where its prebuilt binary cannot be downloaded) — though one option
// or one input needs each. They stay devDependencies at these versions; when one is missing, one line
// says what needs it and how to add it (installed globally, it sits beside agentpprof and resolves).
export const OPTIONAL_PACKAGES = { 'node-llama-cpp': '3.21.1', 'better-sqlite3': '12.11.1' } as const;
export type OptionalPackage = keyof typeof OPTIONAL_PACKAGES;

/** True when `e` is the error of importing/requiring `name` itself (not of something it imports). */
export function isMissingPackage(e: unknown, name: OptionalPackage): boolean {
  const err = e as { code?: string; message?: string } | undefined;
  return (err?.code === 'ERR_MODULE_NOT_FOUND' || err?.code === 'MODULE_NOT_FOUND') && new RegExp(`['"]${name}['"]`).test(err.message ?? '');
}

export const installHint = (name: OptionalPackage, what: string): string =>
  `${what} needs ${name}, which is not installed with agentpprof: add it with \`npm i -g ${name}@${OPTIONAL_PACKAGES[name]}\``;
