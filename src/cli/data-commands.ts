import { Command, InvalidArgumentError } from 'commander';
import type { Dataset } from '../data/index.js';
import {
  DATASET_NAMES,
  enrichFromTmdb,
  fetchDataset,
  fieldCoverage,
  fillFromTmdbApi,
  findTmdbDir,
  importRatings,
  parseColumnMap,
  saveImported,
  TMDB_API_URL,
  tmdbApiCacheFile,
} from '../data/index.js';
import { cliSettings, loadNamedDataset } from './context.js';
import { positiveInt } from './options.js';
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
  data.addCommand(enrichCommand());
  return data;
}

function enrichCommand(): Command {
  return new Command('enrich')
    .description(
      `Fetch overview, tagline, keywords, cast, director, votes, popularity, runtime, release date and genres of each movie from the TMDB API (key in TMDB_API_KEY, base URL in TMDB_API_URL, default ${TMDB_API_URL}) into a cache under CINEREC_HOME that --tmdb loads use; resumable, a rerun fetches only what is missing`,
    )
    .argument('<name>', 'a MovieLens dataset with links.csv (or any, with a tmdb/ folder for title matching)')
    .option(
      '--rate <n>',
      'requests per second on average (TMDB allows about 40)',
      positiveNumber('--rate'),
      20,
    )
    .option('--concurrency <n>', 'requests in flight at most', positiveInt('--concurrency'), 4)
    .option('--limit <n>', 'fetch at most n movies not cached yet, then stop', positiveInt('--limit'))
    .option('--api-key <key>', 'TMDB v3 API key or v4 read access token (default: TMDB_API_KEY)')
    .action(
      async (
        name: string,
        options: { rate: number; concurrency: number; limit?: number; apiKey?: string },
      ) => {
        const settings = cliSettings();
        // With a Kaggle folder the Kaggle join runs first, as on every --tmdb load: its title match
        // gives ml-100k tmdbIds, and the coverage printed at the end is what --tmdb loads will see.
        const dataset = await loadNamedDataset(name, { withTmdb: findTmdbDir(settings) !== undefined });
        const cacheFile = tmdbApiCacheFile(settings, dataset.name);
        const progress = new Progress();
        const stop = new AbortController();
        const interrupt = () => stop.abort(); // Ctrl-C: keep what is cached, print the summary
        process.once('SIGINT', interrupt);
        try {
          const report = await enrichFromTmdb(dataset, {
            apiKey: options.apiKey ?? process.env.TMDB_API_KEY,
            baseUrl: process.env.TMDB_API_URL || undefined,
            cacheFile,
            rate: options.rate,
            concurrency: options.concurrency,
            limit: options.limit,
            signal: stop.signal,
            onProgress: progress.track(dataset.name),
          });
          progress.stop();
          fillFromTmdbApi(dataset, report.records);
          const lines = [
            `${dataset.name}: ${report.ids} TMDB ids: ${report.fetched} fetched, ${report.cached} cached, ${report.notFound} not found, ${report.failed} failed`,
          ];
          if (report.aborted) lines.push('interrupted: what was fetched is cached, rerun to resume');
          if (report.remaining > 0) lines.push(`${report.remaining} ids not cached yet: rerun to fetch them`);
          lines.push(`cache: ${cacheFile}`);
          process.stdout.write(`${lines.join('\n')}\n${coverageText(dataset)}`);
          if (report.failed > 0) process.exitCode = 1;
        } finally {
          process.removeListener('SIGINT', interrupt);
          progress.stop();
        }
      },
    );
}

function positiveNumber(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a positive number`);
    return n;
  };
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
  ];
  return `${lines.join('\n')}\n${coverageText(dataset)}`;
}

function coverageText(dataset: Dataset): string {
  const lines = ['coverage per field:'];
  for (const [field, value] of Object.entries(fieldCoverage(dataset))) {
    if (field === 'movies') continue;
    lines.push(`  ${field.padEnd(20)} ${(100 * value).toFixed(1).padStart(5)}%`);
  }
  return `${lines.join('\n')}\n`;
}
