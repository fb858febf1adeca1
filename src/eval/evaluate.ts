import type { Dataset } from '../data/dataset.js';
import type { Interactions } from '../data/interactions.js';
import type { Recommender } from '../models/base.js';
import { createModel, modelEntry } from '../models/registry.js';
import type { FoldedUser, UserRef } from '../models/types.js';
import { throwIfAborted } from '../util/async.js';
import { encodeGenres } from './metrics.js';
import {
  type PerUserValues,
  type Relevance,
  scoreRanking,
  scoreRatings,
  usersWithRelevant,
} from './scoring.js';
import { type Fold, type Protocol, type SplitOptions, splitFolds } from './splits.js';

export type { PerUserValues, Relevance };

/** A model to evaluate: its registry name and parameters (defaults for the rest). */
export interface ModelSpec {
  name: string;
  params?: Record<string, unknown>;
}

/** Where the harness writes one line per fold and per model; pino's logger fits. */
export interface EvalLogger {
  info(fields: Record<string, unknown>, message: string): void;
}

/** Options of `evaluate`. */
export interface EvaluateOptions {
  protocol: Protocol;
  models: ModelSpec[];
  /** List length for ranking metrics (default 10). */
  k?: number;
  /** Seed of the split, and of every model whose schema has a `seed` parameter left unset (default 42). */
  seed?: number;
  /** Which test ratings count as relevant for ranking metrics (default 'all'). */
  relevance?: Relevance;
  /** Protocol knobs other than the seed (fractions, fold count, leave-last n). */
  split?: Omit<SplitOptions, 'seed'>;
  /** Keep per-user ranking values in each result (for `pairedBootstrap`). */
  perUser?: boolean;
  /** Called after each model finishes each fold, and as each starts. */
  onProgress?: (done: number, total: number, label: string) => void;
  /** Passed to each model's `fit` (epochs, rows, …), labelled with the model and fold. */
  onFitProgress?: (done: number, total: number, label: string) => void;
  log?: EvalLogger;
  /** Cancels between steps and inside fits that honour it. */
  signal?: AbortSignal;
}

/** One model's results: means over folds in `metrics`, each fold's values in `folds`. */
export interface ModelResult {
  model: string;
  /** The parameters the model actually ran with, defaults filled in. */
  params: Record<string, unknown>;
  /** Exactly the keys of `metricKeys(k)`; NaN where a metric does not apply (RMSE of a ranking model). */
  metrics: Record<string, number>;
  /** Per fold: the same keys plus `impossibleRate` and `users` (how many users were ranked). */
  folds: Record<string, number>[];
  /** Share of test pairs the model could not predict (train mean used); NaN for ranking models. */
  impossibleRate: number;
  /** Per fold, when `perUser` was asked for. */
  perUser?: PerUserValues[];
}

/** What `evaluate` returns; `toJson`, `formatTable` and `renderHtml` present it. */
export interface EvaluationReport {
  dataset: string;
  protocol: Protocol;
  k: number;
  seed: number;
  relevance: Relevance;
  folds: string[];
  results: ModelResult[];
}

/** The metric keys of a report at list length k, in table order. */
export function metricKeys(k: number): string[] {
  return [
    'rmse',
    'mae',
    `precision@${k}`,
    `recall@${k}`,
    `ndcg@${k}`,
    `map@${k}`,
    `hit@${k}`,
    `mrr@${k}`,
    'coverage',
    'novelty',
    'diversity',
    'fitSeconds',
    'predictSeconds',
  ];
}

/**
 * Split `dataset` by the protocol, fit every model on every fold's train part through the public
 * model API, and score it on the test part: RMSE/MAE for rating models, full-catalog ranking
 * metrics at k for all. For `strong`, held-out users are folded in from `fold.foldIn` first.
 * Models come from the registry (`createModel`), so they must be registered before the call.
 */
