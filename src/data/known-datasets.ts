import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { countNonEmptyLines } from './csv.js';

/** What a published MovieLens release must contain once unpacked. */
export interface KnownDataset {
  name: string;
  /** Files that must be present. */
  files: string[];
  /** Record counts as published (lines, less the header for CSV), for the files we can check. */
  rows: Record<string, number>;
}

const CSV_FILES = ['movies.csv', 'ratings.csv', 'tags.csv', 'links.csv'];
const GENOME = ['genome-scores.csv', 'genome-tags.csv'];

/** Every dataset name the loaders and `fetchDataset` accept; counts from each release's README. */
export const KNOWN_DATASETS: Record<string, KnownDataset> = {
  'ml-latest-small': {
    name: 'ml-latest-small',
    files: CSV_FILES,
    rows: { 'movies.csv': 9742, 'ratings.csv': 100836 },
  },
  'ml-100k': {
    name: 'ml-100k',
    files: ['u.data', 'u.item', 'u.user', 'u.genre'],
    rows: { 'u.data': 100000, 'u.item': 1682, 'u.user': 943 },
  },
  'ml-1m': {
    name: 'ml-1m',
    files: ['movies.dat', 'ratings.dat', 'users.dat'],
    rows: { 'movies.dat': 3883, 'ratings.dat': 1000209, 'users.dat': 6040 },
  },
  'ml-10m': {
    name: 'ml-10m',
    files: ['movies.dat', 'ratings.dat', 'tags.dat'],
    rows: { 'movies.dat': 10681, 'ratings.dat': 10000054 },
  },
  'ml-20m': {
    name: 'ml-20m',
    files: [...CSV_FILES, ...GENOME],
    rows: { 'movies.csv': 27278, 'ratings.csv': 20000263 },
  },
  'ml-25m': {
    name: 'ml-25m',
    files: [...CSV_FILES, ...GENOME],
    rows: { 'movies.csv': 62423, 'ratings.csv': 25000095 },
  },
  'ml-32m': {
    name: 'ml-32m',
    files: CSV_FILES,
    rows: { 'movies.csv': 87585, 'ratings.csv': 32000204 },
  },
  // ml-latest grows with every release, so only its files are checked.
  'ml-latest': { name: 'ml-latest', files: [...CSV_FILES, ...GENOME], rows: {} },
};

export const DATASET_NAMES = Object.keys(KNOWN_DATASETS);

/**
 * The table entry for `name`.
 *
 * @throws Error listing the known names.
 */
export function knownDataset(name: string): KnownDataset {
  const known = KNOWN_DATASETS[name];
  if (known === undefined) {
    throw new Error(`unknown dataset '${name}'; known datasets: ${DATASET_NAMES.join(', ')}`);
  }
  return known;
}

/**
 * What is wrong with an unpacked dataset folder: missing files, and (when `countRows`) files whose
 * record count differs from the published one. Empty when the folder is complete.
 */
export async function datasetProblems(
  dir: string,
  known: KnownDataset,
  countRows: boolean,
): Promise<string[]> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return [`${dir} does not exist`];
  const problems = known.files
    .filter((f) => !existsSync(join(dir, f)))
    .map((f) => `${join(dir, f)} is missing`);
  if (!countRows || problems.length > 0) return problems;
  for (const [file, expected] of Object.entries(known.rows)) {
    const lines = await countNonEmptyLines(join(dir, file));
    const rows = file.endsWith('.csv') ? lines - 1 : lines;
    if (rows !== expected)
      problems.push(`${join(dir, file)} has ${rows} rows, ${known.name} has ${expected}`);
  }
  return problems;
}

/**
 * The shared offline datasets folder (`../shared/datasets` beside the repository), or null when
 * absent. Tests and benches use it; the CLI uses it as the default mirror.
 */
export function findSharedDatasets(): string | null {
  const dir = resolve(repositoryRoot(), '../shared/datasets');
  return existsSync(dir) && statSync(dir).isDirectory() ? dir : null;
}

/** The nearest folder above this module holding a package.json (works from src/ and from dist/). */
function repositoryRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && readdirSync(dir).includes('src')) return dir;
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}
