// Tagger registry and rule loading. `--tagger NAME` picks a factory from the registry; other backends
// (clustering, a local LLM, hybrid) register themselves here with the CLI options they need, so the
// `profile` and `tags` commands parse those options without knowing the backends.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseRule, parseRulesFile, RegexTagger, type Rule } from './regex.js';
import { BACKENDS } from './backends.js';
import { defaultRules } from './rules.js';
import type { OptionSpec, Tagger, TaggerContext, TaggerEntry } from './types.js';
import { usageError } from '../util/cli-error.js';

export { RegexTagger, parseRule, parseRulesFile, type Rule } from './regex.js';
export { defaultRules, DEFAULT_RULE_SPECS } from './rules.js';
export type { OptionSpec, TaggerContext, TaggerEntry } from './types.js';

const registry = new Map<string, TaggerEntry>();

export function registerTagger(name: string, entry: TaggerEntry): void {
  registry.set(name, entry);
}

registerTagger('regex', {
  create: ({ rules }) => new RegexTagger(rules),
  help: 'ordered TAG=REGEX rules, first match wins (default)',
});

for (const [name, entry] of Object.entries(BACKENDS)) registerTagger(name, entry);

export const taggerNames = (): string[] => [...registry.keys()];

/** Options of every registered backend, for the commands' parseArgs. */
export function taggerOptions(): Record<string, OptionSpec> {
  const out: Record<string, OptionSpec> = {};
  for (const e of registry.values()) Object.assign(out, e.options ?? {});
  return out;
}

export function taggerHelp(): string {
  return [...registry].map(([n, e]) => `    ${n.padEnd(8)} ${e.help}`).join('\n');
}

export async function createTagger(name: string, ctx: TaggerContext): Promise<Tagger> {
  const entry = registry.get(name);
  if (!entry) throw usageError(`unknown tagger "${name}" (have: ${taggerNames().join(', ')})`);
  return entry.create(ctx);
}

/** The file picked up automatically from the project root (the cwd of the run). */
export const PROJECT_RULES_FILE = 'agentpprof.rules';

export interface RuleSources {
  /** `--tag-rule TAG=REGEX`, in order. */
  cli?: string[];
  /** `--rules FILE`, in order. */
  files?: string[];
  /** Directory searched for agentpprof.rules; null to skip. */
  projectRoot?: string | null;
  /** Leave out the default rules (`--no-default-rules`). */
  noDefaults?: boolean;
}

/** User rules first (command line, then files, then the project file), then the defaults. */
export function loadRules(src: RuleSources): { rules: Rule[]; files: string[] } {
  const rules: Rule[] = [];
  const files: string[] = [];
  (src.cli ?? []).forEach((spec, i) => rules.push(parseRule(spec, `--tag-rule #${i + 1}`)));
  for (const f of src.files ?? []) {
    rules.push(...parseRulesFile(readFileSync(f, 'utf8'), f));
    files.push(f);
  }
  if (src.projectRoot != null) {
    const f = join(src.projectRoot, PROJECT_RULES_FILE);
    if (existsSync(f) && !files.includes(f)) {
      rules.push(...parseRulesFile(readFileSync(f, 'utf8'), f));
      files.push(f);
    }
  }
  if (!src.noDefaults) rules.push(...defaultRules());
  return { rules, files };
}
