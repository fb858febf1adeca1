// The text routes on the small synthetic service: GET /search (a title or a prompt), "more like
// this" by content and hybrid, predictions for a movie known only by its content, and catalog edits
// reaching the search index without retraining. The synthetic catalog has titles and genres only,
// so the test gives some films overviews through the admin API and retrains the content model on
// them (as the next scheduled training would); the last part edits the catalog after that.
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../math/random.js';
import type { ContentModel } from '../models/content.js';
import { expectError, post, startTestApp, type TestApp } from './app.fixture.js';
import { MAX_HEADER_BYTES } from './app.js';

let t: TestApp;

/** User U: some films they rated 5★ get ocean overviews, some they rated ≤ 2★ office ones. */
let U: number;
let loved: number[];
let hated: number[];
/** Films U did not rate, given space and vampire overviews. */
let space: number[];
let vampire: number[];

const OCEAN = [
  'A deep-sea diver hunts a giant shark that haunts the coral reef.',
  'Shark attacks terrify a fishing village; an old diver goes back under the reef.',
  'On a coral reef, a marine biologist tracks a great white shark across the ocean.',
];
const OFFICE = [
  'A tired accountant audits spreadsheets in a grey office tower.',
  'An office clerk drowns in paperwork, spreadsheets and endless meetings.',
  'A payroll accountant finds an error in the spreadsheets of a dull office.',
];
const SPACE = [
  'An astronaut stranded on Mars grows potatoes while a rescue rocket is built.',
  'A rocket crew flies beyond Mars and answers a silent signal from an astronaut lost long ago.',
];
const VAMPIRE = [
  'A vampire count hides in his castle and hunts the villagers at night.',
  'Night falls on the castle, and a young vampire hunter sharpens her stakes.',
];

interface View {
  movieId: number;
  score?: number;
}
interface Result extends View {
  score: number;
  parts: { lexical: number; dense: number; popularity: number };
  bm25: number | null;
  cosine: number | null;
}

const ids = (items: View[]) => items.map((m) => m.movieId);
const search = async (q: string, n?: number) =>
  t.app.inject({ method: 'GET', url: '/search', query: { q, ...(n === undefined ? {} : { n: String(n) }) } });

async function patch(movieId: number, payload: Record<string, unknown>): Promise<void> {
  const res = await t.app.inject({ method: 'PATCH', url: `/movies/${movieId}`, payload });
  expect(res.statusCode, res.body).toBe(200);
}

