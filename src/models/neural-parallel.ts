import type { Rng } from '../math/random.js';
import { threadCount, WorkerPool } from '../util/workers.js';
import { PEOPLE_SLOTS } from './neural-content.js';
import type { ItemFeatures } from './neural-features.js';
import { NUMERIC_WIDTH } from './neural-features.js';
import type { Batch, HybridNet } from './neural-net.js';
import { type GradientEngine, localEngine, type TrainOptions } from './neural-train.js';
import type { WorkerIo } from './neural-worker.js';

/** Below this many samples a batch is not worth splitting. */
const MIN_SPLIT = 16;

function sharedF32(n: number): Float32Array {
  return new Float32Array(new SharedArrayBuffer(Math.max(1, n) * 4));
}

/**
 * Data-parallel gradients on two threads: every parameter moves onto shared memory, a worker
 * computes the second half of each mini-batch (forward, dense backward) while this thread does
 * the first, then this thread adds the worker's dense gradients to its own and scatters the
 * worker's embedding gradients. Adam stays here, so the step is the one a single thread takes on
 * the whole batch (up to float summation order and the dropout draws). `threads` 0 means
 * CINEREC_THREADS or every core; only two threads are used (one worker), as the machine has two.
 * Returns undefined when one thread is asked for or available.
 */
export async function parallelEngine(
  net: HybridNet,
  features: ItemFeatures,
  threads: number,
  batchSize: number,
): Promise<GradientEngine | undefined> {
  const n = threads > 0 ? threads : threadCount();
  if (n < 2 || batchSize < MIN_SPLIT) return undefined;
  for (const p of net.allParams()) {
    const values = sharedF32(p.value.length);
    values.set(p.value);
    p.value = values;
  }
  const half = Math.ceil(batchSize / 2);
  const io: WorkerIo = {
    users: new Int32Array(new SharedArrayBuffer(half * 4)),
    items: new Int32Array(new SharedArrayBuffer(half * 4)),
    keep: sharedF32(half),
    genres: sharedF32(half * features.genreWidth),
    numeric: sharedF32(half * NUMERIC_WIDTH),
    text: sharedF32(half * (features.textWidth ?? 0)),
    people: new Int32Array(new SharedArrayBuffer(Math.max(1, half * PEOPLE_SLOTS) * 4)),
    targets: sharedF32(half),
    dPred: sharedF32(half),
    inputGrad: sharedF32(half * net.width),
  };
  const dense = net.denseParams();
  const grads = dense.map((p) => sharedF32(p.value.length));
  const worker = import.meta.url.endsWith('.ts') ? './neural-worker.ts' : './neural-worker.js';
  const pool = new WorkerPool(new URL(worker, import.meta.url), 1);
  try {
    await pool.run({
      op: 'init',
      config: net.config,
      mu: net.mu,
      values: net.allParams().map((p) => p.value),
      grads,
      io,
    });
  } catch (error) {
    await pool.close();
    unshare(net);
    throw error;
  }
  const g = features.genreWidth;
  const t = features.textWidth ?? 0;
  const workerBatch: Batch = {
    size: 0,
    users: io.users,
    items: io.items,
    keep: io.keep,
    genres: io.genres,
    numeric: io.numeric,
    // Only the people rows matter here: the main thread scatters the worker's people gradients.
    ...(features.people === undefined ? {} : { people: io.people }),
  };
  return {
    async gradients(
      net: HybridNet,
      batch: Batch,
      targets: Float32Array,
      total: number,
      rng: Rng,
      opts: TrainOptions,
    ) {
      const size = batch.size;
      if (size < MIN_SPLIT) return localEngine.gradients(net, batch, targets, total, rng, opts);
      const mine = Math.ceil(size / 2);
      const theirs = size - mine;
      io.users.set(batch.users.subarray(mine, size));
      io.items.set(batch.items.subarray(mine, size));
      io.keep.set(batch.keep.subarray(mine, size));
      io.genres.set(batch.genres.subarray(mine * g, size * g));
      io.numeric.set(batch.numeric.subarray(mine * NUMERIC_WIDTH, size * NUMERIC_WIDTH));
      if (batch.text !== undefined) io.text.set(batch.text.subarray(mine * t, size * t));
      if (batch.people !== undefined)
        io.people.set(batch.people.subarray(mine * PEOPLE_SLOTS, size * PEOPLE_SLOTS));
      io.targets.set(targets.subarray(mine, size));
      // The worker's dropout stream is seeded from this thread's, so a run is reproducible.
      const pending = pool.run<number>({
        op: 'step',
        size: theirs,
        total,
        seed: Math.floor(rng.next() * 2 ** 31),
      });
      const first: Batch = { ...batch, size: mine };
      let sse = await localEngine.gradients(net, first, targets, total, rng, opts);
      sse += await pending;
      for (let k = 0; k < dense.length; k++) {
        const into = dense[k].grad;
        const from = grads[k];
        for (let j = 0; j < into.length; j++) into[j] += from[j];
      }
      workerBatch.size = theirs;
      net.backwardEmbeddings(workerBatch, io.dPred, io.inputGrad, opts.reg / total, opts.regBias / total);
      return sse;
    },
    async close() {
      await pool.close();
      unshare(net);
    },
  };
}

/** Parameters back on ordinary memory once training is over (artifacts, later fits). */
function unshare(net: HybridNet): void {
  for (const p of net.allParams()) p.value = Float32Array.from(p.value);
}
