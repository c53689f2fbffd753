// Re-serializes parsed JSON in other valid spellings of the same value: what another writer (Python's
// json.dumps, jq, a hand edit, a proxy that escapes everything) could produce for the same event. Used by
// the differential test of the readers (test/sources-variants.test.ts): every variant must read exactly
// as the original does.

export interface Spelling {
  /** Between members / elements, and between a key and its value. */
  comma: string;
  colon: string;
  /** Written after `{`/`[` and before `}`/`]` of non-empty containers. */
  inside: string;
  reverse: boolean;
  str: (s: string) => string;
  num: (n: number) => string;
}

const hex4 = (c: number) => '\\u' + c.toString(16).padStart(4, '0');

/** Python's ensure_ascii: every non-ASCII UTF-16 unit as \uXXXX (surrogate pairs as two escapes). */
export function asciiOnly(s: string): string {
  return JSON.stringify(s).replace(/[\u0080-\uffff]/g, (ch) => hex4(ch.charCodeAt(0)));
}

/**
 * Every escape JSON allows, where a reader matching raw bytes would miss it: `/` as `\/`, `"` as
 * \u0022, control characters as \u00XX, the letter e as \u0065 (so "type":"user" reads
 * "typ\u0065":"us\u0065r"), and non-ASCII as \uXXXX. With `keepLatin1`, U+0080–U+00FF stay as
 * JSON.stringify writes them: in AgentSight's sslsniff strings a \u0080–\u00ff escape means one raw
 * byte, not that character, so escaping them would change the event.
 */
export function escapeAll(s: string, keepLatin1 = false): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x2f) out += '\\/';
    else if (c === 0x22 || c < 0x20 || c === 0x65) out += hex4(c);
    else if (c === 0x5c) out += '\\\\';
    else if (c >= 0x80 && !(keepLatin1 && c <= 0xff)) out += hex4(c);
    else out += s[i];
  }
  return out + '"';
}

/** The same number in another spelling that JSON.parse reads back to the same double (+0 stays +0). */
export function respell(n: number, i: number): string {
  if (Object.is(n, 0)) return ['0.0', '0e0', '0E+3', '0.000'][i % 4];
  const s = JSON.stringify(n);
  const e = n.toExponential(); // the shortest digits that read back exactly, e.g. 1.764e+12
  const plainDigits = !s.includes('e');
  switch (i % 4) {
    case 0: return e;
    case 1: return e.replace('e+', 'E');
    case 2: return plainDigits && Number.isInteger(n) ? `${s}.0` : e.replace(/(\d)e/, e.includes('.') ? '$10e' : '$1.0e');
    default: return plainDigits ? `${s}e0` : e;
  }
}

export function write(v: unknown, sp: Spelling): string {
  if (v === null || typeof v === 'boolean') return String(v);
  if (typeof v === 'number') return sp.num(v);
  if (typeof v === 'string') return sp.str(v);
  if (Array.isArray(v)) {
    if (!v.length) return '[]';
    return '[' + sp.inside + v.map((x) => write(x, sp)).join(sp.comma) + sp.inside + ']';
  }
  const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
  if (sp.reverse) entries.reverse();
  if (!entries.length) return '{}';
  return '{' + sp.inside + entries.map(([k, x]) => sp.str(k) + sp.colon + write(x, sp)).join(sp.comma) + sp.inside + '}';
}

const plain: Spelling = { comma: ',', colon: ':', inside: '', reverse: false, str: (s) => JSON.stringify(s), num: (n) => JSON.stringify(n) };

/**
 * Unknown fields whose content looks like the known ones at other levels (a type, a timestamp, a
 * session id, a tool_use_id, a data string): a reader that finds keys by bytes instead of by position
 * in the object picks them up. Added first and last at the top level, and last in every object one
 * level down (directly or in a top-level array), where the readers look up known fields by name.
 */
export const DECOY = {
  type: 'assistant', timestamp: '2001-01-01T00:00:00.000Z', sessionId: 'decoy-session', cwd: '/decoy',
  tool_use_id: 'toolu_decoy', data: 'decoy', source: 'ssl', message: { id: 'msg_decoy', usage: { output_tokens: 999 } },
};

export function withDecoys(v: unknown): unknown {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return v;
  const nested = (x: unknown): unknown => (x && typeof x === 'object' && !Array.isArray(x) ? { ...x, zz_unknown_nested: DECOY } : x);
  const out: Record<string, unknown> = { aa_unknown_first: DECOY };
  for (const [k, x] of Object.entries(v)) out[k] = Array.isArray(x) ? x.map(nested) : nested(x);
  out.zz_unknown_last = [DECOY, 1.5, null, true];
  return out;
}

export interface Variant {
  name: string;
  /** The value re-serialized; one line unless `multiline`. */
  text: (v: unknown) => string;
  /** Adds fields JSON.parse reads too: the value itself differs (the readers must ignore them). */
  addsFields?: boolean;
  multiline?: boolean;
}

/** The variants; `keepLatin1` for AgentSight lines (see escapeAll). */
export function variants(opts: { keepLatin1?: boolean; multiline?: boolean } = {}): Variant[] {
  const esc = (s: string) => escapeAll(s, opts.keepLatin1);
  const asc = opts.keepLatin1 ? (s: string) => JSON.stringify(s).replace(/[\u0100-\uffff]/g, (ch) => hex4(ch.charCodeAt(0))) : asciiOnly;
  let k = 0;
  const list: Variant[] = [
    // json.dumps(obj) with its defaults: ", " and ": " separators, ensure_ascii.
    { name: 'python', text: (v) => write(v, { ...plain, comma: ', ', colon: ': ', str: asc }) },
    { name: 'whitespace', text: (v) => ' \t' + write(v, { ...plain, comma: ' ,\t', colon: '\t: ', inside: ' ' }) + ' \t' },
    { name: 'reversed-keys', text: (v) => write(v, { ...plain, reverse: true }) },
    { name: 'escapes', text: (v) => write(v, { ...plain, str: esc }) },
    { name: 'numbers', text: (v) => write(v, { ...plain, num: (n) => respell(n, k++) }) },
    { name: 'unknown-fields', text: (v) => write(withDecoys(v), plain), addsFields: true },
    // All of it at once.
    { name: 'all', text: (v) => write(withDecoys(v), { comma: ', ', colon: ' : ', inside: ' ', reverse: true, str: esc, num: (n) => respell(n, k++) }), addsFields: true },
  ];
  if (opts.multiline) {
    list.push({ name: 'pretty', text: (v) => JSON.stringify(v, null, 2), multiline: true });
    list.push({ name: 'pretty-tabs-reversed', text: (v) => write(v, { ...plain, comma: ',\n\t', colon: ': ', inside: '\n', reverse: true, str: esc }), multiline: true });
  }
  return list;
}
