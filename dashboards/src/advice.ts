// The dashboard's Advice panel: /api/advice (`advise` on the trace files live mode follows, recomputed
// by the server at most once a minute) shown as the same ranked list as `advise -o FILE.html`. A click
// on a finding asks the page to open the flamegraph on the finding's view and search regex.
import type { Finding } from '../../src/advise/types.js';
import { ADVICE_CSS, advicePanelHtml } from '../../src/render/advice-panel.js';

export interface AdviceReply {
  findings: Finding[];
  sessions: number;
  prompts: number;
  calls: number;
  computedAt: number;
  problems: string[];
  error?: string;
}

/** The sentence above the list: what the findings were computed on, and when. */
export function adviceHeader(r: AdviceReply): string {
  const at = new Date(r.computedAt).toLocaleTimeString();
  return `${r.sessions} sessions, ${r.prompts} prompts, ${r.calls} LLM calls in the followed trace files (as of ${at}).` +
    // Nothing read usually means the roots are elsewhere or, as root, not readable by the server's user.
    (r.sessions === 0 && r.problems.length ? ` Nothing read: ${r.problems.join('; ')}.` : '') +
    (r.error ? ` Last refresh failed: ${r.error}.` : '');
}

export class AdvicePanel {
  #selected = '';

  constructor(private readonly el: HTMLElement, private readonly url: string, private readonly open: (view: string, search: string) => void) {
    const style = document.createElement('style');
    style.textContent = ADVICE_CSS;
    document.head.append(style);
    el.addEventListener('click', (ev) => {
      const item = (ev.target as HTMLElement).closest<HTMLElement>('[data-finding]');
      // Selecting text inside a finding (to copy its advice line) is not a click on it.
      if (!item || window.getSelection()?.toString()) return;
      this.#choose(item);
    });
    el.addEventListener('keydown', (ev) => {
      const item = (ev.target as HTMLElement).closest<HTMLElement>('[data-finding]');
      if (item && (ev.key === 'Enter' || ev.key === ' ')) { ev.preventDefault(); this.#choose(item); }
    });
  }

  /** Loads now, then every `everyMs` (the server answers from its cache, so polling is cheap). */
  start(everyMs = 30_000): void {
    void this.load();
    setInterval(() => void this.load(), everyMs);
  }

  async load(): Promise<void> {
    let res: Response;
    try { res = await fetch(this.url); } catch { return; } // the /ws reconnect logic reports a down server
    // 404: this server follows no trace files (replay); the panel stays hidden.
    this.el.hidden = !res.ok;
    if (!res.ok) return;
    const r = (await res.json()) as AdviceReply;
    this.el.innerHTML = advicePanelHtml(r.findings, adviceHeader(r));
    this.#mark();
  }

  #choose(item: HTMLElement): void {
    this.#selected = item.dataset.search ?? '';
    this.#mark();
    this.open(item.dataset.view ?? '', this.#selected);
  }

  /** The chosen finding stays marked across refreshes (found again by its search regex). */
  #mark(): void {
    for (const it of Array.from(this.el.querySelectorAll<HTMLElement>('[data-finding]'))) {
      it.setAttribute('aria-pressed', String(this.#selected !== '' && it.dataset.search === this.#selected));
    }
  }
}
