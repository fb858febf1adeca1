/** Helpers shared by the latent-factor ranking models (ALS, BPR): rows of a rows × f Float32Array. */

/** Euclidean norm of each row. */
export function rowNorms(factors: Float32Array, rows: number, f: number): Float32Array {
  const norms = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const off = r * f;
    let s = 0;
    for (let a = 0; a < f; a++) s += factors[off + a] * factors[off + a];
    norms[r] = Math.sqrt(s);
  }
  return norms;
}

/**
 * Cosine between row `item` and every row into `out`; NaN for zero rows (nothing learned), and
 * false when `item` itself is a zero row.
 */
export function cosineInto(
  factors: Float32Array,
  norms: Float32Array,
  f: number,
  item: number,
  out: Float32Array,
): boolean {
  const ni = norms[item];
  if (!(ni > 0)) return false;
  const base = item * f;
  for (let r = 0; r < out.length; r++) {
    const off = r * f;
    let s = 0;
    for (let a = 0; a < f; a++) s += factors[base + a] * factors[off + a];
    out[r] = norms[r] > 0 ? s / (ni * norms[r]) : Number.NaN;
  }
  return true;
}
