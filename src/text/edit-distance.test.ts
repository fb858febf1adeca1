import { describe, expect, it } from 'vitest';
import { boundedDamerau } from './edit-distance.js';

describe('boundedDamerau', () => {
  it('counts insertions, deletions, substitutions and adjacent transpositions as one edit each', () => {
    expect(boundedDamerau('godfather', 'godfather', 2)).toBe(0);
    expect(boundedDamerau('godfater', 'godfather', 2)).toBe(1);
    expect(boundedDamerau('fiction', 'ficton', 2)).toBe(1);
    expect(boundedDamerau('seven', 'se7en', 2)).toBe(1);
    expect(boundedDamerau('teh', 'the', 2)).toBe(1);
    expect(boundedDamerau('kitten', 'sitting', 5)).toBe(3);
    expect(boundedDamerau('', 'abc', 5)).toBe(3);
    expect(boundedDamerau('abc', '', 5)).toBe(3);
  });

  it('stops at max + 1 when the distance exceeds the budget', () => {
    expect(boundedDamerau('kitten', 'sitting', 2)).toBe(3);
    expect(boundedDamerau('matrix', 'heat', 1)).toBe(2);
    expect(boundedDamerau('a', 'abcdef', 2)).toBe(3);
    expect(boundedDamerau('abc', 'xyz', 0)).toBe(1);
  });

  it('handles strings longer than its preallocated rows', () => {
    const a = 'x'.repeat(200);
    expect(boundedDamerau(a, `${a}y`, 3)).toBe(1);
    expect(boundedDamerau('ab', 'ba', 1)).toBe(1);
  });
});
