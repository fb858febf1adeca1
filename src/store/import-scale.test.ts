/**
 * importRatings at ml-latest-small scale (100,836 ratings, 610 users, 9,742 movies), synthetic so
 * the test needs no download: every row lands once and pages back once. Speed is a benchmark's
 * business, not a test's (measured ~0.35 s on SQLite, ~1.4 s on PostgreSQL for the real file).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from './open.js';
import { createTestSchema, findTestPostgres } from './pg-test-db.js';
import { movie } from './store.contract.js';
import type { RatingRecord } from './types.js';

const USERS = 610;
const MOVIES = 9_742;
const RATINGS = 100_836;

function syntheticRatings(): RatingRecord[] {
  const out: RatingRecord[] = [];
  let seed = 42;
  const next = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  for (let u = 1; u <= USERS; u++) {
    const perUser = Math.floor((RATINGS * u) / USERS) - Math.floor((RATINGS * (u - 1)) / USERS);
    // A stride coprime to MOVIES gives distinct movies per user.
    const start = Math.floor(next() * MOVIES);
    for (let k = 0; k < perUser; k++) {
      const movieId = ((start + k * 7) % MOVIES) + 1;
      out.push({
        userId: u,
        movieId,
        rating: 0.5 + Math.floor(next() * 10) / 2,
        timestamp: 9e8 + k,
        source: 'import',
      });
    }
  }
  return out;
}

async function importAtScale(url: string): Promise<void> {
  const store = await openStore(url);
  try {
    await store.upsertMovies(Array.from({ length: MOVIES }, (_, i) => movie(i + 1, `Movie ${i + 1}`)));
    const ratings = syntheticRatings();
    await store.importRatings(ratings);
    expect(await store.counts()).toEqual({ movies: MOVIES, users: USERS, ratings: RATINGS });
    let paged = 0;
    for await (const page of store.allRatings()) paged += page.length;
    expect(paged).toBe(RATINGS);
  } finally {
    await store.close();
  }
}

const pg = await findTestPostgres();

describe('importRatings at ml-latest-small scale', () => {
  it('imports every rating into SQLite', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cinerec-speed-'));
    try {
      await importAtScale(join(dir, 'cinerec.db'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.runIf('url' in pg)('imports every rating into PostgreSQL', async () => {
    if (!('url' in pg)) return;
    const { url, drop } = await createTestSchema(pg.url);
    try {
      await importAtScale(url);
    } finally {
      await drop();
    }
  });
});
