import { describe, expect, it } from 'vitest';
import { mean, meanStd, quantile } from './stats.js';

describe('quantile', () => {
  it('interpolates linearly between ranks like numpy', () => {
    const sorted = Float64Array.from([1, 2, 3, 4]);
    expect(quantile(sorted, 0)).toBe(1);
    expect(quantile(sorted, 0.25)).toBe(1.75); // position 0.75
    expect(quantile(sorted, 0.5)).toBe(2.5);
    expect(quantile(sorted, 1)).toBe(4);
    expect(quantile(new Float64Array(0), 0.5)).toBeNaN();
  });
});

describe('mean and meanStd', () => {
  it('gives the mean and the population deviation', () => {
    // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, squared deviations sum to 32, 32 / 8 = 4, std 2.
    const values = Float32Array.from([2, 4, 4, 4, 5, 5, 7, 9]);
    expect(mean(values)).toBe(5);
    expect(meanStd(values)).toEqual({ mean: 5, std: 2 });
    expect(meanStd([3])).toEqual({ mean: 3, std: 0 });
  });

  it('keeps the deviation of values far from zero', () => {
    const { mean: m, std } = meanStd([1e9 + 1, 1e9 + 3]);
    expect(m).toBe(1e9 + 2);
    expect(std).toBe(1);
  });

  it('is NaN for no values', () => {
    expect(mean([])).toBeNaN();
    const { mean: m, std } = meanStd([]);
    expect(m).toBeNaN();
    expect(std).toBeNaN();
  });
});
