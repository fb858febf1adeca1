import { describe, expect, it } from 'vitest';
import { concatBackward, concatForward } from './concat.js';
import { fixture, halfSquaredError, maxGradientError, residual } from './gradcheck.fixture.js';

describe('concat', () => {
  it('joins rows block by block and splits the gradient back', () => {
    const a = Float32Array.from([1, 2, 3, 4]); // 2 × 2
    const b = Float32Array.from([9, 8]); // 2 × 1
    const out = new Float32Array(6);
    concatForward(
      [
        { data: a, dim: 2 },
        { data: b, dim: 1 },
      ],
      2,
      out,
    );
    expect(Array.from(out)).toEqual([1, 2, 9, 3, 4, 8]);
    const ga = new Float32Array(4);
    const gb = new Float32Array(2);
    concatBackward(out, 2, [
      { data: ga, dim: 2 },
      { data: gb, dim: 1 },
    ]);
    expect(Array.from(ga)).toEqual(Array.from(a));
    expect(Array.from(gb)).toEqual(Array.from(b));
  });

  it('passes a finite-difference gradient check for every block', () => {
    const a = fixture(6, 1);
    const b = fixture(9, 2);
    const target = fixture(15, 3);
    const out = new Float32Array(15);
    const blocks = [
      { data: a, dim: 2 },
      { data: b, dim: 3 },
    ];
    const loss = () => {
      concatForward(blocks, 3, out);
      return halfSquaredError(out, target);
    };
    loss();
    const ga = new Float32Array(6);
    const gb = new Float32Array(9);
    concatBackward(residual(out, target), 3, [
      { data: ga, dim: 2 },
      { data: gb, dim: 3 },
    ]);
    expect(maxGradientError(loss, a, ga)).toBeLessThan(1e-2);
    expect(maxGradientError(loss, b, gb)).toBeLessThan(1e-2);
  });
});
