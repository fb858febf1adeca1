import { existsSync, statSync } from 'node:fs';
import { loadSettings, type Settings } from '../config.js';
import { type LoadByNameOptions, loadDatasetByName } from './by-name.js';
import type { Dataset } from './dataset.js';
import { loadImported } from './imported.js';
import { loadMovieLens } from './movielens.js';

/**
 * The one way to get a dataset: a folder in any MovieLens layout, a dataset imported with
 * `cinerec import`, or a MovieLens release by name (cache, mirror or download).
 *
 * ```ts
 * const ml = await loadDataset('ml-latest-small');
 * const mine = await loadDataset('./data/ml-100k');
 * ```
 */
export async function loadDataset(
  source: string,
  options: LoadByNameOptions & { settings?: Settings } = {},
): Promise<Dataset> {
  const { settings = loadSettings(), ...loadOptions } = options;
  if (existsSync(source) && statSync(source).isDirectory()) return loadMovieLens(source, loadOptions);
  return (await loadImported(source, settings)) ?? loadDatasetByName(source, settings, loadOptions);
}
