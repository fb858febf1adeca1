import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { datasetCacheDir, type Settings } from '../config.js';
import type { Dataset } from './dataset.js';
import { type ImportOptions, importRatings } from './import.js';
import { DATASET_NAMES } from './known-datasets.js';

const MANIFEST = 'cinerec-import.json';

/**
 * Keep an imported dataset under `<home>/datasets/<name>/`: copies of the user's files plus the
 * import options, so later commands load it by name exactly as it was imported.
 */
export async function saveImported(
  options: ImportOptions,
  dataset: Dataset,
  settings: Settings,
): Promise<string> {
  if (!/^[\w.-]+$/.test(dataset.name)) {
    throw new Error(`import: dataset name '${dataset.name}' may only hold letters, digits, '.', '_' and '-'`);
  }
  if (DATASET_NAMES.includes(dataset.name)) {
    throw new Error(`import: '${dataset.name}' is a MovieLens release name; choose another --name`);
  }
  const root = datasetCacheDir(settings);
  const dir = join(root, dataset.name);
  const work = join(root, `.import-${dataset.name}-${process.pid}`);
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  const ratingsFile = basename(options.ratingsFile);
  await copyFile(options.ratingsFile, join(work, ratingsFile));
  let moviesFile: string | undefined;
  if (options.moviesFile !== undefined) {
    moviesFile = `movies-${basename(options.moviesFile)}`;
    await copyFile(options.moviesFile, join(work, moviesFile));
  }
  const manifest = { ...options, ratingsFile, moviesFile, name: dataset.name };
  await writeFile(join(work, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  await rm(dir, { recursive: true, force: true });
  await rename(work, dir);
  return dir;
}

/** The imported dataset `name` from the cache, or undefined when no import of that name exists. */
export async function loadImported(name: string, settings: Settings): Promise<Dataset | undefined> {
  const dir = join(datasetCacheDir(settings), name);
  const manifestPath = join(dir, MANIFEST);
  if (!existsSync(manifestPath)) return undefined;
  const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as ImportOptions;
  return importRatings({
    ...manifest,
    ratingsFile: join(dir, manifest.ratingsFile),
    moviesFile: manifest.moviesFile === undefined ? undefined : join(dir, manifest.moviesFile),
  });
}
