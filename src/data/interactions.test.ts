import { describe, expect, it } from 'vitest';
import { IdMap } from './idmap.js';
import { buildCsr, Interactions } from './interactions.js';

describe('Interactions', () => {
  const data = new Interactions(
    3,
    4,
    Int32Array.from([2, 0, 0, 1, 2]),
    Int32Array.from([1, 3, 0, 3, 0]),
    Float32Array.from([4, 5, 3, 2, 1]),
    Float64Array.from([10, 20, 30, 40, 50]),
  );

  it('builds CSR by user with items ascending', () => {
    const csr = data.byUser();
    expect(Array.from(csr.indptr)).toEqual([0, 2, 3, 5]);
    expect(Array.from(csr.indices)).toEqual([0, 3, 3, 0, 1]);
    expect(Array.from(csr.values)).toEqual([3, 5, 2, 1, 4]);
  });

  it('builds CSC by item with users ascending', () => {
    const csc = data.byItem();
    expect(Array.from(csc.indptr)).toEqual([0, 2, 3, 3, 5]);
    expect(Array.from(csc.indices)).toEqual([0, 2, 2, 0, 1]);
    expect(Array.from(csc.values)).toEqual([3, 1, 4, 5, 2]);
  });

  it('keeps the shape in subsets and counts per row', () => {
    const sub = data.subset([0, 4]);
    expect(sub.nUsers).toBe(3);
    expect(sub.nItems).toBe(4);
    expect(Array.from(sub.timestamps)).toEqual([10, 50]);
    expect(Array.from(data.userCounts())).toEqual([2, 1, 2]);
    expect(Array.from(data.itemCounts())).toEqual([2, 1, 0, 2]);
    expect(data.globalMean()).toBe(3);
  });

  it('gives the rating range, and refuses one for no ratings', () => {
    expect(data.ratingRange()).toEqual([1, 5]);
    expect(data.subset([0, 3]).ratingRange()).toEqual([2, 4]);
    expect(() => data.subset([]).ratingRange()).toThrow(/no ratings/);
  });

  it('gives per-item counts and means, NaN for items without ratings', () => {
    const { counts, means } = data.itemStats();
    expect(Array.from(counts)).toEqual([2, 1, 0, 2]);
    expect(Array.from(means)).toEqual([2, 4, Number.NaN, 3.5]);
  });

  it('refuses columns of different lengths', () => {
    expect(
      () =>
        new Interactions(
          1,
          1,
          new Int32Array(2),
          new Int32Array(1),
          new Float32Array(2),
          new Float64Array(2),
        ),
    ).toThrow(/lengths differ/);
  });

  it('handles empty rows in CSR', () => {
    const csr = buildCsr(3, new Int32Array(0), new Int32Array(0), new Float32Array(0));
    expect(Array.from(csr.indptr)).toEqual([0, 0, 0, 0]);
  });
});

describe('IdMap', () => {
  it('maps raw ids to dense indices and back', () => {
    const map = IdMap.from([10, 'x', 10, 7]);
    expect(map.size).toBe(3);
    expect(map.index('x')).toBe(1);
    expect(map.index(99)).toBe(-1);
    expect(map.rawId(2)).toBe(7);
    expect(() => map.rawId(3)).toThrow(/out of range/);
  });
});

describe('Interactions input checks', () => {
  const one = (user: number, item: number, rating: number) =>
    new Interactions(
      2,
      2,
      Int32Array.of(user),
      Int32Array.of(item),
      Float32Array.of(rating),
      new Float64Array(1),
    );

  it('refuses indices outside the shape and non-finite ratings, naming the row', () => {
    expect(() => one(2, 0, 4)).toThrow(/row 0 has user 2, outside 0..1/);
    expect(() => one(0, -1, 4)).toThrow(/row 0 has item -1/);
    expect(() => one(0, 0, Number.NaN)).toThrow(/row 0 has rating NaN/);
    expect(one(1, 1, 4).size).toBe(1);
  });
});
