import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { log } from '../util/log.js';
import { CatalogBuilder, HALF_STAR_SCALE, readRatingsFile, requireFile, splitGenres } from './catalog.js';
import { estimateLines, readDelimited, readFirstRecord, requireColumn } from './csv.js';
import type { Dataset } from './dataset.js';
import { IdIndexer } from './growable.js';
import { IdMap } from './idmap.js';
import { readGenome, readLinks, readTags } from './movielens-extras.js';
import { loadDat, loadMl100k } from './movielens-legacy.js';
import { joinTmdb } from './tmdb.js';

export interface MovieLensOptions {
  /** Dataset name; default: the folder's name. */
  name?: string;
  /** Read tags.csv / tags.dat into `movie.tags` when present. Default true. */
  withTags?: boolean;
  /** Read links.csv into `movie.imdbId` / `movie.tmdbId` when present. Default true. */
  withLinks?: boolean;
  /** Read genome-tags.csv and genome-scores.csv into `dataset.genome` (large). Default false. */
  withGenome?: boolean;
  /** ml-100k: load u1–u5 and ua/ub as `predefinedSplits`. Default true. */
  withSplits?: boolean;
  /** Join TMDB metadata from this folder (see `joinTmdb`). */
  tmdbDir?: string;
}

/** How a MovieLens folder is laid out: CSV with headers (ml-latest*, ml-20m+), ml-100k's `u.*`, or `::` `.dat`. */
export type MovieLensLayout = 'csv' | 'ml-100k' | 'dat';

/**
 * The layout of a MovieLens folder, from the files present.
 *
 * @throws Error naming the folder and what it holds when no layout fits.
 */
export function detectLayout(dir: string): MovieLensLayout {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new Error(`MovieLens folder ${dir} does not exist`);
  }
  const files = readdirSync(dir);
  if (files.includes('movies.csv') || files.includes('ratings.csv')) return 'csv';
  if (files.includes('u.data') || files.includes('u.item')) return 'ml-100k';
  if (files.includes('movies.dat') || files.includes('ratings.dat')) return 'dat';
  throw new Error(
    `${dir}: no MovieLens files (expected movies.csv + ratings.csv, u.data + u.item, or movies.dat + ratings.dat); found: ${files.join(', ') || 'nothing'}`,
  );
}

/**
 * Loads a MovieLens dataset from a folder of any of its published layouts: ml-latest-small,
 * ml-latest, ml-20m/25m/32m (CSV), ml-100k (with its predefined splits sharing the id maps), ml-1m
 * and ml-10m (`::`). Items are the whole catalog in file order, then any movie ids that only the
 * ratings mention (as "Unknown <id>", with a warning); users in order of u.user/users.dat or of
 * first rating.
 *
 * @throws Error naming the missing file (e.g. ml-1m without ratings.dat) or the bad `file:line`.
 */
export async function loadMovieLens(dir: string, options: MovieLensOptions = {}): Promise<Dataset> {
  const layout = detectLayout(dir);
  const name = options.name ?? basename(dir);
  const dataset =
    layout === 'csv'
      ? await loadCsvLayout(dir, name, options)
      : layout === 'ml-100k'
        ? await loadMl100k(dir, name, options)
        : await loadDat(dir, name, options);
  if (options.tmdbDir !== undefined) {
    // ml-100k numbers its movies its own way, so MovieLens links do not apply to it.
    const report = await joinTmdb(dataset, options.tmdbDir, { movieLensIds: layout !== 'ml-100k' });
    if (report.warning !== undefined) dataset.warnings = [...(dataset.warnings ?? []), report.warning];
  }
  for (const warning of dataset.warnings ?? []) log.warn({ dataset: name }, warning);
  return dataset;
}

async function loadCsvLayout(dir: string, name: string, options: MovieLensOptions): Promise<Dataset> {
  const moviesFile = requireFile(dir, 'movies.csv', 'MovieLens CSV');
  const ratingsFile = requireFile(dir, 'ratings.csv', 'MovieLens CSV');
  const catalog = new CatalogBuilder();
  await readCatalogCsv(moviesFile, catalog);

  const header = await readFirstRecord(ratingsFile);
  const users = new IdIndexer(new IdMap());
  const columns = await readRatingsFile(
    ratingsFile,
    {
      header: true,
      user: requireColumn(header, 'userId', ratingsFile),
      item: requireColumn(header, 'movieId', ratingsFile),
      rating: requireColumn(header, 'rating', ratingsFile),
      time: requireColumn(header, 'timestamp', ratingsFile),
      scale: HALF_STAR_SCALE,
    },
    users,
    catalog,
    await estimateLines(ratingsFile),
  );

  const linksFile = join(dir, 'links.csv');
  if ((options.withLinks ?? true) || options.tmdbDir !== undefined) {
    if (existsSync(linksFile)) await readLinks(linksFile, catalog);
  }
  const tagsFile = join(dir, 'tags.csv');
  if ((options.withTags ?? true) && existsSync(tagsFile)) {
    await readTags(tagsFile, catalog, {
      header: true,
      separator: ',',
      movieColumn: 'movieId',
      tagColumn: 'tag',
    });
  }
  const genome = options.withGenome === true ? await readGenome(dir, catalog) : undefined;
  return catalog.toDataset({
    name,
    users,
    ratings: columns,
    scale: HALF_STAR_SCALE,
    source: ratingsFile,
    ...(genome === undefined ? {} : { genome }),
  });
}

/** movies.csv: movieId,title,genres with titles quoted when they hold commas. */
async function readCatalogCsv(path: string, catalog: CatalogBuilder): Promise<void> {
  let idColumn = 0;
  let titleColumn = 1;
  let genresColumn = 2;
  await readDelimited(
    path,
    (record) => {
      const id = record.number(idColumn);
      if (!Number.isInteger(id))
        throw new Error(`${record.where()}: movieId "${record.text(idColumn)}" is not an integer`);
      catalog.addMovie(id, record.text(titleColumn), splitGenres(record.text(genresColumn)));
      return undefined;
    },
    {
      header: true,
      onHeader: (names) => {
        idColumn = requireColumn(names, 'movieId', path);
        titleColumn = requireColumn(names, 'title', path);
        genresColumn = requireColumn(names, 'genres', path);
      },
    },
  );
}
