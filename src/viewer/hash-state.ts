// Zoom and search state in the URL hash ("#z=12&s=tool%3Abash"), so a link reproduces the view.

export interface ViewState {
  /** Index of the zoomed frame (SVG: its position among frames; HTML: its node index). */
  zoom?: number;
  search?: string;
  /** HTML viewer only: which embedded view and which orientation. */
  view?: string;
  icicle?: boolean;
}

export function parseHash(hash: string): ViewState {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const state: ViewState = {};
  const z = params.get('z');
  if (z !== null && /^\d+$/.test(z)) state.zoom = Number(z);
  const s = params.get('s');
  if (s) state.search = s;
  const v = params.get('v');
  if (v) state.view = v;
  if (params.get('i') === '1') state.icicle = true;
  return state;
}

export function formatHash(state: ViewState): string {
  const params = new URLSearchParams();
  if (state.view) params.set('v', state.view);
  if (state.icicle) params.set('i', '1');
  if (state.zoom !== undefined && state.zoom > 0) params.set('z', String(state.zoom));
  if (state.search) params.set('s', state.search);
  const s = params.toString();
  return s ? `#${s}` : '';
}
