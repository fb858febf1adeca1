import { describe, expect, it } from 'vitest';
import { checkerboard, describeRecommender } from '../../test/contract.js';
import type { Movie } from '../data/dataset.js';
import { Interactions } from '../data/interactions.js';
import { AlphaHybrid, latestPerUser } from './alpha-hybrid.js';
import { blendInto, normaliseScores } from './alpha-hybrid-blend.js';
import { Als } from './als.js';
import { ContentModel } from './content.js';
import './index.js';

describeRecommender('hybrid', () => new AlphaHybrid({ lsaDims: 8 }), { rating: false });

/** Two genres matching the checkerboard's taste groups, so content alone separates them too. */
const movies: Movie[] = Array.from({ length: 20 }, (_, i) => ({
  movieId: i,
  title: i < 10 ? `Space battle ${i}` : `Love story ${i}`,
  year: 2000,
  genres: i < 10 ? ['Sci-Fi', 'Action'] : ['Romance', 'Drama'],
}));

describe('hybrid normalisation and blend', () => {
  it('z-scores and min-maxes over finite entries, unscorable entries becoming 0', () => {
    const z = Float32Array.from([1, 3, Number.NaN, 5]);
    expect(normaliseScores(z, 'zscore')).toBe(true);
    // mean 3, population std sqrt(8/3).
    const sd = Math.sqrt(8 / 3);
    expect(Array.from(z)).toEqual(Array.from(Float32Array.from([-2 / sd, 0, 0, 2 / sd])));
    const m = Float32Array.from([1, 3, Number.POSITIVE_INFINITY, 5]);
    normaliseScores(m, 'minmax');
    expect(Array.from(m)).toEqual([0, 0.5, 0, 1]);
    const flat = Float32Array.from([2, 2, 2]);
    expect(normaliseScores(flat, 'zscore')).toBe(false);
    expect(Array.from(flat)).toEqual([0, 0, 0]);
    expect(normaliseScores(Float32Array.from([Number.NaN]), 'minmax')).toBe(false);
  });

  it('blends α·collab + (1−α)·content, and copies one side at α = 1 or 0', () => {
    // Collab min-max (0, 1, 0.5), content (1, 0, 0): at α = 0.3 → (0.7, 0.3, 0.15): item 0 wins,
    // though collab alone ranks item 1 first.
    const collab = Float32Array.from([0, 1, 0.5]);
    const content = Float32Array.from([1, 0, 0]);
    const out = new Float32Array(3);
    blendInto(out, collab, content, 0.3);
    expect(Array.from(out)).toEqual(Array.from(Float32Array.from([0.7, 0.3, 0.15])));
    blendInto(out, collab, Float32Array.from([Number.NaN, 0, 0]), 1);
    expect(Array.from(out)).toEqual([0, 1, 0.5]);
    blendInto(out, Float32Array.from([Number.NaN, 0, 0]), content, 0);
    expect(Array.from(out)).toEqual([1, 0, 0]);
  });
});

describe('AlphaHybrid', () => {
  const { train } = checkerboard();
  const users = Int32Array.from({ length: 40 }, (_, u) => u);
  const ids = (lists: { ids: Int32Array }[]) => lists.map((l) => Array.from(l.ids));

  it('ranks exactly as ALS at α = 1 and as content at α = 0', async () => {
    const options = { movies };
    const als = await new Als({ factors: 64, seed: 42 }).fit(train, options);
    const content = await new ContentModel({ lsaDims: 8, seed: 42 }).fit(train, options);
    const one = await new AlphaHybrid({ tuneAlpha: false, alpha: 1, lsaDims: 8 }).fit(train, options);
    const zero = await new AlphaHybrid({ tuneAlpha: false, alpha: 0, lsaDims: 8 }).fit(train, options);
    expect(ids(one.recommend(users, { n: 8 }))).toEqual(ids(als.recommend(users, { n: 8 })));
    expect(ids(zero.recommend(users, { n: 8 }))).toEqual(ids(content.recommend(users, { n: 8 })));
    // And the two sides really differ here, so the test tells them apart.
    expect(ids(als.recommend(users, { n: 8 }))).not.toEqual(ids(content.recommend(users, { n: 8 })));
  });

  it('tunes α on the grid by validation nDCG@10 and keeps the best', async () => {
    const model = await new AlphaHybrid({ lsaDims: 8 }).fit(train, { movies });
    expect(model.alphaScores.length).toBe(11);
    const best = Math.max(...model.alphaScores);
    expect(model.alphaScores[Math.round(model.alpha * 10)]).toBe(best);
    const restored = new AlphaHybrid({ lsaDims: 8 });
    restored.restore(model.state(), train);
    expect(restored.alpha).toBe(model.alpha);
    // The restored blend is the same model, not only the same α.
    const everyone = Int32Array.from({ length: train.nUsers }, (_, u) => u);
    expect(restored.recommend(everyone, { n: 8 })).toEqual(model.recommend(everyone, { n: 8 }));
  });

  it('ranks a cold user by content alone, and a user with no ratings by popularity', async () => {
    // User 40 rated one sci-fi film; user 41 rated nothing. Items 10 and 11 are rated by most users.
    const extra = new Interactions(
      42,
      20,
      Int32Array.from([...train.users, 40]),
      Int32Array.from([...train.items, 3]),
      Float32Array.from([...train.ratings, 5]),
      Float64Array.from([...train.timestamps, 2_000_000]),
    );
    const model = await new AlphaHybrid({ tuneAlpha: false, alpha: 1, lsaDims: 8, coldStart: 3 }).fit(extra, {
      movies,
    });
    const content = await new ContentModel({ lsaDims: 8, seed: 42 }).fit(extra, { movies });
    expect(ids(model.recommend([40], { n: 10 }))).toEqual(ids(content.recommend([40], { n: 10 })));
    const counts = extra.itemCounts();
    const byPopularity = Array.from({ length: 20 }, (_, i) => i).sort(
      (a, b) => counts[b] - counts[a] || a - b,
    );
    expect(ids(model.recommend([41], { n: 20 }))).toEqual([byPopularity]);
    const newcomer = model.foldIn({ items: new Int32Array(0), ratings: new Float32Array(0) });
    expect(ids(model.recommend([newcomer], { n: 20 }))).toEqual([byPopularity]);
  });

  it("holds out each user's latest share of ratings", () => {
    // One user, five ratings at times 5, 1, 4, 2, 3 on items 0..4: the latest 40% are items 0 and 2.
    const data = new Interactions(
      1,
      5,
      new Int32Array(5),
      Int32Array.from([0, 1, 2, 3, 4]),
      new Float32Array(5).fill(4),
      Float64Array.from([5, 1, 4, 2, 3]),
    );
    const { fitPart, held } = latestPerUser(data, 0.4);
    expect([...(held.get(0) ?? [])].sort()).toEqual([0, 2]);
    expect(Array.from(fitPart.items).sort()).toEqual([1, 3, 4]);
  });
});
