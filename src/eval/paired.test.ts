import { describe, expect, it } from 'vitest';
import { Rng } from '../math/random.js';
import { pairedBootstrap } from './paired.js';

describe('pairedBootstrap', () => {
  it('gives a zero-width interval at a constant difference', () => {
    const b = Float64Array.from([0.1, 0.5, 0.3, 0.9]);
    const a = b.map((v) => v + 0.25);
    const r = pairedBootstrap(a, b, { samples: 500 });
    expect(r.meanDiff).toBeCloseTo(0.25, 12);
    expect(r.low).toBeCloseTo(0.25, 12);
    expect(r.high).toBeCloseTo(0.25, 12);
    expect(r.shareNotBetter).toBe(0);
    expect(pairedBootstrap(b, b).meanDiff).toBe(0);
  });

  it('covers the resampling distribution of two users: means 0, 1, 2 with p ¼, ½, ¼', () => {
    const r = pairedBootstrap([0, 2], [0, 0], { samples: 4000 });
    expect(r.meanDiff).toBe(1);
    expect([r.low, r.high]).toEqual([0, 2]);
    // P(mean ≤ 0) = ¼
    expect(r.shareNotBetter).toBeGreaterThan(0.22);
    expect(r.shareNotBetter).toBeLessThan(0.28);
  });

  it('separates a real improvement from noise, reproducibly', () => {
    const rng = new Rng(5);
    const b = Float64Array.from({ length: 300 }, () => rng.next());
    const better = b.map((v) => v + 0.05 + 0.1 * (rng.next() - 0.5));
    const noise = b.map((v) => v + 0.1 * (rng.next() - 0.5));
    const up = pairedBootstrap(better, b, { seed: 1 });
    expect(up.low).toBeGreaterThan(0);
    expect(up.low).toBeLessThan(up.meanDiff);
    expect(up.high).toBeGreaterThan(up.meanDiff);
    const flat = pairedBootstrap(noise, b, { seed: 1 });
    expect(flat.low).toBeLessThan(0);
    expect(flat.high).toBeGreaterThan(0);
    expect(pairedBootstrap(better, b, { seed: 1 })).toEqual(up);
    expect(pairedBootstrap(better, b, { seed: 2 }).low).not.toBe(up.low);
  });

  it('widens the interval with the confidence level', () => {
    const rng = new Rng(9);
    const a = Float64Array.from({ length: 100 }, () => rng.next());
    const b = Float64Array.from({ length: 100 }, () => rng.next());
    const r90 = pairedBootstrap(a, b, { confidence: 0.9 });
    const r99 = pairedBootstrap(a, b, { confidence: 0.99 });
    expect(r99.high - r99.low).toBeGreaterThan(r90.high - r90.low);
  });

  it('names what is wrong', () => {
    expect(() => pairedBootstrap([1, 2], [1])).toThrow('a has 2 values but b has 1');
    expect(() => pairedBootstrap([], [])).toThrow('no paired values');
    expect(() => pairedBootstrap([1], [1], { samples: 0 })).toThrow(
      'samples must be a positive integer, got 0',
    );
    expect(() => pairedBootstrap([1], [1], { confidence: 1 })).toThrow(
      'confidence must be strictly between 0 and 1, got 1',
    );
    expect(() => pairedBootstrap([Number.NaN], [1])).toThrow('value pair 0 is not finite');
  });
});