/** A 200 semantic answer whose every result's score is the sum of its parts. */
function semantic(res: LightMyRequestResponse): { terms: string[]; results: Result[]; reason: string } {
  expect(res.statusCode, res.body).toBe(200);
  const body = res.json();
  expect(body.mode).toBe('semantic');
  expect(body.reason).toMatch(/searched the catalog's text/);
  for (const r of body.results as Result[]) {
    expect(Math.abs(r.score - (r.parts.lexical + r.parts.dense + r.parts.popularity))).toBeLessThan(1e-5);
    // Each fused part is a weight over (k + rank), k = 60: at most a first place, 1/61.
    expect(r.parts.lexical).toBeLessThanOrEqual(1 / 61 + 1e-6);
    expect(r.parts.dense).toBeLessThanOrEqual(1 / 61 + 1e-6);
    expect(r.parts.lexical === 0).toBe(r.bm25 === null);
    expect(r.parts.dense === 0).toBe(r.cosine === null);
  }
  const scores = (body.results as Result[]).map((r) => r.score);
  expect(scores).toEqual([...scores].sort((a, b) => b - a));
  return body;
}

const contentRunId = async () =>
  (await t.svc.registry.promoted()).find((run) => run.algorithm === 'content')?.id;

beforeAll(async () => {
  t = await startTestApp();
  const { store } = t.svc;
  for (let u = 1; u <= 200; u++) {
    const ratings = await store.userRatings(u);
    const fives = ratings.filter((r) => r.rating === 5).map((r) => r.movieId);
    const lows = ratings.filter((r) => r.rating <= 2).map((r) => r.movieId);
    if (fives.length >= 3 && lows.length >= 3) {
      U = u;
      loved = fives.slice(0, 3);
      hated = lows.slice(0, 3);
      break;
    }
  }
  expect(U).toBeDefined();
  const rated = new Set((await store.userRatings(U)).map((r) => r.movieId));
  const others = (await store.allMovies()).map((m) => m.movieId).filter((id) => !rated.has(id));
  space = others.slice(0, 2);
  vampire = others.slice(2, 4);
  const themes: [number[], string[], string[]][] = [
    [loved, OCEAN, ['shark', 'ocean', 'diver']],
    [hated, OFFICE, ['office', 'accountant', 'paperwork']],
    [space, SPACE, ['astronaut', 'mars', 'rocket']],
    [vampire, VAMPIRE, ['vampire', 'castle', 'night']],
  ];
  for (const [movies, overviews, keywords] of themes)
    for (const [k, movieId] of movies.entries()) await patch(movieId, { overview: overviews[k], keywords });
  // The next training of `content` reads the store's catalog, overviews included.
  await t.svc.engine.train('content', { promote: true, skipMetrics: true });
});

afterAll(async () => {
  await t?.close();
});

describe('GET /search: a title', () => {
  it('names the movie of an exact title, with more like it by co-ratings', async () => {
    const res = await search('Synthetic Movie 8');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ mode: 'title', query: 'Synthetic Movie 8', movie: { movieId: 8 } });
    expect(body.reason).toMatch(/^title match \(score 1\): exact title/);
    expect(body.similar.length).toBeGreaterThan(0);
    // The same list GET /movies/8/similar gives: co-rating neighbours, never the movie itself.
    const byRatings = (await t.app.inject('/movies/8/similar?n=10')).json();
    expect(ids(body.similar)).toEqual(ids(byRatings.items));
    expect(ids(body.similar)).not.toContain(8);
  });

  it('forgives a one-letter typo in a title, trims the query, and honours n', async () => {
    const res = await search('  Synthetc Movie 123 ', 3);
    const body = res.json();
    expect(body).toMatchObject({ mode: 'title', query: 'Synthetc Movie 123', movie: { movieId: 123 } });
    expect(body.reason).toMatch(/^title match .*1 typo in 'synthetc'/);
    expect(body.similar).toHaveLength(3);

    await patch(77, { title: 'Midnight at the Abandoned Observatory' });
    const long = (await search('midnight at the abandonned observatory')).json();
    expect(long).toMatchObject({
      mode: 'title',
      movie: { movieId: 77, title: 'Midnight at the Abandoned Observatory' },
    });
    expect(long.reason).toMatch(/title match/);
    expect(long.similar.length).toBeGreaterThan(0);
  });
});

