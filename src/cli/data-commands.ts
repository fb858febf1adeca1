import { Command } from 'commander';
import type { Dataset } from '../data/index.js';
import {
  DATASET_NAMES,
  fetchDataset,
  fieldCoverage,
  importRatings,
  parseColumnMap,
  saveImported,
} from '../data/index.js';
import { cliSettings, loadNamedDataset } from './context.js';
import { Progress } from './progress.js';

export function dataCommand(): Command {
  const data = new Command('data').description('Download, inspect and import datasets');
  data
    .command('fetch')
    .description(
      `Download a MovieLens dataset (checksummed) into CINEREC_HOME, or take it from CINEREC_DATA_MIRROR`,
    )
    .argument('<name>', `one of ${DATASET_NAMES.join(', ')}`)
    .action(async (name: string) => {
      const progress = new Progress();
      try {
        const dir = await fetchDataset(name, cliSettings(), { onProgress: progress.track(name) });
        progress.stop();
        process.stdout.write(`${name}: ${dir}\n`);
      } finally {
        progress.stop();
      }
    });
  data
    .command('info')
    .description('Sizes, rating scale and content coverage per field of a dataset')
    .argument('<name>', 'dataset name or an imported dataset')
    .option('--tmdb', 'join TMDB metadata (tmdb/ folder in the cache or the mirror)', false)
    .action(async (name: string, options: { tmdb: boolean }) => {
      const dataset = await loadNamedDataset(name, { withTmdb: options.tmdb });
      process.stdout.write(describeDataset(dataset));
    });
  return data;
}

export function importCommand(): Command {
  return new Command('import')
    .description('Import your own ratings or events (string ids, any scale, or implicit) as a named dataset')
    .requiredOption('--ratings <file>', 'delimited file with a header row')
    .requiredOption('--map <columns>', 'which columns hold what: user=…,item=…[,rating=…][,time=…]')
    .option('--movies <file>', 'optional catalog: item id column, title, genres (|-separated)')
    .option('--separator <sep>', "field separator (default: guessed among , ; tab | and '::')")
    .option('--name <name>', 'dataset name to use with --dataset (default: the file name)')
    .action(async (options) => {
      const importOptions = {
        ratingsFile: options.ratings,
        map: parseColumnMap(options.map),
        moviesFile: options.movies,
        separator: options.separator,
        name: options.name,
      };
      const dataset = await importRatings(importOptions);
      const dir = await saveImported(importOptions, dataset, cliSettings());
      process.stdout.write(describeDataset(dataset));
      process.stdout.write(`saved as '${dataset.name}' in ${dir}; use --dataset ${dataset.name}\n`);
    });
}

function describeDataset(dataset: Dataset): string {
  const { scale } = dataset;
  const lines = [
    `${dataset.name}: ${dataset.ratings.size} ${scale.implicit ? 'events' : 'ratings'}, ${dataset.users.size} users, ${dataset.movies.length} movies`,
    scale.implicit ? 'implicit feedback' : `rating scale ${scale.min}–${scale.max}, step ${scale.step}`,
    'coverage per field:',
  ];
  const coverage = fieldCoverage(dataset);
  for (const [field, value] of Object.entries(coverage)) {
    if (field === 'movies') continue;
    lines.push(`  ${field.padEnd(20)} ${(100 * value).toFixed(1).padStart(5)}%`);
  }
  return `${lines.join('\n')}\n`;
}
