import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServiceError } from './errors.js';
import { smallDataset, startTestService, type TestService } from './service.fixture.js';
import { trainInBackground } from './startup.js';

let svc: TestService;

beforeAll(async () => {
  svc = await startTestService();
});

afterAll(async () => {
  await svc.dispose();
});

/** A user id the synthetic data does not use. */
let nextUser = 10_000;
const newUser = () => nextUser++;

async function rejection(promise: Promise<unknown>): Promise<ServiceError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ServiceError);
  return error as ServiceError;
}

describe('Engine start-up', () => {
  it('imports the dataset and trains, registers and promotes every role', async () => {
    const runs = await svc.registry.list();
    expect(runs.map((r) => [r.algorithm, r.status]).sort()).toEqual([
      ['als', 'promoted'],
      ['content', 'promoted'],
      ['itemknn', 'promoted'],
      ['popularity', 'promoted'],
      ['svd', 'promoted'],
    ]);
    expect(svc.engine.readiness()).toMatchObject({ ready: true, missing: [] });
    expect((await svc.store.counts()).ratings).toBe(smallDataset().ratings.size);
  });
});

describe('recommend', () => {
  it('serves a trained user from the ranking model, never a movie they rated', async () => {
    const rated = new Set((await svc.store.userRatings(1)).map((r) => r.movieId));
    const answer = await svc.engine.recommend(1, { n: 20 });
    expect(answer).toMatchObject({ model: 'als', source: 'collaborative/als', coldStart: false });
    expect(answer.items).toHaveLength(20);
    for (const item of answer.items) expect(rated.has(item.movieId)).toBe(false);
    expect(answer.items[0]).toMatchObject({
      movieId: expect.any(Number),
      title: expect.any(String),
      genres: expect.any(Array),
      ratingCount: expect.any(Number),
      score: expect.any(Number),
      source: 'collaborative/als',
    });
  });

  it('filters by genre and years in every source', async () => {
    const answer = await svc.engine.recommend(2, { n: 10, genre: 'drama', yearFrom: 1980, yearTo: 2000 });
    expect(answer.items.length).toBeGreaterThan(0);
    for (const item of answer.items) {
      expect(item.genres).toContain('Drama');
      expect(item.year).toBeGreaterThanOrEqual(1980);
      expect(item.year).toBeLessThanOrEqual(2000);
    }
  });

  it('gives a user with fewer than 5 ratings the popular list, filtered, then personalises at 5', async () => {
    const user = newUser();
    await svc.engine.rate(user, 1, 4.5);
    const cold = await svc.engine.recommend(user, { n: 5, genre: 'Comedy' });
    expect(cold).toMatchObject({ coldStart: true, source: 'popular', sources: ['popular'] });
    for (const item of cold.items) expect(item.genres).toContain('Comedy');
    expect(cold.items.map((m) => m.movieId)).not.toContain(1);
    for (const movieId of [2, 3, 4, 5]) await svc.engine.rate(user, movieId, 4);
    const warm = await svc.engine.recommend(user, { n: 5 });
    expect(warm).toMatchObject({ coldStart: false, source: 'collaborative/als' });
    expect(warm.items.map((m) => m.movieId)).not.toEqual(expect.arrayContaining([1, 2, 3, 4, 5]));
  });

  it('folds in a rating that arrived after training, without retraining', async () => {
    const before = await svc.engine.recommend(3, { n: 10 });
    const top = before.items[0].movieId;
    const { created } = await svc.engine.rate(3, top, 0.5);
    expect(created).toBe(true);
    const after = await svc.engine.recommend(3, { n: 10 });
    expect(after.items.map((m) => m.movieId)).not.toContain(top);
    expect(after.modelRunId).toBe(before.modelRunId);
    await svc.engine.deleteRating(3, top);
  });

  it('answers 404-style errors naming an unknown user, and refuses a model that is not promoted', async () => {
    const error = await rejection(svc.engine.recommend(987_654));
    expect(error).toMatchObject({ code: 'not_found', message: 'unknown user 987654' });
    const model = await rejection(svc.engine.recommend(1, { model: 'bpr' }));
    expect(model.code).toBe('bad_request');
    expect(model.message).toContain("'bpr' is not promoted");
  });

  it('forgets a deleted user', async () => {
    const user = newUser();
    await svc.engine.rate(user, 10, 3);
    await svc.engine.rate(user, 11, 3.5);
    expect(await svc.engine.deleteUser(user)).toBe(2);
    expect((await rejection(svc.engine.recommend(user))).code).toBe('not_found');
    expect((await rejection(svc.engine.deleteUser(user))).code).toBe('not_found');
  });
});

