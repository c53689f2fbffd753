// `agentpprof advise -o FILE.html`: the HTML flamegraph viewer with an "Advice" section above it.
// Each finding is listed in rank order with its title, estimated saving, advice and evidence; a click
// switches the viewer to the finding's view and runs its search regex (src/viewer/advice-entry.ts),
// so the flamegraph highlights the frames the finding came from and reports their share.
// Findings carry no prompt text unless --include-prompts: the page shows only what they hold.
import { usd } from '../advise/format.js';
import type { Finding } from '../advise/types.js';
import type { Profile, ViewName } from '../profile/types.js';
import { renderHtml } from './html.js';
import { viewerScript } from './viewer-bundle.js';
import { escapeXml } from './xml.js';

const CSS = `
#advice{margin:8px 0 14px}#advice h2{font-size:16px;margin:0 0 4px}#advice ol{margin:0;padding-left:28px}
#advice li{padding:6px 8px;margin:0 0 6px;border:1px solid #ddd;border-radius:4px;background:#fff;cursor:pointer}
#advice li:hover{border-color:#999}#advice li[aria-pressed=true]{border-color:#c0c;background:#fff4ff}
#advice .title{font-weight:bold}#advice .saving{float:right;color:#063;font-weight:bold;margin-left:12px}
#advice .advice{margin:4px 0;padding:4px 8px;background:#f4f4ee;border-left:3px solid #bbb;white-space:pre-wrap;font-family:monospace;cursor:text}
#advice .evidence,#advice .trace{font-size:11px;color:#555}#advice code{background:#eee;padding:0 3px}
`;

/** The tokens view (where the budget went, the page's first view), then the views the findings point at in rank order. */
export function adviceViews(findings: Finding[]): ViewName[] {
  return [...new Set(['tokens', ...findings.map((f) => f.trace.view)])] as ViewName[];
}

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

/** The page: `profiles` should hold the views of adviceViews(findings), built on the same batch and tags. */
export function renderAdviceHtml(profiles: Profile[], findings: Finding[], opts: { title?: string; header?: string } = {}): string {
  return renderHtml(profiles, {
    title: opts.title ?? 'agentpprof advise',
    panel: { css: CSS, html: advicePanelHtml(findings, opts.header), script: viewerScript('advice') },
  });
}
