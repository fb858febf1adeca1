import { rmse } from '../eval/metrics.js';
import { Rng } from '../math/random.js';
import { Adam } from '../nn/adam.js';
import { squaredError } from '../nn/loss.js';
import { yieldToEventLoop } from '../util/async.js';
import { checkAborted } from './base.js';
import type { ItemFeatures } from './neural-features.js';
import { type Batch, copyItem, type HybridNet, itemBatch } from './neural-net.js';

/** Rating triples over dense indices. */
export interface Rows {
  users: Int32Array;
  items: Int32Array;
  ratings: Float32Array;
}

export interface TrainOptions {
  epochs: number;
  batchSize: number;
  lr: number;
  weightDecay: number;
  /** Per-use L2 on the embedding vectors and on the biases. */
  reg: number;
  regBias: number;
  /** Share of training samples whose movie embedding and bias are zeroed (content-only practice). */
  movieDropout: number;
  /** Epochs without a better validation RMSE before stopping (0 = never stop early). */
  patience: number;
  seed: number;
  /** Predictions are clamped to this range when scoring the validation slice. */
  clamp: [number, number];
  signal?: AbortSignal;
  onEpoch?: (epoch: number, epochs: number, info: EpochInfo) => void;
  /** Computes a batch's gradients; the default runs it on this thread. */
  engine?: GradientEngine;
}

export interface EpochInfo {
  trainLoss: number;
  validationRmse: number;
  seconds: number;
}

export interface TrainResult {
  bestEpoch: number;
  bestRmse: number;
  history: EpochInfo[];
}

/**
 * Fills the net's gradients for one gathered mini-batch (after zeroGrad) and returns the summed
 * squared error. `total` is the full batch's size: the loss is a mean over it.
 */
export interface GradientEngine {
  gradients(
    net: HybridNet,
    batch: Batch,
    targets: Float32Array,
    total: number,
    rng: Rng,
    opts: TrainOptions,
  ): Promise<number> | number;
  close?(): Promise<void>;
}

/** Gathers training rows into a Batch: ids, the movie-keep draw and the items' feature rows. */
export class BatchGatherer {
  readonly batch: Batch;
  readonly targets: Float32Array;

  constructor(
    private readonly features: ItemFeatures,
    capacity: number,
  ) {
    this.batch = itemBatch(features, capacity);
    this.targets = new Float32Array(capacity);
  }

  gather(
    rows: Rows,
    order: Int32Array | null,
    from: number,
    to: number,
    movieDropout: number,
    rng: Rng | null,
  ): Batch {
    const b = this.batch;
    b.size = to - from;
    for (let k = 0; k < b.size; k++) {
      const r = order === null ? from + k : order[from + k];
      const item = rows.items[r];
      b.users[k] = rows.users[r];
      b.items[k] = item;
      b.keep[k] = rng !== null && movieDropout > 0 && rng.next() < movieDropout ? 0 : 1;
      copyItem(this.features, item, b, k);
      this.targets[k] = rows.ratings[r];
    }
    return b;
  }
}

/** Gradients of a batch on the calling thread. */
export const localEngine: GradientEngine = {
  gradients(net, batch, targets, total, rng, opts) {
    const pred = scratchFor(batch.size);
    net.forward(batch, pred, rng);
    const dPred = pred; // overwritten in place: each prediction is read once
    const sse = squaredError(pred, targets, batch.size, total, dPred);
    net.backwardDense(batch, dPred);
    net.backwardEmbeddings(batch, dPred, net.inputGrad, opts.reg / total, opts.regBias / total);
    return sse;
  },
};

let scratch = new Float32Array(0);
function scratchFor(n: number): Float32Array {
  if (scratch.length < n) scratch = new Float32Array(n);
  return scratch;
}

/**
 * Mini-batch Adam on MSE over `train`, one seeded shuffle per epoch; after each epoch the RMSE
 * on `validation` decides early stopping, and the net ends with the best epoch's parameters.
 * Without validation rows it trains every epoch and keeps the last.
 */
export async function trainNet(
  net: HybridNet,
  features: ItemFeatures,
  train: Rows,
  validation: Rows,
  opts: TrainOptions,
): Promise<TrainResult> {
  const rng = new Rng(opts.seed);
  const engine = opts.engine ?? localEngine;
  const adam = new Adam({ lr: opts.lr, weightDecay: opts.weightDecay });
  const gatherer = new BatchGatherer(features, opts.batchSize);
  const n = train.ratings.length;
  const order = new Int32Array(n);
  for (let k = 0; k < n; k++) order[k] = k;
  const params = net.allParams();
  let best: Float32Array[] | null = null;
  let bestRmse = Number.POSITIVE_INFINITY;
  let bestEpoch = 0;
  const history: EpochInfo[] = [];
  net.zeroGrad();
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    checkAborted(opts.signal, 'neural');
    const started = performance.now();
    rng.shuffle(order);
    let sse = 0;
    for (let from = 0; from < n; from += opts.batchSize) {
      const to = Math.min(n, from + opts.batchSize);
      const batch = gatherer.gather(train, order, from, to, opts.movieDropout, rng);
      const batchSse = await engine.gradients(net, batch, gatherer.targets, batch.size, rng, opts);
      // Checked on the whole batch, both threads' halves: a diverged net must not take a step.
      if (!Number.isFinite(batchSse))
        throw new Error(`neural: the training loss is not finite (${batchSse}); lower lr`);
      sse += batchSse;
      adam.step(net.denseParams(), net.embeddings());
      net.zeroGrad();
    }
    const validationRmse =
      validation.ratings.length > 0 ? rmseOn(net, features, validation, opts.clamp) : Number.NaN;
    const info = {
      trainLoss: sse / Math.max(1, n),
      validationRmse,
      seconds: (performance.now() - started) / 1000,
    };
    history.push(info);
    opts.onEpoch?.(epoch + 1, opts.epochs, info);
    if (validation.ratings.length > 0) {
      if (validationRmse < bestRmse) {
        bestRmse = validationRmse;
        bestEpoch = epoch + 1;
        best = snapshot(params, best);
      } else if (opts.patience > 0 && epoch + 1 - bestEpoch >= opts.patience) {
        break;
      }
    } else {
      bestEpoch = epoch + 1;
    }
    await yieldToEventLoop();
  }
  checkAborted(opts.signal, 'neural');
  if (best !== null) for (const [k, p] of params.entries()) p.value.set(best[k]);
  return { bestEpoch, bestRmse, history };
}

function snapshot(params: readonly { value: Float32Array }[], into: Float32Array[] | null): Float32Array[] {
  if (into === null) return params.map((p) => Float32Array.from(p.value));
  for (const [k, p] of params.entries()) into[k].set(p.value);
  return into;
}

/** RMSE of the net's clamped predictions on `rows` (no dropout, movie embeddings kept); NaN for none. */
export function rmseOn(net: HybridNet, features: ItemFeatures, rows: Rows, clamp: [number, number]): number {
  const chunk = 1024;
  const gatherer = new BatchGatherer(features, chunk);
  const n = rows.ratings.length;
  // Float32 holds the clamped predictions exactly: both the net's output and the clamp are float32.
  const predicted = new Float32Array(n);
  for (let from = 0; from < n; from += chunk) {
    const to = Math.min(n, from + chunk);
    const pred = predicted.subarray(from, to);
    net.forward(gatherer.gather(rows, null, from, to, 0, null), pred, null);
    for (let k = 0; k < pred.length; k++) pred[k] = Math.min(clamp[1], Math.max(clamp[0], pred[k]));
  }
  return rmse(predicted, rows.ratings);
}
