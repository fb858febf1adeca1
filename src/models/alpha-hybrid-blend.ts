/**
 * Per-user score normalisation and the α-blend of the hybrid model. Collaborative (ALS dot
 * products) and content (profile cosine sums) scores live on unrelated scales, so each side is
 * first put on a common one over the whole catalog, for that user:
 * - 'zscore' (default): (s − mean) / std. Robust to one extreme item, and 0 is the user's average.
 * - 'minmax': (s − min) / (max − min) into [0, 1]. One outlier squeezes everyone else together.
 * Both are increasing affine maps, so a side's order survives them: α = 1 ranks exactly as the
 * collaborative side, α = 0 exactly as the content side.
 */

export type Normalisation = 'zscore' | 'minmax';

/**
 * Normalises the finite entries of `scores` in place; non-finite ones become 0. Returns false,
 * leaving all 0, when the side carries no order: no finite entry, or all of them equal (then the
 * hybrid ranks by the other side, or falls back).
 */
export function normaliseScores(scores: Float32Array, how: Normalisation): boolean {
  let n = 0;
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i];
    if (!Number.isFinite(s)) continue;
    n++;
    sum += s;
    if (s < min) min = s;
    if (s > max) max = s;
  }
  if (n === 0) {
    scores.fill(0);
    return false;
  }
  let shift: number;
  let scale: number;
  if (how === 'minmax') {
    shift = min;
    scale = max > min ? 1 / (max - min) : 0;
  } else {
    const mean = sum / n;
    let sq = 0;
    for (let i = 0; i < scores.length; i++) if (Number.isFinite(scores[i])) sq += (scores[i] - mean) ** 2;
    const std = Math.sqrt(sq / n);
    shift = mean;
    scale = std > 0 ? 1 / std : 0;
  }
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i];
    scores[i] = Number.isFinite(s) ? (s - shift) * scale : 0;
  }
  return scale > 0;
}

/**
 * out = α·collab + (1 − α)·content over normalised sides. A side with weight 0 is not read, so
 * α = 1 and α = 0 copy one side exactly.
 */
export function blendInto(
  out: Float32Array,
  collab: Float32Array,
  content: Float32Array,
  alpha: number,
): void {
  if (alpha >= 1) out.set(collab);
  else if (alpha <= 0) out.set(content);
  else for (let i = 0; i < out.length; i++) out[i] = alpha * collab[i] + (1 - alpha) * content[i];
}
