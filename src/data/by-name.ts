import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { datasetCacheDir, type Settings } from '../config.js';
import type { Dataset } from './dataset.js';
import { type FetchOptions, fetchDataset } from './fetch.js';
import { knownDataset } from './known-datasets.js';
import { loadMovieLens, type MovieLensOptions } from './movielens.js';

export interface LoadByNameOptions extends Omit<MovieLensOptions, 'name'>, FetchOptions {
  /**
   * Join TMDB metadata from a `tmdb/` folder in the mirror or the dataset cache (ignored when
   * `tmdbDir` is given). Default false.
   */
  withTmdb?: boolean;
}

/**
 * Loads a MovieLens release by name (ml-latest-small, ml-100k, ml-1m, ml-10m, ml-20m, ml-25m,
 * ml-32m, ml-latest): from the cache in `datasetCacheDir(settings)/<name>`, else the mirror
 * `settings.dataMirror`, else a verified download (see `fetchDataset`).
 *
 * @throws Error listing the known names for an unknown one, or explaining why the data is missing.
 */
export async function loadDatasetByName(
  name: string,
  settings: Settings,
  options: LoadByNameOptions = {},
): Promise<Dataset> {
  knownDataset(name);
  const dir = await fetchDataset(name, settings, options);
  let tmdbDir = options.tmdbDir;
  if (tmdbDir === undefined && options.withTmdb === true) {
    tmdbDir = findTmdbDir(settings);
    if (tmdbDir === undefined) {
      throw new Error(
        `withTmdb: no tmdb/ folder in ${datasetCacheDir(settings)} or CINEREC_DATA_MIRROR (${settings.dataMirror ?? 'unset'})`,
      );
    }
  }
  return loadMovieLens(dir, { ...options, name, tmdbDir });
}

/** A `tmdb/` folder beside the cached or mirrored datasets, if any. */
export function findTmdbDir(settings: Settings): string | undefined {
  const candidates = [join(datasetCacheDir(settings), 'tmdb')];
  if (settings.dataMirror !== undefined && !/^https?:/i.test(settings.dataMirror)) {
    candidates.push(join(settings.dataMirror, 'tmdb'));
  }
  return candidates.find(
    (dir) => existsSync(join(dir, 'tmdb_5000_movies.csv')) || existsSync(join(dir, 'keywords.csv')),
  );
}
