import { describe, expect, it } from 'vitest';
import { balancedRanges, shared, splitRange, WorkerPool } from './workers.js';

describe('WorkerPool', () => {
  it('runs tasks on worker threads over shared memory', async () => {
    const pool = new WorkerPool(new URL('./workers.fixture.ts', import.meta.url), 2);
    try {
      const data = shared(Float64Array.from({ length: 1000 }, (_, i) => i));
      const parts = splitRange(data.length, 4);
      const sums = await Promise.all(parts.map(([start, end]) => pool.run<number>({ data, start, end })));
      expect(sums.reduce((a, b) => a + b, 0)).toBe((999 * 1000) / 2);
      await expect(pool.run({ data, start: -1, end: 0 })).rejects.toThrow(/bad range/);
    } finally {
      await pool.close();
    }
  });

  it('fails the task of a thread that dies, and everything once none is left', async () => {
    const pool = new WorkerPool(new URL('./workers.fixture.ts', import.meta.url), 1);
    try {
      const data = shared(new Float64Array(4));
      await expect(pool.run({ data, start: -2, end: 0 })).rejects.toThrow(/exited with code 3/);
      expect(pool.size).toBe(0);
      await expect(pool.run({ data, start: 0, end: 4 })).rejects.toThrow(/no worker thread is alive/);
    } finally {
      await pool.close();
    }
  });

  it('splits ranges evenly and covers everything once', () => {
    expect(splitRange(10, 3)).toEqual([
      [0, 3],
      [3, 6],
      [6, 10],
    ]);
    expect(splitRange(1, 4)).toEqual([[0, 1]]);
  });

  it('balances ranges by cost, each at least one unit long', () => {
    const prefix = [0, 10, 11, 12, 13, 23, 24];
    expect(balancedRanges(6, 3, (end) => prefix[end])).toEqual([
      [0, 1],
      [1, 4],
      [4, 6],
    ]);
    expect(balancedRanges(2, 4, (end) => prefix[end])).toEqual([
      [0, 1],
      [1, 2],
    ]);
  });
});
