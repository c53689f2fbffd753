// The advice panel of `agentpprof advise -o FILE.html`: each finding (an <li data-view data-search>
// written by src/render/advice-html.ts) opens the flamegraph on the frames it came from. It drives
// the page's own controls — the view select and the search box — through their events, so the
// viewer (html-entry.ts, inlined before this script) stays the one place that draws, searches and
// reports the matched share.

const viewSel = document.getElementById('view') as HTMLSelectElement;
const search = document.getElementById('search') as HTMLInputElement;
const items = Array.from(document.querySelectorAll<HTMLElement>('#advice [data-finding]'));

function mark(item: HTMLElement | undefined) {
  for (const it of items) it.setAttribute('aria-pressed', String(it === item));
}

function open(item: HTMLElement) {
  const view = item.dataset.view ?? '';
  if (view && viewSel.value !== view && Array.from(viewSel.options).some((o) => o.value === view)) {
    viewSel.value = view;
    viewSel.dispatchEvent(new Event('change'));
  }
  search.value = item.dataset.search ?? '';
  search.dispatchEvent(new Event('input'));
  mark(item);
  document.getElementById('bar')?.scrollIntoView({ block: 'start' });
}

for (const item of items) {
  item.addEventListener('click', (ev) => {
    // Selecting text inside a finding (to copy its advice line) is not a click on it.
    if (window.getSelection()?.toString()) return;
    ev.preventDefault();
    open(item);
  });
  item.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' || ev.key === ' ') {
      ev.preventDefault();
      open(item);
    }
  });
}
// A link to a finding (the viewer keeps view and search in the URL hash) reopens with it marked.
mark(items.find((it) => it.dataset.search === search.value && (viewSel.hidden || it.dataset.view === viewSel.value)));
(window as unknown as { agentpprofAdviceReady: boolean }).agentpprofAdviceReady = true;
