import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDatasetByName } from './by-name.js';
import type { Movie } from './dataset.js';
import { parseMovie } from './tmdb-api.js';
import { fillFromTmdbApi, readTmdbCache, tmdbApiCacheFile } from './tmdb-cache.js';
import { type EnrichOptions, enrichFromTmdb } from './tmdb-enrich.js';

const tmp = mkdtempSync(join(tmpdir(), 'cinerec-tmdb-api-'));
/** Keys the fake TMDB accepts. Each run uses its own, so a cancelled request of an earlier run
 * that reaches the server late is never counted as this run's. */
const GOOD = 'v3-good-';
const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.test.token';

/** A TMDB answer for `id`, cast deliberately out of billing order. */
function body(id: number): object {
  return {
    id,
    title: `Movie ${id}`,
    original_title: `Film ${id}`,
    overview: ` Overview of ${id}. `,
    tagline: id === 862 ? 'The adventure takes off!' : null,
    vote_average: 7.9,
    vote_count: 17000,
    popularity: 101.5,
    runtime: id === 862 ? 81 : null,
    release_date: '1995-10-30',
    genres: [
      { id: 16, name: 'Animation' },
      { id: 35, name: 'Comedy' },
    ],
    keywords: {
      keywords: [
        { id: 1, name: 'toy' },
        { id: 2, name: 'rivalry' },
      ],
    },
    credits: {
      cast: [6, 1, 0, 3, 2, 5, 4].map((order) => ({ name: `Actor ${order}`, order })),
      crew: [
        { name: 'Someone Else', job: 'Producer' },
        { name: 'John Lasseter', job: 'Director' },
      ],
    },
  };
}