describe('GET /search: a prompt', () => {
  it('finds the films whose overviews it describes, each score the sum of its parts', async () => {
    const body = semantic(await search('a diver hunts a shark on the coral reef', 10));
    expect(body.terms).toEqual(['diver', 'hunt', 'shark', 'coral', 'reef']);
    expect(new Set(ids(body.results).slice(0, 3))).toEqual(new Set(loved));
    for (const r of body.results.slice(0, 3)) {
      expect(r.bm25).toBeGreaterThan(0);
      expect(r.cosine).toBeGreaterThan(0);
    }
    // The best BM25 score holds first place in the lexical list: 1 / (60 + 1).
    const best = body.results.reduce((a, b) => ((b.bm25 ?? 0) > (a.bm25 ?? 0) ? b : a));
    expect(best.parts.lexical).toBeCloseTo(1 / 61, 6);

    const night = semantic(await search('vampires hunting at night in a castle'));
    expect(night.terms).toEqual(['vampir', 'hunt', 'night', 'castl']);
    // Both vampire films lead both lists; with pseudo-relevance feedback a film one rank behind in
    // each can come between them on popularity (RRF ranks 2 and 3 differ by a hair).
    const lead = night.results.filter((r) => vampire.includes(r.movieId));
    expect(ids(night.results.slice(0, 3))).toEqual(expect.arrayContaining(vampire));
    for (const r of night.results.filter((f) => !vampire.includes(f.movieId))) {
      for (const v of lead) {
        expect(r.bm25 ?? 0).toBeLessThan(v.bm25 ?? 0);
        expect(r.cosine ?? 0).toBeLessThan(v.cosine ?? 0);
      }
    }
    const mars = semantic(await search('stranded astronauts and rockets to Mars', 2));
    expect(new Set(ids(mars.results))).toEqual(new Set(space));
  });

  it('refuses a missing, empty or blank q, and n out of 1–100, with the error shape', async () => {
    expectError(await t.app.inject('/search'), 400, "querystring: 'q' is required");
    expectError(await t.app.inject('/search?q='), 400, /^querystring: 'q' /);
    const blank = expectError(await search('   '), 400, 'q must contain a title or a description');
    expect(blank.details).toEqual({ field: 'q' });
    expectError(await t.app.inject('/search?q=shark&n=0'), 400, "querystring: 'n' must be >= 1");
    expectError(await t.app.inject('/search?q=shark&n=101'), 400, "querystring: 'n' must be <= 100");
    expectError(await t.app.inject(`/search?q=${'x'.repeat(16_385)}`), 400, /^querystring: 'q' /);
    expectError(await t.app.inject('/search?q=shark&zzz=1'), 400, "querystring: unknown field 'zzz'");
  });

  it('over real HTTP, takes the longest q in any script and answers past the header limit in the error shape', async () => {
    const base = await t.app.listen({ port: 0, host: '127.0.0.1' });
    // 16,384 characters of Japanese: 147 KB of %-escapes, far past Node's default 16 KiB.
    const longest = await fetch(`${base}/search?q=${encodeURIComponent('東京物語'.repeat(4096))}`);
    expect(longest.status).toBe(200);
    expect((await longest.json()).mode).toBe('semantic');
    const tooLong = await fetch(`${base}/search?q=${'x'.repeat(MAX_HEADER_BYTES)}`);
    expect(tooLong.status).toBe(431);
    expect(await tooLong.json()).toEqual({
      error: 'headers_too_large',
      message: 'the request line and headers exceed 256 KiB: send a shorter query',
      details: { limitBytes: MAX_HEADER_BYTES },
    });
  });

  it('answers a 10 KB paste, binary, emoji and other scripts without a 5xx', async () => {
    const paste = 'shark reef diver '.repeat(600).slice(0, 10_240);
    const long = semantic(await search(paste));
    expect(ids(long.results).slice(0, 3).sort()).toEqual([...loved].sort());
    const noise = semantic(await search('x'.repeat(10_000)));
    expect(noise.results).toEqual([]);

    for (const q of ['🎬🍿🎥', '東京物語', 'Война и мир', '\u0000\u0000', '\u200b\ufeff']) {
      const body = semantic(await search(q));
      expect(body.results, q).toEqual([]);
    }
    // Random bytes as %XX escapes (invalid UTF-8 leaves the query as typed): an answer, never a 5xx.
    const r = new Rng(11);
    for (let k = 0; k < 40; k++) {
      const bytes = Array.from({ length: 1 + (k % 7) * 20 }, () => r.int(256));
      const q = bytes.map((b) => `%${b.toString(16).padStart(2, '0').toUpperCase()}`).join('');
      const res = await t.app.inject(`/search?q=${q}`);
      expect(res.statusCode, `${q}: ${res.body}`).toBe(200);
      expect(['title', 'semantic']).toContain(res.json().mode);
    }
  });
});

