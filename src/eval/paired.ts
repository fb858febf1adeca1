import { Rng } from '../math/random.js';
import { quantile } from '../math/stats.js';

/** Options of `pairedBootstrap`. */
export interface BootstrapOptions {
  /** Bootstrap resamples (default 10 000). */
  samples?: number;
  /** Seed of the resampling (default 42). */
  seed?: number;
  /** Two-sided confidence level of the interval (default 0.95). */
  confidence?: number;
}

/** A paired comparison of system A against system B on the same users. */
export interface PairedComparison {
  /** Mean of a[u] − b[u] over users: positive when A scores higher. */
  meanDiff: number;
  /** Percentile interval of the mean difference at `confidence`. */
  low: number;
  high: number;
  /** Share of resampled mean differences ≤ 0: small when A is reliably better. */
  shareNotBetter: number;
  n: number;
  samples: number;
  confidence: number;
}

/**
 * Paired bootstrap over per-user metric values: `a[u]` and `b[u]` must be the same user's values
 * under two systems (same split, same users, same order). Resamples users with replacement and
 * reports the percentile interval of the mean difference. Pairing removes the between-user
 * variance, which dominates ranking metrics, so small real differences show up.
 */
export function pairedBootstrap(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  options: BootstrapOptions = {},
): PairedComparison {
  const samples = options.samples ?? 10_000;
  const seed = options.seed ?? 42;
  const confidence = options.confidence ?? 0.95;
  if (a.length !== b.length) {
    throw new Error(
      `pairedBootstrap: a has ${a.length} values but b has ${b.length}; values must be paired by user`,
    );
  }
  if (a.length === 0) throw new Error('pairedBootstrap: no paired values (a and b are empty)');
  if (!Number.isInteger(samples) || samples < 1) {
    throw new Error(`pairedBootstrap: samples must be a positive integer, got ${samples}`);
  }
  if (!(confidence > 0 && confidence < 1)) {
    throw new Error(`pairedBootstrap: confidence must be strictly between 0 and 1, got ${confidence}`);
  }
  const n = a.length;
  const diff = new Float64Array(n);
  let total = 0;
  for (let u = 0; u < n; u++) {
    diff[u] = a[u] - b[u];
    if (!Number.isFinite(diff[u])) {
      throw new Error(`pairedBootstrap: value pair ${u} is not finite (a ${a[u]}, b ${b[u]})`);
    }
    total += diff[u];
  }
  const rng = new Rng(seed);
  const means = new Float64Array(samples);
  let notBetter = 0;
  for (let s = 0; s < samples; s++) {
    let sum = 0;
    for (let j = 0; j < n; j++) sum += diff[rng.int(n)];
    means[s] = sum / n;
    if (means[s] <= 0) notBetter++;
  }
  means.sort();
  const alpha = (1 - confidence) / 2;
  return {
    meanDiff: total / n,
    low: quantile(means, alpha),
    high: quantile(means, 1 - alpha),
    shareNotBetter: notBetter / samples,
    n,
    samples,
    confidence,
  };
}
