import { describe, expect, it } from 'vitest';
import {
  catalogCoverage,
  encodeGenres,
  hitAtK,
  intraListDiversity,
  mae,
  mapAtK,
  mrrAtK,
  ndcgAtK,
  novelty,
  precisionAtK,
  rankingAtK,
  recallAtK,
  rmse,
} from './metrics.js';

const list = (...ids: number[]): Int32Array => Int32Array.from(ids);
const set = (...ids: number[]): Set<number> => new Set(ids);
const L2 = Math.log2(3); // discount of rank 2
const L4 = Math.log2(5); // discount of rank 4

describe('rmse and mae', () => {
  it('match hand-computed errors', () => {
    // errors −1, 0, −2: squared mean 5/3, absolute mean 1
    expect(rmse(Float32Array.from([1, 2, 3]), Float32Array.from([2, 2, 5]))).toBeCloseTo(
      Math.sqrt(5 / 3),
      12,
    );
    expect(mae(Float64Array.from([1, 2, 3]), Float64Array.from([2, 2, 5]))).toBeCloseTo(1, 12);
    expect(rmse(Float32Array.from([4]), Float32Array.from([1]))).toBe(3);
  });

  it('are 0 for perfect predictions, NaN for none, and refuse unpaired input', () => {
    const a = Float32Array.from([1, 3.5, 5]);
    expect(rmse(a, a)).toBe(0);
    expect(mae(a, a)).toBe(0);
    expect(rmse(new Float32Array(0), new Float32Array(0))).toBeNaN();
    expect(() => mae(a, new Float32Array(2))).toThrow('mae: predicted has 3 values but actual has 2');
  });
});

describe('ranking metrics', () => {
  it('match a hand-computed list: relevant {2, 4} in [1, 2, 3, 4] at k = 4', () => {
    const s = rankingAtK(list(1, 2, 3, 4), set(2, 4), 4);
    expect(s.precision).toBe(0.5);
    expect(s.recall).toBe(1);
    // DCG = 1/log2(3) + 1/log2(5); ideal = 1 + 1/log2(3)
    expect(s.ndcg).toBeCloseTo((1 / L2 + 1 / L4) / (1 + 1 / L2), 12);
    // AP = (1/2 + 2/4) / min(4, 2)
    expect(s.map).toBe(0.5);
    expect(s.hit).toBe(1);
    expect(s.mrr).toBe(0.5);
  });

  it('cut at k = 3 the same list loses the hit at rank 4', () => {
    const s = rankingAtK(list(1, 2, 3, 4), set(2, 4), 3);
    expect(s.precision).toBeCloseTo(1 / 3, 12);
    expect(s.recall).toBe(0.5);
    expect(s.ndcg).toBeCloseTo(1 / L2 / (1 + 1 / L2), 12);
    expect(s.map).toBe(0.25); // (1/2) / min(3, 2)
  });

  it('normalise AP and the ideal DCG by min(k, |relevant|)', () => {
    // 5 relevant, k = 2, one hit at rank 1: AP = 1 / 2, nDCG = 1 / (1 + 1/log2 3), recall = 1/5
    const s = rankingAtK(list(1, 9), set(1, 5, 6, 7, 8), 2);
    expect(s.map).toBe(0.5);
    expect(s.ndcg).toBeCloseTo(1 / (1 + 1 / L2), 12);
    expect(s.recall).toBeCloseTo(0.2, 12);
  });

  it('divide precision by k even for a short list, and score misses 0', () => {
    expect(precisionAtK(list(7), set(7), 10)).toBe(0.1);
    const miss = rankingAtK(list(1, 2, 3), set(9), 3);
    expect(miss).toEqual({ precision: 0, recall: 0, ndcg: 0, map: 0, hit: 0, mrr: 0 });
  });

  it('reach 1 for a perfect ranking where the identity holds', () => {
    // |relevant| = k: every metric is 1
    expect(rankingAtK(list(3, 1, 2, 8), set(1, 2, 3), 3)).toEqual({
      precision: 1,
      recall: 1,
      ndcg: 1,
      map: 1,
      hit: 1,
      mrr: 1,
    });
    // |relevant| < k: precision is |relevant| / k, the rest still 1
    const s = rankingAtK(list(4, 5, 0, 1), set(4, 5), 4);
    expect([s.precision, s.recall, s.ndcg, s.map]).toEqual([0.5, 1, 1, 1]);
    // |relevant| > k: recall is k / |relevant|, precision/nDCG/MAP still 1
    const t = rankingAtK(list(1, 2), set(1, 2, 3, 4), 2);
    expect([t.precision, t.recall, t.ndcg, t.map]).toEqual([1, 0.5, 1, 1]);
  });

  it('single-metric helpers agree with rankingAtK', () => {
    const ranked = list(5, 3, 8, 1, 0, 9);
    const relevant = set(3, 0, 7);
    const all = rankingAtK(ranked, relevant, 5);
    expect(precisionAtK(ranked, relevant, 5)).toBe(all.precision);
    expect(recallAtK(ranked, relevant, 5)).toBe(all.recall);
    expect(ndcgAtK(ranked, relevant, 5)).toBe(all.ndcg);
    expect(mapAtK(ranked, relevant, 5)).toBe(all.map);
    expect(hitAtK(ranked, relevant, 5)).toBe(all.hit);
    expect(mrrAtK(ranked, relevant, 5)).toBe(0.5);
    // hits at 2 and 5: AP = (1/2 + 2/5) / 3
    expect(all.map).toBeCloseTo(0.9 / 3, 12);
  });

  it('are NaN where they divide by an empty relevant set, and check k', () => {
    const s = rankingAtK(list(1, 2), set(), 2);
    expect([s.recall, s.ndcg, s.map]).toEqual([Number.NaN, Number.NaN, Number.NaN]);
    expect(s.precision).toBe(0);
    expect(() => rankingAtK(list(1), set(1), 0)).toThrow('k must be a positive integer, got 0');
    expect(() => rankingAtK(list(1), set(1), 2.5)).toThrow('got 2.5');
  });
});