describe('GET /movies/{movieId}/similar by content and hybrid', () => {
  it('by content: the content model’s nearest films, the movie itself excluded', async () => {
    const [first] = loved;
    const res = await t.app.inject(`/movies/${first}/similar?by=content&n=5`);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      movieId: first,
      by: 'content',
      model: 'content',
      modelRunId: await contentRunId(),
    });
    expect(body.items).toHaveLength(5);
    expect(ids(body.items)).not.toContain(first);
    // The other two ocean films come first; scores are scaled by the best one.
    expect(new Set(ids(body.items).slice(0, 2))).toEqual(new Set(loved.slice(1)));
    expect(body.items[0].score).toBe(1);
    const scores = body.items.map((m: View) => m.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  });

  it('hybrid: half co-ratings, half content, each scaled by its best; items from the two lists', async () => {
    for (const movieId of [8, loved[0], vampire[0]]) {
      const n = 6;
      const hybrid = (await t.app.inject(`/movies/${movieId}/similar?by=hybrid&n=${n}`)).json();
      expect(hybrid).toMatchObject({ movieId, by: 'hybrid', model: 'itemknn+content' });
      // Both lists are read 100 deep (the most n allows), whatever n is.
      const ratings = (await t.app.inject(`/movies/${movieId}/similar?by=ratings&n=100`)).json().items;
      const content = (await t.app.inject(`/movies/${movieId}/similar?by=content&n=100`)).json().items;
      expect(hybrid.items).toHaveLength(n);
      const best = ratings[0].score;
      const partOf = (list: View[], id: number, scale: number) =>
        ((list.find((m) => m.movieId === id)?.score ?? 0) * 0.5) / scale;
      for (const item of hybrid.items as View[]) {
        expect([...ids(ratings), ...ids(content)]).toContain(item.movieId);
        expect(item.movieId).not.toBe(movieId);
        const expected = partOf(ratings, item.movieId, best) + partOf(content, item.movieId, 1);
        expect(Math.abs((item.score ?? 0) - expected), `${movieId} → ${item.movieId}`).toBeLessThan(1e-5);
      }
    }
  });

  it('hybrid: a shorter list is the start of a longer one, up to the largest n', async () => {
    const list = async (n: number) => (await t.app.inject(`/movies/8/similar?by=hybrid&n=${n}`)).json();
    const longest = await list(100);
    expect(longest.model).toBe('itemknn+content');
    for (const n of [3, 10, 40]) {
      const body = await list(n);
      expect(body.model).toBe('itemknn+content');
      expect(body.items).toEqual(longest.items.slice(0, n));
    }
  });

  it('404 for an unknown movie, 400 for an unknown way', async () => {
    for (const by of ['content', 'hybrid', 'ratings'])
      expectError(await t.app.inject(`/movies/60000/similar?by=${by}`), 404, 'unknown movie 60000');
    const badWay = expectError(
      await t.app.inject('/movies/8/similar?by=nonsense'),
      400,
      "querystring: 'by' must be one of 'ratings', 'content', 'hybrid'",
    );
    expect(badWay.details.issues).toEqual([
      { field: 'by', message: "'by' must be one of 'ratings', 'content', 'hybrid'" },
    ]);
    expectError(await t.app.inject('/movies/8/similar?by=content&n=0'), 400, "querystring: 'n' must be >= 1");
  });
});

