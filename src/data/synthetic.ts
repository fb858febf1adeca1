import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Rng } from '../math/random.js';
import type { Dataset, Movie } from './dataset.js';
import { IdMap } from './idmap.js';
import { Interactions } from './interactions.js';
import {
  type AliasTable,
  buildWorld,
  plantedScore,
  type SyntheticOptions,
  type SyntheticTruth,
} from './synthetic-world.js';

export { plantedScore, type SyntheticOptions, type SyntheticTruth } from './synthetic-world.js';

/** A synthetic dataset and the planted model its ratings were drawn from. */
export interface SyntheticDataset extends Dataset {
  truth: SyntheticTruth;
}

const START_TIME = 946_684_800; // 2000-01-01
const SPAN = 20 * 365 * 86_400;

/**
 * A reproducible MovieLens-like dataset in typed arrays: Zipf-like item popularity, users from
 * latent taste clusters, genres that follow tastes, heavy-tailed activity, per-user increasing
 * timestamps, and half-star ratings 0.5–5 from the planted score plus noise (so matrix
 * factorisation has signal to find). Scales to 32M ratings: rows are written straight into the
 * output arrays, and duplicates are rejected per user with one reused hash set.
 *
 * @throws Error naming the option when counts are not positive integers or ratings > users × items.
 */
export function generateSynthetic(options: SyntheticOptions): SyntheticDataset {
  const { truth, choice } = buildWorld(options);
  const n = options.ratings;
  const users = new Int32Array(n);
  const items = new Int32Array(n);
  const ratings = new Float32Array(n);
  const timestamps = new Float64Array(n);
  let row = 0;
  for (const rows of userRows(options, truth, choice)) {
    users.fill(rows.user, row, row + rows.count);
    items.set(rows.items.subarray(0, rows.count), row);
    ratings.set(rows.ratings.subarray(0, rows.count), row);
    timestamps.set(rows.times.subarray(0, rows.count), row);
    row += rows.count;
  }
  const movies: Movie[] = new Array(options.items);
  for (let i = 0; i < options.items; i++) {
    movies[i] = {
      movieId: i + 1,
      title: `Synthetic Movie ${i + 1}`,
      year: syntheticYear(i),
      genres: Array.from(truth.itemGenres[i], (g) => truth.genreNames[g]),
    };
  }
  return {
    name: `synthetic-${options.users}x${options.items}-${n}-s${options.seed}`,
    ratings: new Interactions(options.users, options.items, users, items, ratings, timestamps),
    users: IdMap.from(oneBased(options.users)),
    items: IdMap.from(oneBased(options.items)),
    movies,
    scale: { min: 0.5, max: 5, step: 0.5, implicit: false },
    truth,
  };
}

/**
 * Streams a synthetic dataset to `dir` in ml-32m's layout: `ratings.csv`
 * (userId,movieId,rating,timestamp) and `movies.csv` (movieId,title,genres), so `loadMovieLens`
 * reads it back with the same ids and ratings as {@link generateSynthetic}. Memory stays small
 * whatever the size: rows go to the file user by user.
 */
export async function writeSyntheticCsv(
  dir: string,
  options: SyntheticOptions,
): Promise<{ ratingsFile: string; moviesFile: string; rows: number }> {
  await mkdir(dir, { recursive: true });
  const { truth, choice } = buildWorld(options);
  const moviesFile = join(dir, 'movies.csv');
  const movies = createWriteStream(moviesFile);
  movies.write('movieId,title,genres\n');
  for (let i = 0; i < options.items; i++) {
    const genres = Array.from(truth.itemGenres[i], (g) => truth.genreNames[g]).join('|');
    await write(movies, `${i + 1},Synthetic Movie ${i + 1} (${syntheticYear(i)}),${genres}\n`);
  }
  await close(movies);

  const ratingsFile = join(dir, 'ratings.csv');
  const out = createWriteStream(ratingsFile, { highWaterMark: 1 << 20 });
  out.write('userId,movieId,rating,timestamp\n');
  const stars = Array.from({ length: 11 }, (_, k) => (k / 2).toFixed(1));
  let block: string[] = [];
  let rows = 0;
  for (const user of userRows(options, truth, choice)) {
    const prefix = `${user.user + 1},`;
    for (let k = 0; k < user.count; k++) {
      block.push(`${prefix}${user.items[k] + 1},${stars[user.ratings[k] * 2]},${user.times[k]}\n`);
    }
    rows += user.count;
    if (block.length >= 65_536) {
      await write(out, block.join(''));
      block = [];
    }
  }
  await write(out, block.join(''));
  await close(out);
  return { ratingsFile, moviesFile, rows };
}

