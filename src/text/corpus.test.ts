import { describe, expect, it } from 'vitest';
import { sublinear } from './corpus.js';

describe('sublinear', () => {
  it('is 1 + ln(tf) from 1 up and tf itself below, continuous at 1', () => {
    expect(sublinear(1)).toBe(1);
    expect(sublinear(Math.E)).toBeCloseTo(2, 12);
    expect(sublinear(10)).toBeCloseTo(1 + Math.log(10), 12);
    // A half-weight title word or a feedback term keeps its fraction.
    expect(sublinear(0.5)).toBe(0.5);
    expect(sublinear(0.999999)).toBeCloseTo(1, 5);
    expect(sublinear(0)).toBe(0);
    expect(sublinear(-2)).toBe(0);
  });
});
