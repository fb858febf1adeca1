import { closeSync, createReadStream, existsSync, openSync, readSync, statSync, writeSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Settings } from '../config.js';
import { log } from '../util/log.js';
import type { Dataset, Movie } from './dataset.js';
import type { TmdbMovie } from './tmdb.js';

/** What the TMDB API gives a movie: the Kaggle fields plus credits. */
export interface TmdbApiMovie extends TmdbMovie {
  /** Top-billed cast, in billing order. */
  cast: string[];
  /** First credited director; '' when TMDB lists none. */
  director: string;
}

/** One line of the cache: a movie, or `null` when TMDB answered 404 for the id. */
export interface TmdbCacheLine {
  tmdbId: number;
  movie: TmdbApiMovie | null;
  /** ISO time of the request, so stale entries can be told apart later. */
  fetchedAt: string;
}

/**
 * The enrich cache of dataset `name`: `<home>/tmdb-api/<name>.jsonl`. Outside `datasets/` so an
 * import can never be named over it, and one file per dataset so loading a small dataset does not
 * parse the cache of a large one.
 */
export function tmdbApiCacheFile(settings: Settings, name: string): string {
  return join(settings.home, 'tmdb-api', `${name}.jsonl`);
}

/**
 * The cache as tmdbId → movie (null: not found). Later lines win. A line that does not parse is
 * skipped: the last one may be torn by a killed run, and losing one entry only means one refetch.
 */
export async function readTmdbCache(path: string): Promise<Map<number, TmdbApiMovie | null>> {
  const out = new Map<number, TmdbApiMovie | null>();
  if (!existsSync(path)) return out;
  let damaged = 0;
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.trim() === '') continue;
    try {
      const entry = JSON.parse(line) as TmdbCacheLine;
      if (!Number.isInteger(entry.tmdbId)) throw new Error('no tmdbId');
      out.set(entry.tmdbId, entry.movie === null ? null : reviveNumbers(entry.movie));
    } catch {
      damaged++;
    }
  }
  if (damaged > 0) log.warn({ cache: path, damaged }, `${path}: skipped ${damaged} unreadable line(s)`);
  return out;
}

/** JSON has no NaN: missing numbers were written as null and come back as NaN, as in TmdbMovie. */
function reviveNumbers(movie: TmdbApiMovie): TmdbApiMovie {
  const num = (value: unknown) => (typeof value === 'number' ? value : Number.NaN);
  return {
    ...movie,
    voteAverage: num(movie.voteAverage),
    voteCount: num(movie.voteCount),
    popularity: num(movie.popularity),
    runtime: num(movie.runtime),
    cast: movie.cast ?? [],
    director: movie.director ?? '',
  };
}

/**
 * Appends cache lines with one synchronous write each, so a line is in the file (the OS's page
 * cache) as soon as its response is parsed: a killed run loses only the requests in flight.
 */
export class TmdbCacheWriter {
  private fd: number | undefined;

  private constructor(fd: number) {
    this.fd = fd;
  }

  static async open(path: string): Promise<TmdbCacheWriter> {
    await mkdir(dirname(path), { recursive: true });
    const fd = openSync(path, 'a+');
    // A run killed mid-write leaves a torn last line; start on a fresh one so ours stays whole.
    const size = statSync(path).size;
    if (size > 0) {
      const last = Buffer.alloc(1);
      readSync(fd, last, 0, 1, size - 1);
      if (last[0] !== 0x0a) writeSync(fd, '\n');
    }
    return new TmdbCacheWriter(fd);
  }

  append(tmdbId: number, movie: TmdbApiMovie | null): void {
    if (this.fd === undefined) throw new Error('TMDB cache writer is closed');
    const line: TmdbCacheLine = { tmdbId, movie, fetchedAt: new Date().toISOString() };
    writeSync(this.fd, `${JSON.stringify(line)}\n`);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

const isEmpty = (value: unknown) =>
  value === undefined || value === '' || (Array.isArray(value) && value.length === 0);

/**
 * Fills the fields of `dataset.movies` that are still empty from API records, by tmdbId; returns
 * how many movies got anything. Runs after the Kaggle join and never overwrites it: the Kaggle
 * files are a fixed snapshot that the README's coverage and benchmark figures come from, while API
 * answers drift (votes, popularity), so the API only fills gaps. Cast and director come only from
 * here.
 */
export function fillFromTmdbApi(
  dataset: Pick<Dataset, 'movies'>,
  records: Map<number, TmdbApiMovie | null>,
): number {
  let filled = 0;
  for (const movie of dataset.movies) {
    const row = movie.tmdbId === undefined ? undefined : records.get(movie.tmdbId);
    if (row === undefined || row === null) continue;
    if (fillMovie(movie, row)) filled++;
  }
  return filled;
}

function fillMovie(movie: Movie, row: TmdbApiMovie): boolean {
  let changed = false;
  const set = <K extends keyof Movie>(key: K, value: Movie[K], usable: boolean) => {
    if (!usable || !isEmpty(movie[key])) return;
    movie[key] = value;
    changed = true;
  };
  set('overview', row.overview, row.overview !== '');
  set('tagline', row.tagline, row.tagline !== '');
  set('tmdbGenres', row.genres, row.genres.length > 0);
  set('keywords', row.keywords, row.keywords.length > 0);
  set('voteAverage', row.voteAverage, Number.isFinite(row.voteAverage));
  set('voteCount', row.voteCount, Number.isFinite(row.voteCount));
  set('popularity', row.popularity, Number.isFinite(row.popularity));
  set('runtime', row.runtime, row.runtime > 0);
  set('releaseDate', row.releaseDate, row.releaseDate !== '');
  set('cast', row.cast, row.cast.length > 0);
  set('director', row.director, row.director !== '');
  return changed;
}

/** Applies the enrich cache of `dataset` when there is one; returns how many movies it filled. */
export async function applyTmdbApiCache(dataset: Dataset, settings: Settings): Promise<number> {
  const path = tmdbApiCacheFile(settings, dataset.name);
  if (!existsSync(path)) return 0;
  return fillFromTmdbApi(dataset, await readTmdbCache(path));
}
