import { Command } from 'commander';
import { ModelRegistry } from '../service/registry.js';
import { ensureCatalog } from '../service/startup.js';
import type { ModelRunRecord } from '../store/types.js';
import { positiveInt } from './options.js';
import { Progress } from './progress.js';
import { addServiceOptions, settingsFromFlags, withStore } from './service-options.js';

/** One line per run: id, algorithm, status, when, and its headline holdout metrics. */
function describeRun(run: ModelRunRecord): string {
  const metrics = ['holdout.rmse', 'holdout.ndcg@10', 'holdout.precision@10', 'fitSeconds']
    .filter((key) => run.metrics[key] !== undefined)
    .map((key) => `${key.replace('holdout.', '')}=${run.metrics[key].toFixed(4)}`)
    .join(' ');
  const promoted = run.promotedAt ? ` promoted ${run.promotedAt}` : '';
  const error = run.error ? ` error: ${run.error}` : '';
  return `${String(run.id).padStart(4)}  ${run.algorithm.padEnd(10)} ${run.status.padEnd(9)} ${run.createdAt}${promoted}  ${metrics}${error}`;
}

/** `models list|promote|rollback`: the registry in the store; a running server picks changes up. */
export function registryCommands(models: Command): Command {
  models.addCommand(
    addServiceOptions(new Command('list').description('Model runs in the registry, newest first')).action(
      async (flags) => {
        await withStore(settingsFromFlags(flags), async (store) => {
          const runs = await store.listModelRuns();
          const lines = runs.sort((a, b) => b.id - a.id).map(describeRun);
          process.stdout.write(lines.length > 0 ? `${lines.join('\n')}\n` : 'no model runs yet\n');
        });
      },
    ),
  );
  models.addCommand(
    addServiceOptions(
      new Command('promote')
        .description('Verify a run’s artifact and make it the promoted run of its algorithm')
        .argument('<id>', 'model run id', positiveInt('<id>')),
    ).action(async (id: number, flags) => {
      const settings = settingsFromFlags(flags);
      await withStore(settings, async (store) => {
        const served = await new ModelRegistry(store, { home: settings.home }).promote(id);
        process.stdout.write(`${describeRun(served.run)}\n`);
      });
    }),
  );
  models.addCommand(
    addServiceOptions(
      new Command('rollback')
        .description('Promote the run of <algorithm> that was promoted before the current one')
        .argument('<algorithm>', 'model name'),
    ).action(async (algorithm: string, flags) => {
      const settings = settingsFromFlags(flags);
      await withStore(settings, async (store) => {
        const served = await new ModelRegistry(store, { home: settings.home }).rollback(algorithm);
        process.stdout.write(`${describeRun(served.run)}\n`);
      });
    }),
  );
  return models;
}

/** `train --model <name>` without `--dataset`: a registry run on the store's current ratings. */
export async function trainIntoRegistry(
  algorithm: string,
  params: Record<string, unknown>,
  flags: Record<string, unknown>,
): Promise<void> {
  const settings = settingsFromFlags(flags);
  await withStore(settings, async (store) => {
    await ensureCatalog(store, settings);
    const registry = new ModelRegistry(store, { home: settings.home, seed: settings.seed });
    const progress = new Progress();
    let run: ModelRunRecord;
    try {
      run = await registry.train(algorithm, { params, onProgress: progress.track(algorithm) });
    } finally {
      progress.stop();
    }
    if (flags.promote === true) run = (await registry.promote(run.id)).run;
    process.stdout.write(`${JSON.stringify(run)}\n`);
  });
}
