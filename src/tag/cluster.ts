// The clustering tagger: TF-IDF over prompt terms, spherical k-means with k chosen from 5–25 by
// silhouette, each cluster named by its most distinctive keyword. Same input → same tags (fixed seed).

import { kmeans, silhouette, type KMeansResult } from './kmeans.js';
import { INTENT_LEXICON, keywordToTag, usefulTerm } from './lexicon.js';
import { sparseDotDense, tfidf, type TfIdf } from './tfidf.js';
import { UNMATCHED, type TagResult, type Tagger } from './types.js';

export interface ClusterOptions {
  kMin?: number;
  kMax?: number;
  seed?: number;
  /** Fit on at most this many distinct prompts (the rest are assigned to the nearest centroid). */
  fitSample?: number;
}

export interface Cluster {
  tag: string;
  keywords: string[];
  size: number;
  /** Indices into the input texts, a few per cluster (callers show them locally only). */
  samples: number[];
}

export interface Clustering {
  k: number;
  silhouette: number;
  /** Silhouette per k tried, for the report. */
  tried: { k: number; silhouette: number }[];
  clusters: Cluster[];
  /** Cluster index per input text, -1 when the text had no usable terms. */
  assign: Int32Array;
}

const normalize = (t: string) => t.trim().toLowerCase().replace(/\s+/g, ' ');

export function clusterPrompts(texts: string[], opts: ClusterOptions = {}): Clustering {
  const seed = opts.seed ?? 42;
  const uniq = new Map<string, number>();
  const docOf = texts.map((t) => {
    const key = normalize(t);
    let d = uniq.get(key);
    if (d === undefined) { d = uniq.size; uniq.set(key, d); }
    return d;
  });
  const docs = [...uniq.keys()];
  const model = tfidf(docs, { minDf: docs.length >= 50 ? 2 : 1 });
  const usable = model.vectors.map((v, i) => (v.idx.length ? i : -1)).filter((i) => i >= 0);
  const fitIdx = usable.slice(0, opts.fitSample ?? 4000);
  const fitVecs = fitIdx.map((i) => model.vectors[i]);
  const kMin = opts.kMin ?? 5;
  const kMax = Math.min(opts.kMax ?? 25, Math.max(1, fitVecs.length - 1));
  const tried: { k: number; silhouette: number }[] = [];
  const runs: { res: KMeansResult; score: number }[] = [];
  for (let k = Math.min(kMin, kMax); k <= kMax; k++) {
    const res = kmeans(fitVecs, model.vocab.length, k, seed);
    const score = silhouette(fitVecs, res.assign, res.k);
    tried.push({ k: res.k, silhouette: round(score) });
    runs.push({ res, score });
  }
  // Silhouette keeps rising as clusters shrink towards single phrasings; a flamegraph reads best with
  // few, wide frames, so take the smallest k within 5 % of the best score.
  const top = Math.max(...runs.map((r) => r.score));
  const pick = runs.find((r) => r.score >= top - 0.05 * Math.abs(top));
  const best = pick?.res ?? null;
  const bestScore = pick?.score ?? 0;
  const docAssign = new Int32Array(docs.length).fill(-1);
  if (best) {
    for (const i of usable) docAssign[i] = nearest(model.vectors[i], best.centroids);
  }
  const assign = Int32Array.from(docOf, (d) => docAssign[d]);
  const clusters = best ? describe(model, best, assign) : [];
  return { k: best?.k ?? 0, silhouette: round(bestScore), tried, clusters, assign };
}

function nearest(v: TfIdf['vectors'][number], centroids: Float64Array[]): number {
  let best = 0, bestSim = -Infinity;
  centroids.forEach((c, i) => {
    const s = sparseDotDense(v, c);
    if (s > bestSim) { bestSim = s; best = i; }
  });
  return best;
}

/** Name each cluster by the terms whose centroid weight most exceeds the mean of the other centroids. */
function describe(model: TfIdf, res: KMeansResult, assign: Int32Array): Cluster[] {
  const dim = model.vocab.length;
  const mean = new Float64Array(dim);
  for (const c of res.centroids) for (let j = 0; j < dim; j++) mean[j] += c[j] / res.k;
  const used = new Set<string>();
  return res.centroids.map((c, ci) => {
    const scored: [number, number][] = [];
    for (let j = 0; j < dim; j++) if (c[j] > 0) scored.push([j, c[j] - mean[j]]);
    scored.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    const keywords = scored.slice(0, 6).map(([j]) => model.vocab[j]);
    // Name: an intent word the lexicon knows, else the first keyword that is not filler ("pls", "asap").
    // Clusters of one intent share its name (they fold together); other names stay distinct.
    const useful = keywords.filter(usefulTerm);
    const intent = useful.find((k) => k.split(' ')[0] in INTENT_LEXICON);
    let tag: string | null = intent ? keywordToTag(intent) : null;
    for (const kw of tag ? [] : useful) {
      const t = keywordToTag(kw);
      if (t && !used.has(t)) { tag = t; break; }
    }
    if (!tag) tag = `cluster${ci}`;
    used.add(tag);
    const members: number[] = [];
    for (let i = 0; i < assign.length; i++) if (assign[i] === ci) members.push(i);
    return { tag, keywords, size: members.length, samples: members.slice(0, 5) };
  });
}

const round = (x: number) => Math.round(x * 1000) / 1000;

export class ClusterTagger implements Tagger {
  readonly name = 'cluster';
  last: Clustering | null = null;
  constructor(private readonly opts: ClusterOptions = {}) {}
  async tagAll(texts: string[]): Promise<TagResult[]> {
    const res = clusterPrompts(texts, this.opts);
    this.last = res;
    return Array.from(res.assign, (c) =>
      c < 0 ? { tag: UNMATCHED, matched: false } : { tag: res.clusters[c].tag, matched: true, source: `cluster:${c}` },
    );
  }
}
