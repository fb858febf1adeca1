import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { datasetCacheDir, type Settings } from '../config.js';
import type { Dataset } from './dataset.js';
import { type FetchOptions, fetchDataset } from './fetch.js';
import { knownDataset } from './known-datasets.js';
import { loadMovieLens, type MovieLensOptions } from './movielens.js';
import { applyTmdbApiCache, tmdbApiCacheFile } from './tmdb-cache.js';

export interface LoadByNameOptions extends Omit<MovieLensOptions, 'name'>, FetchOptions {
  /**
   * Join TMDB metadata from a `tmdb/` folder in the mirror or the dataset cache (ignored when
   * `tmdbDir` is given), then fill what it left empty from the dataset's TMDB API cache
   * (`cinerec data enrich`); either source suffices. Default false.
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
  const apiCache = options.withTmdb === true ? tmdbApiCacheFile(settings, name) : undefined;
  const hasApiCache = apiCache !== undefined && existsSync(apiCache);
  if (tmdbDir === undefined && options.withTmdb === true) {
    tmdbDir = findTmdbDir(settings);
    if (tmdbDir === undefined && !hasApiCache) {
      throw new Error(
        `withTmdb: no tmdb/ folder in ${datasetCacheDir(settings)} or CINEREC_DATA_MIRROR (${settings.dataMirror ?? 'unset'}), and no TMDB API cache (cinerec data enrich ${name})`,
      );
    }
  }
  const dataset = await loadMovieLens(dir, { ...options, name, tmdbDir });
  // After the Kaggle join, which it only completes (see fillFromTmdbApi).
  if (hasApiCache) await applyTmdbApiCache(dataset, settings);
  return dataset;
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
