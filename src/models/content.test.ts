import { describe, expect, it } from 'vitest';
import { describeRecommender } from '../../test/contract.js';
import type { Movie } from '../data/dataset.js';
import { Interactions } from '../data/interactions.js';
import { ContentModel } from './content.js';
import { loadModel, saveModel } from './registry.js';
import './index.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Without text the model still ranks by its CF part: the checkerboard is a collaborative contract.
describeRecommender('content', () => new ContentModel({ lsaDims: 8 }), { itemSimilarity: true });

/** Six films in two kinds (sharks at sea, space robots); users 0–3 love one kind, hate the other. */
function sharksAndRobots(): { movies: Movie[]; train: Interactions } {
  const sea = 'a great white shark hunts swimmers off a summer island beach';
  const space = 'robots rebel on a space station orbiting a dead planet';
  const movies: Movie[] = [0, 1, 2, 3, 4, 5].map((i) => ({
    movieId: i + 1,
    title: `Film ${i + 1}`,
    year: 2000,
    genres: i < 3 ? ['Thriller'] : ['Sci-Fi'],
    overview: i < 3 ? sea : space,
    keywords: i < 3 ? ['shark', 'ocean'] : ['robot', 'space'],
  }));
  const users: number[] = [];
  const items: number[] = [];
  const ratings: number[] = [];
  for (let u = 0; u < 4; u++) {
    for (let i = 0; i < 6; i++) {
      if ((u + i) % 3 === 0) continue; // leave gaps to predict
      users.push(u);
      items.push(i);
      ratings.push(u < 2 === i < 3 ? 5 : 1);
    }
  }
  const train = new Interactions(
    4,
    6,
    Int32Array.from(users),
    Int32Array.from(items),
    Float32Array.from(ratings),
    new Float64Array(users.length),
  );
  return { movies, train };
}

describe('content model', () => {
  it('predicts a shark lover loves an unseen shark film and hates an unseen robot film', async () => {
    const { movies, train } = sharksAndRobots();
    const model = await new ContentModel({ lsaDims: 4, cfFactors: 0 }).fit(train, { movies });
    // User 0 skipped films 0 and 3 ((u + i) % 3 === 0).
    const shark = model.predict(0, 0);
    const robot = model.predict(0, 3);
    expect(shark.ok && robot.ok).toBe(true);
    if (shark.ok && robot.ok) {
      expect(shark.value).toBeGreaterThan(4.5);
      expect(robot.value).toBeLessThan(1.5);
    }
  });

  it('predicts a film known only by its text from the nearest films the user rated', async () => {
    const { movies, train } = sharksAndRobots();
    const model = await new ContentModel({ lsaDims: 4, cfFactors: 0 }).fit(train, { movies });
    const vector = await model.encodeMovie({
      movieId: 99,
      title: 'Open Sea',
      year: 2021,
      genres: ['Thriller'],
      overview: 'a shark circles swimmers near the beach',
    });
    const csr = train.byUser();
    const items = csr.indices.subarray(csr.indptr[0], csr.indptr[1]);
    const ratings = csr.values.subarray(csr.indptr[0], csr.indptr[1]);
    const estimate = model.predictFromVector(items, ratings, vector);
    expect(estimate.ok && estimate.value).toBeGreaterThan(4.5); // user 0 gives sharks 5★, robots 1★
  });

  it('predicts every item at once exactly as one at a time (what a blend ranks by)', async () => {
    const { train, movies } = sharksAndRobots();
    for (const neighbours of [1, 2, 20]) {
      const model = await new ContentModel({ lsaDims: 4, cfFactors: 0, neighbours }).fit(train, { movies });
      for (let u = 0; u < 4; u++) {
        const all = model.predictAll(u) as Float32Array;
        for (let i = 0; i < 6; i++) {
          const e = model.predict(u, i);
          if (!e.ok) throw new Error(e.reason);
          expect(all[i], `neighbours ${neighbours} user ${u} item ${i}`).toBeCloseTo(e.value, 5);
        }
      }
    }
  });

  it('searches its catalog and survives an artifact round trip unchanged', async () => {
    const { movies, train } = sharksAndRobots();
    const model = await new ContentModel({ lsaDims: 4, cfFactors: 0 }).fit(train, { movies });
    const before = await model.searchText('mechanical men in orbit', 3);
    expect(before.map((h) => h.item).every((i) => i >= 3)).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'cinerec-content-'));
    try {
      const path = join(dir, 'content.cinerec');
      await saveModel(model, path);
      const restored = await loadModel(path);
      const after = await (restored as ContentModel).searchText('mechanical men in orbit', 3);
      expect(after).toEqual(before);
      expect(restored.similarItems(0, 2).ids).toEqual(model.similarItems(0, 2).ids);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