describe('POST /predictions for a movie known by its content', () => {
  const predict = (userId: number, movie: unknown) => t.app.inject(post('/predictions', { userId, movie }));

  it('reads the user’s ratings of the nearest films: above their mean for what they loved, below for what they hated', async () => {
    const ratings = await t.svc.store.userRatings(U);
    const mean = ratings.reduce((s, r) => s + r.rating, 0) / ratings.length;
    const ocean = { title: 'Reef', overview: 'A diver and a giant shark fight over the coral reef.' };
    const res = await predict(U, ocean);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ userId: U, model: 'content', modelRunId: await contentRunId() });
    expect(body.predictedRating).toBeGreaterThanOrEqual(0.5);
    expect(body.predictedRating).toBeLessThanOrEqual(5);
    expect(body.predictedRating).toBeGreaterThan(mean);
    expect(body.nearest.length).toBeGreaterThan(0);
    expect(loved).toContain(body.nearest[0].movieId);

    // By hand: mean + Σ sim·(rating − mean) / Σ sim over the 20 most similar rated films with sim > 0.
    const served = t.svc.engine.snapshot.model('content');
    const model = served?.model as ContentModel;
    const vector = await model.encodeMovie({
      movieId: 0,
      title: ocean.title,
      year: null,
      genres: [],
      overview: ocean.overview,
    });
    const sims = ratings
      .map((r) => {
        const own = model.search.index.vector(served?.items.index(r.movieId) ?? -1) as Float32Array;
        return { sim: own.reduce((s, x, c) => s + x * vector[c], 0), dev: r.rating - mean };
      })
      .sort((a, b) => b.sim - a.sim)
      .slice(0, 20)
      .filter((s) => s.sim > 0);
    const expected = mean + sims.reduce((s, x) => s + x.sim * x.dev, 0) / sims.reduce((s, x) => s + x.sim, 0);
    expect(body.predictedRating).toBeCloseTo(Math.min(5, expected), 3);

    const office = (
      await predict(U, { overview: 'An accountant buried in spreadsheets at the office.' })
    ).json();
    expect(office.predictedRating).toBeLessThan(mean);
    expect(hated).toContain(office.nearest[0].movieId);
  });

  it('refuses a movie with no text, both movieId and movie, and an unknown user', async () => {
    const none = 'movie needs a title, an overview, genres or keywords to predict from';
    for (const movie of [{}, { year: 1999 }, { title: '  ', genres: [''] }, { keywords: [] }])
      expect(expectError(await predict(U, movie), 400, none).details).toEqual({ field: 'movie' });
    expectError(
      await t.app.inject(post('/predictions', { userId: U, movieId: 4, movie: { title: 'Alien' } })),
      400,
      "give either 'movieId' or 'movie', not both",
    );
    expectError(await predict(999_999, { title: 'Alien' }), 404, 'unknown user 999999');
    expectError(await predict(U, { title: 'Alien', cast: ['x'] }), 400, "body: unknown field 'movie.cast'");
  });
});

describe('catalog edits reach the search index without retraining', () => {
  it('finds a movie added through the admin API by a word only it has', async () => {
    const runs = (await t.svc.registry.list()).length;
    const created = await t.app.inject(
      post('/movies', {
        movieId: 9001,
        title: 'Quiet Harbour',
        genres: ['Drama'],
        overview: 'A lighthouse keeper befriends a zorblax washed ashore in a storm.',
      }),
    );
    expect(created.statusCode, created.body).toBe(201);
    const body = semantic(await search('zorblax'));
    expect(body.terms).toEqual(['zorblax']);
    // Only lexically: the dense encoder learns the word at the next training of `content`.
    expect(body.results).toHaveLength(1);
    expect(body.results[0]).toMatchObject({ movieId: 9001, cosine: null, parts: { dense: 0 } });
    expect(body.results[0].parts.lexical).toBeCloseTo(1 / 61, 6);
    expect(body.results[0].bm25).toBeGreaterThan(0);
    expect(ids(semantic(await search('the zorblax and the lighthouse keeper')).results)[0]).toBe(9001);
    // Its title is a title at once; it has no co-ratings yet.
    expect((await search('Quiet Harbour')).json()).toMatchObject({
      mode: 'title',
      movie: { movieId: 9001 },
      similar: [],
    });
    const similar = (await t.app.inject('/movies/9001/similar?by=content&n=5')).json();
    expect(similar).toMatchObject({ movieId: 9001, by: 'content' });
    expect(ids(similar.items)).not.toContain(9001);
    expect((await t.svc.registry.list()).length).toBe(runs);
  });

  it('finds an edited movie by its new words and no longer by its old ones', async () => {
    const [edited, ...rest] = loved;
    await patch(edited, { overview: 'A glassblower in Murano falls for a clockmaker.', keywords: [] });
    const body = semantic(await search('glassblower'));
    expect(ids(body.results)).toEqual([edited]);
    const shark = semantic(await search('shark reef diver', 20));
    const hit = shark.results.find((r) => r.movieId === edited);
    expect(hit?.bm25 ?? null).toBeNull();
    expect(new Set(ids(shark.results).slice(0, 2))).toEqual(new Set(rest));
    // Text in another script is indexed like any other.
    await patch(rest[0], { overview: 'Война и мир на дне океана.' });
    expect(ids(semantic(await search('Война')).results)).toEqual([rest[0]]);
  });
});
