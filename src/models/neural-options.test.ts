import { describe, expect, it } from 'vitest';
import type { Movie } from '../data/dataset.js';
import { Interactions } from '../data/interactions.js';
import { SMALL_NEURAL } from './neural.fixture.js';
import { NeuralModel } from './neural.js';

const small = { ...SMALL_NEURAL, movieDropout: 0.5 };

/**
 * Two kinds of film that differ only by `kind(i)` (a director, or overview words), never by genre
 * or year: users 0–14 rate kind A 5 and kind B 1, users 15–29 the reverse. Items 0–9 are A, 10–19
 * B; items 20 (A) and 21 (B) have no ratings.
 */
function world(describe: (i: number, a: boolean) => Partial<Movie>): {
  train: Interactions;
  movies: Movie[];
} {
  const users: number[] = [];
  const items: number[] = [];
  const ratings: number[] = [];
  for (let u = 0; u < 30; u++) {
    for (let i = 0; i < 20; i++) {
      if ((u + i) % 3 === 0) continue;
      users.push(u);
      items.push(i);
      ratings.push(i < 10 === u < 15 ? 5 : 1);
    }
  }
  const movies: Movie[] = Array.from({ length: 22 }, (_, i) => ({
    movieId: i,
    title: `m${i}`,
    year: 1990 + (i % 10),
    genres: ['Drama'],
    ...describe(i, i < 10 || i === 20),
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

// Directors: A films by "Ann Lee" or "Bo Chen", B films by "Cy Diaz" or "Di Eng"; casts are shared
// extras, so only the director tells the kinds apart.
const byDirector = (i: number, a: boolean): Partial<Movie> => ({
  director: a ? (i % 2 === 0 ? 'Ann Lee' : 'Bo Chen') : i % 2 === 0 ? 'Cy Diaz' : 'Di Eng',
  cast: ['Extra One', 'Extra Two', 'Extra Three'],
});
const byWords = (_: number, a: boolean): Partial<Movie> => ({
  overview: a ? 'a shark stalks the ocean beach' : 'a cowboy rides into the desert saloon',
});

function gap(model: NeuralModel, user: number, a: number, b: number): number {
  const x = model.predict(user, a);
  const y = model.predict(user, b);
  if (!x.ok || !y.ok) throw new Error('expected estimates');
  return x.value - y.value;
}

function contentGap(model: NeuralModel, user: number, a: Movie, b: Movie): number {
  const x = model.predictContent(user, a);
  const y = model.predictContent(user, b);
  if (!x.ok || !y.ok) throw new Error('expected estimates');
  return x.value - y.value;
}

describe('neural options: people and textDims', () => {
  it('people: an unrated film by a liked director scores higher, which it cannot without people', async () => {
    const { train, movies } = world(byDirector);
    const plain = await new NeuralModel(small).fit(train, { movies });
    const people = await new NeuralModel({ ...small, people: true }).fit(train, { movies });
    // Without people, films 20 and 21 differ only by a year (one apart): nearly the same predictions.
    expect(Math.abs(gap(plain, 0, 20, 21))).toBeLessThan(0.5);
    expect(gap(people, 0, 20, 21)).toBeGreaterThan(2);
    expect(gap(people, 20, 20, 21)).toBeLessThan(-2);
    // A film described after training, by a known director; one by a stranger sits between.
    const newA: Movie = { movieId: 'x', title: 'x', year: 2001, genres: ['Drama'], director: 'Ann Lee' };
    const newB: Movie = { ...newA, movieId: 'y', director: 'Di Eng' };
    expect(contentGap(people, 0, newA, newB)).toBeGreaterThan(2);
    expect(contentGap(plain, 0, newA, newB)).toBeCloseTo(0, 6);
    expect(() => people.predictContent(0, { ...newA, cast: [3] } as unknown as Movie)).toThrow(/cast/);
    expect(() => people.predictContent(0, { ...newA, overview: 7 } as unknown as Movie)).toThrow(/overview/);
  });

  it('textDims: an unrated film whose overview words the user likes scores higher', async () => {
    const { train, movies } = world(byWords);
    const plain = await new NeuralModel(small).fit(train, { movies });
    const text = await new NeuralModel({ ...small, textDims: 4 }).fit(train, { movies });
    expect(Math.abs(gap(plain, 0, 20, 21))).toBeLessThan(0.5);
    expect(gap(text, 0, 20, 21)).toBeGreaterThan(2);
    expect(gap(text, 20, 20, 21)).toBeLessThan(-2);
    // New text goes through the encoder fitted in training.
    const shark: Movie = {
      movieId: 'x',
      title: 'Jaws 9',
      year: 2001,
      genres: ['Drama'],
      overview: 'shark beach',
    };
    const cowboy: Movie = { ...shark, movieId: 'y', title: 'Rio 9', overview: 'cowboy saloon' };
    expect(contentGap(text, 0, shark, cowboy)).toBeGreaterThan(1);
    expect(contentGap(text, 20, shark, cowboy)).toBeLessThan(-1);
    const untitled = {
      movieId: 'z',
      genres: ['Drama'],
      year: null,
      overview: 'shark beach',
    } as unknown as Movie;
    expect(text.predictContent(0, untitled).ok).toBe(true);
  });

  it('round-trips both options through state/restore, predictContent included', async () => {
    const { train, movies } = world((i, a) => ({ ...byDirector(i, a), ...byWords(i, a) }));
    const model = await new NeuralModel({ ...small, epochs: 5, people: true, textDims: 4 }).fit(train, {
      movies,
    });
    const state = model.state();
    expect(state.meta.people).toEqual([
      'Ann Lee',
      'Bo Chen',
      'Cy Diaz',
      'Di Eng',
      'Extra One',
      'Extra Three',
      'Extra Two',
    ]);
    const restored = new NeuralModel(state.params);
    restored.restore(state, train);
    const probe: Movie = {
      movieId: 'p',
      title: 'p',
      year: null,
      genres: [],
      director: 'Bo Chen',
      overview: 'shark',
    };
    expect(restored.predictContent(3, probe)).toEqual(model.predictContent(3, probe));
    for (let i = 0; i < 22; i++) expect(restored.predict(3, i)).toEqual(model.predict(3, i));
    expect(restored.recommend(3, { n: 5 })).toEqual(model.recommend(3, { n: 5 }));
    const broken = { ...state, arrays: { ...state.arrays } };
    delete broken.arrays['text.lsa'];
    expect(() => new NeuralModel(state.params).restore(broken, train)).toThrow(/text.lsa/);
  });

  it('trains both options data-parallel on two threads', async () => {
    const { train, movies } = world((i, a) => ({ ...byDirector(i, a), ...byWords(i, a) }));
    const two = await new NeuralModel({ ...small, batchSize: 64, threads: 2, people: true, textDims: 4 }).fit(
      train,
      { movies },
    );
    // Half as many Adam steps as at batch 32; the plain model's gap is below 0.5 (first test).
    expect(gap(two, 0, 20, 21)).toBeGreaterThan(1);
    for (const values of Object.values(two.state().arrays)) expect(values.buffer).toBeInstanceOf(ArrayBuffer);
  });
});
