/**
 * Hot loops of implicit ALS, shared by the main thread (single-thread path) and the worker
 * (als-worker.ts), so both run the very same arithmetic and produce bit-identical factors.
 *
 * The conjugate-gradient row update follows Takács, Pilászy & Tikk 2011, "Applications of the
 * conjugate gradient method for implicit feedback collaborative filtering", as implemented in
 * Ben Frederickson's `implicit` library (least_squares_cg): for row u, solve
 *   (YᵀY + λI + Σ_{i∈u} (c_ui − 1)·y_i·y_iᵀ) x_u = Σ_{i∈u} c_ui·y_i
 * with a few CG steps warm-started from the previous x_u. YᵀY + λI is dense and precomputed once
 * per half-iteration; the sparse correction is applied as a matrix-vector product on the fly,
 * so a step costs O(f² + nnz_u·f) instead of the O(f³) of a direct solve.
 */

/** Rows [start, end) of a CSR matrix whose values are confidences c_ui ≥ 1 (preference 1). */
export interface CgSolveTask {
  indptr: Int32Array;
  indices: Int32Array;
  conf: Float32Array;
  /** Factors being solved for, rows × factors, updated in place. */
  x: Float32Array;
  /** Fixed factors of the other side, cols × factors. */
  y: Float32Array;
  /** YᵀY + λI, factors × factors, row-major. */
  gram: Float64Array;
  factors: number;
  cgSteps: number;
  start: number;
  end: number;
}

/** Residual below which CG stops: the row already solves its system to float precision. */
const CG_EPS = 1e-20;

/** Scratch vectors for one caller; allocated once per task, never inside the row loop. */
export interface CgScratch {
  x: Float64Array;
  r: Float64Array;
  p: Float64Array;
  ap: Float64Array;
}

export function cgScratch(factors: number): CgScratch {
  return {
    x: new Float64Array(factors),
    r: new Float64Array(factors),
    p: new Float64Array(factors),
    ap: new Float64Array(factors),
  };
}

/** CG-update rows [start, end) of `x`; rows with no entries are set to zero (their exact solution). */
export function cgSolveRows(task: CgSolveTask, scratch: CgScratch = cgScratch(task.factors)): void {
  const { indptr, indices, conf, x: X, y: Y, gram: G, factors: f, cgSteps, start, end } = task;
  const { x, r, p, ap } = scratch;
  for (let u = start; u < end; u++) {
    const base = u * f;
    const rowStart = indptr[u];
    const rowEnd = indptr[u + 1];
    if (rowStart === rowEnd) {
      // Right-hand side is zero, so the regularised solution is exactly zero.
      X.fill(0, base, base + f);
      continue;
    }
    for (let a = 0; a < f; a++) x[a] = X[base + a];
    // r = b − A·x = −G·x + Σ_i (c − (c − 1)·y_i·x)·y_i
    for (let a = 0; a < f; a++) r[a] = -dotRow64(G, a * f, x, f);
    for (let q = rowStart; q < rowEnd; q++) {
      const off = indices[q] * f;
      const c = conf[q];
      const coef = c - (c - 1) * dotRow(Y, off, x, f);
      axpyRow(coef, Y, off, r, f);
    }
    let rsold = 0;
    for (let a = 0; a < f; a++) {
      p[a] = r[a];
      rsold += r[a] * r[a];
    }
    if (rsold < CG_EPS) continue;
    for (let step = 0; step < cgSteps; step++) {
      // ap = A·p = G·p + Σ_i (c − 1)·(y_i·p)·y_i, without forming A.
      for (let a = 0; a < f; a++) ap[a] = dotRow64(G, a * f, p, f);
      for (let q = rowStart; q < rowEnd; q++) {
        const off = indices[q] * f;
        axpyRow((conf[q] - 1) * dotRow(Y, off, p, f), Y, off, ap, f);
      }
      let pap = 0;
      for (let a = 0; a < f; a++) pap += p[a] * ap[a];
      const alpha = rsold / pap;
      let rsnew = 0;
      for (let a = 0; a < f; a++) {
        x[a] += alpha * p[a];
        r[a] -= alpha * ap[a];
        rsnew += r[a] * r[a];
      }
      if (rsnew < CG_EPS) break;
      const beta = rsnew / rsold;
      for (let a = 0; a < f; a++) p[a] = r[a] + beta * p[a];
      rsold = rsnew;
    }
    for (let a = 0; a < f; a++) X[base + a] = x[a];
  }
}

