import { describe, expect, it } from 'vitest';
import { Rng } from '../math/random.js';
import { dropoutBackward, dropoutForward, reluBackward, reluForward } from './activations.js';
import { fixture, halfSquaredError, maxGradientError, residual } from './gradcheck.fixture.js';

describe('ReLU', () => {
  it('clamps negatives and passes gradient only where the output is positive', () => {
    const x = Float32Array.from([-1, 0, 2]);
    reluForward(x, 3);
    expect(Array.from(x)).toEqual([0, 0, 2]);
    const dy = Float32Array.from([5, 5, 5]);
    reluBackward(x, dy, 3);
    expect(Array.from(dy)).toEqual([0, 0, 5]);
  });

  it('passes a finite-difference gradient check away from the kink', () => {
    // Inputs at least 0.1 from zero, so a step of 1e-2 never crosses it.
    const x = Float32Array.from(fixture(20, 4), (v) => (v < 0 ? v - 0.1 : v + 0.1));
    const target = fixture(20, 9);
    const y = new Float32Array(20);
    const loss = () => {
      y.set(x);
      reluForward(y, 20);
      return halfSquaredError(y, target);
    };
    loss();
    const dy = residual(y, target);
    reluBackward(y, dy, 20);
    expect(maxGradientError(loss, x, dy)).toBeLessThan(1e-2);
  });
});

describe('Dropout', () => {
  it('keeps each value with probability 1 − rate, scaled by 1/(1 − rate)', () => {
    const n = 20000;
    const x = new Float32Array(n).fill(1);
    const mask = new Float32Array(n);
    dropoutForward(x, n, 0.25, new Rng(3), mask);
    const kept = x.filter((v) => v !== 0);
    expect(kept.length / n).toBeGreaterThan(0.73);
    expect(kept.length / n).toBeLessThan(0.77);
    for (const v of kept) expect(v).toBeCloseTo(4 / 3, 6);
    expect(() => dropoutForward(x, n, 1, new Rng(3), mask)).toThrow(/rate/);
  });

  it('passes a finite-difference gradient check with its mask fixed', () => {
    const x = fixture(30, 6);
    const target = fixture(30, 8);
    const y = new Float32Array(30);
    const mask = new Float32Array(30);
    const loss = () => {
      y.set(x);
      dropoutForward(y, 30, 0.5, new Rng(42), mask); // same seed: same mask every call
      return halfSquaredError(y, target);
    };
    loss();
    const dy = residual(y, target);
    dropoutBackward(mask, dy, 30);
    expect(maxGradientError(loss, x, dy)).toBeLessThan(1e-2);
  });
});
