import { Command } from 'commander';
import { runBatch } from '../service/batch.js';
import { startService } from '../service/startup.js';
import { positiveInt } from './options.js';
import { Progress } from './progress.js';
import { addServiceOptions, settingsFromFlags } from './service-options.js';

/** `cinerec batch`: top-N for every user into batch_recommendations. */
export function batchCommand(): Command {
  const command = new Command('batch')
    .description(
      'Write the top-N of every trained user to the store (served by GET /recommendations/{userId}/batch)',
    )
    .option('--n <n>', 'movies per user', positiveInt('--n'), 20)
    .option('--model <name>', 'a promoted ranking model (default: CINEREC_DEFAULT_MODEL or als)');
  return addServiceOptions(command).action(async (flags) => {
    const settings = settingsFromFlags(flags);
    const progress = new Progress();
    const service = await startService(settings, { progress: (key) => progress.track(key) });
    try {
      const started = performance.now();
      const result = await runBatch(service.engine, {
        n: flags.n,
        model: flags.model,
        onProgress: progress.track('batch'),
      });
      progress.stop();
      const seconds = Number(((performance.now() - started) / 1000).toFixed(2));
      process.stdout.write(`${JSON.stringify({ ...result, n: flags.n, seconds })}\n`);
    } finally {
      progress.stop();
      await service.close();
    }
  });
}
