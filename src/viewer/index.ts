// The viewer's public surface for other pages (the live dashboard in dashboards/): the canvas
// flamegraph, the compact tree encoding it draws, search, the top-frames table, units and colours.
// Browser-safe: nothing here imports node modules.
export { FlameCanvas, ROW_H, type SearchResult } from './flame-canvas.js';
export { decodeTree, flattenTree, type FlatTree, type Nodes, type TreeLike } from './flat-tree.js';
export { matchNodes, outermostValue, searchRegex } from './search.js';
export { frameTotals, topBy, type FrameTotals } from './top-frames.js';
export { displayUnit, fitLabel, formatShare, formatWeight, frameDetails } from './format.js';
export { diffColor, frameColor, frameKind } from './colors.js';
export { formatHash, parseHash, type ViewState } from './hash-state.js';
