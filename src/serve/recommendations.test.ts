import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NeuralModel } from '../models/neural.js';
import { SMALL_PARAMS } from '../service/service.fixture.js';
import { expectError, post, startTestApp, type TestApp } from './app.fixture.js';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});

afterAll(async () => {
  await t.close();
});

describe('GET /recommendations/{userId}', () => {
  it('answers top-N movie objects, naming the model and each source, never a rated movie', async () => {
    const res = await t.app.inject('/recommendations/1?n=15');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ userId: 1, model: 'als', source: 'collaborative/als', coldStart: false });
    expect(body.items).toHaveLength(15);
    expect(Object.keys(body.items[0]).sort()).toEqual(
      [
        'genres',
        'imdbId',
        'movieId',
        'ratingCount',
        'ratingMean',
        'score',
        'source',
        'title',
        'tmdbId',
        'year',
      ].sort(),
    );
    const rated = new Set((await t.svc.store.userRatings(1)).map((r) => r.movieId));
    for (const item of body.items) expect(rated.has(item.movieId)).toBe(false);
  });

  it('filters by genre and years, and serves another promoted model by name', async () => {
    const res = await t.app.inject(
      '/recommendations/2?n=5&genre=western&yearFrom=1950&yearTo=1990&model=svd',
    );
    const body = res.json();
    expect(body.model).toBe('svd');
    expect(body.items.length).toBeGreaterThan(0);
    for (const item of body.items) {
      expect(item.genres).toContain('Western');
      expect(item.year).toBeGreaterThanOrEqual(1950);
      expect(item.year).toBeLessThanOrEqual(1990);
    }
  });

  it('refuses bad input with 400 naming the field', async () => {
    expectError(await t.app.inject('/recommendations/1?n=0'), 400, "querystring: 'n' must be >= 1");
    expectError(await t.app.inject('/recommendations/1?n=101'), 400, "querystring: 'n' must be <= 100");
    expectError(await t.app.inject('/recommendations/1?n=ten'), 400, "querystring: 'n' must be integer");
    expectError(
      await t.app.inject('/recommendations/1?colour=red'),
      400,
      "querystring: unknown field 'colour'",
    );
    expectError(await t.app.inject('/recommendations/x1'), 400, "params: 'userId' must be integer");
    // Numbers in a URL are decimal: JavaScript's other spellings of 16, 1000 and 1 are refused.
    for (const id of ['0x10', '1e3', '+1', '%201', '1.0', '0b1'])
      expectError(await t.app.inject(`/recommendations/${id}`), 400, "params: 'userId' must be integer");
    expectError(await t.app.inject('/recommendations/1?n=0x10'), 400, "querystring: 'n' must be integer");
    expectError(await t.app.inject('/movies/1e3'), 400, "params: 'movieId' must be integer");
    expectError(await t.app.inject('/recommendations/0'), 400, "params: 'userId' must be >= 1");
    expectError(
      await t.app.inject('/recommendations/1?yearFrom=2000&yearTo=1990'),
      400,
      'yearFrom 2000 is after yearTo 1990',
    );
    const model = expectError(
      await t.app.inject('/recommendations/1?model=bpr'),
      400,
      /^model 'bpr' is not promoted/,
    );
    expect(model.details).toMatchObject({ field: 'model', value: 'bpr' });
  });

  it('answers 404 naming an unknown user', async () => {
    const body = expectError(await t.app.inject('/recommendations/424242'), 404, 'unknown user 424242');
    expect(body).toMatchObject({ error: 'not_found', details: { userId: 424242 } });
  });

  it('serves every request while a promotion swaps the model', async () => {
    const candidate = await t.svc.registry.train('als', { params: SMALL_PARAMS.als, skipMetrics: true });
    const requests = Array.from({ length: 60 }, (_, k) =>
      t.app.inject(`/recommendations/${1 + (k % 20)}?n=10`),
    );
    for (let round = 0; round < 3; round++) {
      await t.svc.engine.promote(candidate.id);
      await t.svc.engine.rollback('als');
    }
    const answers = await Promise.all(requests);
    for (const res of answers) {
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().items).toHaveLength(10);
    }
  });
});

