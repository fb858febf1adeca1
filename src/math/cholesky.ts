/**
 * Dense Cholesky factorisation, solve and inverse for symmetric positive definite matrices stored
 * row-major in a Float64Array of n·n. Every inner loop is a dot product over two contiguous row
 * segments (the Cholesky–Banachiewicz order), so the loops stream through memory in JavaScript's
 * scalar arithmetic. Used by EASE (the item–item Gram inverse) and by ALS's exact fold-in solve.
 */

export class NotPositiveDefiniteError extends Error {
  constructor(pivot: number, value: number) {
    super(`cholesky: matrix is not positive definite (pivot ${pivot} = ${value})`);
    this.name = 'NotPositiveDefiniteError';
  }
}

/**
 * Overwrite the lower triangle of `a` with L where A = L·Lᵀ (the strict upper triangle is left
 * untouched and never read). Throws NotPositiveDefiniteError on a non-positive pivot.
 */
export function choleskyInPlace(a: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) {
      const rj = j * n;
      let s = a[ri + j];
      // L[i][j] = (A[i][j] − Σ_{k<j} L[i][k]·L[j][k]) / L[j][j]: both rows contiguous in k.
      for (let k = 0; k < j; k++) s -= a[ri + k] * a[rj + k];
      if (j < i) {
        a[ri + j] = s / a[rj + j];
      } else {
        if (!(s > 0)) throw new NotPositiveDefiniteError(i, s);
        a[ri + i] = Math.sqrt(s);
      }
    }
  }
}

/** Solve L·Lᵀ·x = b in place (`b` becomes x), with L from `choleskyInPlace`. */
export function choleskySolveInPlace(l: Float64Array, n: number, b: Float64Array): void {
  // Forward: L·y = b.
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[ri + k] * b[k];
    b[i] = s / l[ri + i];
  }
  // Backward: Lᵀ·x = y; Lᵀ[i][k] = L[k][i] is a column walk, acceptable at fold-in sizes (n ≤ a few hundred).
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i];
    for (let k = i + 1; k < n; k++) s -= l[k * n + i] * b[k];
    b[i] = s / l[i * n + i];
  }
}

/** Solve A·x = b for SPD `a` (left intact) by Cholesky; returns x. */
export function spdSolve(a: Float64Array, n: number, b: Float64Array): Float64Array {
  const l = a.slice();
  choleskyInPlace(l, n);
  const x = b.slice();
  choleskySolveInPlace(l, n, x);
  return x;
}

/**
 * The inverse of SPD `a` (left intact), full and symmetric, as LAPACK's potrf + potri do:
 * A⁻¹ = L⁻ᵀ·L⁻¹. We build W = L⁻ᵀ row by row (row j of W is column j of L⁻¹, found by forward
 * substitution) so that both the substitution and the final product A⁻¹[i][j] = Σ_k W[i][k]·W[j][k]
 * are dot products of contiguous row segments. About n³/2 multiply-adds in all.
 */
export function spdInverse(a: Float64Array, n: number): Float64Array {
  const l = a.slice();
  choleskyInPlace(l, n);
  const w = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    // Column j of L⁻¹ is zero above row j; solve L·z = e_j for rows i ≥ j.
    w[rj + j] = 1 / l[j * n + j];
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let s = 0;
      for (let k = j; k < i; k++) s -= l[ri + k] * w[rj + k];
      w[rj + i] = s / l[ri + i];
    }
  }
  const inv = l; // reuse the factor's storage for the result
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = i; j < n; j++) {
      const rj = j * n;
      let s = 0;
      // W is upper triangular (W[i][k] = 0 for k < i), so the sum starts at max(i, j) = j.
      for (let k = j; k < n; k++) s += w[ri + k] * w[rj + k];
      inv[ri + j] = s;
      inv[rj + i] = s;
    }
  }
  return inv;
}
