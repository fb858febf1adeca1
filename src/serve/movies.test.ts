import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, startTestApp, type TestApp } from './app.fixture.js';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});

afterAll(async () => {
  await t.close();
});

describe('movies', () => {
  it('searches by title, genre and year, a page at a time', async () => {
    const res = await t.app.inject('/movies?query=MOVIE 2&pageSize=5&page=2');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ page: 2, pageSize: 5, total: expect.any(Number) });
    expect(body.movies).toHaveLength(5);
    for (const movie of body.movies) expect(movie.title).toContain('Movie 2');
    const drama = (await t.app.inject('/movies?genre=drama')).json();
    for (const movie of drama.movies) expect(movie.genres).toContain('Drama');
    const year = drama.movies[0].year;
    const byYear = (await t.app.inject(`/movies?year=${year}`)).json();
    for (const movie of byYear.movies) expect(movie.year).toBe(year);
    expectError(await t.app.inject('/movies?page=0'), 400, "querystring: 'page' must be >= 1");
    expectError(await t.app.inject('/movies?title=x'), 400, "querystring: unknown field 'title'");
    for (const query of ['%00', 'movie%002', 'a%07b'])
      expectError(
        await t.app.inject(`/movies?query=${query}`),
        400,
        'query must not contain control characters',
      );
  });

  it('gets one movie with its rating count and mean, 404 naming an unknown one', async () => {
    const movie = (await t.app.inject('/movies/8')).json();
    expect(movie).toMatchObject({ movieId: 8, title: 'Synthetic Movie 8', tmdbId: null, imdbId: null });
    expect(movie.ratingCount).toBeGreaterThan(0);
    expectError(await t.app.inject('/movies/60000'), 404, 'unknown movie 60000');
  });

  it('lists similar movies by co-ratings', async () => {
    const res = await t.app.inject('/movies/8/similar?n=4&by=ratings');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ movieId: 8, by: 'ratings', model: 'itemknn' });
    expect(body.items.length).toBeGreaterThan(0);
    expect(body.items.length).toBeLessThanOrEqual(4);
    expect(body.items.map((m: { movieId: number }) => m.movieId)).not.toContain(8);
    expectError(await t.app.inject('/movies/8/similar?by=nonsense'), 400, /^querystring: 'by' /);
    expectError(await t.app.inject('/movies/8/similar?by=Content'), 400, /^querystring: 'by' /);
    expectError(await t.app.inject('/movies/60000/similar'), 404, 'unknown movie 60000');
  });
});
