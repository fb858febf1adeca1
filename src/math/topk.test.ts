import { describe, expect, it } from 'vitest';
import { Rng } from './random.js';
import { topK } from './topk.js';

describe('topK', () => {
  it('returns the n best indices best first, skipping masked and non-finite scores', () => {
    const scores = Float32Array.from([0.1, 0.9, Number.NaN, 0.5, 0.9, -1, Number.POSITIVE_INFINITY]);
    const skip = Uint8Array.from([0, 0, 0, 1, 0, 0, 0]);
    const { ids, scores: best } = topK(scores, 3, skip);
    expect(Array.from(ids)).toEqual([1, 4, 0]);
    expect(Array.from(best)).toEqual([Math.fround(0.9), Math.fround(0.9), Math.fround(0.1)]);
  });

  it('agrees with a full sort on random data', () => {
    const rng = new Rng(7);
    const scores = new Float32Array(5000);
    for (let i = 0; i < scores.length; i++) scores[i] = Math.round(rng.next() * 1000) / 1000;
    const order = Array.from(scores.keys()).sort((a, b) => scores[b] - scores[a] || a - b);
    expect(Array.from(topK(scores, 50).ids)).toEqual(order.slice(0, 50));
  });

  it('returns fewer than n when fewer items qualify', () => {
    expect(topK(Float32Array.from([1, 2]), 10).ids.length).toBe(2);
    expect(topK(new Float32Array(0), 10).ids.length).toBe(0);
  });
});
