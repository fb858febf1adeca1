import type { Rng } from '../math/random.js';

/** In-place ReLU over the first n values. */
export function reluForward(x: Float32Array, n: number): void {
  for (let k = 0; k < n; k++) if (x[k] < 0) x[k] = 0;
}

/** dy ← dy ⊙ [y > 0], y being the ReLU's output (0 exactly where the input was ≤ 0). */
export function reluBackward(y: Float32Array, dy: Float32Array, n: number): void {
  for (let k = 0; k < n; k++) if (y[k] <= 0) dy[k] = 0;
}

/**
 * Inverted dropout in place: each value survives with probability 1 − rate and is scaled by
 * 1/(1 − rate), so inference needs no rescaling. The mask (0 or the scale) is kept for backward.
 */
export function dropoutForward(x: Float32Array, n: number, rate: number, rng: Rng, mask: Float32Array): void {
  if (!(rate >= 0 && rate < 1)) throw new Error(`dropout: rate must be in [0, 1), got ${rate}`);
  const scale = 1 / (1 - rate);
  for (let k = 0; k < n; k++) {
    const m = rng.next() < rate ? 0 : scale;
    mask[k] = m;
    x[k] *= m;
  }
}

export function dropoutBackward(mask: Float32Array, dy: Float32Array, n: number): void {
  for (let k = 0; k < n; k++) dy[k] *= mask[k];
}
