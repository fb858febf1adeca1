import { describe, expect, it } from 'vitest';
import { symmetricEigen } from './eigen.js';
import { Rng } from './random.js';

describe('symmetricEigen', () => {
  it('solves a 2×2 case by hand: [[2,1],[1,2]] has eigenvalues 3 and 1', () => {
    const { values, vectors } = symmetricEigen(Float64Array.from([2, 1, 1, 2]), 2);
    expect(values[0]).toBeCloseTo(3, 12);
    expect(values[1]).toBeCloseTo(1, 12);
    // First eigenvector ∝ (1, 1)/√2, up to sign.
    expect(Math.abs(vectors[0])).toBeCloseTo(Math.SQRT1_2, 12);
    expect(vectors[0] * vectors[2]).toBeGreaterThan(0);
  });

  it('reconstructs a random symmetric matrix as V Λ Vᵀ with orthonormal V', () => {
    const n = 12;
    const rng = new Rng(7);
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = i; j < n; j++) a[i * n + j] = a[j * n + i] = rng.normal();
    const { values, vectors } = symmetricEigen(a, n);
    for (let k = 1; k < n; k++) expect(values[k]).toBeLessThanOrEqual(values[k - 1]);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let rebuilt = 0;
        let gram = 0;
        for (let k = 0; k < n; k++) {
          rebuilt += vectors[i * n + k] * values[k] * vectors[j * n + k];
          gram += vectors[k * n + i] * vectors[k * n + j];
        }
        expect(rebuilt).toBeCloseTo(a[i * n + j], 10);
        expect(gram).toBeCloseTo(i === j ? 1 : 0, 10);
      }
    }
  });

  it('refuses a matrix of the wrong size', () => {
    expect(() => symmetricEigen(new Float64Array(3), 2)).toThrow(/expected 4/);
  });
});
