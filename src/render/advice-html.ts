// `agentpprof advise -o FILE.html`: the HTML flamegraph viewer with an "Advice" section above it.
// Each finding is listed in rank order with its title, estimated saving, advice and evidence (markup in
// advice-panel.ts, shared with the live dashboard); a click switches the viewer to the finding's view
// and runs its search regex (src/viewer/advice-entry.ts), so the flamegraph highlights the frames the
// finding came from and reports their share.
// Findings carry no prompt text unless --include-prompts: the page shows only what they hold.
import type { Finding } from '../advise/types.js';
import type { Profile, ViewName } from '../profile/types.js';
import { renderHtml } from './html.js';
import { viewerScript } from './viewer-bundle.js';
import { ADVICE_CSS, advicePanelHtml } from './advice-panel.js';

/** The tokens view (where the budget went, the page's first view), then the views the findings point at in rank order. */
export function adviceViews(findings: Finding[]): ViewName[] {
  return [...new Set(['tokens', ...findings.map((f) => f.trace.view)])] as ViewName[];
}

/** The page: `profiles` should hold the views of adviceViews(findings), built on the same batch and tags. */
export function renderAdviceHtml(profiles: Profile[], findings: Finding[], opts: { title?: string; header?: string } = {}): string {
  return renderHtml(profiles, {
    title: opts.title ?? 'agentpprof advise',
    panel: { css: ADVICE_CSS, html: advicePanelHtml(findings, opts.header), script: viewerScript('advice') },
  });
}
