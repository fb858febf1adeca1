import { describe, expect, it } from 'vitest';
import { symmetricEigen } from '../math/eigen.js';
import { Rng } from '../math/random.js';
import { type SparseRows, truncatedSvd } from './lsa.js';

/** Dense row-major → CSR (exact zeros left out). */
function sparse(dense: Float64Array, rows: number, cols: number): SparseRows {
  const indptr = new Int32Array(rows + 1);
  const indices: number[] = [];
  const values: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      if (dense[r * cols + c] !== 0) {
        indices.push(c);
        values.push(dense[r * cols + c]);
      }
    }
    indptr[r + 1] = indices.length;
  }
  return { indptr, indices: Int32Array.from(indices), values: Float32Array.from(values), nCols: cols };
}

/** The CSR matrix back as dense float64 (the float32 values it really holds). */
function dense(x: SparseRows): Float64Array {
  const rows = x.indptr.length - 1;
  const out = new Float64Array(rows * x.nCols);
  for (let r = 0; r < rows; r++) {
    for (let p = x.indptr[r]; p < x.indptr[r + 1]; p++) out[r * x.nCols + x.indices[p]] = x.values[p];
  }
  return out;
}

/**
 * X = A·Bᵀ with A (rows×3) and B (cols×3) sparse-ish: each term loads mostly on one topic, each
 * document leaves out a topic now and then, so X has exact zeros and rank 3.
 */
function lowRank(rows: number, cols: number, seed: number): SparseRows {
  const rng = new Rng(seed);
  const a = Float64Array.from({ length: rows * 3 }, () => (rng.next() < 0.3 ? 0 : 0.5 + rng.next()));
  const b = new Float64Array(cols * 3);
  for (let t = 0; t < cols; t++) {
    b[t * 3 + (t % 3)] = 1 + rng.next();
    if (rng.next() < 0.3) b[t * 3 + ((t + 1) % 3)] = rng.next();
  }
  const x = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let t = 0; t < cols; t++) {
      for (let c = 0; c < 3; c++) x[r * cols + t] += a[r * 3 + c] * b[t * 3 + c];
    }
  }
  return sparse(x, rows, cols);
}

/** Singular values of X from the eigenvalues of XᵀX, descending. */
function referenceSigma(x: SparseRows): number[] {
  const rows = x.indptr.length - 1;
  const n = x.nCols;
  const d = dense(x);
  const gram = new Float64Array(n * n);
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) gram[i * n + j] += d[r * n + i] * d[r * n + j];
  }
  return Array.from(symmetricEigen(gram, n).values, (l) => Math.sqrt(Math.max(l, 0)));
}

describe('truncatedSvd', () => {
  const x = lowRank(30, 20, 7);
  const rows = 30;
  const cols = 20;

  it('is given a sparse matrix of rank 3', () => {
    expect(x.values.length).toBeLessThan(rows * cols);
    const sigma = referenceSigma(x);
    expect(sigma[2] / sigma[0]).toBeGreaterThan(0.05);
    expect(sigma[3] / sigma[0]).toBeLessThan(1e-5);
  });

  it('finds the singular values of the dense matrix to 1e-6 relative', () => {
    const reference = referenceSigma(x);
    const { sigma, k, v } = truncatedSvd(x, 3);
    expect(k).toBe(3);
    expect(sigma).toHaveLength(3);
    expect(v).toHaveLength(cols * 3);
    for (let c = 0; c < 3; c++) expect(Math.abs(sigma[c] - reference[c]) / reference[c]).toBeLessThan(1e-6);
    expect(sigma[0]).toBeGreaterThanOrEqual(sigma[1]);
    expect(sigma[1]).toBeGreaterThanOrEqual(sigma[2]);
  });

  it('returns orthonormal right singular vectors', () => {
    const { v, k } = truncatedSvd(x, 3);
    for (let a = 0; a < k; a++) {
      for (let b = 0; b < k; b++) {
        let dot = 0;
        for (let t = 0; t < cols; t++) dot += v[t * k + a] * v[t * k + b];
        expect(dot).toBeCloseTo(a === b ? 1 : 0, 5);
      }
    }
  });

  it('reconstructs X as (X·V)·Vᵀ', () => {
    const { v, k } = truncatedSvd(x, 3);
    const d = dense(x);
    let worst = 0;
    let largest = 0;
    for (let r = 0; r < rows; r++) {
      const proj = new Float64Array(k);
      for (let c = 0; c < k; c++) for (let t = 0; t < cols; t++) proj[c] += d[r * cols + t] * v[t * k + c];
      for (let t = 0; t < cols; t++) {
        let back = 0;
        for (let c = 0; c < k; c++) back += proj[c] * v[t * k + c];
        worst = Math.max(worst, Math.abs(back - d[r * cols + t]));
        largest = Math.max(largest, Math.abs(d[r * cols + t]));
      }
    }
    expect(worst / largest).toBeLessThan(1e-5);
  });

  it('gives the same answer for the same seed', () => {
    const a = truncatedSvd(x, 3, { seed: 5 });
    const b = truncatedSvd(x, 3, { seed: 5 });
    expect(Array.from(a.v)).toEqual(Array.from(b.v));
  });

  it('clamps k to what the matrix allows', () => {
    const reference = referenceSigma(x);
    const all = truncatedSvd(x, 50);
    expect(all.k).toBe(20); // min(rows, cols)
    expect(all.sigma).toHaveLength(20);
    expect(all.v).toHaveLength(20 * 20);
    for (let c = 0; c < 3; c++)
      expect(Math.abs(all.sigma[c] - reference[c]) / reference[c]).toBeLessThan(1e-6);
    for (let c = 3; c < 20; c++) expect(all.sigma[c] / all.sigma[0]).toBeLessThan(1e-4);
    // A wide matrix: 5 documents bound the rank.
    const wide = lowRank(5, 20, 3);
    expect(truncatedSvd(wide, 10).k).toBe(5);
    expect(truncatedSvd(wide, 10, { oversample: 0 }).k).toBe(5);
  });

  it('gives k = 0 for an empty matrix', () => {
    const empty = (rows: number, nCols: number): SparseRows => ({
      indptr: new Int32Array(rows + 1),
      indices: new Int32Array(0),
      values: new Float32Array(0),
      nCols,
    });
    expect(truncatedSvd(empty(0, 0), 8)).toEqual({
      v: new Float32Array(0),
      sigma: new Float32Array(0),
      k: 0,
    });
    expect(truncatedSvd(empty(3, 0), 8).k).toBe(0); // documents without terms
    expect(truncatedSvd(empty(0, 6), 8).k).toBe(0); // terms without documents
    expect(truncatedSvd(x, 0).k).toBe(0);
  });
});
