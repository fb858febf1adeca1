import type { BatchRecommendation } from '../store/types.js';
import type { Engine } from './engine.js';
import { ServiceError } from './errors.js';
import type { ProgressFn } from './registry.js';

export interface BatchOptions {
  /** Movies per user (default 20). */
  n?: number;
  /** A promoted ranking model (default: the engine's ranking role). */
  model?: string;
  onProgress?: ProgressFn;
  /** Rows per store transaction (default 500). */
  chunk?: number;
}

/**
 * Top-N for every user the ranking model was trained on, through the same hybrid as
 * `GET /recommendations` (so ratings since training are folded in), written to the store's
 * batch_recommendations for `GET /recommendations/{userId}/batch`.
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
  const chunk = options.chunk ?? 500;
  let rows: Omit<BatchRecommendation, 'createdAt'>[] = [];
  let done = 0;
  for (const userId of users) {
    try {
      const answer = await engine.recommend(userId, { n: options.n ?? 20, model: algorithm });
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
    done++;
    if (rows.length >= chunk) {
      await engine.store.writeBatchRecommendations(rows);
      rows = [];
    }
    options.onProgress?.(done, users.length, 'users');
  }
  if (rows.length > 0) await engine.store.writeBatchRecommendations(rows);
  return { users: done, modelRunId: served.run.id };
}