/** One user's rows, in reused buffers valid until the generator resumes. */
interface UserRows {
  user: number;
  count: number;
  items: Int32Array;
  ratings: Float32Array;
  times: Float64Array;
}

function* userRows(
  options: SyntheticOptions,
  truth: SyntheticTruth,
  choice: AliasTable[],
): Generator<UserRows> {
  const rng = new Rng(Math.imul(options.seed, 0x9e3779b1) ^ 0x51ed);
  const counts = truth.userCounts;
  const nItems = options.items;
  const noise = options.noise ?? 0.6;
  let maxCount = 1;
  for (let u = 0; u < counts.length; u++) if (counts[u] > maxCount) maxCount = counts[u];
  const rows: UserRows = {
    user: 0,
    count: 0,
    items: new Int32Array(maxCount),
    ratings: new Float32Array(maxCount),
    times: new Float64Array(maxCount),
  };
  const seen = new ItemSet(maxCount);
  for (let u = 0; u < counts.length; u++) {
    const count = counts[u];
    const alias = choice[truth.userCluster[u]];
    seen.reset(count);
    // Like many MovieLens users, some never give half stars.
    const unit = rng.next() < 0.4 ? 1 : 2;
    for (let k = 0; k < count; k++) {
      let item = alias.draw(rng);
      // Rejection is cheap until a user has most of the catalog; then walk to a free item.
      for (let misses = 0; !seen.add(item); misses++) {
        item = misses < 64 ? alias.draw(rng) : (item + 1) % nItems;
      }
      rows.items[k] = item;
      const score = plantedScore(truth, u, item) + noise * rng.normal();
      rows.ratings[k] = Math.min(5, Math.max(1 / unit, Math.round(score * unit) / unit));
    }
    // Activity spans from a day to years; gaps between ratings are exponential.
    const duration = SPAN * (0.0001 + 0.3 * rng.next() ** 2);
    const start = START_TIME + rng.next() * (SPAN - duration);
    let total = 0;
    for (let k = 0; k < count; k++) {
      total -= Math.log(1 - rng.next());
      rows.times[k] = total;
    }
    total -= Math.log(1 - rng.next());
    for (let k = 0; k < count; k++) rows.times[k] = Math.floor(start + (duration * rows.times[k]) / total);
    rows.user = u;
    rows.count = count;
    yield rows;
  }
}

/** Open-addressing set of item indices, sized for one user at a time and cleared in O(size). */
class ItemSet {
  private table: Int32Array;
  private mask = 0;
  private shift = 0;

  constructor(maxCount: number) {
    this.table = new Int32Array(nextPow2(2 * maxCount + 16)).fill(-1);
  }

  reset(count: number): void {
    const size = nextPow2(2 * count + 16);
    this.mask = size - 1;
    this.shift = 32 - Math.log2(size);
    this.table.fill(-1, 0, size);
  }

  /** Adds `item`; false when it was already there. */
  add(item: number): boolean {
    let h = Math.imul(item, 0x9e3779b1) >>> this.shift;
    for (;;) {
      const slot = this.table[h];
      if (slot === -1) {
        this.table[h] = item;
        return true;
      }
      if (slot === item) return false;
      h = (h + 1) & this.mask;
    }
  }
}

function nextPow2(n: number): number {
  let size = 1;
  while (size < n) size *= 2;
  return size;
}

function syntheticYear(item: number): number {
  return 1950 + ((item * 37) % 75);
}

function* oneBased(n: number): Generator<number> {
  for (let i = 1; i <= n; i++) yield i;
}

function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  return stream.write(text) ? Promise.resolve() : new Promise((ok) => stream.once('drain', ok));
}

function close(stream: ReturnType<typeof createWriteStream>): Promise<void> {
  return new Promise((ok, fail) => {
    stream.once('error', fail);
    stream.end(() => ok());
  });
}
