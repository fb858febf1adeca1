/**
 * Squared error of the first n predictions, summed; writes ∂L/∂prediction = 2(p − t)/total into
 * grad, the gradient of the mean over `total` rows (more than n when a batch is split across
 * threads). The sum is returned as is, NaN included: the caller decides what a diverged net means.
 */
export function squaredError(
  predicted: Float32Array,
  target: Float32Array,
  n: number,
  total: number,
  grad: Float32Array,
): number {
  let sum = 0;
  for (let k = 0; k < n; k++) {
    const e = predicted[k] - target[k];
    sum += e * e;
    grad[k] = (2 * e) / total;
  }
  return sum;
}

/**
 * Mean squared error over n predictions; writes ∂L/∂prediction = 2(p − t)/n into grad and
 * returns the loss. Non-finite predictions throw: a diverged net must not train on NaN.
 */
export function mseLoss(
  predicted: Float32Array,
  target: Float32Array,
  n: number,
  grad: Float32Array,
): number {
  if (n < 1) throw new Error(`mseLoss: n must be ≥ 1, got ${n}`);
  const sum = squaredError(predicted, target, n, n, grad);
  if (!Number.isFinite(sum)) throw new Error(`mseLoss: the loss is not finite (${sum}); training diverged`);
  return sum / n;
}