describe('POST /recommendations/from-selection and /users/match', () => {
  it('recommends for a list by fold-in or proxy user, never the listed movies', async () => {
    const folded = (
      await t.app.inject(post('/recommendations/from-selection', { movieIds: [1, 2, 3], n: 6 }))
    ).json();
    expect(folded).toMatchObject({ method: 'fold-in', source: 'fold-in/als', proxy: null });
    const proxy = await t.app.inject(
      post('/recommendations/from-selection', { movieIds: [1, 2, 3], n: 6, method: 'proxy-user' }),
    );
    expect(proxy.statusCode).toBe(200);
    expect(proxy.json().proxy).toMatchObject({ userId: expect.any(Number), matchCount: expect.any(Number) });
    for (const answer of [folded, proxy.json()]) {
      expect(answer.items).toHaveLength(6);
      expect(answer.items.map((m: { movieId: number }) => m.movieId)).not.toEqual(
        expect.arrayContaining([1]),
      );
    }
    const match = (await t.app.inject(post('/users/match', { movieIds: [1, 2, 3] }))).json();
    expect(match.match).toEqual(proxy.json().proxy);
  });

  it('never lets an erased user stand in, though the model still remembers them', async () => {
    const body = { movieIds: [1, 2, 3] };
    const before = (await t.app.inject(post('/users/match', body))).json().match;
    const saved = await t.svc.store.userRatings(before.userId);
    try {
      expect((await t.app.inject({ method: 'DELETE', url: `/users/${before.userId}` })).statusCode).toBe(200);
      const after = (await t.app.inject(post('/users/match', body))).json().match;
      expect(after.userId).not.toBe(before.userId);
      expect(after.matchCount).toBeLessThanOrEqual(before.matchCount);
      const proxied = (
        await t.app.inject(post('/recommendations/from-selection', { ...body, method: 'proxy-user' }))
      ).json();
      expect(proxied.proxy).toEqual(after);
    } finally {
      // Put the user back for the tests after this one, through the API so every cache hears of it.
      for (const { userId, movieId, rating } of saved)
        await t.app.inject(post('/ratings', { userId, movieId, rating }));
    }
  });

  it('refuses 0 or 21 movie ids, unknown fields, unknown methods and unknown movies', async () => {
    const url = '/recommendations/from-selection';
    const zero = expectError(
      await t.app.inject(post(url, { movieIds: [] })),
      400,
      "body: 'movieIds' must NOT have fewer than 1 items",
    );
    expect(zero.details).toMatchObject({ location: 'body', field: 'movieIds' });
    const ids = Array.from({ length: 21 }, (_, k) => k + 1);
    expectError(
      await t.app.inject(post(url, { movieIds: ids })),
      400,
      "body: 'movieIds' must NOT have more than 20 items",
    );
    expectError(
      await t.app.inject(post(url, { movieIds: [1], colour: 1 })),
      400,
      "body: unknown field 'colour'",
    );
    expectError(await t.app.inject(post(url, { movieIds: [1], method: 'magic' })), 400, /^body: 'method' /);
    expectError(
      await t.app.inject(post(url, { movieIds: ['1'] })),
      400,
      "body: 'movieIds.0' must be integer",
    );
    expectError(await t.app.inject(post(url, { movieIds: [1, 77_777] })), 404, 'unknown movie 77777');
    expectError(await t.app.inject(post('/users/match', {})), 400, "body: 'movieIds' is required");
  });
});

