import { describe, expect, it } from 'vitest';
import { fixture, maxGradientError } from './gradcheck.fixture.js';
import { mseLoss, squaredError } from './loss.js';

describe('mseLoss', () => {
  it('is the mean squared error, with gradient 2(p − t)/n', () => {
    const grad = new Float32Array(2);
    expect(mseLoss(Float32Array.from([3, 1]), Float32Array.from([1, 2]), 2, grad)).toBe(2.5);
    expect(Array.from(grad)).toEqual([2, -1]);
  });

  it('squaredError sums over its rows and scales the gradient to the whole batch', () => {
    const grad = new Float32Array(2);
    expect(squaredError(Float32Array.from([3, 1]), Float32Array.from([1, 2]), 2, 4, grad)).toBe(5);
    expect(Array.from(grad)).toEqual([1, -0.5]);
  });

  it('passes a finite-difference gradient check', () => {
    const p = fixture(8, 1, 1, 5);
    const t = fixture(8, 2, 1, 5);
    const grad = new Float32Array(8);
    const scratch = new Float32Array(8);
    mseLoss(p, t, 8, grad);
    expect(maxGradientError(() => mseLoss(p, t, 8, scratch), p, grad)).toBeLessThan(1e-2);
  });

  it('refuses a non-finite loss and an empty batch', () => {
    const grad = new Float32Array(1);
    expect(() => mseLoss(Float32Array.from([Number.NaN]), Float32Array.from([1]), 1, grad)).toThrow(
      /diverged/,
    );
    expect(() => mseLoss(new Float32Array(0), new Float32Array(0), 0, grad)).toThrow(/n must be/);
  });
});
