// Rewrites a run's sandbox paths to stable, user-free ones, so real traces can be committed as fixtures:
// the repo becomes /home/dev/calc, the temp HOME /home/dev.
import type { Sandbox } from './agent-run.js';

export const ANON_HOME = '/home/dev';
export const ANON_REPO = '/home/dev/calc';

export function anonymizer(box: Sandbox): (text: string) => string {
  const pairs: [string, string][] = [
    [box.repoDir, ANON_REPO],
    [box.homeDir, ANON_HOME],
    [box.root, `${ANON_HOME}/work`],
  ];
  return (text) => pairs.reduce((t, [from, to]) => t.split(from).join(to), text);
}

/** Claude Code's project directory name for a cwd. */
export const claudeProjectDir = (cwd: string): string => cwd.replace(/[^a-zA-Z0-9]/g, '-');
