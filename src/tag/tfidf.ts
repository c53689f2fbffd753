// TF-IDF vectors over prompt terms, L2-normalized and sparse (prompts are short: a few dozen terms
// against a vocabulary of thousands), so the dot product of two vectors is their cosine similarity.

import { terms } from './tokenize.js';

export interface SparseVec {
  idx: Int32Array;
  val: Float64Array;
}

export interface TfIdf {
  vocab: string[];
  idf: Float64Array;
  vectors: SparseVec[];
}

export interface TfIdfOptions {
  /** Terms in fewer documents are dropped (noise, typos). */
  minDf?: number;
  /** Terms in more than this share of documents are dropped (carry no signal). */
  maxDf?: number;
}

export function tfidf(docs: string[], opts: TfIdfOptions = {}): TfIdf {
  const minDf = opts.minDf ?? 2;
  const maxDf = opts.maxDf ?? 0.95;
  const docTerms = docs.map(terms);
  const df = new Map<string, number>();
  for (const ts of docTerms) for (const t of new Set(ts)) df.set(t, (df.get(t) ?? 0) + 1);
  const vocab: string[] = [];
  const index = new Map<string, number>();
  const n = docs.length;
  for (const [t, d] of [...df].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    if (d < minDf || d > maxDf * n) continue;
    index.set(t, vocab.length);
    vocab.push(t);
  }
  const idf = new Float64Array(vocab.length);
  for (let i = 0; i < vocab.length; i++) idf[i] = Math.log((1 + n) / (1 + df.get(vocab[i])!)) + 1;
  const vectors = docTerms.map((ts) => vectorize(ts, index, idf));
  return { vocab, idf, vectors };
}

function vectorize(ts: string[], index: Map<string, number>, idf: Float64Array): SparseVec {
  const tf = new Map<number, number>();
  for (const t of ts) {
    const i = index.get(t);
    if (i !== undefined) tf.set(i, (tf.get(i) ?? 0) + 1);
  }
  const entries = [...tf].sort((a, b) => a[0] - b[0]);
  const idx = new Int32Array(entries.length);
  const val = new Float64Array(entries.length);
  let norm = 0;
  entries.forEach(([i, c], k) => {
    idx[k] = i;
    val[k] = (1 + Math.log(c)) * idf[i];
    norm += val[k] * val[k];
  });
  norm = Math.sqrt(norm) || 1;
  for (let k = 0; k < val.length; k++) val[k] /= norm;
  return { idx, val };
}

export function sparseDotDense(v: SparseVec, dense: Float64Array): number {
  let s = 0;
  for (let k = 0; k < v.idx.length; k++) s += v.val[k] * dense[v.idx[k]];
  return s;
}

export function sparseDot(a: SparseVec, b: SparseVec): number {
  let i = 0, j = 0, s = 0;
  while (i < a.idx.length && j < b.idx.length) {
    if (a.idx[i] === b.idx[j]) s += a.val[i++] * b.val[j++];
    else if (a.idx[i] < b.idx[j]) i++;
    else j++;
  }
  return s;
}
