import { writeFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { evaluate, formatTable, PROTOCOLS, type Protocol, renderHtml } from '../eval/index.js';
import { modelEntry } from '../models/index.js';
import { loadNamedDataset } from './context.js';
import { collectParam, integer, modelList, positiveInt } from './options.js';
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
    .option('--json <file>', 'also write the results as JSON')
    .option('--html <file>', 'also write a self-contained HTML report with plots')
    .action(async (options) => {
      const models = (options.models as string[]).map((name) => {
        modelEntry(name); // unknown names fail before any data is loaded
        return { name, params: (options.set as Record<string, Record<string, unknown>>)[name] ?? {} };
      });
      for (const name of Object.keys(options.set)) {
        if (!(options.models as string[]).includes(name)) {
          throw new Error(`--set names model '${name}', which is not in --models`);
        }
      }
      const relevance = parseRelevance(options.relevant as string);
      const dataset = await loadNamedDataset(options.dataset);
      const progress = new Progress();
      try {
        const report = await evaluate(dataset, {
          protocol: options.protocol as Protocol,
          models,
          k: options.k,
          seed: options.seed,
          relevance,
          onProgress: (done: number, total: number, label: string) =>
            progress.track('evaluate')(done, total, label),
        });
        progress.stop();
        process.stdout.write(`${formatTable(report)}\n`);
        if (options.json) await writeFile(options.json, `${JSON.stringify(report, null, 2)}\n`);
        if (options.html) await writeFile(options.html, renderHtml(report));
      } finally {
        progress.stop();
      }
    });
}

function parseRelevance(rule: string): 'all' | { minRating: number } {
  if (rule === 'all') return 'all';
  const minRating = Number(rule);
  if (!Number.isFinite(minRating)) throw new Error(`--relevant must be 'all' or a number, got '${rule}'`);
  return { minRating };
}
