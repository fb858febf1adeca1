import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  CatalogBuilder,
  HALF_STAR_SCALE,
  type RatingColumns,
  readRatingsFile,
  requireFile,
  splitGenres,
  toInteractions,
  WHOLE_STAR_SCALE,
} from './catalog.js';
import { type CsvRecord, estimateLines, readDelimited } from './csv.js';
import type { Dataset, PredefinedSplit } from './dataset.js';
import { IdIndexer } from './growable.js';
import { IdMap } from './idmap.js';
import type { MovieLensOptions } from './movielens.js';
import { readTags } from './movielens-extras.js';

/** u.genre as distributed; used when the file is absent. Flag k of u.item is genre k. */
const ML100K_GENRES = [
  ...['unknown', 'Action', 'Adventure', 'Animation', "Children's", 'Comedy', 'Crime', 'Documentary'],
  ...['Drama', 'Fantasy', 'Film-Noir', 'Horror', 'Musical', 'Mystery', 'Romance', 'Sci-Fi', 'Thriller'],
  ...['War', 'Western'],
];
const ML100K_SPLITS = ['u1', 'u2', 'u3', 'u4', 'u5', 'ua', 'ub'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const TAB_FILE = {
  separator: '\t',
  quote: null,
  user: 0,
  item: 1,
  rating: 2,
  time: 3,
  scale: WHOLE_STAR_SCALE,
} as const;

/**
 * ml-100k: u.item (latin-1, `|`, 19 genre flags), u.user, u.data, and the predefined splits
 * u1–u5/ua/ub, all indexed through the same id maps so a split's indices mean what the full
 * dataset's do.
 */
export async function loadMl100k(dir: string, name: string, options: MovieLensOptions): Promise<Dataset> {
  const itemFile = requireFile(dir, 'u.item', 'ml-100k');
  const dataFile = requireFile(dir, 'u.data', 'ml-100k');
  const genreNames = existsSync(join(dir, 'u.genre'))
    ? await readGenreNames(join(dir, 'u.genre'))
    : ML100K_GENRES;
  const catalog = new CatalogBuilder();
  await readDelimited(
    itemFile,
    (record) => {
      const genres: string[] = [];
      for (let k = 0; k < genreNames.length; k++) {
        // The "unknown" genre means no genre, like ml-latest's "(no genres listed)".
        if (record.text(5 + k) === '1' && genreNames[k] !== 'unknown') genres.push(genreNames[k]);
      }
      const movie = catalog.addMovie(integerId(record, 0, 'movie id'), record.text(1), genres);
      const released = isoDate(record.text(2));
      if (movie !== undefined && released !== undefined) {
        movie.releaseDate = released;
        movie.year ??= Number(released.slice(0, 4));
      }
      return undefined;
    },
    { separator: '|', quote: null, encoding: 'latin1' },
  );
  const users = await readUserOrder(join(dir, 'u.user'), { separator: '|', quote: null });
  const all = await readRatingsFile(dataFile, TAB_FILE, users, catalog, 100_000);
  const splitColumns: { name: string; train: RatingColumns; test: RatingColumns }[] = [];
  if (options.withSplits ?? true) {
    for (const split of ML100K_SPLITS) {
      const base = join(dir, `${split}.base`);
      const test = join(dir, `${split}.test`);
      if (!existsSync(base) || !existsSync(test)) continue;
      splitColumns.push({
        name: split,
        train: await readRatingsFile(base, TAB_FILE, users, catalog, 100_000),
        test: await readRatingsFile(test, TAB_FILE, users, catalog, 100_000),
      });
    }
  }
  // Shapes are fixed only now: a split could in principle mention an id the full file lacks.
  const nUsers = users.map.size;
  const nItems = catalog.movies.length;
  const predefinedSplits: PredefinedSplit[] = splitColumns.map((s) => ({
    name: s.name,
    train: toInteractions(s.train, nUsers, nItems),
    test: toInteractions(s.test, nUsers, nItems),
  }));
  return catalog.toDataset({
    name,
    users,
    ratings: all,
    scale: WHOLE_STAR_SCALE,
    source: dataFile,
    ...(predefinedSplits.length > 0 ? { predefinedSplits } : {}),
  });
}

/**
 * ml-1m and ml-10m: movies.dat, ratings.dat (and users.dat, tags.dat when present), `::`-separated
 * and latin-1. ml-10m rates in half stars, ml-1m in whole stars; the scale follows the data.
 */
export async function loadDat(dir: string, name: string, options: MovieLensOptions): Promise<Dataset> {
  const moviesFile = requireFile(dir, 'movies.dat', name);
  const ratingsFile = requireFile(dir, 'ratings.dat', name);
  const dat = { separator: '::', quote: null, encoding: 'latin1' } as const;
  const catalog = new CatalogBuilder();
  await readDelimited(
    moviesFile,
    (record) => {
      catalog.addMovie(integerId(record, 0, 'movie id'), record.text(1), splitGenres(record.text(2)));
      return undefined;
    },
    dat,
  );
  const users = await readUserOrder(join(dir, 'users.dat'), dat);
  const columns = await readRatingsFile(
    ratingsFile,
    // ml-1m rates in whole stars, ml-10m in half stars: accept both, then tell them apart below.
    { ...dat, user: 0, item: 1, rating: 2, time: 3, scale: HALF_STAR_SCALE },
    users,
    catalog,
    await estimateLines(ratingsFile),
  );
  const tagsFile = join(dir, 'tags.dat');
  if ((options.withTags ?? true) && existsSync(tagsFile)) {
    await readTags(tagsFile, catalog, { ...dat, movieColumn: 1, tagColumn: 2 });
  }
  let halfStars = false;
  for (let k = 0; k < columns.ratings.length && !halfStars; k++) {
    halfStars = !Number.isInteger(columns.ratings[k]);
  }
  return catalog.toDataset({
    name,
    users,
    ratings: columns,
    scale: halfStars ? HALF_STAR_SCALE : WHOLE_STAR_SCALE,
    source: ratingsFile,
  });
}

/** Users in the order of the user file (u.user, users.dat) when there is one, so ids 1..n map to 0..n-1. */
async function readUserOrder(path: string, options: { separator: string; quote: null }): Promise<IdIndexer> {
  const users = new IdIndexer(new IdMap());
  if (!existsSync(path)) return users;
  await readDelimited(
    path,
    (record) => {
      users.add(integerId(record, 0, 'user id'));
      return undefined;
    },
    options,
  );
  return users;
}

async function readGenreNames(path: string): Promise<string[]> {
  const names: string[] = [];
  await readDelimited(
    path,
    (record) => {
      names[integerId(record, 1, 'genre number')] = record.text(0);
      return undefined;
    },
    { separator: '|', quote: null },
  );
  return names;
}

/**
 * Field `column` as an integer id.
 *
 * @throws Error with `file:line` quoting the field when it is not an integer.
 */
function integerId(record: CsvRecord, column: number, what: string): number {
  const id = record.number(column);
  if (!Number.isInteger(id)) {
    throw new Error(`${record.where()}: ${what} "${record.text(column)}" is not an integer`);
  }
  return id;
}

/** "01-Jan-1995" → "1995-01-01"; undefined for blanks or anything else. */
function isoDate(text: string): string | undefined {
  const match = /^(\d{1,2})-([A-Za-z]{3})-(\d{4})$/.exec(text.trim());
  if (match === null) return undefined;
  const month = MONTHS.indexOf(match[2]) + 1;
  if (month === 0) return undefined;
  return `${match[3]}-${String(month).padStart(2, '0')}-${match[1].padStart(2, '0')}`;
}
