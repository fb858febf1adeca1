import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { type Dataset, datasetFingerprint, displayTitle, type RawId } from '../data/index.js';
import {
  createModel,
  loadModelWithHeader,
  modelEntry,
  modelNames,
  type Ranked,
  recommendFromList,
  saveModel,
} from '../models/index.js';
import { cliSettings, loadNamedDataset } from './context.js';
import { checkSetModels, collectParam, outputFile, positiveInt } from './options.js';
import { Progress } from './progress.js';
import { registryCommands, trainIntoRegistry } from './registry-commands.js';
import { addServiceOptions } from './service-options.js';

export function trainCommand(): Command {
  const command = new Command('train')
    .description(
      'Fit one model on a whole dataset and save it as a checksummed artifact; without --dataset, train on the service store’s ratings and record a run in the model registry',
    )
    .option('--dataset <name>', 'dataset name or an imported dataset (omit to train on the store)')
    .requiredOption('--model <name>', 'model name (see `cinerec models`)')
    .option('--set <model.param=value>', 'set a model parameter (repeatable)', collectParam, {})
    .option(
      '--out <file>',
      'artifact path, with --dataset (default: $CINEREC_HOME/models/<model>-<time>.cinerec)',
      outputFile,
    )
    .option('--promote', 'without --dataset: promote the run once trained');
  return addServiceOptions(command).action(async (options) => {
    const entry = modelEntry(options.model);
    checkSetModels(options.set, [entry.name], '--model');
    const params = (options.set as Record<string, Record<string, unknown>>)[entry.name] ?? {};
    if (options.dataset === undefined) {
      if (options.out !== undefined)
        throw new Error(
          '--out needs --dataset (registry runs keep their artifacts under $CINEREC_HOME/models)',
        );
      await trainIntoRegistry(entry.name, params, options);
      return;
    }
    if (options.promote === true) throw new Error('--promote needs the registry: omit --dataset');
    const model = createModel(entry.name, params);
    const dataset = await loadNamedDataset(options.dataset);
    const progress = new Progress();
    const started = performance.now();
    await model.fit(dataset.ratings, {
      onProgress: progress.track(entry.name),
      itemGenres: dataset.movies.map((m) => m.genres),
      movies: dataset.movies,
    });
    progress.stop();
    const fitSeconds = (performance.now() - started) / 1000;
    let out = options.out as string | undefined;
    if (out === undefined) {
      const dir = join(cliSettings().home, 'models');
      await mkdir(dir, { recursive: true });
      out = join(dir, `${entry.name}-${new Date().toISOString().replace(/[:.]/g, '-')}.cinerec`);
    }
    const sha256 = await saveModel(model, out, {
      // As given, so `recommend` finds it again: a release or import name, or a folder's absolute path.
      dataset: existsSync(options.dataset) ? resolve(options.dataset) : options.dataset,
      fingerprint: datasetFingerprint(dataset),
      fitSeconds,
    });
    process.stdout.write(
      `${JSON.stringify({ model: entry.name, params: model.params, artifact: out, sha256, fitSeconds })}\n`,
    );
  });
}

export function recommendCommand(): Command {
  return new Command('recommend')
    .description('Top-N movies from a saved model, for a known user or from 1–20 liked movies')
    .requiredOption('--artifact <file>', 'model artifact written by `cinerec train`')
    .option('--user <id>', 'user id as in the dataset')
    .option('--liked <movieIds>', 'comma-separated movie ids (1–20) liked by a newcomer, instead of --user')
    .addOption(
      new Option(
        '--method <method>',
        'with --liked: fold the list into a new user, or use the best-matching user',
      )
        .choices(['fold-in', 'proxy-user'])
        .default('fold-in'),
    )
    .option('--n <n>', 'how many movies', positiveInt('--n'), 10)
    .action(async (options) => {
      if ((options.user === undefined) === (options.liked === undefined)) {
        throw new Error('give exactly one of --user and --liked');
      }
      const { model, header } = await loadModelWithHeader(options.artifact);
      const datasetName = header.info.dataset as string | undefined;
      if (datasetName === undefined)
        throw new Error(`${options.artifact}: the artifact does not name its dataset`);
      const dataset = await loadNamedDataset(datasetName);
      if (datasetFingerprint(dataset) !== header.info.fingerprint) {
        throw new Error(
          `${options.artifact}: trained on a different version of '${datasetName}' (ids differ); retrain it`,
        );
      }
      let list: Ranked;
      if (options.user !== undefined) {
        const user = dataset.users.index(rawId(options.user));
        if (user < 0) throw new Error(`unknown user '${options.user}' in ${datasetName}`);
        [list] = model.recommend([user], { n: options.n });
      } else {
        const liked = likedItems(options.liked as string, dataset);
        const strategy = options.method === 'proxy-user' ? 'proxy' : 'fold-in';
        const result = recommendFromList(model, liked, { strategy, n: options.n });
        if (result.proxy !== null) {
          const proxyId = dataset.users.rawId(result.proxy.user);
          process.stdout.write(
            `proxy user ${proxyId}: rated ${result.proxy.matchCount} of the movies, mean ${result.proxy.meanRating.toFixed(2)}\n`,
          );
        }
        list = result.ranked;
      }
      const rows = Array.from(list.ids, (item, k) => {
        const movie = dataset.movies[item];
        return `${String(k + 1).padStart(3)}. ${list.scores[k].toFixed(3).padStart(8)}  ${displayTitle(movie.title)}${movie.year ? ` (${movie.year})` : ''} [${movie.genres.join('|')}]`;
      });
      process.stdout.write(`${rows.join('\n')}\n`);
    });
}

function rawId(text: string): RawId {
  return /^\d+$/.test(text) ? Number(text) : text;
}

/** Dense indices of `--liked`: 1–20 ids, each known to the dataset. */
function likedItems(text: string, dataset: Dataset): Int32Array {
  const ids = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (ids.length < 1 || ids.length > 20)
    throw new Error(`--liked takes 1 to 20 movie ids, got ${ids.length}`);
  return Int32Array.from(ids, (id) => {
    const item = dataset.items.index(rawId(id));
    if (item < 0) throw new Error(`--liked: unknown movie id '${id}' in ${dataset.name}`);
    return item;
  });
}

/** `models`: every algorithm and its parameters; `models list|promote|rollback`: the registry. */
export function modelsCommand(): Command {
  const command = new Command('models').description(
    'List the models and their parameters; `models list|promote|rollback` manage the service’s model registry',
  );
  registryCommands(command);
  return command.action(() => {
    for (const name of modelNames()) {
      const entry = modelEntry(name);
      process.stdout.write(`${name} (${entry.kind}): ${entry.description}\n`);
      for (const [param, spec] of Object.entries(entry.schema)) {
        process.stdout.write(`    ${param} = ${String(spec.default)}  ${spec.description}\n`);
      }
    }
  });
}
