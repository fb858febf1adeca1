/**
 * Finite-difference gradient check for the nn tests: the largest relative error between the
 * analytic gradient and the central difference (f(x+h) − f(x−h)) / 2h over the given entries.
 * Float32 values limit the precision, so callers use h ≈ 1e-2 on smooth functions and compare
 * against a tolerance of about 1e-2. Errors are relative to |numeric| + |analytic|, or to `floor`
 * when both are smaller: float32 rounding puts a noise floor under tiny gradients.
 */
export function maxGradientError(
  loss: () => number,
  values: Float32Array,
  analytic: Float32Array,
  indices: Iterable<number> = values.keys(),
  h = 1e-2,
  floor = 1e-3,
): number {
  let worst = 0;
  for (const k of indices) {
    const saved = values[k];
    values[k] = saved + h;
    const up = loss();
    values[k] = saved - h;
    const down = loss();
    values[k] = saved;
    // Use the step actually taken: float32 rounds saved ± h.
    const numeric = (up - down) / (Math.fround(saved + h) - Math.fround(saved - h));
    const error =
      Math.abs(numeric - analytic[k]) / Math.max(floor, Math.abs(numeric) + Math.abs(analytic[k]));
    if (error > worst) worst = error;
  }
  return worst;
}

/** Σ ½(y − t)² in float64: a loss whose gradient in y is y − t. */
export function halfSquaredError(y: Float32Array, target: Float32Array): number {
  let sum = 0;
  for (let k = 0; k < y.length; k++) sum += 0.5 * (y[k] - target[k]) ** 2;
  return sum;
}

export function residual(y: Float32Array, target: Float32Array): Float32Array {
  return Float32Array.from(y, (v, k) => v - target[k]);
}

/** Deterministic values in [lo, hi) from a small LCG, so tests need no Rng for fixtures. */
export function fixture(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return lo + ((hi - lo) * s) / 4294967296;
  });
}
