import type { BatchRecommendation, Store } from '../store/types.js';
import { threadCount, WorkerPool } from '../util/workers.js';
import type { BatchAnswer, BatchTask } from './batch-worker.js';
import type { Engine } from './engine.js';
import { ServiceError } from './errors.js';
import type { ProgressFn } from './registry.js';
import type { ServedModel } from './snapshot.js';
import { round } from './views.js';

export interface BatchOptions {
  /** Movies per user (default 20). */
  n?: number;
  /** A promoted ranking model (default: the engine's ranking role). */
  model?: string;
  onProgress?: ProgressFn;
  /** Rows per store transaction (default 500). */
  chunk?: number;
  /**
   * Threads (default: `CINEREC_THREADS` or every core from 20,000 users on, else 1); 1 scores
   * every user on this thread.
   */
  threads?: number;
}

type Row = Omit<BatchRecommendation, 'createdAt'>;

const WORKER_URL = new URL(
  `./batch-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`,
  import.meta.url,
);
/** Users per worker task: small enough for a smooth progress bar and balanced threads. */
const TASK_USERS = 64;
/**
 * Below this many users, starting workers (and loading the artifact in each) costs more than
 * scoring everyone here: on ml-latest-small's 610 users 2 threads took 0.9–1.05 s, 1 took 0.36–0.49 s.
 */
const PARALLEL_MIN_USERS = 20_000;

/**
 * Top-N for every user the ranking model was trained on, as `GET /recommendations` answers them,
 * written to the store's batch_recommendations for `GET /recommendations/{userId}/batch`.
 *
 * With more than one thread, users whose ratings are exactly those the model was trained on (the
 * common case) are scored by worker threads, each holding the promoted artifact; everyone else
 * (ratings since training, cold-start users, lists the fallback must fill) goes through
 * `engine.recommend` here, so every row equals the engine's answer.
 */
export async function runBatch(
  engine: Engine,
  options: BatchOptions = {},
): Promise<{ users: number; modelRunId: number }> {
  const algorithm = options.model ?? engine.roles.ranking;
  const served = engine.snapshot.model(algorithm);
  if (served === undefined)
    throw new ServiceError('not_ready', `no promoted ${algorithm} model to run the batch with`);
  const users = served.users.rawIds() as readonly number[];
  const n = options.n ?? 20;
  const chunk = options.chunk ?? 500;
  const total = users.length;
  const threads = options.threads ?? (total >= PARALLEL_MIN_USERS ? threadCount() : 1);
  const rows: Row[] = [];
  let done = 0;
  const progress = () => options.onProgress?.(done, total, 'users');
  const flush = async (min: number) => {
    while (rows.length >= Math.max(1, min)) {
      await engine.store.writeBatchRecommendations(rows.splice(0, chunk));
    }
  };
  const viaEngine = async (userId: number) => {
    try {
      const answer = await engine.recommend(userId, { n, model: algorithm });
      rows.push({
        userId,
        modelRunId: answer.modelRunId,
        movieIds: answer.items.map((m) => m.movieId),
        scores: answer.items.map((m) => m.score ?? 0),
      });
    } catch (error) {
      // A user erased since training has no ratings left: nothing to recommend from.
      if (!(error instanceof ServiceError && error.code === 'not_found')) throw error;
    }
  };

  const artifact = served.run.artifactPath;
  const sha256 = served.run.artifactSha256;
  if (threads <= 1 || artifact === null || sha256 === null) {
    for (const userId of users) {
      await viaEngine(userId);
      done++;
      await flush(chunk);
      progress();
    }
  } else {
    const { fresh, stale } = await partitionUsers(engine.store, served, engine.minRatings);
    const pool = new WorkerPool(WORKER_URL, threads);
    const short: number[] = [];
    try {
      const shared = new Int32Array(new SharedArrayBuffer(fresh.length * 4));
      shared.set(fresh);
      const tasks: Promise<void>[] = [];
      for (let start = 0; start < fresh.length; start += TASK_USERS) {
        const end = Math.min(fresh.length, start + TASK_USERS);
        const task: BatchTask = { artifactPath: artifact, sha256, users: shared, start, end, n };
        const pending = pool.run<BatchAnswer>(task).then((answer) => {
          if (answer.nUsers !== served.model.nUsers || answer.nItems !== served.model.nItems) {
            throw new Error(`batch: the worker's ${algorithm} model is not the promoted one`);
          }
          for (let k = start; k < end; k++) {
            const from = answer.offsets[k - start];
            const to = answer.offsets[k - start + 1];
            const userId = served.users.rawId(fresh[k]) as number;
            if (to - from < n) {
              short.push(userId); // the engine fills the rest from the fallback sources
              continue;
            }
            const movieIds: number[] = [];
            const scores: number[] = [];
            for (let p = from; p < to; p++) {
              movieIds.push(served.items.rawId(answer.ids[p]) as number);
              scores.push(round(answer.scores[p], 6));
            }
            rows.push({ userId, modelRunId: served.run.id, movieIds, scores });
            done++;
          }
          progress();
        });
        pending.catch(() => {}); // awaited below, in order
        tasks.push(pending);
      }
      for (const userId of stale) {
        await viaEngine(userId);
        done++;
        await flush(chunk);
        progress();
      }
      for (const pending of tasks) {
        await pending;
        await flush(chunk);
      }
      for (const userId of short) {
        await viaEngine(userId);
        done++;
        await flush(chunk);
        progress();
      }
    } finally {
      await pool.close();
    }
  }
  await flush(1);
  return { users: done, modelRunId: served.run.id };
}

/**
 * Trained users split by whether the engine would score them by their trained index: `fresh`
 * (dense indices) when the store's ratings are exactly the training ratings and at least
 * `minRatings` of them, `stale` (raw ids) otherwise — the same test as `userRef` in users.ts.
 */
async function partitionUsers(
  store: Store,
  served: ServedModel,
  minRatings: number,
): Promise<{ fresh: number[]; stale: number[] }> {
  const csr = served.model.trainData.byUser();
  const current = new Uint8Array(served.users.size);
  const check = (userId: number, items: number[], ratings: number[]) => {
    const user = served.users.index(userId);
    if (user < 0 || items.length < minRatings) return;
    const order = items.map((_, k) => k).sort((a, b) => items[a] - items[b]);
    const start = csr.indptr[user];
    if (csr.indptr[user + 1] - start !== items.length) return;
    const value = new Float32Array(1);
    for (let k = 0; k < order.length; k++) {
      value[0] = ratings[order[k]];
      if (
        items[order[k]] < 0 ||
        csr.indices[start + k] !== items[order[k]] ||
        csr.values[start + k] !== value[0]
      )
        return;
    }
    current[user] = 1;
  };
  let userId = Number.NaN;
  let items: number[] = [];
  let ratings: number[] = [];
  for await (const page of store.allRatings(50_000)) {
    for (const r of page) {
      if (r.userId !== userId) {
        if (!Number.isNaN(userId)) check(userId, items, ratings);
        userId = r.userId;
        items = [];
        ratings = [];
      }
      items.push(served.items.index(r.movieId));
      ratings.push(r.rating);
    }
  }
  if (!Number.isNaN(userId)) check(userId, items, ratings);
  const fresh: number[] = [];
  const stale: number[] = [];
  const ids = served.users.rawIds() as readonly number[];
  for (let u = 0; u < ids.length; u++) {
    if (current[u] === 1) fresh.push(u);
    else stale.push(ids[u]);
  }
  return { fresh, stale };
}
