import { Adam } from '../nn/adam.js';
import { squaredError } from '../nn/loss.js';
import { param } from '../nn/param.js';
import type { ItemFeatures } from './neural-features.js';
import { type Batch, copyItem, type HybridNet, itemBatch } from './neural-net.js';

export interface FoldInOptions {
  steps: number;
  lr: number;
  /** L2 on the new user's vector and bias. */
  reg: number;
}

/**
 * A new user's embedding and bias from their ratings, every other parameter frozen: full-batch
 * Adam on MSE + reg·(‖p‖² + b²)/2, starting from zero (the average user), so it is deterministic.
 */
export function foldInUser(
  net: HybridNet,
  features: ItemFeatures,
  rated: Uint8Array,
  items: Int32Array,
  ratings: Float32Array,
  options: FoldInOptions,
): { vector: Float32Array; bias: number } {
  const d = net.config.userDim;
  const n = items.length;
  // The user's vector then their bias, as one parameter of the library's optimiser.
  const user = param('foldIn.user', d + 1, false);
  const answer = () => ({ vector: user.value.slice(0, d), bias: user.value[d] });
  if (n === 0 || options.steps === 0) return answer();
  const batch: Batch = {
    ...itemBatch(features, n),
    size: n,
    items: Int32Array.from(items),
    keep: Float32Array.from(items, (i) => rated[i]),
    userVectors: new Float32Array(n * d),
    userBiases: new Float32Array(n),
  };
  for (let k = 0; k < n; k++) copyItem(features, items[k], batch, k);
  const pred = new Float32Array(n);
  const adam = new Adam({ lr: options.lr });
  const { value, grad } = user;
  const width = net.width;
  for (let t = 1; t <= options.steps; t++) {
    for (let k = 0; k < n; k++) {
      batch.userVectors?.set(value.subarray(0, d), k * d);
      (batch.userBiases as Float32Array)[k] = value[d];
    }
    net.forward(batch, pred, null);
    squaredError(pred, ratings, n, n, pred); // each gradient overwrites the prediction it reads
    let gb = 0;
    for (let k = 0; k < n; k++) gb += pred[k];
    net.backwardDense(batch, pred, true);
    const d0 = net.inputGrad;
    grad.fill(0);
    for (let k = 0; k < n; k++) for (let c = 0; c < d; c++) grad[c] += d0[k * width + c];
    for (let c = 0; c < d; c++) grad[c] += options.reg * value[c];
    grad[d] = gb + options.reg * value[d];
    adam.step([user]);
  }
  return answer();
}
