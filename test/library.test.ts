import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALS, evaluate, generateSynthetic, loadDataset, splitFolds } from '../src/index.js';

const ml100k = resolve(import.meta.dirname, '../../shared/datasets/ml-100k');

describe('cinerec as a library', () => {
  it('runs the documented flow on synthetic data: split, fit, recommend, evaluate', async () => {
    const dataset = generateSynthetic({ users: 300, items: 200, ratings: 12_000, seed: 5 });
    const [fold] = splitFolds(dataset, 'random', { seed: 42 });
    const als = await new ALS({ factors: 16, iterations: 5 }).fit(fold.train);
    const lists = als.recommend([0, 1, 2], { n: 10 });
    expect(lists).toHaveLength(3);
    for (const list of lists) expect(list.ids.length).toBe(10);
    const report = await evaluate(dataset, { protocol: 'random', models: [{ name: 'baseline' }], k: 5 });
    expect(report.results[0].metrics.rmse).toBeGreaterThan(0.3);
    expect(report.results[0].metrics.rmse).toBeLessThan(1.5);
  });

  it.skipIf(!existsSync(ml100k))('loads a MovieLens folder by path', async () => {
    const dataset = await loadDataset(ml100k);
    expect(dataset.ratings.size).toBe(100_000);
    expect(dataset.movies).toHaveLength(1682);
  });

  it.skipIf(!existsSync(resolve(import.meta.dirname, '../dist/index.js')))(
    "resolves the package's own name to the compiled build",
    async () => {
      const lib = await import('cinerec');
      expect(typeof lib.loadDataset).toBe('function');
      expect(typeof lib.evaluate).toBe('function');
      expect(lib.modelNames()).toContain('als');
    },
  );
});
