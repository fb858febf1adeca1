import closeWithGrace from 'close-with-grace';
import type { FastifyInstance } from 'fastify';
import { modelNames } from '../models/index.js';
import type { ProgressFn } from '../service/registry.js';
import { type Service, startService, trainInBackground } from '../service/startup.js';
import { log } from '../util/log.js';
import { createApp } from './app.js';
import type { ServerSettings } from './settings.js';

export interface RunningServer {
  app: FastifyInstance;
  url: string;
  /** Resolves when models are loaded (or rejects when start-up failed). */
  service: Promise<Service>;
  close(): Promise<void>;
}

/**
 * Listen at once (liveness answers, readiness says 503), start the service behind the app, and
 * close gracefully on SIGINT/SIGTERM: stop accepting, finish requests in flight, close the store.
 */
export async function startServer(
  settings: ServerSettings,
  options: { progress?: (key: string) => ProgressFn; handleSignals?: boolean } = {},
): Promise<RunningServer> {
  const unknown = settings.backgroundModels.filter((name) => !modelNames().includes(name));
  if (unknown.length > 0) {
    throw new Error(
      `--background-models / CINEREC_BACKGROUND_MODELS names unknown models: ${unknown.join(', ')} (known: ${modelNames().join(', ')})`,
    );
  }
  const abort = new AbortController();
  const service = startService(settings, { progress: options.progress, signal: abort.signal });
  const app = await createApp({ service, settings }, log);
  let background: Promise<void> | undefined;
  app.addHook('onClose', async () => {
    abort.abort();
    const started = await service.catch(() => undefined);
    await background;
    await started?.close();
  });
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= app.close();
    return closing;
  };
  if (options.handleSignals ?? true) {
    const grace = closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
      if (err) app.log.error({ err }, 'closing after an error');
      else app.log.info({ signal }, 'closing');
      await close();
    });
    app.addHook('onClose', async () => grace.uninstall());
  }
  // Promotions made by another process (`cinerec models promote`) reach this one within a poll.
  let poll: NodeJS.Timeout | undefined;
  service.then(
    (started) => {
      if (closing !== undefined) return;
      background = trainInBackground(started, settings.backgroundModels, {
        log: app.log,
        signal: abort.signal,
      });
      if (settings.modelPollSeconds === 0) return;
      poll = setInterval(() => {
        started.engine.syncPromoted().then(
          ({ installed, failed }) => {
            for (const run of installed)
              app.log.info({ runId: run.id, algorithm: run.algorithm }, 'now serving');
            for (const { run, error } of failed) {
              app.log.error(
                { runId: run.id, algorithm: run.algorithm },
                `${error.message}; still serving the previous run`,
              );
            }
          },
          (error: Error) => app.log.error({ err: error }, 'checking the registry failed'),
        );
      }, settings.modelPollSeconds * 1000);
      poll.unref();
    },
    () => {},
  );
  app.addHook('onClose', async () => clearInterval(poll));
  let url: string;
  try {
    url = await app.listen({ port: settings.port, host: settings.host });
  } catch (error) {
    await close();
    throw error;
  }
  return { app, url, service, close };
}
