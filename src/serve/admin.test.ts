import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBatch } from '../service/batch.js';
import { SMALL_PARAMS } from '../service/service.fixture.js';
import { expectError, post, startTestApp, type TestApp } from './app.fixture.js';

let t: TestApp;
const KEY = 'test-key-1';
const auth = { 'x-api-key': KEY };

beforeAll(async () => {
  t = await startTestApp({ apiKeys: [KEY, 'other'], corsOrigins: ['https://app.example'] });
});

afterAll(async () => {
  await t.close();
});

describe('API keys', () => {
  it('guard writes, admin and per-user reads; catalog reads stay public', async () => {
    expectError(await t.app.inject('/recommendations/1'), 401, 'this route needs an X-API-Key header');
    expectError(
      await t.app.inject({ url: '/recommendations/1', headers: { 'x-api-key': 'wrong' } }),
      401,
      'the X-API-Key header holds no valid key',
    );
    expect((await t.app.inject({ url: '/recommendations/1?n=2', headers: auth })).statusCode).toBe(200);
    const before = await t.svc.store.counts();
    expectError(await t.app.inject(post('/ratings', { userId: 5, movieId: 1, rating: 4 })), 401, /X-API-Key/);
    expect(await t.svc.store.counts()).toEqual(before);
    expectError(await t.app.inject({ method: 'DELETE', url: '/users/1' }), 401, /X-API-Key/);
    expectError(await t.app.inject('/models'), 401, /X-API-Key/);
    expect((await t.app.inject('/movies/1')).statusCode).toBe(200);
    expect((await t.app.inject(post('/users/match', { movieIds: [1, 2] }))).statusCode).toBe(200);
    expect((await t.app.inject('/health/ready')).statusCode).toBe(200);
  });
});

describe('admin: movies and the model registry', () => {
  it('adds a movie (409 when it exists) and patches it; unknown fields are refused', async () => {
    const body = { movieId: 5000, title: 'Brand New', year: 2030, genres: ['Horror'], imdbId: '1234567' };
    const created = await t.app.inject({ ...post('/movies', body), headers: auth });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ movieId: 5000, title: 'Brand New', ratingCount: 0, tmdbId: null });
    expectError(await t.app.inject({ ...post('/movies', body), headers: auth }), 409, /^movie 5000 exists/);
    const patched = await t.app.inject({
      method: 'PATCH',
      url: '/movies/5000',
      headers: auth,
      payload: { title: 'Brand New (Director’s Cut)' },
    });
    expect(patched.json()).toMatchObject({ movieId: 5000, title: 'Brand New (Director’s Cut)', year: 2030 });
    expect((await t.app.inject('/movies?query=director')).json().total).toBe(1);
    expectError(
      await t.app.inject({ method: 'PATCH', url: '/movies/5000', headers: auth, payload: { movieId: 3 } }),
      400,
      "body: unknown field 'movieId'",
    );
    expectError(
      await t.app.inject({ method: 'PATCH', url: '/movies/5001', headers: auth, payload: { title: 'x' } }),
      404,
      'unknown movie 5001',
    );
    // A title nobody could type or see is refused, on create and on edit, and changes nothing.
    for (const title of ['   ', '\u0000\u0001', 'Tab\tTitle']) {
      const message = 'title needs a letter or digit and no control characters';
      expectError(
        await t.app.inject({ ...post('/movies', { movieId: 5002, title }), headers: auth }),
        400,
        message,
      );
      expectError(
        await t.app.inject({ method: 'PATCH', url: '/movies/5000', headers: auth, payload: { title } }),
        400,
        message,
      );
    }
    const { catalog } = t.svc.engine.snapshot;
    expect(catalog.has(5002)).toBe(false);
    expect(catalog.get(5000)?.title).toBe('Brand New (Director’s Cut)');
    // Users can rate it at once; models learn it at their next training.
    const rated = await t.app.inject({
      ...post('/ratings', { userId: 1, movieId: 5000, rating: 4 }),
      headers: auth,
    });
    expect(rated.statusCode).toBe(201);
    expect((await t.app.inject({ url: '/recommendations/1?n=5', headers: auth })).statusCode).toBe(200);
  });

  it('lists runs, promotes one and rolls back over HTTP; refuses a bad run', async () => {
    const run = await t.svc.registry.train('svd', { params: SMALL_PARAMS.svd, skipMetrics: true });
    const list = (await t.app.inject({ url: '/models', headers: auth })).json();
    expect(list.runs[0]).toMatchObject({ id: run.id, algorithm: 'svd', status: 'trained' });
    const promoted = await t.app.inject({ method: 'POST', url: `/models/${run.id}/promote`, headers: auth });
    expect(promoted.json()).toMatchObject({ id: run.id, status: 'promoted' });
    expect(t.svc.engine.snapshot.model('svd')?.run.id).toBe(run.id);
    const back = await t.app.inject({ method: 'POST', url: '/models/svd/rollback', headers: auth });
    expect(back.json().id).not.toBe(run.id);
    expectError(
      await t.app.inject({ method: 'POST', url: '/models/999/promote', headers: auth }),
      404,
      'unknown model run 999',
    );
    expectError(
      await t.app.inject({ method: 'POST', url: '/models/nope/rollback', headers: auth }),
      400,
      /^unknown model 'nope'/,
    );
  });
});

