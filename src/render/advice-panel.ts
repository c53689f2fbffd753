// The Advice panel's markup: each finding in rank order with its title, estimated saving, advice,
// evidence and the flamegraph view and search it came from (data-view / data-search, which a click
// applies). Pure strings, no Node imports: used by the HTML report (advice-html.ts) and bundled into
// the live dashboard (dashboards/src/advice.ts).
import { usd } from '../advise/format.js';
import type { Finding } from '../advise/types.js';
import { escapeXml } from './xml.js';

export const ADVICE_CSS = `
#advice{margin:8px 0 14px}#advice h2{font-size:16px;margin:0 0 4px}#advice ol{margin:0;padding-left:28px}
#advice li{padding:6px 8px;margin:0 0 6px;border:1px solid #ddd;border-radius:4px;background:#fff;cursor:pointer}
#advice li:hover{border-color:#999}#advice li[aria-pressed=true]{border-color:#c0c;background:#fff4ff}
#advice .title{font-weight:bold}#advice .saving{float:right;color:#063;font-weight:bold;margin-left:12px}
#advice .advice{margin:4px 0;padding:4px 8px;background:#f4f4ee;border-left:3px solid #bbb;white-space:pre-wrap;font-family:monospace;cursor:text}
#advice .evidence,#advice .trace{font-size:11px;color:#555}#advice code{background:#eee;padding:0 3px}
`;

/** "~54,000 tokens · $0.0162": what a finding is estimated to save, at list price. */
export function savingLabel(f: Finding): string {
  return `${f.savingTokens ? `~${f.savingTokens.toLocaleString('en-US')} tokens · ` : ''}${usd(f.savingUsd)}`;
}

function findingItem(f: Finding, rank: number): string {
  const evidence = Object.entries(f.evidence).map(([k, v]) => `${escapeXml(k)}=<b>${escapeXml(String(v))}</b>`).join(', ');
  return `<li data-finding="${rank}" data-kind="${escapeXml(f.kind)}" data-view="${escapeXml(f.trace.view)}" data-search="${escapeXml(f.trace.search)}" tabindex="0" role="button" aria-pressed="false">` +
    `<span class="saving" title="estimated saving at list price">${escapeXml(savingLabel(f))}</span>` +
    `<span class="title">${escapeXml(f.title)}</span>` +
    `<div class="advice">${escapeXml(f.advice)}</div>` +
    `<div class="evidence">Evidence: ${evidence}</div>` +
    `<div class="trace">Flamegraph: view <code>${escapeXml(f.trace.view)}</code>, search <code>${escapeXml(f.trace.search)}</code>, stacks ${f.trace.stacks.map((s) => `<code>${escapeXml(s)}</code>`).join(' ')}</div></li>`;
}

export function advicePanelHtml(findings: Finding[], header = ''): string {
  const intro = `<p class="note">${escapeXml(header)} Savings are estimates at list price. Click a finding to open the flamegraph on its frames.</p>`;
  const body = findings.length
    ? `<ol>${findings.map((f, i) => findingItem(f, i + 1)).join('\n')}</ol>`
    : '<p>No pattern crossed its threshold: nothing to change.</p>';
  return `<section id="advice"><h2>Advice (${findings.length} finding${findings.length === 1 ? '' : 's'}, ranked by estimated saving)</h2>${intro}${body}</section>`;
}
