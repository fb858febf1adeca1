import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { findTmdbDir } from '../data/by-name.js';
import type { Dataset } from '../data/dataset.js';
import { loadDataset } from '../data/load.js';
import { displayTitle } from '../data/titles.js';
import { tmdbApiCacheFile } from '../data/tmdb-cache.js';
import { openStore } from '../store/open.js';
import type { MovieRecord, RatingRecord, Store } from '../store/types.js';
import { log as defaultLog } from '../util/log.js';
import { loadStoreDataset, type StoreDataset } from './catalog.js';
import { Engine, type EngineOptions } from './engine.js';
import { ModelRegistry, type ProgressFn } from './registry.js';
import { DEFAULT_ROLES, type ServiceSettings } from './settings.js';
import type { ChildTask } from './train-child.js';

/** What `startService` hands the HTTP layer or a CLI command. */
export interface Service {
  settings: ServiceSettings;
  store: Store;
  registry: ModelRegistry;
  engine: Engine;
  /** Closes the store (when `startService` opened it). */
  close(): Promise<void>;
}

export interface Logger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export interface StartOptions {
  /** A store to use (left open by `close`); otherwise `settings.databaseUrl` is opened. */
  store?: Store;
  /** Imported into an empty store instead of `settings.dataset` (tests: a synthetic catalog). */
  dataset?: Dataset;
  /** A progress callback per key (the CLI passes its progress bars' `track`). */
  progress?: (key: string) => ProgressFn;
  /** Parameters of the default models, by algorithm (tests: tiny models). */
  params?: Record<string, Record<string, unknown>>;
  /** Skip the holdout fits of the default models (tests). */
  skipMetrics?: boolean;
  engine?: Omit<EngineOptions, 'minRatings'>;
  log?: Logger;
  /** Stops a start-up in progress (the server closing before models are ready). */
  signal?: AbortSignal;
}

/**
 * Start the service: open the store, import the default dataset when the store is empty, load the
 * promoted model of every role, and train and promote any role that has none (first start). A
 * promoted artifact that is refused (missing, corrupt) is logged; the run promoted before it is
 * tried next, and training is the last resort.
 */
export async function startService(settings: ServiceSettings, options: StartOptions = {}): Promise<Service> {
  const log = options.log ?? defaultLog;
  const started = performance.now();
  const ownStore = options.store === undefined;
  const store = options.store ?? (await openStore(settings.databaseUrl));
  try {
    await ensureCatalog(store, settings, { dataset: options.dataset, log });
    const registry = new ModelRegistry(store, { home: settings.home, seed: settings.seed });
    const roles = { ...DEFAULT_ROLES, ranking: settings.defaultModel, ...options.engine?.roles };
    const engine = await Engine.open(store, registry, {
      ...options.engine,
      roles,
      minRatings: settings.minRatings,
    });
    const { loaded, failed } = await engine.loadPromoted();
    for (const { run, error } of failed) {
      log.error({ runId: run.id, algorithm: run.algorithm }, `${error.message}; not served`);
      try {
        const previous = await engine.rollback(run.algorithm);
        log.warn(
          { runId: previous.id, algorithm: run.algorithm },
          'rolled back to the previously promoted run',
        );
      } catch (rollbackError) {
        log.warn({ algorithm: run.algorithm }, (rollbackError as Error).message);
      }
    }
    let data: StoreDataset | undefined;
    for (const algorithm of new Set(Object.values(roles))) {
      if (engine.snapshot.model(algorithm) !== undefined) continue;
      options.signal?.throwIfAborted();
      data ??= await loadStoreDataset(store);
      log.info({ algorithm }, 'training default model');
      const run = await engine.train(algorithm, {
        params: options.params?.[algorithm],
        skipMetrics: options.skipMetrics,
        onProgress: options.progress?.(algorithm),
        data,
        promote: true,
        signal: options.signal,
      });
      log.info({ algorithm, runId: run.id, metrics: run.metrics }, 'trained and promoted');
    }
    const ms = Math.round(performance.now() - started);
    log.info({ ms, models: engine.snapshot.versions(), loaded: loaded.length }, 'service ready');
    return {
      settings,
      store,
      registry,
      engine,
      close: async () => {
        if (ownStore) await store.close();
      },
    };
  } catch (error) {
    if (ownStore) await store.close();
    throw error;
  }
}

/** Import `dataset` (default: `settings.dataset`) when the store has no movies yet. */
export async function ensureCatalog(
  store: Store,
  settings: ServiceSettings,
  options: { dataset?: Dataset; log?: Logger } = {},
): Promise<void> {
  if ((await store.counts()).movies > 0) return;
  const dataset = options.dataset ?? (await loadDefaultDataset(settings));
  await importDataset(store, dataset);
  (options.log ?? defaultLog).info(
    { dataset: dataset.name, movies: dataset.movies.length, ratings: dataset.ratings.size },
    'imported into the empty store',
  );
}