// The fake TMDB: ids 404 (none), 429 (429 once, Retry-After: 0), 500 (500 once), 503 (always 503);
// every other id answers after a few ms, so concurrent requests overlap. Counts are per caller
// (the api_key, or the Authorization header).
const seen: { caller: string; id: number; apiKey: string | null; authorization?: string }[] = [];
const inFlight = new Map<string, number>();
const maxInFlight = new Map<string, number>();
let server: Server;
let baseUrl = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const match = /^\/3\/movie\/(\d+)$/.exec(url.pathname);
    const id = Number(match?.[1]);
    const apiKey = url.searchParams.get('api_key');
    const caller = apiKey ?? req.headers.authorization ?? '';
    seen.push({ caller, id, apiKey, authorization: req.headers.authorization });
    const hit = hits(caller, id);
    const running = (inFlight.get(caller) ?? 0) + 1;
    inFlight.set(caller, running);
    maxInFlight.set(caller, Math.max(maxInFlight.get(caller) ?? 0, running));
    const send = (status: number, json: object, headers: Record<string, string> = {}) => {
      inFlight.set(caller, (inFlight.get(caller) ?? 0) - 1);
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(json));
    };
    const keyOk = apiKey?.startsWith(GOOD) === true || req.headers.authorization === `Bearer ${TOKEN}`;
    const ok =
      url.searchParams.get('append_to_response') === 'keywords,credits' &&
      url.searchParams.get('language') === 'en-US';
    setTimeout(() => {
      if (!keyOk) return send(401, { status_code: 7, status_message: 'Invalid API key' });
      if (match === null || !ok) return send(400, { status_message: 'bad request' });
      if (id === 404) return send(404, { status_code: 34 });
      if (id === 429 && hit === 1) return send(429, { status_code: 25 }, { 'retry-after': '0' });
      if ((id === 500 && hit === 1) || id === 503) return send(id, { status_message: 'oops' });
      send(200, body(id));
    }, 3);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/3`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((ok) => server.close(ok));
  rmSync(tmp, { recursive: true, force: true });
});

const asked = (caller: string) => seen.filter((s) => s.caller === caller).map((s) => s.id);
const hits = (caller: string, id: number) => asked(caller).filter((x) => x === id).length;

const movies = (ids: number[]): { movies: Movie[] } => ({
  movies: ids.map((tmdbId, k) => ({ movieId: k + 1, title: `M${k}`, year: null, genres: [], tmdbId })),
});
let runs = 0;
/** Options of a run with a fresh cache and key. */
const options = (extra: Partial<EnrichOptions> = {}): EnrichOptions => ({
  apiKey: `${GOOD}${++runs}`,
  baseUrl,
  cacheFile: join(tmp, `cache-${runs}.jsonl`),
  rate: 1000,
  backoffMs: 1,
  ...extra,
});
const cacheLines = (path: string) =>
  readFileSync(path, 'utf8')
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line));
const range = (from: number, n: number) => Array.from({ length: n }, (_, k) => from + k);

describe('enrichFromTmdb against a fake TMDB', () => {
  it('parses the fields, retries 429 and 5xx, caches everything, and a rerun asks nothing', async () => {
    const opts = options({ concurrency: 2 });
    const key = opts.apiKey ?? '';
    const report = await enrichFromTmdb(movies([862, 949, 404, 429, 500, 862]), opts);
    expect(report).toMatchObject({ ids: 5, fetched: 4, notFound: 1, cached: 0, failed: 0, remaining: 0 });
    expect(report.aborted).toBe(false);
    expect(report.records.get(862)).toEqual({
      id: 862,
      title: 'Movie 862',
      originalTitle: 'Film 862',
      year: 1995,
      overview: 'Overview of 862.',
      tagline: 'The adventure takes off!',
      genres: ['Animation', 'Comedy'],
      keywords: ['toy', 'rivalry'],
      voteAverage: 7.9,
      voteCount: 17000,
      popularity: 101.5,
      runtime: 81,
      releaseDate: '1995-10-30',
      cast: ['Actor 0', 'Actor 1', 'Actor 2', 'Actor 3', 'Actor 4'],
      director: 'John Lasseter',
    });
    expect(report.records.get(404)).toBeNull();
    expect([hits(key, 429), hits(key, 500), hits(key, 862)]).toEqual([2, 2, 1]);
    expect(seen.filter((s) => s.caller === key).every((s) => s.authorization === undefined)).toBe(true);

    const lines = cacheLines(opts.cacheFile);
    expect(lines.map((l) => l.tmdbId).sort()).toEqual([404, 429, 500, 862, 949]);
    expect(lines.find((l) => l.tmdbId === 404)).toMatchObject({ movie: null });
    expect(lines.find((l) => l.tmdbId === 949).movie).toMatchObject({ tagline: '', runtime: null });
    const cached = await readTmdbCache(opts.cacheFile);
    expect(cached.get(949)?.runtime).toBeNaN(); // null in JSON, NaN again as in TmdbMovie

    const requests = seen.length;
    const again = await enrichFromTmdb(movies([862, 949, 404, 429, 500]), { ...opts, apiKey: undefined });
    expect(again).toMatchObject({ cached: 5, fetched: 0, notFound: 0, failed: 0, remaining: 0 });
    expect(seen.length).toBe(requests); // no key needed, no request made
  });

  it('resumes an aborted run, fetching only what the cache lacks', async () => {
    const ids = range(1000, 12);
    const stop = new AbortController();
    const opts = options({ concurrency: 2 });
    const first = await enrichFromTmdb(movies(ids), {
      ...opts,
      signal: stop.signal,
      onProgress: (done) => done >= 5 && stop.abort(),
    });
    expect(first.aborted).toBe(true);
    const cachedIds = cacheLines(opts.cacheFile).map((l) => l.tmdbId);
    expect(cachedIds.length).toBe(first.fetched);
    expect(first.remaining).toBe(12 - cachedIds.length);
    expect(cachedIds.length).toBeGreaterThanOrEqual(5);
    expect(cachedIds.length).toBeLessThan(12);

    // A killed run may leave a torn last line: it is skipped, and the next line starts afresh.
    writeFileSync(opts.cacheFile, `${readFileSync(opts.cacheFile, 'utf8')}{"tmdbId":1011,"mov`);
    const key = `${GOOD}resume`;
    const second = await enrichFromTmdb(movies(ids), { ...opts, apiKey: key });
    const rest = ids.filter((id) => !cachedIds.includes(id));
    expect(asked(key).sort()).toEqual(rest);
    expect(second).toMatchObject({ cached: cachedIds.length, fetched: rest.length, remaining: 0 });
    expect((await readTmdbCache(opts.cacheFile)).size).toBe(12);
  });

  it('stops at once with a clear message when TMDB rejects the key, and asks for a missing one', async () => {
    const ids = range(2000, 10);
    await expect(enrichFromTmdb(movies(ids), options({ apiKey: 'wrong', concurrency: 2 }))).rejects.toThrow(
      /^TMDB rejected the API key \(HTTP 401\): set TMDB_API_KEY/,
    );
    expect(asked('wrong').length).toBeLessThanOrEqual(2); // only what was already in flight
    const others = () => seen.filter((s) => s.caller !== 'wrong').length;
    const before = others();
    await expect(enrichFromTmdb(movies(ids), options({ apiKey: '' }))).rejects.toThrow(
      /10 movies are not in the TMDB cache yet: set TMDB_API_KEY/,
    );
    expect(others()).toBe(before); // refused before any request
  });

  it('never has more requests in flight than the cap', async () => {
    const opts = options({ concurrency: 3 });
    const report = await enrichFromTmdb(movies(range(3000, 30)), opts);
    expect(report.fetched).toBe(30);
    expect(maxInFlight.get(opts.apiKey ?? '')).toBeLessThanOrEqual(3);
    expect(maxInFlight.get(opts.apiKey ?? '')).toBeGreaterThan(1);
  });

  it('sends a v4 read token as a Bearer header', async () => {
    await enrichFromTmdb(movies([862]), options({ apiKey: TOKEN }));
    expect(seen.filter((s) => s.authorization !== undefined)).toEqual([
      { caller: `Bearer ${TOKEN}`, id: 862, apiKey: null, authorization: `Bearer ${TOKEN}` },
    ]);
  });

  it('counts a persistent 5xx as failed, leaves it uncached, and gives up on a run of failures', async () => {
    const opts = options({ attempts: 2 });
    const report = await enrichFromTmdb(movies([503, 862]), opts);
    expect(report).toMatchObject({ fetched: 1, failed: 1, remaining: 1 });
    expect(hits(opts.apiKey ?? '', 503)).toBe(2);
    expect([...(await readTmdbCache(opts.cacheFile)).keys()]).toEqual([862]);
    await expect(
      enrichFromTmdb(movies([503, 503, 862]), { ...opts, maxConsecutiveFailures: 1 }),
    ).rejects.toThrow(/1 requests in a row failed \(last: TMDB movie 503: HTTP 503\)/);
  });
});

