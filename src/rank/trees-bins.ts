/**
 * Quantile binning for histogram tree learning: each feature's values map to at most `bins` (≤ 255)
 * codes so a split search scans a histogram instead of sorting rows.
 *
 * A feature's bin b holds the values in (bounds[b-1], bounds[b]]; a split "at bin b" sends
 * `x <= bounds[b]` left. The bounds are Float32 so prediction compares raw features against the
 * same Float32 thresholds the training codes were built from: a training row always falls on the
 * same side at fit and at predict time.
 */

/** How many rows at most are sorted to place a feature's cut points (evenly strided sample). */
const SAMPLE_ROWS = 200_000;

export interface BinnedFeatures {
  /** Row-major nRows × nFeatures bin codes. */
  codes: Uint8Array;
  /** Cut points of feature f: bounds[boundStart[f] .. boundStart[f+1]-1]; bins of f = count + 1. */
  bounds: Float32Array;
  boundStart: Int32Array;
}

/** Cut points per feature from the (sampled) distribution of its values: equal-count bins. */
export function quantileBounds(
  features: Float32Array,
  nRows: number,
  nFeatures: number,
  bins: number,
): { bounds: Float32Array; boundStart: Int32Array } {
  const stride = Math.max(1, Math.ceil(nRows / SAMPLE_ROWS));
  const nSample = Math.ceil(nRows / stride);
  const sample = new Float32Array(nSample);
  const perFeature: Float32Array[] = [];
  const boundStart = new Int32Array(nFeatures + 1);
  for (let f = 0; f < nFeatures; f++) {
    for (let s = 0; s < nSample; s++) sample[s] = features[s * stride * nFeatures + f];
    sample.sort();
    const cuts = featureCuts(sample, bins);
    perFeature.push(cuts);
    boundStart[f + 1] = boundStart[f] + cuts.length;
  }
  const bounds = new Float32Array(boundStart[nFeatures]);
  for (let f = 0; f < nFeatures; f++) bounds.set(perFeature[f], boundStart[f]);
  return { bounds, boundStart };
}

/** At most bins−1 strictly increasing cut points for one sorted sample. */
function featureCuts(sorted: Float32Array, bins: number): Float32Array {
  const n = sorted.length;
  let distinct = 0;
  for (let i = 0; i < n; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct++;
  const cuts: number[] = [];
  const push = (lo: number, hi: number): void => {
    // The midpoint generalises better than either value; fround can land on an endpoint, which
    // still separates lo from hi unless it lands on hi, in which case cutting at lo does.
    let cut = Math.fround((lo + hi) / 2);
    if (cut >= hi) cut = lo;
    if (cuts.length === 0 || cut > cuts[cuts.length - 1]) cuts.push(cut);
  };
  if (distinct <= bins) {
    for (let i = 1; i < n; i++) if (sorted[i] !== sorted[i - 1]) push(sorted[i - 1], sorted[i]);
    return Float32Array.from(cuts);
  }
  // Equal-count bins: close a bin after the value where the running count first reaches the
  // next multiple of n/bins (a heavy value fills its own bin instead of being split).
  let i = 0;
  while (i < n && cuts.length < bins - 1) {
    let j = i;
    while (j + 1 < n && sorted[j + 1] === sorted[i]) j++;
    if (j + 1 >= n) break;
    if (j + 1 >= ((cuts.length + 1) * n) / bins) push(sorted[j], sorted[j + 1]);
    i = j + 1;
  }
  return Float32Array.from(cuts);
}

/** The bin code of every cell: number of the feature's cut points strictly below the value. */
export function binFeatures(
  features: Float32Array,
  nRows: number,
  nFeatures: number,
  bounds: Float32Array,
  boundStart: Int32Array,
): Uint8Array {
  const codes = new Uint8Array(nRows * nFeatures);
  for (let f = 0; f < nFeatures; f++) {
    const lo0 = boundStart[f];
    const hi0 = boundStart[f + 1];
    for (let r = 0; r < nRows; r++) {
      const v = features[r * nFeatures + f];
      // Binary search for the first cut >= v.
      let lo = lo0;
      let hi = hi0;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (bounds[mid] < v) lo = mid + 1;
        else hi = mid;
      }
      codes[r * nFeatures + f] = lo - lo0;
    }
  }
  return codes;
}
