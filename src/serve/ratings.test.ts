import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, post, startTestApp, type TestApp } from './app.fixture.js';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});

afterAll(async () => {
  await t.close();
});

const NEW_USER = 50_001;

describe('POST /ratings', () => {
  it('stores a new user’s rating (201), a re-rating (200), and the next answer reflects it', async () => {
    const first = await t.app.inject(post('/ratings', { userId: NEW_USER, movieId: 12, rating: 4.5 }));
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ userId: NEW_USER, movieId: 12, rating: 4.5, created: true });
    expect(await t.svc.store.userRatings(NEW_USER)).toMatchObject([
      { movieId: 12, rating: 4.5, source: 'api' },
    ]);
    const again = await t.app.inject(post('/ratings', { userId: NEW_USER, movieId: 12, rating: 3 }));
    expect(again.statusCode).toBe(200);
    expect(again.json().created).toBe(false);

    const cold = (await t.app.inject(`/recommendations/${NEW_USER}?n=10`)).json();
    expect(cold).toMatchObject({ coldStart: true, source: 'popular' });
    const popular = cold.items.map((m: { movieId: number }) => m.movieId);
    // Rate the cold-start list's first movie: the next answer must not return it.
    await t.app.inject(post('/ratings', { userId: NEW_USER, movieId: popular[0], rating: 5 }));
    const next = (await t.app.inject(`/recommendations/${NEW_USER}?n=10`)).json();
    expect(next.items.map((m: { movieId: number }) => m.movieId)).not.toContain(popular[0]);
    expect(next.items.map((m: { movieId: number }) => m.movieId)).not.toContain(12);
  });

  it('refuses bad ratings with 400 naming the field, and writes nothing', async () => {
    const before = await t.svc.store.counts();
    const cases: [unknown, string | RegExp][] = [
      [{ userId: 7, movieId: 1, rating: 4.3 }, "body: 'rating' must be a multiple of 0.5"],
      [{ userId: 7, movieId: 1, rating: 0 }, "body: 'rating' must be >= 0.5"],
      [{ userId: 7, movieId: 1, rating: 5.5 }, "body: 'rating' must be <= 5"],
      [{ userId: 7, movieId: 1, rating: '4' }, "body: 'rating' must be number"],
      [{ userId: '7', movieId: 1, rating: 4 }, "body: 'userId' must be integer"],
      [{ userId: 7, movieId: 1.5, rating: 4 }, "body: 'movieId' must be integer"],
      [{ userId: 7, movieId: 1 }, "body: 'rating' is required"],
      [{ userId: 7, movieId: 1, rating: 4, note: 'great' }, "body: unknown field 'note'"],
      [[{ userId: 7, movieId: 1, rating: 4 }], /^body: .*must be object/],
    ];
    for (const [payload, message] of cases) {
      const error = expectError(await t.app.inject(post('/ratings', payload)), 400, message);
      expect(error.error).toBe('bad_request');
    }
    const malformed = await t.app.inject({
      method: 'POST',
      url: '/ratings',
      headers: { 'content-type': 'application/json' },
      payload: '{"userId": 7, "movieId": 1, "rating": ',
    });
    expectError(malformed, 400, /not valid JSON/);
    const huge = { userId: 7, movieId: 1, rating: 4, padding: 'x'.repeat(100_000) };
    const oversized = expectError(await t.app.inject(post('/ratings', huge)), 400, /^body: .*too large/i);
    expect(oversized.error).toBe('payload_too_large');
    expect(oversized.details).toMatchObject({ field: 'body' });
    expect(await t.svc.store.counts()).toEqual(before);
    expect(await t.svc.store.userRatings(7)).not.toContainEqual(
      expect.objectContaining({ movieId: 1, rating: 4.3 }),
    );
  });

  it('answers 404 naming an unknown movie, and writes nothing', async () => {
    const before = await t.svc.store.counts();
    expectError(
      await t.app.inject(post('/ratings', { userId: 7, movieId: 31_337, rating: 4 })),
      404,
      'unknown movie 31337',
    );
    expect(await t.svc.store.counts()).toEqual(before);
  });
});

describe('ratings and users', () => {
  it('lists a user’s ratings, deletes one, then the user', async () => {
    const user = NEW_USER + 1;
    for (const movieId of [3, 4, 5])
      await t.app.inject(post('/ratings', { userId: user, movieId, rating: 4 }));
    const list = (await t.app.inject(`/users/${user}/ratings`)).json();
    expect(list.userId).toBe(user);
    expect(list.ratings.map((r: { movie: { movieId: number } }) => r.movie.movieId).sort()).toEqual([
      3, 4, 5,
    ]);
    expect(list.ratings[0]).toMatchObject({
      rating: 4,
      timestamp: expect.any(Number),
      movie: { title: expect.any(String) },
    });

    // A route without query parameters refuses any, and does nothing.
    expectError(
      await t.app.inject({ method: 'DELETE', url: `/ratings/${user}/4?dryRun=1` }),
      400,
      "querystring: unknown field 'dryRun'",
    );
    expect((await t.svc.store.userRatings(user)).some((r) => r.movieId === 4)).toBe(true);
    expect((await t.app.inject({ method: 'DELETE', url: `/ratings/${user}/4` })).statusCode).toBe(204);
    expectError(
      await t.app.inject({ method: 'DELETE', url: `/ratings/${user}/4` }),
      404,
      `user ${user} has no rating of movie 4`,
    );
    expect((await t.app.inject(`/users/${user}/ratings`)).json().ratings).toHaveLength(2);

    const deleted = await t.app.inject({ method: 'DELETE', url: `/users/${user}` });
    expect(deleted.json()).toEqual({ userId: user, deletedRatings: 2 });
    expectError(await t.app.inject(`/users/${user}/ratings`), 404, `unknown user ${user}`);
    expectError(await t.app.inject(`/recommendations/${user}`), 404, `unknown user ${user}`);
    expectError(await t.app.inject({ method: 'DELETE', url: `/users/${user}` }), 404, `unknown user ${user}`);
  });
});
