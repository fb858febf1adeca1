import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeRecommender } from '../../test/contract.js';
import { Interactions } from '../data/interactions.js';
import { loadModel, saveModel } from './index.js';
import { Popularity, quantileOfRated } from './popularity.js';

describeRecommender('popularity', () => new Popularity(), { personalised: false, scoresEveryone: true });

const DAY = 86_400;

/** i0: one 5 · i1: six 4.5 · i2: a 1 and a 3, so C = 36/9 = 4; user u rates in turn. */
function threeItems(): Interactions {
  const items = [0, 1, 1, 1, 1, 1, 1, 2, 2];
  const ratings = [5, 4.5, 4.5, 4.5, 4.5, 4.5, 4.5, 1, 3];
  const n = items.length;
  return new Interactions(
    n,
    3,
    Int32Array.from({ length: n }, (_, k) => k),
    Int32Array.from(items),
    Float32Array.from(ratings),
    Float64Array.from({ length: n }, (_, k) => 1_000 * DAY + k),
  );
}

describe('Popularity', () => {
  it('computes the IMDB weighted rating by hand on a 3-item example', async () => {
    // m = 2: WR0 = 1/3·5 + 2/3·4 = 13/3; WR1 = 6/8·4.5 + 2/8·4 = 4.375; WR2 = 2/4·2 + 2/4·4 = 3.
    const model = await new Popularity({ minVotes: 2 }).fit(threeItems());
    expect(model.mu).toBeCloseTo(4, 12);
    expect(model.weighted[0]).toBeCloseTo(13 / 3, 12);
    expect(model.weighted[1]).toBeCloseTo(4.375, 12);
    expect(model.weighted[2]).toBeCloseTo(3, 12);
    expect(model.predict(0, 0)).toEqual({ ok: true, value: model.weighted[0] });
    // Each rankBy orders the three items differently.
    expect(Array.from(model.recommend(0, { n: 3, filterSeen: false })[0].ids)).toEqual([1, 0, 2]);
    const byMean = await new Popularity({ rankBy: 'mean', minVotes: 2 }).fit(threeItems());
    expect(Array.from(byMean.recommend(0, { n: 3, filterSeen: false })[0].ids)).toEqual([0, 1, 2]);
    const byCount = await new Popularity({ rankBy: 'count' }).fit(threeItems());
    expect(Array.from(byCount.recommend(0, { n: 3, filterSeen: false })[0].ids)).toEqual([1, 2, 0]);
  });

  it('takes m from the 90th percentile of the counts of rated items by default', async () => {
    // Counts of rated items sorted: 1, 2, 6 → position 0.9·2 = 1.8 → 2 + 0.8·(6 − 2) = 5.2.
    const model = await new Popularity().fit(threeItems());
    expect(model.m).toBeCloseTo(5.2, 12);
    expect(model.weighted[0]).toBeCloseTo((1 / 6.2) * 5 + (5.2 / 6.2) * 4, 12);
    expect(quantileOfRated(Int32Array.from([0, 3, 0]), 0.9)).toBe(3);
    expect(quantileOfRated(new Int32Array(4), 0.9)).toBe(0);
  });

  it('ranks within a genre, case-insensitively, and keeps genres and trending through save/load', async () => {
    const itemGenres = [['Comedy'], ['Drama', 'Comedy'], ['Drama']];
    const model = await new Popularity({ minVotes: 2 }).fit(threeItems(), { itemGenres });
    expect(model.genreNames()).toEqual(['Comedy', 'Drama']);
    expect(Array.from(model.topByGenre('drama', 5).ids)).toEqual([1, 2]);
    expect(Array.from(model.topByGenre('Comedy', 5).ids)).toEqual([1, 0]);
    expect(Array.from(model.topByGenre('Comedy', 5, Int32Array.from([1])).ids)).toEqual([0]);
    expect(model.topByGenre('Western', 5).ids.length).toBe(0);
    const dir = mkdtempSync(join(tmpdir(), 'cinerec-popularity-'));
    try {
      await saveModel(model, join(dir, 'p.cinerec'));
      const loaded = (await loadModel(join(dir, 'p.cinerec'))) as Popularity;
      expect(loaded.topByGenre('drama', 5)).toEqual(model.topByGenre('drama', 5));
      expect(loaded.trending(3, { halfLifeDays: 2 })).toEqual(model.trending(3, { halfLifeDays: 2 }));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('halves a rating’s trending weight at one half-life and ignores ratings after now', async () => {
    const t = 500 * DAY;
    const train = new Interactions(
      3,
      3,
      Int32Array.from([0, 1, 2]),
      Int32Array.from([0, 1, 2]),
      Float32Array.from([3, 3, 3]),
      Float64Array.from([t, t - 7 * DAY, t - 14 * DAY]),
    );
    const model = await new Popularity().fit(train);
    const trend = model.trending(3, { halfLifeDays: 7 });
    expect(Array.from(trend.ids)).toEqual([0, 1, 2]);
    expect(trend.scores[0]).toBeCloseTo(1, 6);
    expect(trend.scores[1]).toBeCloseTo(0.5, 6);
    expect(trend.scores[2]).toBeCloseTo(0.25, 6);
    // A week earlier the newest rating does not exist yet and the others are one half-life younger.
    const past = model.trending(3, { halfLifeDays: 7, now: t - 7 * DAY });
    expect(Array.from(past.ids)).toEqual([1, 2]);
    expect(past.scores[0]).toBeCloseTo(1, 6);
    expect(past.scores[1]).toBeCloseTo(0.5, 6);
  });

  it('folds in a new user as their seen items only', async () => {
    const model = await new Popularity({ minVotes: 2 }).fit(threeItems());
    const folded = model.foldIn({ items: Int32Array.from([1]), ratings: Float32Array.from([2]) });
    expect(Array.from(model.recommend([folded], { n: 3 })[0].ids)).toEqual([0, 2]);
    expect(model.predict(folded, 2)).toEqual(model.predict(0, 2));
  });
});