describe('beyond-accuracy metrics', () => {
  it('coverage counts distinct recommended items over the catalog', () => {
    expect(catalogCoverage([list(0, 1), list(1, 2), list()], 8)).toBe(3 / 8);
    expect(catalogCoverage([], 4)).toBe(0);
    expect(() => catalogCoverage([], 0)).toThrow('nItems must be a positive integer, got 0');
  });

  it('novelty is the mean self-information of recommended items', () => {
    // counts 4, 2, 1, 1, 0 of 8: −log2 shares are 1, 2, 3, 3; item 4 (never seen) is left out
    const popularity = Int32Array.from([4, 2, 1, 1, 0]);
    expect(novelty([list(0, 1), list(2, 3)], popularity)).toBeCloseTo((1 + 2 + 3 + 3) / 4, 12);
    expect(novelty([list(0, 0, 4)], popularity)).toBe(1);
    expect(novelty([list(4)], popularity)).toBeNaN();
  });

  it('diversity is the mean pairwise genre Jaccard distance within lists', () => {
    const genres = encodeGenres([
      ['Drama'],
      ['Comedy', 'Drama'],
      ['Action'],
      ['Action', 'Comedy', 'Drama'],
      [],
    ]);
    // list [0, 1]: J = 1/2 → 0.5. list [2, 3, 0]: pairs (2,3) J = 1/3, (2,0) J = 0, (3,0) J = 1/3
    // → distances 2/3, 1, 2/3, mean 7/9. Mean of lists: (0.5 + 7/9) / 2.
    expect(intraListDiversity([list(0, 1), list(2, 3, 0)], genres)).toBeCloseTo((0.5 + 7 / 9) / 2, 12);
    // identical genres → 0; an item without genres paired with itself → 0; single items are skipped
    expect(intraListDiversity([list(0, 0), list(4, 4), list(1)], genres)).toBe(0);
    expect(intraListDiversity([list(1)], genres)).toBeNaN();
  });

  it('diversity handles more genres than fit one 32-bit word', () => {
    const names = Array.from({ length: 40 }, (_, g) => `g${g}`);
    // item 0: g0..g39; item 1: g33..g39 (all in the second word) → J = 7/40
    const genres = encodeGenres([names, names.slice(33)]);
    expect(genres.words).toBe(2);
    expect(intraListDiversity([list(0, 1)], genres)).toBeCloseTo(1 - 7 / 40, 12);
  });
});