describe('batch, metrics and CORS', () => {
  it('writes every user’s top-N and serves it', async () => {
    expectError(
      await t.app.inject({ url: '/recommendations/2/batch', headers: auth }),
      404,
      /^no batch recommendations for user 2/,
    );
    const { users } = await runBatch(t.svc.engine, { n: 5 });
    expect(users).toBe(200);
    const res = await t.app.inject({ url: '/recommendations/2/batch', headers: auth });
    expect(res.statusCode).toBe(200);
    const live = (await t.app.inject({ url: '/recommendations/2?n=5', headers: auth })).json();
    expect(res.json().items.map((m: { movieId: number }) => m.movieId)).toEqual(
      live.items.map((m: { movieId: number }) => m.movieId),
    );
  });

  it('counts requests by route and status, and exposes the promoted versions', async () => {
    await t.app.inject('/movies/1');
    await t.app.inject('/movies/999999');
    const text = (await t.app.inject('/metrics')).body;
    expect(text).toMatch(
      /cinerec_http_requests_total\{method="GET",route="\/movies\/:movieId",status="200"\} \d+/,
    );
    expect(text).toMatch(
      /cinerec_http_requests_total\{method="GET",route="\/movies\/:movieId",status="404"\} 1/,
    );
    expect(text).toMatch(
      /cinerec_http_request_duration_seconds_bucket\{le="0.1",method="GET",route="\/movies\/:movieId"\}/,
    );
    expect(text).toContain(
      `cinerec_model_run_id{algorithm="als"} ${t.svc.engine.snapshot.model('als')?.run.id}`,
    );
  });

  it('answers CORS preflights for the configured origins only', async () => {
    const ok = await t.app.inject({
      method: 'OPTIONS',
      url: '/movies',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'GET' },
    });
    expect(ok.headers['access-control-allow-origin']).toBe('https://app.example');
    const other = await t.app.inject({ url: '/movies/1', headers: { origin: 'https://evil.example' } });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('rate limits', () => {
  it('limit reads and writes per IP per minute apart, 429 in the error shape', async () => {
    const limited = await startTestApp({ rateLimitReads: 3, rateLimitWrites: 1 });
    try {
      for (let k = 0; k < 3; k++) expect((await limited.app.inject('/movies/1')).statusCode).toBe(200);
      const error = expectError(
        await limited.app.inject('/movies/1'),
        429,
        /^rate limit of 3 reads per minute exceeded/,
      );
      expect(error.error).toBe('rate_limited');
      expect(
        (await limited.app.inject(post('/ratings', { userId: 9, movieId: 1, rating: 3 }))).statusCode,
      ).toBe(201);
      expectError(
        await limited.app.inject(post('/ratings', { userId: 9, movieId: 2, rating: 3 })),
        429,
        /1 writes per minute/,
      );
      expect((await limited.app.inject('/health/ready')).statusCode).toBe(200);
    } finally {
      await limited.close();
    }
  });
});
