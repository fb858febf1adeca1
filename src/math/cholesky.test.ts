import { describe, expect, it } from 'vitest';
import { choleskyInPlace, NotPositiveDefiniteError, spdInverse, spdSolve } from './cholesky.js';
import { Rng } from './random.js';

/** A random SPD matrix M·Mᵀ + n·I. */
function randomSpd(n: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  const m = Float64Array.from({ length: n * n }, () => rng.normal());
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = i === j ? n : 0;
      for (let k = 0; k < n; k++) s += m[i * n + k] * m[j * n + k];
      a[i * n + j] = s;
    }
  return a;
}

describe('cholesky', () => {
  it('factors a 2×2 case computed by hand', () => {
    // [[4, 2], [2, 5]] = L·Lᵀ with L = [[2, 0], [1, 2]].
    const a = Float64Array.from([4, 2, 2, 5]);
    choleskyInPlace(a, 2);
    expect([a[0], a[2], a[3]]).toEqual([2, 1, 2]);
    expect(Array.from(spdSolve(Float64Array.from([4, 2, 2, 5]), 2, Float64Array.from([8, 9])))).toEqual([
      1.375, 1.25,
    ]);
  });

  it('inverts an SPD matrix: A·A⁻¹ = I, and A⁻¹ is symmetric', () => {
    const n = 23;
    const a = randomSpd(n, 3);
    const inv = spdInverse(a, n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += a[i * n + k] * inv[k * n + j];
        expect(s).toBeCloseTo(i === j ? 1 : 0, 10);
        expect(inv[i * n + j]).toBe(inv[j * n + i]);
      }
    }
  });

  it('refuses a matrix that is not positive definite', () => {
    expect(() => spdInverse(Float64Array.from([1, 2, 2, 1]), 2)).toThrow(NotPositiveDefiniteError);
  });
});
