// `cinerec data enrich` end to end against a fake TMDB on a local port: the summary, the coverage it
// prints, what a --tmdb load then sees, the rerun that asks nothing, and the missing-key refusal.
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cachedMovieLens, cli, expectRefused, home, useTempHome } from './cli-harness.js';

const requests: string[] = [];
let server: Server;
let baseUrl = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const found = req.url?.startsWith('/3/movie/862?') === true;
    res.writeHead(found ? 200 : 404, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify(
        found
          ? {
              id: 862,
              overview: 'Woody the cowboy.',
              genres: [{ name: 'Animation' }],
              credits: {
                cast: [{ name: 'Tom Hanks', order: 0 }],
                crew: [{ name: 'John Lasseter', job: 'Director' }],
              },
            }
          : { status_code: 34 },
      ),
    );
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/3`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((ok) => server.close(ok));
});

useTempHome();
const saved = { key: process.env.TMDB_API_KEY, url: process.env.TMDB_API_URL };
beforeEach(() => {
  // An empty mirror: the shared datasets' Kaggle tmdb/ folder would otherwise join first.
  process.env.CINEREC_DATA_MIRROR = join(home(), 'no-mirror');
  process.env.TMDB_API_URL = baseUrl;
  delete process.env.TMDB_API_KEY;
  cachedMovieLens('userId,movieId,rating,timestamp\n1,1,4.0,10\n2,2,3.0,11\n');
  writeFileSync(
    join(home(), 'datasets', 'ml-latest-small', 'links.csv'),
    'movieId,imdbId,tmdbId\n1,0114709,862\n2,0113277,949\n',
  );
});
afterEach(() => {
  for (const [name, value] of [
    ['TMDB_API_KEY', saved.key],
    ['TMDB_API_URL', saved.url],
  ] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

describe('cinerec data enrich', () => {
  it('fetches into the cache, prints summary and coverage, and --tmdb loads use it', async () => {
    expectRefused(await cli('data', 'enrich', 'ml-latest-small'), /set TMDB_API_KEY/);
    expect(requests).toEqual([]);

    const run = await cli('data', 'enrich', 'ml-latest-small', '--api-key', 'k', '--rate', '100');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('ml-latest-small: 2 TMDB ids: 1 fetched, 0 cached, 1 not found, 0 failed\n');
    expect(run.stdout).toContain(`cache: ${join(home(), 'tmdb-api', 'ml-latest-small.jsonl')}\n`);
    expect(run.stdout).toMatch(/^ {2}cast +50\.0%$/m);
    expect(run.stdout).toMatch(/^ {2}director +50\.0%$/m);

    const info = await cli('data', 'info', 'ml-latest-small', '--tmdb');
    expect(info.code).toBe(0);
    expect(info.stdout).toMatch(/^ {2}overview +50\.0%$/m);

    process.env.TMDB_API_KEY = 'k';
    const again = await cli('data', 'enrich', 'ml-latest-small');
    expect(again.stdout).toContain('2 TMDB ids: 0 fetched, 2 cached, 0 not found, 0 failed\n');
    expect(requests).toHaveLength(2);

    const help = await cli('data', 'enrich', '--help');
    expect(help.stdout).toContain('--concurrency <n>');
    expect(help.stdout).toContain('TMDB_API_KEY');
  });
});
