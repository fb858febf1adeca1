import { describe, expect, it } from 'vitest';
import { checkerboard, describeRecommender } from '../../test/contract.js';
import type { Movie } from '../data/dataset.js';
import { Interactions } from '../data/interactions.js';
import { SMALL_NEURAL } from './neural.fixture.js';
import { NeuralModel } from './neural.js';

/** Small and fast for the 520-rating checkerboard. */
const small = { ...SMALL_NEURAL };

describeRecommender('neural', () => new NeuralModel(small), { rating: true, personalised: true });

/**
 * Two genres, two kinds of user: "drama people" rate Drama 5 and Comedy 1, "comedy people" the
 * reverse. Items 0–9 are Drama, 10–19 Comedy (years 1990–1999 in each); items 20 (Drama) and 21 (Comedy) have no ratings.
 */
function genreWorld(): { train: Interactions; movies: Movie[] } {
  const users: number[] = [];
  const items: number[] = [];
  const ratings: number[] = [];
  for (let u = 0; u < 30; u++) {
    const likesDrama = u < 15;
    for (let i = 0; i < 20; i++) {
      if ((u + i) % 3 === 0) continue;
      users.push(u);
      items.push(i);
      ratings.push(i < 10 === likesDrama ? 5 : 1);
    }
  }
  const movies: Movie[] = Array.from({ length: 22 }, (_, i) => ({
    movieId: i,
    title: `m${i}`,
    year: 1990 + (i % 10), // the same years in both genres: year must not stand in for genre
    genres: [i < 10 || i === 20 ? 'Drama' : 'Comedy'],
  }));
  const n = users.length;
  const train = new Interactions(
    30,
    22,
    Int32Array.from(users),
    Int32Array.from(items),
    Float32Array.from(ratings),
    new Float64Array(n),
  );
  return { train, movies };
}

describe('NeuralModel', () => {
  it('predicts an unseen movie from its content: the liked genre scores higher', async () => {
    const { train, movies } = genreWorld();
    const model = await new NeuralModel({ ...small, movieDropout: 0.3 }).fit(train, { movies });
    const drama: Movie = { movieId: 'new-1', title: 'New drama', year: 2001, genres: ['Drama'] };
    const comedy: Movie = { movieId: 'new-2', title: 'New comedy', year: 2001, genres: ['Comedy'] };
    for (const [user, likesDrama] of [
      [0, true],
      [20, false],
    ] as const) {
      const d = model.predictContent(user, drama);
      const c = model.predictContent(user, comedy);
      if (!d.ok || !c.ok) throw new Error('expected estimates');
      expect(likesDrama ? d.value - c.value : c.value - d.value).toBeGreaterThan(2);
    }
    // Catalog items nobody rated go through the content path too.
    const rated20 = model.predict(0, 20);
    const rated21 = model.predict(0, 21);
    if (!rated20.ok || !rated21.ok) throw new Error('expected estimates');
    expect(rated20.value).toBeGreaterThan(rated21.value + 2);
  });

  it('predicts content for folded-in users, refuses unknown ones and a malformed movie', async () => {
    const { train, movies } = genreWorld();
    const model = await new NeuralModel({ ...small, movieDropout: 0.3 }).fit(train, { movies });
    const folded = model.foldIn({
      items: Int32Array.from([10, 11, 12]),
      ratings: Float32Array.from([5, 5, 5]),
    });
    const comedy = model.predictContent(folded, { movieId: 'x', title: 'x', year: null, genres: ['Comedy'] });
    const drama = model.predictContent(folded, { movieId: 'y', title: 'y', year: null, genres: ['Drama'] });
    if (!comedy.ok || !drama.ok) throw new Error('expected estimates');
    expect(comedy.value).toBeGreaterThan(drama.value);
    expect(model.predictContent(99, movies[0]).ok).toBe(false);
    expect(model.predictContent({ ...folded, model: 'svd' }, movies[0]).ok).toBe(false);
    expect(() => model.predictContent(0, {} as Movie)).toThrow(/genres/);
  });

  it('fits without any movie metadata (all content "missing") and is deterministic for a seed', async () => {
    const { train } = checkerboard();
    const a = await new NeuralModel(small).fit(train);
    const b = await new NeuralModel(small).fit(train);
    for (let i = 0; i < 20; i++) expect(a.predict(3, i)).toEqual(b.predict(3, i));
    const liked = { items: Int32Array.from([1, 2]), ratings: Float32Array.from([5, 4]) };
    expect(a.foldIn(liked)).toEqual(b.foldIn(liked));
  });

  it('early-stops on its validation slice and keeps the best epoch', async () => {
    const { train, movies } = genreWorld();
    const model = await new NeuralModel({ ...small, epochs: 60, validationFraction: 0.2, patience: 2 }).fit(
      train,
      {
        movies,
      },
    );
    const info = model.lastFit;
    expect(info).toBeDefined();
    if (info === undefined) return;
    expect(info.bestEpoch).toBeGreaterThan(0);
    expect(info.epochSeconds.length).toBeLessThanOrEqual(info.bestEpoch + 2);
    expect(Number.isFinite(info.validationRmse)).toBe(true);
  });

  it('trains data-parallel on two threads to the same quality, parameters back on ordinary memory', async () => {
    const { train, movies } = genreWorld();
    const one = await new NeuralModel({ ...small, batchSize: 64 }).fit(train, { movies });
    const two = await new NeuralModel({ ...small, batchSize: 64, threads: 2 }).fit(train, { movies });
    let sse1 = 0;
    let sse2 = 0;
    for (let k = 0; k < train.size; k++) {
      const a = one.predict(train.users[k], train.items[k]);
      const b = two.predict(train.users[k], train.items[k]);
      if (!a.ok || !b.ok) throw new Error('expected estimates');
      sse1 += (a.value - train.ratings[k]) ** 2;
      sse2 += (b.value - train.ratings[k]) ** 2;
    }
    // Ratings are 1 or 5: both fits must separate them (RMSE far below the 2.0 of the mean).
    expect(Math.sqrt(sse2 / train.size)).toBeLessThan(0.5);
    expect(Math.sqrt(sse2 / train.size)).toBeLessThan(Math.sqrt(sse1 / train.size) + 0.2);
    for (const values of Object.values(two.state().arrays)) expect(values.buffer).toBeInstanceOf(ArrayBuffer);
  });

  it('refuses to restore state made for another matrix', async () => {
    const { train } = checkerboard();
    const model = await new NeuralModel(small).fit(train);
    const { train: other } = genreWorld();
    expect(() => new NeuralModel(small).restore(model.state(), other)).toThrow(/neural.restore/);
  });
});
