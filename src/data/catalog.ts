import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type DelimitedOptions, readDelimited } from './csv.js';
import type { Dataset, Movie, RatingScale } from './dataset.js';
import { mergeDuplicates, type RatingColumns } from './duplicates.js';
import { growFloat32, growFloat64, growInt32, IdIndexer } from './growable.js';
import { IdMap, type RawId } from './idmap.js';
import { Interactions } from './interactions.js';
import { parseTitle } from './titles.js';

/**
 * The item side of a dataset while it loads: movies in catalog order (so `movies[i]` describes item
 * index i), plus movies that only appear in the ratings, added as "Unknown <id>" and counted so the
 * loader can warn about them.
 */
export class CatalogBuilder {
  readonly movies: Movie[] = [];
  readonly items: IdIndexer = new IdIndexer(new IdMap());
  /** Movies read from the catalog file; indices from here on were added by `itemForRating`. */
  catalogued = 0;
  /** Raw ids met in ratings but missing from the catalog file. */
  unknownIds = 0;
  /** Ratings of those movies. */
  unknownRatings = 0;
  /** Other problems worked around while loading (repeated ratings), already with their file. */
  readonly notes: string[] = [];

  /** Adds a catalog entry from a MovieLens-style title "Name (1995)"; a repeated id is ignored. */
  addMovie(movieId: RawId, rawTitle: string, genres: string[]): Movie | undefined {
    if (this.items.lookup(movieId) >= 0) return undefined;
    const { title, year } = parseTitle(rawTitle);
    const movie: Movie = { movieId, title, year, genres };
    this.items.add(movieId);
    this.movies.push(movie);
    this.catalogued++;
    return movie;
  }

  /** The movie with raw id `movieId`, if catalogued. */
  movie(movieId: RawId): Movie | undefined {
    const index = this.items.lookup(movieId);
    return index >= 0 ? this.movies[index] : undefined;
  }

  /** Item index for a rating's movie id, cataloguing unknown ids on the way. */
  itemForRating(movieId: RawId): number {
    const index = this.items.lookup(movieId);
    if (index >= 0) return index;
    this.unknownIds++;
    this.movies.push({ movieId, title: `Unknown ${movieId}`, year: null, genres: [] });
    return this.items.add(movieId);
  }

  /**
   * The loaded dataset: `ratings` over every user of `users` and every movie catalogued, a copy of
   * `scale`, the optional parts given, and the warnings met while reading `source`.
   */
  toDataset(
    parts: {
      name: string;
      users: IdIndexer;
      ratings: RatingColumns;
      scale: RatingScale;
      source: string;
    } & Pick<Dataset, 'predefinedSplits' | 'genome'>,
  ): Dataset {
    const { name, users, ratings, scale, source, ...optional } = parts;
    return {
      name,
      ratings: toInteractions(ratings, users.map.size, this.movies.length),
      users: users.map,
      items: this.items.map,
      movies: this.movies,
      scale: { ...scale },
      ...optional,
      warnings: this.warnings(source),
    };
  }

  warnings(source: string): string[] {
    if (this.unknownIds === 0) return [...this.notes];
    return [
      `${source}: ${this.unknownIds} movie ids (${this.unknownRatings} ratings) are not in the catalog; added as "Unknown <id>"`,
      ...this.notes,
    ];
  }
}

/** Splits a MovieLens genre cell; "(no genres listed)" and blanks give []. */
export function splitGenres(cell: string): string[] {
  const trimmed = cell.trim();
  if (trimmed === '' || trimmed === '(no genres listed)') return [];
  return trimmed.split('|').filter((g) => g.length > 0);
}

/** Where a ratings file keeps each column (0-based), and how to read it. */
export interface RatingFileSpec extends DelimitedOptions {
  user: number;
  item: number;
  rating: number;
  time: number;
  /** The release's rating scale: a rating outside min..max or off its step is an error. */
  scale?: { min: number; max: number; step: number };
}

/** Half stars 0.5–5: ml-latest, ml-10m, ml-20m and later. */
export const HALF_STAR_SCALE = { min: 0.5, max: 5, step: 0.5, implicit: false } as const;
/** Whole stars 1–5: ml-100k, ml-1m. */
export const WHOLE_STAR_SCALE = { min: 1, max: 5, step: 1, implicit: false } as const;

export type { RatingColumns } from './duplicates.js';

/**
 * Streams a MovieLens ratings file (integer ids, numeric rating and timestamp) into typed arrays.
 * Users are indexed in `users` in order of first appearance unless already there. No published
 * release rates a (user, movie) pair twice; should a file do so, the latest rating by timestamp
 * is kept (on a tie, the later row) and `catalog.notes` says how many rows were dropped. The check
 * is one array access per row while each user's rows are contiguous (every release but ml-100k's
 * u.data, whose 100k rows are then sorted instead).
 *
 * @throws Error with `file:line` for a row with a missing or non-numeric field, a non-integer id,
 *   or a rating off `spec.scale`.
 */