export async function evaluate(dataset: Dataset, options: EvaluateOptions): Promise<EvaluationReport> {
  const { protocol, models } = options;
  const k = options.k ?? 10;
  const seed = options.seed ?? 42;
  const relevance = options.relevance ?? 'all';
  if (!Number.isInteger(k) || k < 1) throw new Error(`evaluate: k must be a positive integer, got ${k}`);
  if (models.length === 0) throw new Error('evaluate: models is empty; name at least one model');
  if (relevance !== 'all' && !Number.isFinite(relevance?.minRating)) {
    throw new Error(
      `evaluate: relevance must be 'all' or { minRating: <number> }, got ${JSON.stringify(relevance)}`,
    );
  }
  const entries = models.map((spec) => modelEntry(spec.name)); // unknown names fail before any work
  const folds = splitFolds(dataset, protocol, { ...options.split, seed });
  const genres = encodeGenres(
    Array.from({ length: dataset.ratings.nItems }, (_, i) => dataset.movies[i]?.genres ?? []),
  );
  const keys = metricKeys(k);
  const total = folds.length * models.length;
  let done = 0;
  const results: ModelResult[] = models.map((spec) => ({
    model: spec.name,
    params: {},
    metrics: {},
    folds: [],
    impossibleRate: Number.NaN,
    ...(options.perUser ? { perUser: [] } : {}),
  }));
  const genreNames = dataset.movies.map((movie) => movie.genres);
  for (const fold of folds) {
    const popularity = fold.train.itemCounts();
    const rankUsers = usersWithRelevant(fold.test, relevance);
    for (let m = 0; m < models.length; m++) {
      throwIfAborted(options.signal, 'evaluate: cancelled');
      const spec = models[m];
      const label = `${spec.name} ${fold.name}`;
      options.onProgress?.(done, total, `${label}: fit`);
      const params = { ...spec.params };
      if ('seed' in entries[m].schema && params.seed === undefined) params.seed = seed;
      const model = createModel(spec.name, params);
      let started = performance.now();
      const onFitProgress = options.onFitProgress;
      await model.fit(fold.train, {
        signal: options.signal,
        itemGenres: genreNames,
        movies: dataset.movies,
        onProgress: onFitProgress && ((d, t, what) => onFitProgress(d, t, `${label} ${what}`)),
      });
      const fitSeconds = (performance.now() - started) / 1000;
      options.onProgress?.(done, total, `${label}: score`);
      started = performance.now();
      const userRef = userRefs(model, fold);
      const rating =
        entries[m].kind === 'rating' && !dataset.scale.implicit
          ? scoreRatings(model, fold.test, userRef, fold.train.globalMean(), dataset.scale)
          : { rmse: Number.NaN, mae: Number.NaN, impossibleRate: Number.NaN };
      const r = scoreRanking(model, fold.test, rankUsers, userRef, k, relevance, popularity, genres);
      const predictSeconds = (performance.now() - started) / 1000;
      const values = [
        rating.rmse,
        rating.mae,
        r.precision,
        r.recall,
        r.ndcg,
        r.map,
        r.hit,
        r.mrr,
        r.coverage,
        r.novelty,
        r.diversity,
        fitSeconds,
        predictSeconds,
      ];
      const record: Record<string, number> = {};
      keys.forEach((key, j) => {
        record[key] = values[j];
      });
      record.impossibleRate = rating.impossibleRate;
      record.users = rankUsers.length;
      const result = results[m];
      result.params = { ...model.params };
      result.folds.push(record);
      result.perUser?.push(r.perUser);
      options.log?.info({ model: spec.name, fold: fold.name, ...record }, 'evaluated fold');
      options.onProgress?.(++done, total, label);
    }
  }
  for (const result of results) {
    for (const key of keys) result.metrics[key] = meanFinite(result.folds.map((f) => f[key]));
    result.impossibleRate = meanFinite(result.folds.map((f) => f.impossibleRate));
    options.log?.info({ model: result.model, ...result.metrics }, 'evaluated model');
  }
  return { dataset: dataset.name, protocol, k, seed, relevance, folds: folds.map((f) => f.name), results };
}

/**
 * How the test users of a fold are addressed: their dense index, or for `strong` a user folded in
 * from their fold-in ratings (trained users never appear in a strong test set).
 */
function userRefs(model: Recommender, fold: Fold): (user: number) => UserRef {
  if (fold.foldIn === undefined) return (user) => user;
  const folded = foldInUsers(model, fold.foldIn);
  return (user) => {
    const ref = folded.get(user);
    if (ref === undefined)
      throw new Error(`evaluate: test user ${user} of fold '${fold.name}' has no fold-in ratings`);
    return ref;
  };
}

function foldInUsers(model: Recommender, foldIn: Interactions): Map<number, FoldedUser> {
  const csr = foldIn.byUser();
  const out = new Map<number, FoldedUser>();
  for (let u = 0; u < foldIn.nUsers; u++) {
    const a = csr.indptr[u];
    const b = csr.indptr[u + 1];
    if (a === b) continue;
    out.set(u, model.foldIn({ items: csr.indices.slice(a, b), ratings: csr.values.slice(a, b) }));
  }
  return out;
}

/** Mean over folds of the finite values; NaN when no fold has one (the metric does not apply). */
function meanFinite(values: number[]): number {
  let sum = 0;
  let n = 0;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    sum += v;
    n++;
  }
  return n > 0 ? sum / n : Number.NaN;
}
