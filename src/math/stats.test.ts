import { describe, expect, it } from 'vitest';
import { quantile } from './stats.js';

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
