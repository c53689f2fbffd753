// Spherical k-means on L2-normalized sparse vectors (cosine similarity), k-means++ seeding from a
// seeded PRNG, and the silhouette score used to pick k. Deterministic for a given seed.

import { seededRandom } from './random.js';
import { sparseDot, sparseDotDense, type SparseVec } from './tfidf.js';

export interface KMeansResult {
  k: number;
  assign: Int32Array;
  centroids: Float64Array[];
}

export function kmeans(vecs: SparseVec[], dim: number, k: number, seed = 42, maxIter = 50): KMeansResult {
  const n = vecs.length;
  const rand = seededRandom(seed);
  const centroids = seedPlusPlus(vecs, dim, k, rand);
  const assign = new Int32Array(n).fill(-1);
  for (let iter = 0; iter < maxIter; iter++) {
    let changed = 0;
    for (let i = 0; i < n; i++) {
      let best = 0, bestSim = -Infinity;
      for (let c = 0; c < centroids.length; c++) {
        const s = sparseDotDense(vecs[i], centroids[c]);
        if (s > bestSim) { bestSim = s; best = c; }
      }
      if (assign[i] !== best) { assign[i] = best; changed++; }
    }
    recompute(vecs, dim, assign, centroids);
    if (changed === 0) break;
  }
  return { k: centroids.length, assign, centroids };
}

function seedPlusPlus(vecs: SparseVec[], dim: number, k: number, rand: () => number): Float64Array[] {
  const n = vecs.length;
  const chosen: number[] = [Math.floor(rand() * n)];
  const dist = new Float64Array(n).fill(Infinity);
  while (chosen.length < k) {
    const last = vecs[chosen[chosen.length - 1]];
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const d = Math.max(0, 1 - sparseDot(vecs[i], last));
      if (d < dist[i]) dist[i] = d;
      sum += dist[i] * dist[i];
    }
    if (sum === 0) break; // fewer distinct points than k
    let r = rand() * sum, pick = n - 1;
    for (let i = 0; i < n; i++) {
      r -= dist[i] * dist[i];
      if (r <= 0) { pick = i; break; }
    }
    chosen.push(pick);
  }
  return chosen.map((i) => toDense(vecs[i], dim));
}

function toDense(v: SparseVec, dim: number): Float64Array {
  const d = new Float64Array(dim);
  for (let k = 0; k < v.idx.length; k++) d[v.idx[k]] = v.val[k];
  return d;
}

function recompute(vecs: SparseVec[], dim: number, assign: Int32Array, centroids: Float64Array[]): void {
  const sums = centroids.map(() => new Float64Array(dim));
  for (let i = 0; i < vecs.length; i++) {
    const s = sums[assign[i]];
    const v = vecs[i];
    for (let k = 0; k < v.idx.length; k++) s[v.idx[k]] += v.val[k];
  }
  sums.forEach((s, c) => {
    let norm = 0;
    for (let j = 0; j < dim; j++) norm += s[j] * s[j];
    if (norm === 0) return; // empty cluster keeps its old centroid
    norm = Math.sqrt(norm);
    for (let j = 0; j < dim; j++) s[j] /= norm;
    centroids[c] = s;
  });
}

/** Mean silhouette (cosine distance) over at most `sample` points, chosen by the seeded PRNG. */
export function silhouette(vecs: SparseVec[], assign: Int32Array, k: number, sample = 600, seed = 7): number {
  const n = vecs.length;
  const rand = seededRandom(seed);
  const pts = n <= sample ? [...Array(n).keys()] : Array.from({ length: sample }, () => Math.floor(rand() * n));
  const members: number[][] = Array.from({ length: k }, () => []);
  for (const i of pts) members[assign[i]].push(i);
  let total = 0, counted = 0;
  for (const i of pts) {
    const own = assign[i];
    if (members[own].length <= 1) { counted++; continue; } // singleton: silhouette 0
    let a = 0, b = Infinity;
    for (let c = 0; c < k; c++) {
      if (members[c].length === 0) continue;
      let s = 0;
      for (const j of members[c]) if (j !== i) s += 1 - sparseDot(vecs[i], vecs[j]);
      const mean = s / (members[c].length - (c === own ? 1 : 0));
      if (c === own) a = mean;
      else if (mean < b) b = mean;
    }
    if (b === Infinity) { counted++; continue; }
    total += (b - a) / Math.max(a, b, 1e-12);
    counted++;
  }
  return counted ? total / counted : 0;
}