/** `settings.dataset` through the one loader, with TMDB content when a tmdb/ folder or a `cinerec data enrich` cache is around. */
export async function loadDefaultDataset(settings: ServiceSettings): Promise<Dataset> {
  const withTmdb =
    findTmdbDir(settings) !== undefined || existsSync(tmdbApiCacheFile(settings, settings.dataset));
  return loadDataset(settings.dataset, { settings, withTmdb });
}

/** Copy a dataset's catalog and ratings into the store; ids must be integers (MovieLens). */
export async function importDataset(store: Store, dataset: Dataset): Promise<void> {
  const movies: MovieRecord[] = dataset.movies.map((m) => ({
    movieId: integerId(m.movieId, 'movie'),
    title: displayTitle(m.title),
    year: m.year,
    genres: m.genres,
    tmdbId: m.tmdbId ?? null,
    imdbId: m.imdbId ?? null,
    overview: m.overview ?? null,
    tagline: m.tagline ?? null,
    keywords: m.keywords ?? [],
    tags: m.tags ?? [],
    voteAverage: m.voteAverage ?? null,
    voteCount: m.voteCount ?? null,
    popularity: m.popularity ?? null,
    runtime: m.runtime ?? null,
    releaseDate: m.releaseDate ?? null,
  }));
  await store.upsertMovies(movies);
  const { users, items, ratings, timestamps } = dataset.ratings;
  const userIds = Array.from(dataset.users.rawIds(), (id) => integerId(id, 'user'));
  const itemIds = Array.from(dataset.items.rawIds(), (id) => integerId(id, 'movie'));
  const records: RatingRecord[] = new Array(dataset.ratings.size);
  for (let k = 0; k < records.length; k++) {
    records[k] = {
      userId: userIds[users[k]],
      movieId: itemIds[items[k]],
      rating: ratings[k],
      timestamp: Math.floor(timestamps[k]),
      source: 'import',
    };
  }
  await store.importRatings(records);
}

function integerId(id: number | string, what: string): number {
  if (typeof id === 'number' && Number.isSafeInteger(id)) return id;
  throw new Error(`the service stores integer ${what} ids (MovieLens); '${String(id)}' is not one`);
}

/**
 * Train and promote, one after another, those of `algorithms` that have no promoted run, while the
 * service already answers: the learned models take minutes, and the core roles must not wait for
 * them. Each fit runs in a child process (`train-child.ts`) so that requests keep the event loop;
 * a store only this process can reach (in memory) trains here instead. A failure is logged and
 * the service goes on without that model; `signal` stops the work.
 */
export async function trainInBackground(
  service: Service,
  algorithms: readonly string[],
  options: { log?: Logger; signal?: AbortSignal } = {},
): Promise<void> {
  const log = options.log ?? defaultLog;
  const { settings } = service;
  const inProcess = settings.databaseUrl.includes(':memory:');
  for (const algorithm of algorithms) {
    if (options.signal?.aborted) return;
    if (service.engine.snapshot.model(algorithm) !== undefined) continue;
    try {
      log.info({ algorithm }, 'training in the background');
      if (inProcess) {
        await service.engine.train(algorithm, { promote: true, signal: options.signal });
      } else {
        const task = {
          algorithm,
          home: settings.home,
          databaseUrl: settings.databaseUrl,
          seed: settings.seed,
        };
        await trainInChild(task, options.signal);
        const { failed } = await service.engine.syncPromoted();
        const refused = failed.find((f) => f.run.algorithm === algorithm);
        if (refused !== undefined) throw refused.error;
      }
      const run = service.engine.snapshot.model(algorithm)?.run;
      log.info(
        { algorithm, runId: run?.id, metrics: run?.metrics },
        'trained in the background and promoted',
      );
    } catch (error) {
      if (options.signal?.aborted) return;
      log.error({ algorithm, err: error }, `background training failed: ${(error as Error).message}`);
    }
  }
}

/** How long a training child told to stop may take before it is killed. */
const CHILD_GRACE_MS = 5000;

const CHILD = new URL(`./train-child${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);

/** Run one `train-child` process; rejects with the end of its stderr when it fails. */
function trainInChild(task: ChildTask, signal?: AbortSignal): Promise<void> {
  // Sources (tsx, vitest) need tsx's loader in the child too; the compiled package does not.
  const execArgv = CHILD.pathname.endsWith('.ts') ? ['--import', import.meta.resolve('tsx')] : [];
  const child = fork(fileURLToPath(CHILD), [JSON.stringify(task)], {
    execArgv,
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000);
  });
  // SIGTERM lets the fit stop at its next check; a fit deep in a synchronous stretch may not get
  // there soon, so after a grace period it is killed.
  let kill: NodeJS.Timeout | undefined;
  const stop = () => {
    child.kill('SIGTERM');
    kill = setTimeout(() => child.kill('SIGKILL'), CHILD_GRACE_MS);
  };
  signal?.addEventListener('abort', stop, { once: true });
  if (signal?.aborted) stop();
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, killedBy) => {
      clearTimeout(kill);
      signal?.removeEventListener('abort', stop);
      if (code === 0) resolve();
      else
        reject(
          new Error(
            `${task.algorithm}: the training process exited with ${code ?? killedBy}: ${stderr.trim()}`,
          ),
        );
    });
  });
}
