/**
 * Hot loop of item-item similarity, shared by the main thread (single-thread path) and the worker
 * (itemknn-worker.ts), so both run the very same arithmetic and produce bit-identical lists.
 *
 * For each item i of a range, the co-rating sums with every other item j are gathered through the
 * user rows (a sparse accumulator, as in Sarwar et al. 2001, "Item-based collaborative filtering
 * recommendation algorithms"): for u in users(i), for j in items(u), acc[j] += f(x_ui, x_uj). That
 * costs Σ_{u∈U_i} |I_u| per item instead of a dense nItems² pass, and each row of the similarity
 * matrix is complete when its loop ends, so items split freely across threads. Only the
 * `neighbours` most similar items with similarity > 0 are kept.
 */

import { heapDrain, heapPush } from '../math/topk.js';

/** Similarity codes (plain numbers, so tasks cross to workers unchanged). */
export const SIMILARITY = { 'pearson-baseline': 0, pearson: 1, cosine: 2 } as const;

export interface NeighbourTask {
  nItems: number;
  /** Ratings by user (CSR) with the per-entry value x_ui the similarity uses. */
  rowIndptr: Int32Array;
  rowIndices: Int32Array;
  rowValues: Float64Array;
  /** The same entries by item (CSC). */
  colIndptr: Int32Array;
  colIndices: Int32Array;
  colValues: Float64Array;
  similarity: number;
  minSupport: number;
  shrinkage: number;
  /** Slots per item in the outputs. */
  neighbours: number;
  /** Outputs: item i's list is `outIds/outSims[i·neighbours ..][0 .. outCounts[i])`, best first. */
  outCounts: Int32Array;
  outIds: Int32Array;
  outSims: Float32Array;
  start: number;
  end: number;
}

/** Accumulators for one caller, allocated once per task and reset sparsely between items. */
export interface NeighbourScratch {
  freq: Int32Array;
  prods: Float64Array;
  sqi: Float64Array;
  sqj: Float64Array;
  sumi: Float64Array;
  sumj: Float64Array;
  touched: Int32Array;
  heapIds: Int32Array;
  heapSims: Float64Array;
}

export function neighbourScratch(nItems: number, neighbours: number): NeighbourScratch {
  return {
    freq: new Int32Array(nItems),
    prods: new Float64Array(nItems),
    sqi: new Float64Array(nItems),
    sqj: new Float64Array(nItems),
    sumi: new Float64Array(nItems),
    sumj: new Float64Array(nItems),
    touched: new Int32Array(nItems),
    heapIds: new Int32Array(neighbours),
    heapSims: new Float64Array(neighbours),
  };
}

/** Fill the neighbour lists of items [start, end). */
export function neighbourRange(task: NeighbourTask, s: NeighbourScratch): void {
  const { rowIndptr, rowIndices, rowValues, colIndptr, colIndices, colValues } = task;
  const { freq, prods, sqi, sqj, sumi, sumj, touched } = s;
  const pearson = task.similarity === SIMILARITY.pearson;
  for (let i = task.start; i < task.end; i++) {
    let nTouched = 0;
    for (let p = colIndptr[i]; p < colIndptr[i + 1]; p++) {
      const u = colIndices[p];
      const xi = colValues[p];
      const rowEnd = rowIndptr[u + 1];
      // Two copies of the inner loop so the plain-Pearson sums cost nothing to the others.
      if (pearson) {
        for (let q = rowIndptr[u]; q < rowEnd; q++) {
          const j = rowIndices[q];
          const xj = rowValues[q];
          if (freq[j] === 0) touched[nTouched++] = j;
          freq[j]++;
          prods[j] += xi * xj;
          sqi[j] += xi * xi;
          sqj[j] += xj * xj;
          sumi[j] += xi;
          sumj[j] += xj;
        }
      } else {
        for (let q = rowIndptr[u]; q < rowEnd; q++) {
          const j = rowIndices[q];
          const xj = rowValues[q];
          if (freq[j] === 0) touched[nTouched++] = j;
          freq[j]++;
          prods[j] += xi * xj;
          sqi[j] += xi * xi;
          sqj[j] += xj * xj;
        }
      }
    }
    let size = 0;
    for (let t = 0; t < nTouched; t++) {
      const j = touched[t];
      const n = freq[j];
      if (j !== i && n >= task.minSupport) {
        const sim = similarityOf(task, n, prods[j], sqi[j], sqj[j], sumi[j], sumj[j]);
        if (sim > 0) size = heapPush(s.heapSims, s.heapIds, size, task.neighbours, sim, j);
      }
      freq[j] = 0;
      prods[j] = 0;
      sqi[j] = 0;
      sqj[j] = 0;
      sumi[j] = 0;
      sumj[j] = 0;
    }
    writeSorted(s, size, task, i);
  }
}

/**
 * cosine: Σxy / √(Σx²·Σy²) over co-raters (Surprise's `cosine`, on raw ratings).
 * pearson: the same on ratings centred by each item's mean over the co-raters.
 * pearson-baseline: cosine of baseline residuals x = r − b_ui, shrunk by (n−1)/(n−1+shrinkage)
 * (Koren 2010, "Factor in the neighbors", eq. 2; Surprise's `pearson_baseline`).
 */
function similarityOf(
  task: NeighbourTask,
  n: number,
  xy: number,
  xx: number,
  yy: number,
  x: number,
  y: number,
): number {
  if (task.similarity === SIMILARITY.pearson) {
    const den = (n * xx - x * x) * (n * yy - y * y);
    return den > 0 ? (n * xy - x * y) / Math.sqrt(den) : 0;
  }
  const den = xx * yy;
  const sim = den > 0 ? xy / Math.sqrt(den) : 0;
  if (task.similarity === SIMILARITY.cosine || task.shrinkage === 0) return sim;
  return (sim * (n - 1)) / (n - 1 + task.shrinkage);
}

/** Drain the heap into item i's slots, best first. */
function writeSorted(s: NeighbourScratch, size: number, task: NeighbourTask, i: number): void {
  const base = i * task.neighbours;
  task.outCounts[i] = size;
  heapDrain(s.heapSims, s.heapIds, size, (k, sim, id) => {
    task.outIds[base + k] = id;
    task.outSims[base + k] = sim;
  });
}