describe('POST /recommendations/score and /predictions', () => {
  it('scores movies for a user in the order given', async () => {
    const res = await t.app.inject(post('/recommendations/score', { userId: 1, movieIds: [7, 3, 9] }));
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.models).toEqual({ ranking: 'als', rating: 'svd' });
    expect(body.items.map((m: { movieId: number }) => m.movieId)).toEqual([7, 3, 9]);
    for (const item of body.items) {
      expect(item.score).toEqual(expect.any(Number));
      expect(item.predictedRating).toBeGreaterThanOrEqual(0.5);
    }
    expectError(
      await t.app.inject(post('/recommendations/score', { userId: 999_999, movieIds: [1] })),
      404,
      'unknown user 999999',
    );
    expectError(
      await t.app.inject(post('/recommendations/score', { userId: 1, movieIds: [1, 88_888] })),
      404,
      'unknown movie 88888',
    );
  });

  it('predicts a rating naming the model, for a catalog movie or one known by its content', async () => {
    const res = await t.app.inject(post('/predictions', { userId: 1, movieId: 4 }));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ userId: 1, movieId: 4, model: 'svd', movie: { movieId: 4 } });
    // The synthetic catalog has titles and genres only: none of these words is known to the content
    // model, so no rated film is near and the prediction is the user's mean rating.
    const content = await t.app.inject(
      post('/predictions', { userId: 1, movie: { title: 'Alien', overview: 'In space…' } }),
    );
    expect(content.statusCode, content.body).toBe(200);
    const ratings = await t.svc.store.userRatings(1);
    const mean = ratings.reduce((sum, r) => sum + r.rating, 0) / ratings.length;
    const contentRun = (await t.svc.registry.promoted()).find((run) => run.algorithm === 'content');
    expect(content.json()).toEqual({
      userId: 1,
      predictedRating: Math.round(mean * 1e4) / 1e4,
      model: 'content',
      modelRunId: contentRun?.id,
      nearest: [],
    });
    expectError(await t.app.inject(post('/predictions', { userId: 1 })), 400, "'movieId' is required");
    expectError(
      await t.app.inject(post('/predictions', { userId: 1, movieId: 4, movie: {} })),
      400,
      /either 'movieId' or 'movie'/,
    );
    expectError(
      await t.app.inject(post('/predictions', { userId: 1, movieId: 55_555 })),
      404,
      'unknown movie 55555',
    );
  });
});

// Last: it promotes a neural model into the shared app.
describe('POST /predictions with a movie, once a neural model is served', () => {
  it("answers by the neural model's content path, reading genres, year and TMDB figures", async () => {
    const run = await t.svc.engine.train('neural', {
      params: { userDim: 8, itemDim: 8, epochs: 3, threads: 1 },
      promote: true,
    });
    const movie = { title: 'New film', genres: ['Action'], year: 2001, voteAverage: 7.5, runtime: 110 };
    const res = await t.app.inject(post('/predictions', { userId: 1, movie }));
    expect(res.statusCode, res.body).toBe(200);
    const served = t.svc.engine.snapshot.model('neural');
    const neural = served?.model as NeuralModel;
    const user = served?.users.index(1) as number;
    const expected = neural.predictContent(user, { movieId: 0, ...movie });
    expect(expected.ok).toBe(true);
    expect(res.json()).toMatchObject({ userId: 1, model: 'neural', modelRunId: run.id });
    expect(res.json().predictedRating).toBeCloseTo(expected.ok ? expected.value : Number.NaN, 3);
    // The synthetic catalog has no TMDB figures, so the net never learned their scale: they are
    // read as missing and change nothing. Genres it knows do change the answer.
    const panned = await t.app.inject(
      post('/predictions', { userId: 1, movie: { ...movie, voteAverage: 2, voteCount: 5000 } }),
    );
    expect(panned.json().predictedRating).toBe(res.json().predictedRating);
    const drama = await t.app.inject(
      post('/predictions', { userId: 1, movie: { ...movie, genres: ['Drama'] } }),
    );
    expect(drama.json().predictedRating).not.toBe(res.json().predictedRating);
    expectError(
      await t.app.inject(post('/predictions', { userId: 1, movie: { ...movie, voteAverage: 11 } })),
      400,
      /voteAverage/,
    );
  });
});