describe('newcomers, scores and neighbours', () => {
  it('recommends from a selection by fold-in and by proxy user, never the listed movies', async () => {
    const movieIds = [1, 2, 3, 4];
    const folded = await svc.engine.fromSelection({ movieIds, n: 8 });
    expect(folded).toMatchObject({ method: 'fold-in', source: 'fold-in/als', proxy: null });
    const proxied = await svc.engine.fromSelection({ movieIds, n: 8, method: 'proxy-user' });
    expect(proxied.source).toBe('proxy-user/als');
    expect(proxied.proxy).toMatchObject({ userId: expect.any(Number), matchCount: expect.any(Number) });
    for (const answer of [folded, proxied]) {
      expect(answer.items).toHaveLength(8);
      for (const id of movieIds) expect(answer.items.map((m) => m.movieId)).not.toContain(id);
    }
    const match = await svc.engine.matchUser(movieIds);
    expect(match).toEqual(proxied.proxy);
    expect((await rejection(svc.engine.fromSelection({ movieIds: [1, 99_999] }))).message).toBe(
      'unknown movie 99999',
    );
  });

  it('scores movies for a user with the ranking and the rating model', async () => {
    const answer = await svc.engine.score(1, [5, 6, 7]);
    expect(answer.models).toEqual({ ranking: 'als', rating: 'svd' });
    expect(answer.items.map((m) => m.movieId)).toEqual([5, 6, 7]);
    for (const item of answer.items) {
      expect(item.score).toEqual(expect.any(Number));
      expect(item.predictedRating).toBeGreaterThanOrEqual(0.5);
      expect(item.predictedRating).toBeLessThanOrEqual(5);
    }
  });

  it('predicts a rating and names the model', async () => {
    const answer = await svc.engine.predict(1, 5);
    expect(answer).toMatchObject({ userId: 1, model: 'svd', movie: { movieId: 5 } });
    expect(answer.predictedRating).toBeGreaterThanOrEqual(0.5);
    expect((await rejection(svc.engine.predict(1, 123_456))).message).toBe('unknown movie 123456');
  });

  it('lists similar movies from the item-item model', async () => {
    const answer = await svc.engine.similar(5, 5);
    expect(answer).toMatchObject({ movieId: 5, by: 'ratings', model: 'itemknn' });
    expect(answer.items.length).toBeGreaterThan(0);
    expect(answer.items.map((m) => m.movieId)).not.toContain(5);
  });

  it('looks movies up and searches them through the store', async () => {
    expect(await svc.engine.movie(5)).toMatchObject({ movieId: 5, title: 'Synthetic Movie 5' });
    const found = await svc.engine.searchMovies({ query: 'movie 12', page: 1, pageSize: 5 });
    expect(found.total).toBeGreaterThan(0);
    expect(found.movies[0].title).toContain('Movie 12');
  });
});

// Last: it promotes more models into the shared service.
describe('Background training', () => {
  it('trains and promotes background models in order, logging a failure and going on', async () => {
    const errors: string[] = [];
    const log = {
      info: () => {},
      warn: () => {},
      error: (_: unknown, message: string) => errors.push(message),
    };
    expect(svc.engine.snapshot.model('baseline')).toBeUndefined();
    await trainInBackground(svc, ['nonexistent', 'svd', 'baseline'], { log });
    expect(errors).toEqual([
      expect.stringMatching(/background training failed: unknown model 'nonexistent'/),
    ]);
    expect(svc.engine.snapshot.model('baseline')?.run.status).toBe('promoted');
    // svd was served already: not trained again.
    expect((await svc.registry.list()).filter((r) => r.algorithm === 'svd')).toHaveLength(1);
    const aborted = new AbortController();
    aborted.abort();
    await trainInBackground(svc, ['bpr'], { log, signal: aborted.signal });
    expect(svc.engine.snapshot.model('bpr')).toBeUndefined();
  });
});
