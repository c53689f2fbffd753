// Turns a prompt into the terms clustering and rule suggestion count. Latin text: lowercase words
// and word bigrams, minus stopwords. CJK text has no spaces, so it contributes character bigrams
// (and single characters for one-character prompts such as 嗯): that is what lets 修一下这个 bug and
// 修复 bug cluster together.

import { INTENT_LEXICON } from './lexicon.js';

const STOP = new Set(
  ('a an the and or but if then else of to in on at by for with from into onto as is are was were be been being it its this that ' +
    'these those there here i me my we our you your he she they them their please can could would should will shall may might ' +
    'do does did done have has had not no so just also too very what which who whom why how when where all any some each ' +
    'let lets let\'s me up out about over again more most such only own same than then s t now get got go make sure').split(' '),
);

// File names, paths, URLs and numbers say which object, not which kind of work: dropped before counting.
const OBJECTS = /\b[\w.-]*\/[\w./-]*|\b[\w-]+\.[a-z0-9]{1,5}\b|https?:\S+|\b\d[\w.]*\b/gi;
const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;
const SEGMENT = /[\u3400-\u9fff\uf900-\ufaff]+|[a-z][a-z0-9_'-]*[a-z0-9]|[a-z]/g;

const LEXICON_ENTRIES = Object.entries(INTENT_LEXICON).filter(([k]) => CJK.test(k));

export function isCjk(s: string): boolean {
  return CJK.test(s);
}

/** Words of a prompt (latin words and CJK runs), lowercased, stopwords removed, long prompts cut. */
export function segments(text: string, maxChars = 2000): string[] {
  const lower = text.slice(0, maxChars).toLowerCase().replace(OBJECTS, ' ');
  const out: string[] = [];
  for (const m of lower.matchAll(SEGMENT)) {
    const w = m[0];
    if (!isCjk(w) && (STOP.has(w) || w.length < 2)) continue;
    out.push(w);
  }
  return out;
}

/** Terms for TF-IDF: latin unigrams + bigrams, CJK character bigrams (unigrams for one-character runs). */
export function terms(text: string): string[] {
  const segs = segments(text);
  const out: string[] = [];
  let prevLatin: string | null = null;
  for (const s of segs) {
    if (isCjk(s)) {
      prevLatin = null;
      // The bilingual lexicon puts 修复 and fix on one term, so one intent clusters across languages.
      for (const [zh, en] of LEXICON_ENTRIES) if (s.includes(zh)) out.push(en);
      if (s.length === 1) out.push(s);
      for (let i = 0; i + 1 < s.length; i++) out.push(s.slice(i, i + 2));
    } else {
      out.push(s);
      if (prevLatin) out.push(prevLatin + ' ' + s);
      prevLatin = s;
    }
  }
  return out;
}
