import { symmetricEigen } from '../math/eigen.js';
import { Rng } from '../math/random.js';

/** A sparse row-major matrix (CSR) with `nCols` columns. */
export interface SparseRows {
  indptr: Int32Array;
  indices: Int32Array;
  values: Float32Array;
  nCols: number;
}

export interface SvdOptions {
  /** Extra random directions beyond k (Halko et al. recommend 5–10). */
  oversample?: number;
  /** Power iterations: each sharpens the spectrum at the cost of two sparse products. */
  powerIterations?: number;
  seed?: number;
}

/**
 * Rank-k truncated SVD of a sparse matrix by the randomised range finder of Halko, Martinsson and
 * Tropp (2011): sketch the range with X·Ω, orthonormalise, then solve the small (k+p)-sized core
 * exactly. Returns the right singular vectors V (nCols×k, row-major: row t is term t's direction)
 * and the singular values, descending. LSA uses V to map any term bag into the latent space.
 */
export function truncatedSvd(
  x: SparseRows,
  k: number,
  options: SvdOptions = {},
): { v: Float32Array; sigma: Float32Array; k: number } {
  const nRows = x.indptr.length - 1;
  const l = Math.min(k + (options.oversample ?? 10), nRows, x.nCols);
  const rank = Math.min(k, l);
  if (l <= 0) return { v: new Float32Array(0), sigma: new Float32Array(0), k: 0 };
  const rng = new Rng(options.seed ?? 42);
  const omega = new Float64Array(x.nCols * l);
  for (let i = 0; i < omega.length; i++) omega[i] = rng.normal();
  let y = multiply(x, omega, l); // nRows × l
  orthonormalizeColumns(y, nRows, l);
  // Only the short side is re-orthonormalised between passes: in float64 two or three power steps
  // cannot overflow or collapse the sketch, and the tall term side would cost most of the fit.
  for (let it = 0; it < (options.powerIterations ?? 2); it++) {
    y = multiply(x, multiplyTransposed(x, y, l), l);
    orthonormalizeColumns(y, nRows, l);
  }
  // A second pass on the final sketch (CholeskyQR2) restores the orthogonality one pass loses.
  orthonormalizeColumns(y, nRows, l);
  // B = Qᵀ X, kept as its transpose Bt = Xᵀ Q (nCols × l); B Bᵀ = Btᵀ Bt is l × l.
  const bt = multiplyTransposed(x, y, l);
  const core = new Float64Array(l * l);
  for (let t = 0; t < x.nCols; t++) {
    const row = t * l;
    for (let i = 0; i < l; i++) {
      const bi = bt[row + i];
      if (bi === 0) continue;
      for (let j = i; j < l; j++) core[i * l + j] += bi * bt[row + j];
    }
  }
  for (let i = 0; i < l; i++) for (let j = 0; j < i; j++) core[i * l + j] = core[j * l + i];
  const { values, vectors } = symmetricEigen(core, l);
  // B = U_B Σ Vᵀ, so V = Bᵀ U_B Σ⁻¹: the right singular vectors from Bt and the core's eigenvectors.
  const sigma = new Float32Array(rank);
  for (let c = 0; c < rank; c++) sigma[c] = Math.sqrt(Math.max(values[c], 0));
  const v = new Float32Array(x.nCols * rank);
  for (let t = 0; t < x.nCols; t++) {
    for (let c = 0; c < rank; c++) {
      if (sigma[c] === 0) continue;
      let sum = 0;
      for (let i = 0; i < l; i++) sum += bt[t * l + i] * vectors[i * l + c];
      v[t * rank + c] = sum / sigma[c];
    }
  }
  return { v, sigma, k: rank };
}

/** X · M for dense row-major M (nCols × width). */
function multiply(x: SparseRows, m: Float64Array, width: number): Float64Array {
  const nRows = x.indptr.length - 1;
  const out = new Float64Array(nRows * width);
  for (let r = 0; r < nRows; r++) {
    const o = r * width;
    for (let p = x.indptr[r]; p < x.indptr[r + 1]; p++) {
      const a = x.values[p];
      const src = x.indices[p] * width;
      for (let c = 0; c < width; c++) out[o + c] += a * m[src + c];
    }
  }
  return out;
}

/** Xᵀ · M for dense row-major M (nRows × width). */
function multiplyTransposed(x: SparseRows, m: Float64Array, width: number): Float64Array {
  const nRows = x.indptr.length - 1;
  const out = new Float64Array(x.nCols * width);
  for (let r = 0; r < nRows; r++) {
    const src = r * width;
    for (let p = x.indptr[r]; p < x.indptr[r + 1]; p++) {
      const a = x.values[p];
      const o = x.indices[p] * width;
      for (let c = 0; c < width; c++) out[o + c] += a * m[src + c];
    }
  }
  return out;
}

/**
 * Orthonormalises the columns of a tall row-major matrix by Cholesky QR (Fukaya et al. 2014):
 * G = MᵀM, R = chol(G), M ← M·R⁻¹. It reads the matrix row by row, which is several times faster
 * than Gram–Schmidt walking down columns. Calling it twice (CholeskyQR2) restores the
 * orthogonality one pass loses on an ill-conditioned sketch. A tiny ridge keeps a rank-deficient
 * sketch (fewer documents than directions) factorable.
 */
function orthonormalizeColumns(m: Float64Array, rows: number, cols: number): void {
  const g = new Float64Array(cols * cols);
  const r = new Float64Array(cols * cols);
  for (let row = 0; row < rows; row++) {
    const o = row * cols;
    for (let i = 0; i < cols; i++) {
      const mi = m[o + i];
      if (mi === 0) continue;
      for (let j = i; j < cols; j++) g[i * cols + j] += mi * m[o + j];
    }
  }
  let trace = 0;
  for (let i = 0; i < cols; i++) trace += g[i * cols + i];
  const ridge = 1e-12 * Math.max(trace, 1e-300);
  // Upper-triangular R with RᵀR = G (G's upper triangle is filled). Not math/cholesky.ts's
  // choleskyInPlace, which throws on a non-positive pivot: here a pivot lost to rounding in a
  // rank-deficient sketch is clamped to the ridge instead of failing the fit.
  for (let i = 0; i < cols; i++) {
    let d = g[i * cols + i] + ridge;
    for (let k = 0; k < i; k++) d -= r[k * cols + i] * r[k * cols + i];
    const rii = Math.sqrt(Math.max(d, ridge));
    r[i * cols + i] = rii;
    for (let j = i + 1; j < cols; j++) {
      let s = g[i * cols + j];
      for (let k = 0; k < i; k++) s -= r[k * cols + i] * r[k * cols + j];
      r[i * cols + j] = s / rii;
    }
  }
  // Each row x of M becomes the solution y of yR = x (forward substitution along the row).
  for (let row = 0; row < rows; row++) {
    const o = row * cols;
    for (let j = 0; j < cols; j++) {
      let s = m[o + j];
      for (let k = 0; k < j; k++) s -= m[o + k] * r[k * cols + j];
      m[o + j] = s / r[j * cols + j];
    }
  }
}
