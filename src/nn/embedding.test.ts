import { describe, expect, it } from 'vitest';
import { Rng } from '../math/random.js';
import { Embedding } from './embedding.js';
import { fixture, halfSquaredError, maxGradientError, residual } from './gradcheck.fixture.js';

describe('Embedding', () => {
  it('looks rows up into a strided buffer, zeroing dropped rows', () => {
    const e = new Embedding(3, 2, new Rng(1));
    e.table.value.set([1, 2, 3, 4, 5, 6]);
    const out = new Float32Array(2 * 4).fill(9);
    e.forward(Int32Array.from([2, 0]), 2, out, 4, 1, Float32Array.from([1, 0]));
    expect(Array.from(out)).toEqual([9, 5, 6, 9, 9, 0, 0, 9]);
  });

  it('passes a finite-difference gradient check, with repeated ids, dropout and per-use L2', () => {
    const e = new Embedding(4, 3, new Rng(2));
    const ids = Int32Array.from([1, 3, 1, 0]);
    const keep = Float32Array.from([1, 1, 0.5, 0]);
    const l2 = 0.3;
    const target = fixture(12, 5);
    const y = new Float32Array(12);
    // The L2 term is ½·l2·‖row‖² once per occurrence the row is kept (keep > 0).
    const loss = () => {
      e.forward(ids, 4, y, 3, 0, keep);
      let penalty = 0;
      for (let b = 0; b < 4; b++) {
        if (keep[b] === 0) continue;
        for (let c = 0; c < 3; c++) penalty += 0.5 * l2 * e.table.value[ids[b] * 3 + c] ** 2;
      }
      return halfSquaredError(y, target) + penalty;
    };
    loss();
    e.backward(ids, residual(y, target), 4, 3, 0, keep, l2);
    expect(maxGradientError(loss, e.table.value, e.table.grad)).toBeLessThan(1e-2);
    // Row 2 was never used, row 0 only dropped: neither has a gradient or counts as touched.
    expect(Array.from(e.table.grad.subarray(6, 9))).toEqual([0, 0, 0]);
    expect(Array.from(e.touched.subarray(0, e.nTouched))).toEqual([1, 3]);
    e.zeroGrad();
    expect(e.nTouched).toBe(0);
    expect(e.table.grad.every((g) => g === 0)).toBe(true);
  });
});
