import type { Interactions } from '../data/interactions.js';
import { yieldToEventLoop } from '../util/async.js';
import { balancedRanges, shared, threadCount, WorkerPool } from '../util/workers.js';
import { checkAborted } from './base.js';
import type { ItemKnnParams } from './itemknn.js';
import { type NeighbourTask, neighbourRange, neighbourScratch, SIMILARITY } from './itemknn-kernel.js';
import type { FitOptions } from './types.js';

/**
 * ItemKNN's similarity pass, on one thread or many: per-rating inputs, work-balanced item ranges,
 * a WorkerPool over shared memory, and the compaction of the fixed-width outputs into CSR lists.
 */

/** Per-rating values x_ui the similarity correlates, in CSR (by user) and CSC (by item) order. */
export interface SimilarityInputs {
  row: Float64Array;
  col: Float64Array;
}

/** Baseline residuals r − μ − b_u − b_i for pearson-baseline; the raw ratings otherwise. */
export function similarityInputs(
  train: Interactions,
  biases: { mu: number; userBias: Float64Array; itemBias: Float64Array },
  similarity: ItemKnnParams['similarity'],
): SimilarityInputs {
  const residual = similarity === 'pearson-baseline';
  const { mu, userBias, itemBias } = biases;
  const csr = train.byUser();
  const csc = train.byItem();
  const row = new Float64Array(csr.values.length);
  for (let u = 0; u < train.nUsers; u++) {
    for (let p = csr.indptr[u]; p < csr.indptr[u + 1]; p++) {
      row[p] = residual ? csr.values[p] - mu - userBias[u] - itemBias[csr.indices[p]] : csr.values[p];
    }
  }
  const col = new Float64Array(csc.values.length);
  for (let i = 0; i < train.nItems; i++) {
    for (let p = csc.indptr[i]; p < csc.indptr[i + 1]; p++) {
      col[p] = residual ? csc.values[p] - mu - userBias[csc.indices[p]] - itemBias[i] : csc.values[p];
    }
  }
  return { row, col };
}

export interface NeighbourLists {
  indptr: Int32Array;
  ids: Int32Array;
  sims: Float32Array;
}

/** Below this many co-rating updates (≈2 s on one core) the ≈0.5 s worker start-up is not worth it. */
const PARALLEL_MIN_WORK = 100_000_000;
const CHUNKS_PER_THREAD = 4;

/**
 * Top-`neighbours` lists of every item. Items are cut into ranges of near-equal work
 * (Σ_{u∈U_i} |I_u|) and, with `threads` > 1, run on a WorkerPool over shared memory; `threads`
 * defaults to every core when the work is large enough, else 1. Both paths give identical lists.
 */
export async function itemNeighbours(
  train: Interactions,
  inputs: SimilarityInputs,
  params: Pick<ItemKnnParams, 'similarity' | 'neighbours' | 'minSupport' | 'shrinkage'>,
  options: FitOptions & { threads?: number } = {},
): Promise<NeighbourLists> {
  const csr = train.byUser();
  const csc = train.byItem();
  const nItems = train.nItems;
  const cost = new Float64Array(nItems + 1);
  for (let i = 0; i < nItems; i++) {
    let c = 0;
    for (let p = csc.indptr[i]; p < csc.indptr[i + 1]; p++) {
      const u = csc.indices[p];
      c += csr.indptr[u + 1] - csr.indptr[u];
    }
    cost[i + 1] = cost[i] + c;
  }
  const threads = options.threads ?? (cost[nItems] >= PARALLEL_MIN_WORK ? threadCount() : 1);
  const slots = Math.max(0, Math.min(params.neighbours, nItems - 1));
  const share = threads > 1 ? shared : <T>(a: T) => a;
  const base = {
    nItems,
    rowIndptr: share(csr.indptr),
    rowIndices: share(csr.indices),
    rowValues: share(inputs.row),
    colIndptr: share(csc.indptr),
    colIndices: share(csc.indices),
    colValues: share(inputs.col),
    similarity: SIMILARITY[params.similarity],
    minSupport: params.minSupport,
    shrinkage: params.shrinkage,
    neighbours: slots,
    outCounts: share(new Int32Array(nItems)),
    outIds: share(new Int32Array(nItems * slots)),
    outSims: share(new Float32Array(nItems * slots)),
  };
  const tasks: NeighbourTask[] = balancedRanges(nItems, threads * CHUNKS_PER_THREAD, (end) => cost[end]).map(
    ([start, end]) => ({
      ...base,
      start,
      end,
    }),
  );
  let done = 0;
  const finished = () => options.onProgress?.(++done, tasks.length, 'itemknn similarities');
  if (threads <= 1) {
    const scratch = neighbourScratch(nItems, slots);
    for (const task of tasks) {
      checkAborted(options.signal, 'itemknn');
      neighbourRange(task, scratch);
      finished();
      // Yield so an abort signalled meanwhile is seen before the next range.
      await yieldToEventLoop();
    }
  } else {
    const worker = import.meta.url.endsWith('.ts') ? './itemknn-worker.ts' : './itemknn-worker.js';
    const pool = new WorkerPool(new URL(worker, import.meta.url), threads);
    try {
      let next = 0;
      const lane = async (): Promise<void> => {
        while (next < tasks.length) {
          checkAborted(options.signal, 'itemknn');
          await pool.run(tasks[next++]);
          finished();
        }
      };
      await Promise.all(Array.from({ length: threads }, lane));
    } finally {
      await pool.close();
    }
  }
  return compact(base.outCounts, base.outIds, base.outSims, slots);
}

function compact(counts: Int32Array, ids: Int32Array, sims: Float32Array, slots: number): NeighbourLists {
  const nItems = counts.length;
  const indptr = new Int32Array(nItems + 1);
  for (let i = 0; i < nItems; i++) indptr[i + 1] = indptr[i] + counts[i];
  const outIds = new Int32Array(indptr[nItems]);
  const outSims = new Float32Array(indptr[nItems]);
  for (let i = 0; i < nItems; i++) {
    outIds.set(ids.subarray(i * slots, i * slots + counts[i]), indptr[i]);
    outSims.set(sims.subarray(i * slots, i * slots + counts[i]), indptr[i]);
  }
  return { indptr, ids: outIds, sims: outSims };
}
