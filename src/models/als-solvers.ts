import type { Csr } from '../data/interactions.js';
import { balancedRanges, shared, splitRange, WorkerPool } from '../util/workers.js';
import { type CgSolveTask, cgSolveRows, gramChunkCount, gramSingle, reduceGram } from './als-kernel.js';

/**
 * The two ways implicit ALS runs a half-iteration (als.ts): on the calling thread, or split across
 * worker threads (als-worker.ts) over shared memory. Both call the same kernels in als-kernel.ts.
 */

/** Work items per thread and half-iteration: a few per thread lets the pool even out imbalance. */
const TASKS_PER_THREAD = 4;

const WORKER_URL = new URL(`./als-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);

/** One half-iteration: solve every row of `x` against fixed `y`. */
export interface HalfStepSolver {
  alloc(length: number): Float32Array;
  halfStep(
    side: 'users' | 'items',
    x: Float32Array,
    y: Float32Array,
    xRows: number,
    yRows: number,
    reg: number,
    cgSteps: number,
  ): Promise<void>;
  close(): Promise<void>;
}

/** The reference path: everything on the calling thread. */
export class SerialSolver implements HalfStepSolver {
  constructor(
    private readonly f: number,
    private readonly byUser: Csr,
    private readonly byItem: Csr,
  ) {}

  alloc(length: number): Float32Array {
    return new Float32Array(length);
  }

  async halfStep(
    side: 'users' | 'items',
    x: Float32Array,
    y: Float32Array,
    xRows: number,
    yRows: number,
    reg: number,
    cgSteps: number,
  ) {
    const csr = side === 'users' ? this.byUser : this.byItem;
    const gram = gramSingle(y, yRows, this.f, reg);
    cgSolveRows({
      indptr: csr.indptr,
      indices: csr.indices,
      conf: csr.values,
      x,
      y,
      gram,
      factors: this.f,
      cgSteps,
      start: 0,
      end: xRows,
    });
  }

  async close(): Promise<void> {}
}

/**
 * Rows split across a WorkerPool; factors, CSR arrays and Gram partials live on
 * SharedArrayBuffers, so a task message carries only views and a row range. Rows are
 * independent given the Gram, and the Gram is summed in a fixed chunk order, so results are
 * bit-identical to SerialSolver's.
 */
export class ParallelSolver implements HalfStepSolver {
  private readonly pool: WorkerPool;
  private readonly sides: Record<'users' | 'items', { csr: Csr; ranges: [number, number][] }>;
  private readonly partials = new Map<number, Float64Array>();

  constructor(
    private readonly threads: number,
    private readonly f: number,
    byUser: Csr,
    byItem: Csr,
  ) {
    const side = (csr: Csr) => ({
      csr: { indptr: shared(csr.indptr), indices: shared(csr.indices), values: shared(csr.values) },
      ranges: cgRanges(csr.indptr, f, threads * TASKS_PER_THREAD),
    });
    this.sides = { users: side(byUser), items: side(byItem) };
    this.pool = new WorkerPool(WORKER_URL, threads);
  }

  alloc(length: number): Float32Array {
    return new Float32Array(new SharedArrayBuffer(length * 4));
  }

  async halfStep(
    side: 'users' | 'items',
    x: Float32Array,
    y: Float32Array,
    _xRows: number,
    yRows: number,
    reg: number,
    cgSteps: number,
  ) {
    const f = this.f;
    const nChunks = gramChunkCount(yRows);
    let partials = this.partials.get(yRows);
    if (partials === undefined) {
      partials = new Float64Array(new SharedArrayBuffer(Math.max(1, nChunks) * f * f * 8));
      this.partials.set(yRows, partials);
    }
    await Promise.all(
      splitRange(nChunks, this.threads).map(([chunkStart, chunkEnd]) =>
        this.pool.run({ op: 'gram', y, rows: yRows, factors: f, partials, chunkStart, chunkEnd }),
      ),
    );
    const gram = shared(reduceGram(partials, nChunks, f, reg));
    const { csr, ranges } = this.sides[side];
    await Promise.all(
      ranges.map(([start, end]) => {
        const task: { op: 'cg' } & CgSolveTask = {
          op: 'cg',
          indptr: csr.indptr,
          indices: csr.indices,
          conf: csr.values,
          x,
          y,
          gram,
          factors: f,
          cgSteps,
          start,
          end,
        };
        return this.pool.run(task);
      }),
    );
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/**
 * Rows [0, n) cut into at most `parts` contiguous ranges of near-equal CG cost, which is about
 * f² per row (the dense G·p) plus 2f per stored entry (the sparse correction). Power-law data
 * makes equal row counts badly unbalanced.
 */
export function cgRanges(indptr: Int32Array, factors: number, parts: number): [number, number][] {
  const rowCost = factors / 2;
  return balancedRanges(indptr.length - 1, parts, (end) => indptr[end] + rowCost * end);
}