/**
 * Σ_b m[off + b]·v[b], unrolled by 4 into four partial sums: V8 emits no SIMD, so independent
 * accumulators are what lets the CPU overlap the multiply-adds (≈2× over the plain loop).
 */
function dotRow(m: Float32Array, off: number, v: Float64Array, f: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let b = 0;
  for (; b + 3 < f; b += 4) {
    s0 += m[off + b] * v[b];
    s1 += m[off + b + 1] * v[b + 1];
    s2 += m[off + b + 2] * v[b + 2];
    s3 += m[off + b + 3] * v[b + 3];
  }
  for (; b < f; b++) s0 += m[off + b] * v[b];
  return s0 + s1 + s2 + s3;
}

/** dotRow for the Float64 Gram (a separate copy keeps each call site monomorphic for V8). */
function dotRow64(m: Float64Array, off: number, v: Float64Array, f: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let b = 0;
  for (; b + 3 < f; b += 4) {
    s0 += m[off + b] * v[b];
    s1 += m[off + b + 1] * v[b + 1];
    s2 += m[off + b + 2] * v[b + 2];
    s3 += m[off + b + 3] * v[b + 3];
  }
  for (; b < f; b++) s0 += m[off + b] * v[b];
  return s0 + s1 + s2 + s3;
}

/** v[b] += k·m[off + b], unrolled like dotRow. */
function axpyRow(k: number, m: Float32Array, off: number, v: Float64Array, f: number): void {
  let b = 0;
  for (; b + 3 < f; b += 4) {
    v[b] += k * m[off + b];
    v[b + 1] += k * m[off + b + 1];
    v[b + 2] += k * m[off + b + 2];
    v[b + 3] += k * m[off + b + 3];
  }
  for (; b < f; b++) v[b] += k * m[off + b];
}

/** Rows per Gram chunk. Fixed, so the chunked sum is the same whatever the thread count. */
export const GRAM_CHUNK = 4096;

export interface GramTask {
  y: Float32Array;
  rows: number;
  factors: number;
  /** nChunks × f × f partial Grams; chunk k covers rows [k·GRAM_CHUNK, (k+1)·GRAM_CHUNK). */
  partials: Float64Array;
  chunkStart: number;
  chunkEnd: number;
}

/** Partial Grams Σ y_r·y_rᵀ of chunks [chunkStart, chunkEnd), upper triangle, into `partials`. */
export function gramChunks(task: GramTask): void {
  const { y: Y, rows, factors: f, partials, chunkStart, chunkEnd } = task;
  const ff = f * f;
  for (let k = chunkStart; k < chunkEnd; k++) {
    const out = k * ff;
    partials.fill(0, out, out + ff);
    const rowEnd = Math.min(rows, (k + 1) * GRAM_CHUNK);
    for (let row = k * GRAM_CHUNK; row < rowEnd; row++) {
      const off = row * f;
      for (let a = 0; a < f; a++) {
        const ya = Y[off + a];
        if (ya === 0) continue;
        const oa = out + a * f;
        for (let b = a; b < f; b++) partials[oa + b] += ya * Y[off + b];
      }
    }
  }
}

export function gramChunkCount(rows: number): number {
  return Math.ceil(rows / GRAM_CHUNK);
}

/** Sum the partial Grams in chunk order, mirror the upper triangle and add λ to the diagonal. */
export function reduceGram(partials: Float64Array, nChunks: number, f: number, reg: number): Float64Array {
  const ff = f * f;
  const gram = new Float64Array(ff);
  for (let k = 0; k < nChunks; k++) {
    const off = k * ff;
    for (let a = 0; a < f; a++) for (let b = a; b < f; b++) gram[a * f + b] += partials[off + a * f + b];
  }
  for (let a = 0; a < f; a++) {
    gram[a * f + a] += reg;
    for (let b = a + 1; b < f; b++) gram[b * f + a] = gram[a * f + b];
  }
  return gram;
}

/** YᵀY + λI on the calling thread, through the same chunked sum as the parallel path. */
export function gramSingle(y: Float32Array, rows: number, f: number, reg: number): Float64Array {
  const nChunks = gramChunkCount(rows);
  const partials = new Float64Array(nChunks * f * f);
  gramChunks({ y, rows, factors: f, partials, chunkStart: 0, chunkEnd: nChunks });
  return reduceGram(partials, nChunks, f, reg);
}
