import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Command } from 'commander';
import { datasetFingerprint } from '../data/index.js';
import { createModel, loadModelWithHeader, modelEntry, modelNames, saveModel } from '../models/index.js';
import { cliSettings, loadNamedDataset } from './context.js';
import { checkSetModels, collectParam, outputFile, positiveInt } from './options.js';
import { Progress } from './progress.js';

export function trainCommand(): Command {
  return new Command('train')
    .description('Fit one model on a whole dataset and save it as a checksummed artifact')
    .requiredOption('--dataset <name>', 'dataset name or an imported dataset')
    .requiredOption('--model <name>', 'model name (see `cinerec models`)')
    .option('--set <model.param=value>', 'set a model parameter (repeatable)', collectParam, {})
    .option(
      '--out <file>',
      'artifact path (default: $CINEREC_HOME/models/<model>-<time>.cinerec)',
      outputFile,
    )
    .action(async (options) => {
      const entry = modelEntry(options.model);
      checkSetModels(options.set, [entry.name], '--model');
      const params = (options.set as Record<string, Record<string, unknown>>)[entry.name] ?? {};
      const model = createModel(entry.name, params);
      const dataset = await loadNamedDataset(options.dataset);
      const progress = new Progress();
      const started = performance.now();
      await model.fit(dataset.ratings, {
        onProgress: progress.track(entry.name),
        itemGenres: dataset.movies.map((m) => m.genres),
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
        dataset: dataset.name,
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
    .description('Top-N movies for a user from a saved model')
    .requiredOption('--artifact <file>', 'model artifact written by `cinerec train`')
    .requiredOption('--user <id>', 'user id as in the dataset')
    .option('--n <n>', 'how many movies', positiveInt('--n'), 10)
    .action(async (options) => {
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
      const raw = /^\d+$/.test(options.user) ? Number(options.user) : options.user;
      const user = dataset.users.index(raw);
      if (user < 0) throw new Error(`unknown user '${options.user}' in ${datasetName}`);
      const [list] = model.recommend([user], { n: options.n });
      const rows = Array.from(list.ids, (item, k) => {
        const movie = dataset.movies[item];
        return `${String(k + 1).padStart(3)}. ${list.scores[k].toFixed(3).padStart(8)}  ${movie.title} [${movie.genres.join('|')}]`;
      });
      process.stdout.write(`${rows.join('\n')}\n`);
    });
}

export function modelsCommand(): Command {
  return new Command('models').description('List the models and their parameters').action(() => {
    for (const name of modelNames()) {
      const entry = modelEntry(name);
      process.stdout.write(`${name} (${entry.kind}): ${entry.description}\n`);
      for (const [param, spec] of Object.entries(entry.schema)) {
        process.stdout.write(`    ${param} = ${String(spec.default)}  ${spec.description}\n`);
      }
    }
  });
}
