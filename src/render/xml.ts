// Escaping for text and attributes placed in SVG/HTML, and for scripts inlined into them.

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** JSON safe inside <script>: no "</script>", no "]]>", no HTML comment openers. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** Script text inside an SVG CDATA section: "]]>" would end it early. */
export function cdata(text: string): string {
  return `<![CDATA[${text.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
}

/** Human time range "2026-11-01 09:00 – 2026-11-27 18:30 UTC" from epoch milliseconds. */
export function formatRange(range?: { start: number; end: number }): string {
  if (!range || !Number.isFinite(range.start) || !Number.isFinite(range.end)) return '';
  const f = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
  return `${f(range.start)} – ${f(range.end)} UTC`;
}
