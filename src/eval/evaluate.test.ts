import { beforeAll, describe, expect, it } from 'vitest';
import { dataset, oracleTruth, type Row, registerTestModels, synthetic } from './eval.fixture.js';
import { type EvaluationReport, evaluate, metricKeys } from './evaluate.js';
import { pairedBootstrap } from './paired.js';
import { splitFolds } from './splits.js';

beforeAll(registerTestModels);

/**
 * Two users, five items. leave-last tests user 0 on item 3 (t 4) and user 1 on item 2 (t 3), both
 * rated 5. Train counts per item: 2, 1, 1, 0, 1.
 */
const tinyRows: Row[] = [
  [0, 0, 5, 1],
  [0, 1, 4, 2],
  [0, 2, 3, 3],
  [0, 3, 5, 4],
  [1, 4, 2, 1],
  [1, 0, 4, 2],
  [1, 2, 5, 3],
];
const tinyGenres = [['Drama'], ['Action'], ['Action', 'Comedy', 'Drama'], ['Drama'], ['Comedy', 'Drama']];
const tiny = dataset(2, 5, tinyRows, tinyGenres);

function metricsOf(report: EvaluationReport, model: string): Record<string, number> {
  const result = report.results.find((r) => r.model === model);
  if (result === undefined) throw new Error(`no result for ${model}`);
  return result.metrics;
}

