import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, post, startTestApp, type TestApp } from './app.fixture.js';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});

afterAll(async () => {
  await t.close();
});

const IDS = ['for-you', 'because-you-liked', 'trending', 'hidden-gems', 'top-in-genres'];
type Answer = {
  coldStart: boolean;
  sections: { id: string; note: string | null; items: { movieId: number; reason: string }[] }[];
};
const movieIds = (answer: Answer) => answer.sections.flatMap((s) => s.items.map((m) => m.movieId));

describe('GET /recommendations/{userId}/sections', () => {
  it('answers the five rows, each movie once with a reason, in the documented shape', async () => {
    const res = await t.app.inject('/recommendations/1/sections?n=4');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(Object.keys(body).sort()).toEqual(['coldStart', 'ratingCount', 'sections', 'userId']);
    expect(body).toMatchObject({ userId: 1, coldStart: false });
    expect(body.sections.map((s: { id: string }) => s.id)).toEqual(IDS);
    const liked = body.sections[1];
    expect(Object.keys(liked).sort()).toEqual(['basedOn', 'id', 'items', 'model', 'note', 'reason', 'title']);
    expect(liked.title).toBe(`Because you liked ${liked.basedOn.title} (${liked.basedOn.year})`);
    expect(Object.keys(body.sections[4]).sort()).toEqual(
      ['genres', 'id', 'items', 'model', 'note', 'reason', 'title'].sort(),
    );
    expect(Object.keys(body.sections[0].items[0]).sort()).toEqual(
      [
        'genres',
        'imdbId',
        'movieId',
        'predictedRating',
        'ratingCount',
        'ratingMean',
        'reason',
        'score',
        'source',
        'title',
        'tmdbId',
        'year',
      ].sort(),
    );
    const ids = movieIds(body);
    expect(new Set(ids).size).toBe(ids.length);
    const rated = new Set((await t.svc.store.userRatings(1)).map((r) => r.movieId));
    for (const id of ids) expect(rated.has(id)).toBe(false);
    for (const section of body.sections) for (const item of section.items) expect(item.reason).toMatch(/\S/);
  });

  it('is documented in OpenAPI with its row ids', async () => {
    const openapi = (await t.app.inject('/openapi.json')).json();
    const get = openapi.paths['/recommendations/{userId}/sections'].get;
    expect(Object.keys(get.responses).sort()).toEqual(['200', '400', '401', '404', '500', '503']);
    const schema = JSON.stringify(get.responses['200']);
    for (const id of IDS) expect(schema).toContain(`"${id}"`);
    expect(get.parameters.map((p: { name: string }) => p.name).sort()).toEqual(
      ['genre', 'n', 'userId', 'yearFrom', 'yearTo'].sort(),
    );
  });

  it('applies the filters to every row; a filter matching nothing gives empty rows with notes', async () => {
    const res = await t.app.inject('/recommendations/2/sections?n=5&genre=western&yearFrom=1950&yearTo=1990');
    const body = res.json();
    expect(movieIds(body).length).toBeGreaterThan(0);
    for (const section of body.sections) {
      for (const item of section.items) {
        expect(item.genres).toContain('Western');
        expect(item.year).toBeGreaterThanOrEqual(1950);
        expect(item.year).toBeLessThanOrEqual(1990);
      }
    }
    const none = await t.app.inject('/recommendations/2/sections?genre=nothing-like-this');
    expect(none.statusCode).toBe(200);
    for (const section of none.json().sections) {
      expect(section.items).toEqual([]);
      expect(section.note).toMatch(/the filter \(genre 'nothing-like-this'\)/);
    }
  });

  it('refuses bad input with 400 naming the field, and an unknown user with 404', async () => {
    const url = '/recommendations/1/sections';
    expectError(await t.app.inject(`${url}?n=0`), 400, "querystring: 'n' must be >= 1");
    expectError(await t.app.inject(`${url}?n=101`), 400, "querystring: 'n' must be <= 100");
    expectError(await t.app.inject(`${url}?n=ten`), 400, "querystring: 'n' must be integer");
    expectError(await t.app.inject(`${url}?genre=`), 400, /^querystring: 'genre' must NOT have fewer than 1/);
    expectError(
      await t.app.inject(`${url}?genre=${'x'.repeat(41)}`),
      400,
      /^querystring: 'genre' must NOT have more/,
    );
    expectError(await t.app.inject(`${url}?yearFrom=1700`), 400, "querystring: 'yearFrom' must be >= 1800");
    expectError(await t.app.inject(`${url}?yearTo=x`), 400, "querystring: 'yearTo' must be integer");
    expectError(
      await t.app.inject(`${url}?yearFrom=2000&yearTo=1990`),
      400,
      'yearFrom 2000 is after yearTo 1990',
    );
    expectError(await t.app.inject(`${url}?model=als`), 400, "querystring: unknown field 'model'");
    expectError(await t.app.inject('/recommendations/x1/sections'), 400, "params: 'userId' must be integer");
    const missing = expectError(
      await t.app.inject('/recommendations/424242/sections'),
      404,
      'unknown user 424242',
    );
    const same = (await t.app.inject('/recommendations/424242')).json();
    expect(missing).toEqual(same);
  });

  it('changes after the user posts a rating; a new user gets the cold-start row', async () => {
    const first = (await t.app.inject('/recommendations/3/sections')).json();
    const top = first.sections[0].items[0].movieId;
    const posted = await t.app.inject(post('/ratings', { userId: 3, movieId: top, rating: 5 }));
    expect(posted.statusCode).toBe(201);
    const next = (await t.app.inject('/recommendations/3/sections')).json();
    expect(movieIds(next)).not.toContain(top);
    expect(next.sections[1].basedOn.movieId).toBe(top);

    await t.app.inject(post('/ratings', { userId: 60_001, movieId: 21, rating: 4 }));
    const cold = (await t.app.inject('/recommendations/60001/sections?n=7')).json();
    expect(cold).toMatchObject({ coldStart: true, ratingCount: 1 });
    expect(cold.sections[0].items).toEqual([]);
    expect(cold.sections[4].items).toHaveLength(7);
    expect(movieIds(cold)).not.toContain(21);
  });
});
