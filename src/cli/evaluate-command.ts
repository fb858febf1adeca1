import { writeFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import type { Dataset } from '../data/index.js';
import { evaluate, formatTable, PROTOCOLS, type Protocol, renderHtml, toJson } from '../eval/index.js';
import { resolveParams } from '../models/base.js';
import { modelEntry } from '../models/index.js';
import { loadNamedDataset } from './context.js';
import { checkSetModels, collectParam, integer, modelList, outputFile, positiveInt } from './options.js';
import { Progress } from './progress.js';

export function evaluateCommand(): Command {
  return new Command('evaluate')
    .description('Train models on a split of a dataset and print a comparison table')
    .requiredOption('--dataset <name>', 'dataset name (ml-latest-small, ml-100k, …) or an imported dataset')
    .addOption(new Option('--protocol <protocol>', 'split protocol').choices(PROTOCOLS).default('kfold'))
    .requiredOption('--models <names>', 'comma-separated model names (see `cinerec models`)', modelList)
    .option('--k <k>', 'list length for ranking metrics', positiveInt('--k'), 10)
    .option('--seed <seed>', 'seed for splits and models', integer('--seed'), 42)
    .option(
      '--relevant <rule>',
      "which test ratings are relevant: 'all' or a minimum rating such as 4",
      'all',
    )
    .option('--set <model.param=value>', 'set a model parameter (repeatable)', collectParam, {})
    .option('--json <file>', 'also write the results as JSON', outputFile)
    .option('--html <file>', 'also write a self-contained HTML report with plots', outputFile)
    .action(async (options) => {
      // Unknown models and bad parameters fail before any data is loaded.
      const models = (options.models as string[]).map((name) => {
        const params = (options.set as Record<string, Record<string, unknown>>)[name] ?? {};
        resolveParams(name, modelEntry(name).schema, params);
        return { name, params };
      });
      checkSetModels(options.set, options.models, '--models');
      const relevance = parseRelevance(options.relevant as string);
      if (options.json !== undefined && options.json === options.html) {
        throw new Error(`--json and --html both name ${options.json}`);
      }
      const dataset = await loadNamedDataset(options.dataset);
      checkRelevance(relevance, options.relevant, dataset);
      const progress = new Progress();
      try {
        const report = await evaluate(dataset, {
          protocol: options.protocol as Protocol,
          models,
          k: options.k,
          seed: options.seed,
          relevance,
          onProgress: progress.track('evaluate'),
          onFitProgress: progress.track('fit'),
        });
        progress.stop();
        process.stdout.write(`${formatTable(report)}\n`);
        if (options.json) await writeFile(options.json, `${toJson(report)}\n`);
        if (options.html) await writeFile(options.html, renderHtml(report));
      } finally {
        progress.stop();
      }
    });
}

function parseRelevance(rule: string): 'all' | { minRating: number } {
  if (rule === 'all') return 'all';
  const minRating = Number(rule);
  if (rule.trim() === '' || !Number.isFinite(minRating)) {
    throw new Error(`--relevant must be 'all' or a number, got '${rule}'`);
  }
  return { minRating };
}

/** A threshold above every rating leaves nothing relevant: every ranking metric would be empty. */
function checkRelevance(relevance: 'all' | { minRating: number }, rule: string, dataset: Dataset): void {
  if (relevance === 'all' || relevance.minRating <= dataset.scale.max) return;
  const scale = dataset.scale.implicit
    ? 'it holds implicit events (all 1)'
    : `its ratings go up to ${dataset.scale.max}`;
  throw new Error(`--relevant ${rule} leaves no test rating relevant in '${dataset.name}': ${scale}`);
}