describe('enriched content in loaded datasets', () => {
  it('fills only what the Kaggle join left empty, and always cast and director', () => {
    const record = parseMovie(862, body(862));
    const data = movies([862]);
    data.movies[0].overview = 'From Kaggle.';
    data.movies[0].voteCount = 5415;
    expect(fillFromTmdbApi(data, new Map([[862, record]]))).toBe(1);
    expect(data.movies[0]).toMatchObject({
      overview: 'From Kaggle.',
      voteCount: 5415,
      tagline: 'The adventure takes off!',
      runtime: 81,
      director: 'John Lasseter',
      cast: ['Actor 0', 'Actor 1', 'Actor 2', 'Actor 3', 'Actor 4'],
    });
  });

  it('a withTmdb load uses the enrich cache when there is no Kaggle folder', async () => {
    const home = join(tmp, 'home');
    const dir = join(home, 'datasets', 'ml-latest-small');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'movies.csv'),
      'movieId,title,genres\n1,Toy Story (1995),Animation\n2,X (1990),Drama\n',
    );
    writeFileSync(join(dir, 'ratings.csv'), 'userId,movieId,rating,timestamp\n1,1,4.0,1\n');
    writeFileSync(join(dir, 'tags.csv'), 'userId,movieId,tag,timestamp\n');
    writeFileSync(join(dir, 'links.csv'), 'movieId,imdbId,tmdbId\n1,0114709,862\n2,0000001,404\n');
    await expect(loadDatasetByName('ml-latest-small', { home }, { withTmdb: true })).rejects.toThrow(
      /no tmdb\/ folder .* and no TMDB API cache \(cinerec data enrich ml-latest-small\)/,
    );
    const dataset = await loadDatasetByName('ml-latest-small', { home });
    const cacheFile = tmdbApiCacheFile({ home }, 'ml-latest-small');
    await enrichFromTmdb(dataset, options({ cacheFile }));
    expect(existsSync(cacheFile)).toBe(true);
    const loaded = await loadDatasetByName('ml-latest-small', { home }, { withTmdb: true });
    expect(loaded.movies[0]).toMatchObject({ overview: 'Overview of 862.', director: 'John Lasseter' });
    expect(loaded.movies[1].overview).toBeUndefined();
    expect((await loadDatasetByName('ml-latest-small', { home })).movies[0].overview).toBeUndefined();
  });
});
