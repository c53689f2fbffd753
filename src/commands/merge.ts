// `agentpprof merge a.pb.gz b.folded -o all.svg`: profiles from several machines or runs, folded or
// pprof, merged per view and written in every format asked for (one parse, several -o).
import { parseArgs } from 'node:util';
import { isOutputFormat, writeOutputs, type OutputFormat } from '../render/index.js';
import { looksLikeProfileFile, readAll } from './profile-inputs.js';
import type { Profile, ViewName } from '../profile/types.js';
import { splitRecordingArgs } from '../sources/agentsight-files.js';
import { formatBytes } from '../util/progress.js';

export const summary = 'merge folded/pprof profiles (several machines, several runs) into one';
export const help = `agentpprof merge FILES… -o OUT [-o OUT…] [OPTIONS]

Reads folded stacks (.folded, flamegraph.pl's format) and pprof files (.pb.gz, ours or any), merges
samples of the same view and writes each -o in the format its extension says.
AgentSight recordings (record.log + rotated parts, agentsight-*.db, snapshot JSON, our --record/--json
output; HOST=PATH labels a machine) are joined with the trace roots given beside them (the agents'
history: directories or files) and folded per --view (comma list; default tokens,files,network).

  -o, --output PATH   .svg .html .pb.gz .json .folded .txt ('-' = stdout); repeatable
  --format FMT        force the format for every -o (svg|html|pprof|json|folded|text)
  --view NAME         view of folded inputs that do not say (default: from the file name or frames)
  --title TEXT        title of the SVG/HTML
  --stack K1,K2,…     recordings: the frame kinds, root first (e.g. host,prompt,tool,process,file,effect)`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { output: { type: 'string', short: 'o', multiple: true }, format: { type: 'string' }, view: { type: 'string' }, title: { type: 'string' }, stack: { type: 'string' } },
  });
  if (!positionals.length || !values.output?.length) {
    process.stderr.write(`agentpprof merge: need input files and at least one -o\n\n${help}\n`);
    return 2;
  }
  if (values.format && !isOutputFormat(values.format)) {
    process.stderr.write(`agentpprof merge: unknown --format ${values.format}\n`);
    return 2;
  }
  const { recordings, others } = splitRecordingArgs(positionals);
  const traceRoots = recordings.length ? others.filter((p) => !looksLikeProfileFile(p)) : [];
  const { profiles, skipped } = readAll(others.filter((p) => !traceRoots.includes(p)), { view: values.view });
  if (recordings.length) profiles.push(...(await recordingProfiles(recordings, traceRoots, values.view, values.stack)));
  for (const s of skipped.slice(0, 20)) process.stderr.write(`skipped ${s}\n`);
  if (skipped.length > 20) process.stderr.write(`skipped ${skipped.length - 20} more lines\n`);
  if (!profiles.length) {
    process.stderr.write('agentpprof merge: no samples in the inputs\n');
    return 1;
  }
  const written = writeOutputs(profiles, values.output, { title: values.title, format: values.format as OutputFormat | undefined });
  const files = written.filter((w) => w.path !== '-').map((w) => `${w.path} (${formatBytes(w.bytes)})`);
  process.stderr.write(`merged ${positionals.length} input${positionals.length === 1 ? '' : 's'}: ${profiles.map((p) => `${p.view} ${p.samples.length} samples`).join(', ')}` +
    `${skipped.length ? `; ${skipped.length} lines skipped` : ''}${files.length ? `; wrote ${files.join(', ')}` : ''}\n`);
  return 0;
}

/** AgentSight recordings joined with the agents' trace roots, tagged (regex rules) and folded per view. */
async function recordingProfiles(recordings: string[], traceRoots: string[], views = 'tokens,files,network', stack?: string): Promise<Profile[]> {
  const { loadRecordings, outputStatus } = await import('../join/recordings.js');
  const { loadHistory } = await import('../sources/index.js');
  const { buildProfile, parseFrameKind, tagPrompts } = await import('../profile/index.js');
  const { createTagger, loadRules } = await import('../tag/index.js');
  const { currentUserNames } = await import('./profile.js');
  const traces = traceRoots.length ? await loadHistory({ paths: traceRoots }) : undefined;
  const batch = await loadRecordings(recordings, { traces });
  const { tags } = await tagPrompts(batch, await createTagger('regex', { rules: loadRules({ projectRoot: process.cwd() }).rules, options: {} }));
  const status = outputStatus(batch.status);
  for (const p of batch.status.problems.slice(0, 20)) process.stderr.write(`recording: ${p}\n`);
  return views.split(',').map((view) => {
    const p = buildProfile(batch, tags, {
      view: view.trim() as ViewName, privacy: { userNames: currentUserNames() },
      stack: stack?.split(',').map((k) => parseFrameKind(k.trim(), '--stack')),
    });
    if (p.status) p.status.agentsight = status;
    return p;
  });
}
