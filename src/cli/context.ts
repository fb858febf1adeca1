import { loadSettings, type Settings } from '../config.js';
import type { Dataset } from '../data/dataset.js';
import { findSharedDatasets, type LoadByNameOptions, loadDataset } from '../data/index.js';

/**
 * Settings for a CLI run. Developers with the shared offline datasets beside the repo get them as
 * the mirror when `CINEREC_DATA_MIRROR` is unset, so every command works offline here.
 */
export function cliSettings(): Settings {
  const settings = loadSettings();
  settings.dataMirror ??= findSharedDatasets() ?? undefined;
  return settings;
}

/** `loadDataset` with the CLI's settings; a dataset without ratings is refused here. */
export async function loadNamedDataset(name: string, options: LoadByNameOptions = {}): Promise<Dataset> {
  const dataset = await loadDataset(name, { ...options, settings: cliSettings() });
  if (dataset.ratings.size === 0) throw new Error(`dataset '${name}' has no ratings`);
  return dataset;
}
