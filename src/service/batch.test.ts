// `runBatch` on the small synthetic service: worker threads answer exactly what the main thread
// (engine.recommend, as GET /recommendations) answers, and users who rated since training still
// get the engine's fold-in answer.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { BatchRecommendation } from '../store/types.js';
import { runBatch } from './batch.js';
import { startTestService, type TestService } from './service.fixture.js';

let service: TestService;

beforeAll(async () => {
  service = await startTestService();
}, 60_000);

afterAll(async () => {
  await service?.dispose();
});

async function written(userIds: readonly number[]): Promise<Map<number, BatchRecommendation>> {
  const rows = new Map<number, BatchRecommendation>();
  for (const userId of userIds) {
    const row = await service.engine.store.getBatchRecommendation(userId);
    if (row !== undefined) rows.set(userId, row);
  }
  return rows;
}

describe('runBatch', () => {
  it('writes the same top-N with 2 threads as with 1, and the engine’s answer for users who rated since', async () => {
    const engine = service.engine;
    const served = engine.snapshot.model(engine.roles.ranking);
    if (served === undefined) throw new Error('no ranking model');
    const userIds = served.users.rawIds() as number[];
    const n = 10;

    // User 0 rates the movie the trained model ranks first for them: the engine folds the new
    // rating in and leaves that movie out, which scoring the trained index would not.
    const changed = userIds[0];
    const trainedTop = served.model.recommend(0, { n: 1, filterSeen: true })[0].ids[0];
    const ratedNow = served.items.rawId(trainedTop) as number;
    await engine.rate(changed, ratedNow, 4.5);

    const one = await runBatch(engine, { n, threads: 1, chunk: 37 });
    const single = await written(userIds);

    const recommend = vi.spyOn(engine, 'recommend');
    const progress: number[] = [];
    const two = await runBatch(engine, {
      n,
      threads: 2,
      chunk: 37,
      onProgress: (done, total) => progress.push(done / total),
    });
    const onThreads = recommend.mock.calls.length;
    recommend.mockRestore();
    const parallel = await written(userIds);

    expect(two).toEqual(one);
    expect(one.users).toBe(userIds.length);
    expect(progress.at(-1)).toBe(1);
    // Workers scored nearly everyone; the main thread took the changed user (and any cold start).
    expect(onThreads).toBeGreaterThanOrEqual(1);
    expect(onThreads).toBeLessThan(userIds.length / 4);

    expect(parallel.size).toBe(single.size);
    for (const [userId, row] of single) {
      const other = parallel.get(userId);
      expect(other?.movieIds, `user ${userId}`).toEqual(row.movieIds);
      expect(other?.modelRunId).toBe(row.modelRunId);
      row.scores.forEach((score, k) => {
        expect(Math.abs((other?.scores[k] ?? Number.NaN) - score), `user ${userId}`).toBeLessThanOrEqual(
          1e-6,
        );
      });
    }

    const answer = await engine.recommend(changed, { n });
    const row = parallel.get(changed);
    expect(row?.movieIds).toEqual(answer.items.map((m) => m.movieId));
    expect(row?.scores).toEqual(answer.items.map((m) => m.score));
    expect(row?.movieIds).not.toContain(ratedNow);
  }, 60_000);
});
