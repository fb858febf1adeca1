import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Growable } from './growable.js';
import { loadMovieLens } from './movielens.js';
import { generateSynthetic, plantedScore, writeSyntheticCsv } from './synthetic.js';

const tmp = mkdtempSync(join(tmpdir(), 'cinerec-synth-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function correlation(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  let sx = 0;
  let sy = 0;
  for (let k = 0; k < n; k++) {
    sx += x[k];
    sy += y[k];
  }
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let k = 0; k < n; k++) {
    const dx = x[k] - sx / n;
    const dy = y[k] - sy / n;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxy / Math.sqrt(sxx * syy);
}

describe('generateSynthetic', () => {
  const data = generateSynthetic({ users: 1500, items: 800, ratings: 60_000, seed: 7 });
  const r = data.ratings;

  it('has the requested shape, unique pairs, half stars and rising timestamps', () => {
    expect([r.nUsers, r.nItems, r.size, data.movies.length]).toEqual([1500, 800, 60_000, 800]);
    const pairs = new Set<number>();
    for (let k = 0; k < r.size; k++) pairs.add(r.users[k] * 800 + r.items[k]);
    expect(pairs.size).toBe(60_000);
    let offScale = 0;
    let backwards = 0;
    for (let k = 0; k < r.size; k++) {
      if (!(r.ratings[k] >= 0.5 && r.ratings[k] <= 5 && Number.isInteger(r.ratings[k] * 2))) offScale++;
      if (k > 0 && r.users[k] === r.users[k - 1] && r.timestamps[k] < r.timestamps[k - 1]) backwards++;
    }
    expect([offScale, backwards]).toEqual([0, 0]);
    expect(data.movies.every((m) => m.genres.length >= 1)).toBe(true);
    expect(data.users.rawId(0)).toBe(1);
  });

  it('draws ratings from the planted latent score', () => {
    const planted = Float64Array.from({ length: r.size }, (_, k) =>
      plantedScore(data.truth, r.users[k], r.items[k]),
    );
    expect(correlation(planted, r.ratings)).toBeGreaterThan(0.65);
    expect(r.globalMean()).toBeGreaterThan(3.2);
    expect(r.globalMean()).toBeLessThan(3.9);
  });

  it('makes popularity and activity heavy-tailed', () => {
    const items = Array.from(r.itemCounts()).sort((a, b) => b - a);
    const top = items.slice(0, 8).reduce((a, b) => a + b, 0);
    expect(top / r.size).toBeGreaterThan(0.05); // top 1% of items
    const users = Array.from(r.userCounts()).sort((a, b) => a - b);
    expect(users[users.length - 1] / users[users.length >> 1]).toBeGreaterThan(5);
  });

  it('ties genres to taste clusters', () => {
    // Share of each genre among the items a cluster rates, against the share over all ratings.
    const genreIndex = new Map(data.truth.genreNames.map((g, k) => [g, k]));
    const nClusters = 8;
    const counts = new Float64Array(nClusters * genreIndex.size);
    const overall = new Float64Array(genreIndex.size);
    for (let k = 0; k < r.size; k++) {
      const c = data.truth.userCluster[r.users[k]];
      for (const g of data.movies[r.items[k]].genres) {
        counts[c * genreIndex.size + genreIndex.get(g)!]++;
        overall[genreIndex.get(g)!]++;
      }
    }
    let strongest = 0;
    const total = overall.reduce((a, b) => a + b, 0);
    for (let c = 0; c < nClusters; c++) {
      const row = counts.subarray(c * genreIndex.size, (c + 1) * genreIndex.size);
      const rowTotal = row.reduce((a, b) => a + b, 0);
      for (let g = 0; g < genreIndex.size; g++)
        strongest = Math.max(strongest, row[g] / rowTotal / (overall[g] / total));
    }
    expect(strongest).toBeGreaterThan(1.5);
  });

  it('reproduces from the seed, fills dense cases and names bad options', () => {
    const again = generateSynthetic({ users: 1500, items: 800, ratings: 60_000, seed: 7 });
    expect(again.ratings.ratings).toEqual(r.ratings);
    const other = generateSynthetic({ users: 1500, items: 800, ratings: 60_000, seed: 8 });
    expect(other.ratings.items).not.toEqual(r.items);
    const dense = generateSynthetic({ users: 5, items: 10, ratings: 50, seed: 1 });
    expect(Array.from(dense.ratings.userCounts())).toEqual([10, 10, 10, 10, 10]);
    expect(() => generateSynthetic({ users: 2, items: 3, ratings: 7, seed: 1 })).toThrow(
      "option 'ratings' (7) exceeds users × items (6)",
    );
    expect(() => generateSynthetic({ users: 0, items: 3, ratings: 1, seed: 1 })).toThrow(/option 'users'/);
  });
});

describe('writeSyntheticCsv', () => {
  it('writes an ml-32m-style folder that loads back to the same ratings', async () => {
    const options = { users: 300, items: 200, ratings: 9000, seed: 3 };
    const dir = join(tmp, 'synthetic');
    const written = await writeSyntheticCsv(dir, options);
    expect(written.rows).toBe(9000);
    const loaded = await loadMovieLens(dir);
    const generated = generateSynthetic(options);
    expect(loaded.ratings.size).toBe(9000);
    expect(loaded.movies).toHaveLength(200);
    expect(loaded.ratings.ratings).toEqual(generated.ratings.ratings);
    expect(loaded.ratings.timestamps).toEqual(generated.ratings.timestamps);
    expect(loaded.movies[5].genres).toEqual(generated.movies[5].genres);
    // Users and items appear in file order, so map raw ids back before comparing.
    const rawItems = Array.from(loaded.ratings.items, (i) => loaded.items.rawId(i));
    expect(rawItems).toEqual(Array.from(generated.ratings.items, (i) => i + 1));
  });
});

describe('Growable', () => {
  it('grows past its capacity and hands back exactly what was pushed', () => {
    const g = new Growable(Int32Array, 16);
    for (let k = 0; k < 1000; k++) g.push(k * 3);
    const out = g.finish();
    expect(out.length).toBe(1000);
    expect(out[999]).toBe(2997);
  });
});
