import { Command, Option } from 'commander';
import { startServer } from '../serve/server.js';
import { integer } from './options.js';
import { Progress } from './progress.js';
import { addServiceOptions, settingsFromFlags } from './service-options.js';

/** `cinerec serve` (= `npm start`): the HTTP service, first start imports and trains. */
export function serveCommand(): Command {
  const command = new Command('serve')
    .description(
      'Run the HTTP API (OpenAPI at /openapi.json, Swagger UI at /docs); the first start imports the default dataset and trains the default models',
    )
    .addOption(new Option('--port <port>', 'port to listen on').env('PORT').argParser(integer('--port')))
    .addOption(new Option('--host <host>', 'interface to listen on (default 127.0.0.1)').env('HOST'))
    .addOption(
      new Option('--default-model <name>', 'ranking model of GET /recommendations (default als)').env(
        'CINEREC_DEFAULT_MODEL',
      ),
    )
    .addOption(
      new Option(
        '--api-keys <keys>',
        'comma-separated keys; writes, admin and per-user reads then need X-API-Key',
      ).env('CINEREC_API_KEYS'),
    )
    .addOption(
      new Option('--rate-limit-reads <n>', 'read requests per IP per minute (0 = off)')
        .env('CINEREC_RATE_LIMIT_READS')
        .argParser(integer('--rate-limit-reads')),
    )
    .addOption(
      new Option('--rate-limit-writes <n>', 'write requests per IP per minute (0 = off)')
        .env('CINEREC_RATE_LIMIT_WRITES')
        .argParser(integer('--rate-limit-writes')),
    )
    .addOption(
      new Option(
        '--background-models <names>',
        "comma-separated models trained after the server is ready when none is promoted ('' = none; default twostage,neural)",
      ).env('CINEREC_BACKGROUND_MODELS'),
    )
    .addOption(
      new Option('--cors-origins <origins>', "comma-separated origins CORS allows ('*' for any)").env(
        'CINEREC_CORS_ORIGINS',
      ),
    );
  addServiceOptions(command).action(async (flags) => {
    const settings = settingsFromFlags(flags);
    const progress = new Progress();
    const server = await startServer(settings, { progress: (key) => progress.track(key) });
    try {
      await server.service;
    } catch (error) {
      await server.close();
      throw error;
    } finally {
      progress.stop();
    }
    server.app.log.info({ url: server.url, uptimeSeconds: Number(process.uptime().toFixed(2)) }, 'serving');
  });
  return command;
}
