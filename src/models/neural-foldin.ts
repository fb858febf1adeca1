import { squaredError } from '../nn/loss.js';
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
  const vector = new Float32Array(d);
  let bias = 0;
  if (n === 0 || options.steps === 0) return { vector, bias };
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
  const grad = new Float32Array(d + 1);
  const m = new Float64Array(d + 1);
  const v = new Float64Array(d + 1);
  const [beta1, beta2, eps] = [0.9, 0.999, 1e-8];
  const width = net.width;
  for (let t = 1; t <= options.steps; t++) {
    for (let k = 0; k < n; k++) {
      batch.userVectors?.set(vector, k * d);
      (batch.userBiases as Float32Array)[k] = bias;
    }
    net.forward(batch, pred, null);
    squaredError(pred, ratings, n, n, pred); // each gradient overwrites the prediction it reads
    let gb = 0;
    for (let k = 0; k < n; k++) gb += pred[k];
    net.backwardDense(batch, pred, true);
    const d0 = net.inputGrad;
    grad.fill(0);
    for (let k = 0; k < n; k++) for (let c = 0; c < d; c++) grad[c] += d0[k * width + c];
    for (let c = 0; c < d; c++) grad[c] += options.reg * vector[c];
    grad[d] = gb + options.reg * bias;
    const c1 = 1 / (1 - beta1 ** t);
    const c2 = 1 / (1 - beta2 ** t);
    for (let c = 0; c <= d; c++) {
      m[c] = beta1 * m[c] + (1 - beta1) * grad[c];
      v[c] = beta2 * v[c] + (1 - beta2) * grad[c] * grad[c];
      const step = (options.lr * m[c] * c1) / (Math.sqrt(v[c] * c2) + eps);
      if (c < d) vector[c] -= step;
      else bias -= step;
    }
  }
  return { vector, bias };
}
