import { loadSettings, type Settings } from '../config.js';
import type { Dataset } from '../data/dataset.js';
import { loadImported } from '../data/imported.js';
import { findSharedDatasets, type LoadByNameOptions, loadDatasetByName } from '../data/index.js';

/**
 * Settings for a CLI run. Developers with the shared offline datasets beside the repo get them as
 * the mirror when `CINEREC_DATA_MIRROR` is unset, so every command works offline here.
 */
export function cliSettings(): Settings {
  const settings = loadSettings();
  settings.dataMirror ??= findSharedDatasets() ?? undefined;
  return settings;
}

/** A dataset imported with `cinerec import` under that name, else a MovieLens release. */
export async function loadNamedDataset(name: string, options: LoadByNameOptions = {}): Promise<Dataset> {
  const settings = cliSettings();
  const dataset = (await loadImported(name, settings)) ?? (await loadDatasetByName(name, settings, options));
  if (dataset.ratings.size === 0) throw new Error(`dataset '${name}' has no ratings`);
  return dataset;
}