export async function readRatingsFile(
  path: string,
  spec: RatingFileSpec,
  users: IdIndexer,
  catalog: CatalogBuilder,
  expectedRows = 1 << 16,
): Promise<RatingColumns> {
  const u = growInt32(expectedRows);
  const it = growInt32(expectedRows);
  const r = growFloat32(expectedRows);
  const t = growFloat64(expectedRows);
  const needed = Math.max(spec.user, spec.item, spec.rating, spec.time) + 1;
  let lastUserId = Number.NaN;
  let lastUser = -1;
  const scale = spec.scale;
  // Duplicate watch: `stamp[item]` is the number of the user block that last rated the item, so a
  // repeat within a block is one comparison; a user whose rows are not contiguous sends the whole
  // file through `mergeDuplicates` instead.
  let stamp: Int32Array = new Int32Array(Math.max(1024, catalog.movies.length));
  let block = 0;
  let started: Uint8Array = new Uint8Array(1024);
  let mayRepeat = false;
  await readDelimited(
    path,
    (record) => {
      const userId = record.number(spec.user);
      const movieId = record.number(spec.item);
      const rating = record.number(spec.rating);
      const time = record.number(spec.time);
      if (record.count < needed || Number.isNaN(userId + movieId + rating + time)) {
        throw new Error(
          `${record.where()}: expected numeric user, movie, rating and timestamp, got "${record.fields().join(spec.separator ?? ',')}"`,
        );
      }
      if (!Number.isInteger(userId) || !Number.isInteger(movieId)) {
        throw new Error(
          `${record.where()}: user and movie ids must be integers, got user "${record.text(spec.user).trim()}", movie "${record.text(spec.item).trim()}"`,
        );
      }
      if (
        scale !== undefined &&
        (rating < scale.min || rating > scale.max || !Number.isInteger(rating / scale.step))
      ) {
        throw new Error(
          `${record.where()}: rating ${record.text(spec.rating).trim()} is outside the scale ${scale.min}–${scale.max} in steps of ${scale.step}`,
        );
      }
      // Files are grouped by user, so the previous row's user is almost always this one.
      if (userId !== lastUserId) {
        lastUserId = userId;
        lastUser = users.add(userId);
        block++;
        if (lastUser >= started.length) started = grownBytes(started, lastUser + 1);
        if (started[lastUser] === 1) mayRepeat = true;
        started[lastUser] = 1;
      }
      const item = catalog.itemForRating(movieId);
      if (item >= catalog.catalogued) catalog.unknownRatings++;
      if (item >= stamp.length) stamp = grownInts(stamp, item + 1);
      if (stamp[item] === block) mayRepeat = true;
      stamp[item] = block;
      u.push(lastUser);
      it.push(item);
      r.push(rating);
      t.push(time);
      return undefined;
    },
    spec,
  );
  const columns = { users: u.finish(), items: it.finish(), ratings: r.finish(), timestamps: t.finish() };
  if (!mayRepeat) return columns;
  const merged = mergeDuplicates(columns, 'latest');
  if (merged.merged > 0) {
    catalog.notes.push(
      `${path}: ${merged.merged} repeated (user, movie) ratings dropped, keeping each pair's latest by timestamp`,
    );
  }
  return merged.columns;
}

function grownBytes(array: Uint8Array, size: number): Uint8Array {
  const bigger = new Uint8Array(Math.max(size, array.length * 2));
  bigger.set(array);
  return bigger;
}

function grownInts(array: Int32Array, size: number): Int32Array {
  const bigger = new Int32Array(Math.max(size, array.length * 2));
  bigger.set(array);
  return bigger;
}

/** Wraps columns as Interactions over the final user and item counts. */
export function toInteractions(columns: RatingColumns, nUsers: number, nItems: number): Interactions {
  return new Interactions(nUsers, nItems, columns.users, columns.items, columns.ratings, columns.timestamps);
}

/**
 * `dir/file`, which the layout needs.
 *
 * @throws Error naming the dataset, the missing file and what the folder holds.
 */
export function requireFile(dir: string, file: string, layout: string): string {
  const path = join(dir, file);
  if (!existsSync(path)) {
    const present = existsSync(dir) ? readdirSync(dir).join(', ') : 'nothing';
    throw new Error(`${layout} dataset in ${dir} is missing ${file} (found: ${present || 'nothing'})`);
  }
  return path;
}
