/** The q-quantile of ascending `sorted`, interpolating linearly between ranks (numpy's default); NaN when empty. */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** Mean of the values; NaN for none. */
export function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let k = 0; k < values.length; k++) sum += values[k];
  return values.length > 0 ? sum / values.length : Number.NaN;
}

/**
 * Mean and population standard deviation (divide by n), two-pass so a large mean does not eat the
 * deviation's precision; both NaN for none.
 */
export function meanStd(values: ArrayLike<number>): { mean: number; std: number } {
  const m = mean(values);
  let sq = 0;
  for (let k = 0; k < values.length; k++) sq += (values[k] - m) ** 2;
  return { mean: m, std: Math.sqrt(sq / values.length) };
}
