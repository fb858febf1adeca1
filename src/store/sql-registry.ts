/**
 * The model registry (model_runs) and batch top-N rows, as the base of {@link SqlStore}: the same
 * Kysely code path on SQLite and PostgreSQL, split out only to keep files short.
 */
import type { Kysely } from 'kysely';
import { type Database, modelRunPatchToRow, rowToBatch, rowToModelRun } from './schema.js';
import { type BatchRecommendation, type ModelRunRecord, StoreError } from './types.js';
import { chunks, ROWS_PER_INSERT } from './util.js';

export class SqlRegistry {
  constructor(protected readonly db: Kysely<Database>) {}

  async createModelRun(
    run: Omit<ModelRunRecord, 'id' | 'createdAt' | 'promotedAt'>,
  ): Promise<ModelRunRecord> {
    const row = await this.db
      .insertInto('model_runs')
      .values({
        ...modelRunPatchToRow(run),
        algorithm: run.algorithm,
        params: JSON.stringify(run.params),
        dataset_fingerprint: run.datasetFingerprint,
        metrics: JSON.stringify(run.metrics),
        status: run.status,
        created_at: new Date().toISOString(),
        promoted_at: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return rowToModelRun(row);
  }

  async updateModelRun(
    id: number,
    patch: Partial<Omit<ModelRunRecord, 'id' | 'createdAt'>>,
  ): Promise<ModelRunRecord | undefined> {
    const set = modelRunPatchToRow(patch);
    if (Object.keys(set).length === 0) return this.getModelRun(id);
    const row = await this.db
      .updateTable('model_runs')
      .set(set)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    return row && rowToModelRun(row);
  }

  async getModelRun(id: number): Promise<ModelRunRecord | undefined> {
    const row = await this.db.selectFrom('model_runs').selectAll().where('id', '=', id).executeTakeFirst();
    return row && rowToModelRun(row);
  }

  async listModelRuns(): Promise<ModelRunRecord[]> {
    const rows = await this.db.selectFrom('model_runs').selectAll().orderBy('id', 'desc').execute();
    return rows.map(rowToModelRun);
  }

  async promoteModelRun(id: number): Promise<ModelRunRecord> {
    return this.db.transaction().execute(async (trx) => {
      const run = await trx.selectFrom('model_runs').selectAll().where('id', '=', id).executeTakeFirst();
      if (!run) throw new StoreError('not_found', `model run ${id} not found`);
      if (run.status === 'training' || run.status === 'failed') {
        throw new StoreError('invalid_state', `model run ${id} is ${run.status} and cannot be promoted`);
      }
      if (run.status === 'promoted') return rowToModelRun(run);
      // Demote first: the partial unique index allows one promoted run per algorithm at any time.
      // promoted_at is kept, so the history of promotions stays queryable for rollback.
      await trx
        .updateTable('model_runs')
        .set({ status: 'trained' })
        .where('algorithm', '=', run.algorithm)
        .where('status', '=', 'promoted')
        .execute();
      const row = await trx
        .updateTable('model_runs')
        .set({ status: 'promoted', promoted_at: new Date().toISOString() })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      return rowToModelRun(row);
    });
  }

  async writeBatchRecommendations(rows: Omit<BatchRecommendation, 'createdAt'>[]): Promise<void> {
    const createdAt = new Date().toISOString();
    const values = [...new Map(rows.map((r) => [r.userId, r])).values()].map((r) => ({
      user_id: r.userId,
      model_run_id: r.modelRunId,
      movie_ids: JSON.stringify(r.movieIds),
      scores: JSON.stringify(r.scores),
      created_at: createdAt,
    }));
    await this.db.transaction().execute(async (trx) => {
      for (const chunk of chunks(values, ROWS_PER_INSERT)) {
        await trx
          .insertInto('batch_recommendations')
          .values(chunk)
          .onConflict((oc) =>
            oc.column('user_id').doUpdateSet((eb) => ({
              model_run_id: eb.ref('excluded.model_run_id'),
              movie_ids: eb.ref('excluded.movie_ids'),
              scores: eb.ref('excluded.scores'),
              created_at: eb.ref('excluded.created_at'),
            })),
          )
          .execute();
      }
    });
  }

  async getBatchRecommendation(userId: number): Promise<BatchRecommendation | undefined> {
    const row = await this.db
      .selectFrom('batch_recommendations')
      .selectAll()
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row && rowToBatch(row);
  }
}