describe('evaluate', () => {
  it('matches every metric computed by hand on a tiny leave-last split', async () => {
    const report = await evaluate(tiny, {
      protocol: 'leave-last',
      models: [{ name: 'test-constant' }],
      k: 2,
    });
    const m = metricsOf(report, 'test-constant');
    expect(Object.keys(m)).toEqual(metricKeys(2));
    // Constant 3 against two 5s.
    expect(m.rmse).toBe(2);
    expect(m.mae).toBe(2);
    // Ties rank by item index among unseen items: user 0 gets [3, 4] (hit at 1), user 1 [1, 2] (hit at 2).
    expect(m['precision@2']).toBe(0.5);
    expect(m['recall@2']).toBe(1);
    expect(m['ndcg@2']).toBeCloseTo((1 + 1 / Math.log2(3)) / 2, 12);
    expect(m['map@2']).toBe(0.75);
    expect(m['hit@2']).toBe(1);
    expect(m['mrr@2']).toBe(0.75);
    expect(m.coverage).toBe(4 / 5);
    // Items 4, 1, 2 each hold 1 of 5 training ratings; item 3 has none and is left out.
    expect(m.novelty).toBeCloseTo(Math.log2(5), 12);
    // [3, 4]: 1 − 1/2; [1, 2]: 1 − 1/3.
    expect(m.diversity).toBeCloseTo((1 / 2 + 2 / 3) / 2, 12);
    expect(m.fitSeconds).toBeGreaterThanOrEqual(0);
    expect(m.predictSeconds).toBeGreaterThanOrEqual(0);
    expect(report.results[0].impossibleRate).toBe(0);
    expect(report).toMatchObject({
      dataset: 'fixture',
      protocol: 'leave-last',
      k: 2,
      seed: 42,
      folds: ['leave-last'],
    });
  });

  it('falls back to the train mean where predict refuses, and reports the share', async () => {
    const report = await evaluate(tiny, {
      protocol: 'leave-last',
      models: [{ name: 'test-constant', params: { failEven: true } }],
      k: 2,
    });
    // User 0 falls back to the train mean (5+4+3+2+4)/5 = 3.6: error 1.4; user 1 gets 3: error 2.
    const m = metricsOf(report, 'test-constant');
    expect(m.rmse).toBeCloseTo(Math.sqrt((1.4 ** 2 + 4) / 2), 6);
    expect(m.mae).toBeCloseTo(1.7, 6);
    expect(report.results[0].impossibleRate).toBe(0.5);
    expect(report.results[0].folds[0].impossibleRate).toBe(0.5);
  });

  it('clips estimates to the rating scale', async () => {
    const report = await evaluate(tiny, {
      protocol: 'leave-last',
      models: [{ name: 'test-constant', params: { value: 9 } }],
    });
    expect(metricsOf(report, 'test-constant').rmse).toBe(0);
    const low = await evaluate(tiny, {
      protocol: 'leave-last',
      models: [{ name: 'test-constant', params: { value: -3 } }],
    });
    expect(metricsOf(low, 'test-constant').rmse).toBe(4); // clipped to 1 against two 5s
  });

  it('reports no RMSE or MAE for a ranking model', async () => {
    const report = await evaluate(tiny, { protocol: 'leave-last', models: [{ name: 'test-ranker' }], k: 2 });
    const m = metricsOf(report, 'test-ranker');
    expect([m.rmse, m.mae, report.results[0].impossibleRate]).toEqual([Number.NaN, Number.NaN, Number.NaN]);
    expect(m['precision@2']).toBe(0.5);
  });

  it('gives an oracle precision, nDCG, MAP, hit and MRR of 1 and zero error (stratified)', async () => {
    const ds = synthetic(3); // ≥ 12 ratings per user, so ≥ 3 test items each
    oracleTruth.data = ds.ratings;
    const report = await evaluate(ds, { protocol: 'stratified', models: [{ name: 'test-oracle' }], k: 3 });
    const m = metricsOf(report, 'test-oracle');
    for (const key of ['precision@3', 'ndcg@3', 'map@3', 'hit@3', 'mrr@3']) expect(m[key]).toBe(1);
    expect(m['recall@3']).toBeLessThan(1); // some users have more than 3 test items
    expect([m.rmse, m.mae]).toEqual([0, 0]);
    const wide = await evaluate(ds, { protocol: 'stratified', models: [{ name: 'test-oracle' }], k: 20 });
    expect(metricsOf(wide, 'test-oracle')['recall@20']).toBe(1);
    expect(metricsOf(wide, 'test-oracle')['ndcg@20']).toBe(1);
  });

  it('ranks relevant items only under a minimum rating, skipping users with none', async () => {
    const ds = synthetic(4);
    oracleTruth.data = ds.ratings;
    const report = await evaluate(ds, {
      protocol: 'stratified',
      models: [{ name: 'test-oracle' }],
      k: 20,
      relevance: { minRating: 4 },
    });
    // The oracle ranks by true rating, so 4s and 5s come before the rest of the test items.
    const m = metricsOf(report, 'test-oracle');
    expect([m['ndcg@20'], m['map@20'], m['recall@20']]).toEqual([1, 1, 1]);
    const [fold] = splitFolds(ds, 'stratified');
    const withRelevant = new Set(Array.from(fold.test.users).filter((_, k) => fold.test.ratings[k] >= 4));
    expect(report.results[0].folds[0].users).toBe(withRelevant.size);
    expect(withRelevant.size).toBeLessThan(ds.ratings.nUsers);
  });

  it('folds held-out users in for the strong protocol', async () => {
    const ds = synthetic(5);
    oracleTruth.data = ds.ratings;
    oracleTruth.foldIns = 0;
    const report = await evaluate(ds, {
      protocol: 'strong',
      models: [{ name: 'test-oracle' }, { name: 'test-constant' }],
      k: 2,
      split: { testFraction: 0.2 },
    });
    expect(oracleTruth.foldIns).toBe(6); // 20% of 30 users
    const m = metricsOf(report, 'test-oracle');
    for (const key of ['precision@2', 'ndcg@2', 'map@2', 'hit@2', 'mrr@2']) expect(m[key]).toBe(1);
    expect(m.rmse).toBe(0);
    expect(report.results[0].folds[0].users).toBe(6);
    expect(metricsOf(report, 'test-constant')['precision@2']).toBeLessThan(1);
  });

  it('averages k-fold results over the folds', async () => {
    const ds = synthetic(6);
    const report = await evaluate(ds, { protocol: 'kfold', models: [{ name: 'test-constant' }], k: 5 });
    const { folds, metrics } = report.results[0];
    expect(folds).toHaveLength(5);
    expect(report.folds).toEqual(['fold1', 'fold2', 'fold3', 'fold4', 'fold5']);
    for (const key of ['rmse', 'precision@5', 'coverage']) {
      expect(metrics[key]).toBeCloseTo(folds.reduce((s, f) => s + f[key], 0) / 5, 12);
    }
    // Each fold's RMSE is that of a constant 3 against its own test ratings.
    const split = splitFolds(ds, 'kfold');
    split.forEach((fold, f) => {
      const sq = Array.from(fold.test.ratings).reduce((s, r) => s + (3 - r) ** 2, 0);
      expect(folds[f].rmse).toBeCloseTo(Math.sqrt(sq / fold.test.size), 6);
    });
  });

  it('is reproducible, passes its seed to models that take one, and reports progress', async () => {
    const ds = synthetic(8);
    oracleTruth.data = ds.ratings;
    const progress: [number, number, string][] = [];
    const logged: string[] = [];
    const options = {
      protocol: 'random' as const,
      models: [{ name: 'test-constant' }, { name: 'test-oracle' }],
      seed: 7,
      onProgress: (done: number, total: number, label: string) => progress.push([done, total, label]),
      log: { info: (_fields: Record<string, unknown>, message: string) => logged.push(message) },
    };
    const a = await evaluate(ds, options);
    expect(logged).toEqual(['evaluated fold', 'evaluated fold', 'evaluated model', 'evaluated model']);
    const b = await evaluate(ds, { ...options, onProgress: undefined, log: undefined });
    const strip = (r: EvaluationReport) =>
      r.results.map((x) => ({ ...x.metrics, fitSeconds: 0, predictSeconds: 0 }));
    expect(strip(a)).toEqual(strip(b));
    expect(a.results[0].params).toEqual({ value: 3, failEven: false, seed: 7 });
    expect(progress.at(-1)).toEqual([2, 2, 'test-oracle holdout']);
    expect(progress.map((p) => p[0])).toEqual([0, 0, 1, 1, 1, 2]);
  });

  it('keeps per-user values aligned across models for paired comparisons', async () => {
    const ds = synthetic(9);
    oracleTruth.data = ds.ratings;
    const report = await evaluate(ds, {
      protocol: 'temporal-user',
      models: [{ name: 'test-oracle' }, { name: 'test-constant' }],
      perUser: true,
    });
    const [oracle, constant] = report.results.map((r) => r.perUser![0]);
    expect(Array.from(oracle.users)).toEqual(Array.from(constant.users));
    const meanNdcg = constant.values.ndcg.reduce((s, v) => s + v, 0) / constant.users.length;
    expect(meanNdcg).toBeCloseTo(report.results[1].metrics['ndcg@10'], 12);
    expect(meanNdcg).toBeLessThan(1);
    const diff = pairedBootstrap(oracle.values.ndcg, constant.values.ndcg);
    expect(diff.low).toBeGreaterThan(0);
  });

  it('names what is wrong before doing any work', async () => {
    const base = { protocol: 'leave-last' as const, models: [{ name: 'test-constant' }] };
    await expect(evaluate(tiny, { ...base, models: [{ name: 'nope' }] })).rejects.toThrow(
      /unknown model 'nope' \(known: .*test-constant/,
    );
    await expect(evaluate(tiny, { ...base, k: 0 })).rejects.toThrow('k must be a positive integer, got 0');
    await expect(evaluate(tiny, { ...base, models: [] })).rejects.toThrow('models is empty');
    await expect(evaluate(tiny, { ...base, relevance: { minRating: Number.NaN } })).rejects.toThrow(
      "relevance must be 'all' or { minRating: <number> }",
    );
    await expect(evaluate(tiny, { ...base, protocol: 'u-folds' })).rejects.toThrow("protocol 'u-folds'");
    await expect(evaluate(tiny, { ...base, signal: AbortSignal.abort() })).rejects.toThrow(
      'evaluate: cancelled',
    );
  });
});
