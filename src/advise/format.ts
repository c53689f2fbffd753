import type { Finding } from './types.js';

export const usd = (x: number) => (x >= 100 ? `$${x.toFixed(0)}` : x >= 1 ? `$${x.toFixed(2)}` : `$${x.toFixed(4)}`);

export function adviseMarkdown(findings: Finding[], header: string): string {
  const lines = [`# agentpprof advise`, '', header, ''];
  if (!findings.length) {
    lines.push('No pattern crossed its threshold: nothing to change.');
    return lines.join('\n') + '\n';
  }
  findings.forEach((f, i) => {
    lines.push(`## ${i + 1}. ${f.title}`, '');
    lines.push(`Estimated saving: ${f.savingTokens ? `~${f.savingTokens.toLocaleString('en-US')} tokens, ` : ''}${usd(f.savingUsd)} (list price)`, '');
    lines.push(f.advice.includes('\n') ? '```\n' + f.advice + '\n```' : `> ${f.advice}`, '');
    lines.push('Evidence: ' + Object.entries(f.evidence).map(([k, v]) => `${k}=${v}`).join(', '));
    lines.push(`Open in the flamegraph: view \`${f.trace.view}\`, search \`${f.trace.search}\` (stacks: ${f.trace.stacks.map((s) => `\`${s}\``).join(', ')})`, '');
  });
  return lines.join('\n') + '\n';
}

export function adviseJson(findings: Finding[], meta: Record<string, unknown>): string {
  return JSON.stringify({ ...meta, findings }, null, 2) + '\n';
}
