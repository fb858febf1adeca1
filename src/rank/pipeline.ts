/**
 * The reranker's training data: train split by time per user into an early part (generators and
 * features) and a label window (each user's latest ratings), candidates and features built from
 * the early part only, labels from the window.
 */
import type { Interactions } from '../data/interactions.js';
import { byTime } from '../eval/split-helpers.js';
import { perUserSplit } from '../eval/splits.js';
import { Rng } from '../math/random.js';
import { checkAborted } from '../models/base.js';
import type { FitOptions } from '../models/types.js';
import { N_FEATURES, userFeatures } from './features.js';
import { GeneratorSet, type GeneratorSettings, type UserHistory } from './generators.js';
import type { RankingData } from './lambdamart.js';

/**
 * Per user, the latest `fraction` of their ratings by time (rounded as `temporal-user` rounds) is
 * the label window; the rest is the fit part. The same rule the evaluation's temporal-user split
 * applies to the whole data, applied again inside train, so the reranker learns the task it is
 * scored on. Ties in time keep row order.
 */
export function labelWindowSplit(
  train: Interactions,
  fraction: number,
): { fit: Interactions; label: Interactions } {
  const { train: fit, test: label } = perUserSplit(train, fraction, byTime(train));
  return { fit, label };
}

/** A trained user's history in `data`, its moment being their latest rating there. */
export function historyOf(data: Interactions, user: number): UserHistory {
  const csr = data.byUser();
  const from = csr.indptr[user];
  const to = csr.indptr[user + 1];
  const times = Float64Array.from(csr.order.subarray(from, to), (k) => data.timestamps[k]);
  let at = Number.NEGATIVE_INFINITY;
  for (const t of times) if (t > at) at = t;
  return {
    items: csr.indices.subarray(from, to),
    ratings: csr.values.subarray(from, to),
    times,
    at,
    refs: { als: user, itemknn: user, content: user, popularity: user, svd: user, neural: user },
  };
}

/** Graded label of a rating: 0 below `minRating`, else 1 + how far above it. */
export function gradeOf(rating: number, minRating: number): number {
  return rating >= minRating ? 1 + rating - minRating : 0;
}

export interface TrainingData {
  train: RankingData;
  valid: RankingData;
  /** Users with a relevant label-window item, and how many of those items the candidates hold. */
  users: number;
  relevant: number;
  relevantInCandidates: number;
}

/**
 * Candidates, features and graded labels for every user whose label window holds a relevant
 * rating (≥ `minRating`) and who has an earlier rating to describe them by. `set` must be fitted
 * on `fit` only. A seeded `validFraction` of those users goes to `valid` (early stopping).
 */
export function buildTrainingData(
  set: GeneratorSet,
  fit: Interactions,
  label: Interactions,
  options: { minRating: number; validFraction: number; seed: number; signal?: AbortSignal },
): TrainingData {
  const labels = label.byUser();
  const fitCsr = fit.byUser();
  const nItems = fit.nItems;
  const users: number[] = [];
  for (let u = 0; u < fit.nUsers; u++) {
    if (fitCsr.indptr[u + 1] === fitCsr.indptr[u]) continue;
    for (let p = labels.indptr[u]; p < labels.indptr[u + 1]; p++) {
      if (labels.values[p] >= options.minRating) {
        users.push(u);
        break;
      }
    }
  }
  const order = new Rng(options.seed).shuffle(Int32Array.from(users));
  const nValid = Math.round(options.validFraction * order.length);
  const parts = [new Builder(), new Builder()];
  const seen = new Uint8Array(nItems);
  const grade = new Float32Array(nItems);
  let relevant = 0;
  let found = 0;
  for (let k = 0; k < order.length; k++) {
    if (k % 32 === 0) checkAborted(options.signal, 'twostage');
    const u = order[k];
    const history = historyOf(fit, u);
    for (const i of history.items) seen[i] = 1;
    for (let p = labels.indptr[u]; p < labels.indptr[u + 1]; p++) {
      grade[labels.indices[p]] = gradeOf(labels.values[p], options.minRating);
      if (labels.values[p] >= options.minRating) relevant++;
    }
    const cands = set.candidates(history, seen);
    const rows = userFeatures(set, history, cands);
    const y = Float32Array.from(cands.items, (i) => grade[i]);
    let positives = 0;
    for (const v of y) if (v > 0) positives++;
    found += positives;
    if (positives > 0) parts[k < nValid ? 1 : 0].add(rows, y);
    for (const i of history.items) seen[i] = 0;
    for (let p = labels.indptr[u]; p < labels.indptr[u + 1]; p++) grade[labels.indices[p]] = 0;
  }
  return {
    train: parts[0].build(),
    valid: parts[1].build(),
    users: users.length,
    relevant,
    relevantInCandidates: found,
  };
}

/** Query groups appended one at a time, concatenated once at the end. */
class Builder {
  private rows: Float32Array[] = [];
  private labels: Float32Array[] = [];

  add(rows: Float32Array, labels: Float32Array): void {
    this.rows.push(rows);
    this.labels.push(labels);
  }

  build(): RankingData {
    const n = this.labels.reduce((s, l) => s + l.length, 0);
    const features = new Float32Array(n * N_FEATURES);
    const labels = new Float32Array(n);
    const groups = new Int32Array(this.labels.length + 1);
    let at = 0;
    this.labels.forEach((l, g) => {
      features.set(this.rows[g], at * N_FEATURES);
      labels.set(l, at);
      at += l.length;
      groups[g + 1] = at;
    });
    return { features, nFeatures: N_FEATURES, labels, groups };
  }
}

/** Settings of `rerankerTrainingData`. */
export interface TrainingSettings {
  labelFraction: number;
  minRating: number;
  validFraction: number;
  seed: number;
}

/**
 * The whole first half of a twostage fit: split `train` by time, fit generators on the early part
 * only, and build candidates, features and labels for the label window. Features are a function
 * of the early part alone (the no-leak test perturbs the label window and compares them).
 */
export async function rerankerTrainingData(
  train: Interactions,
  generators: GeneratorSettings,
  settings: TrainingSettings,
  options: FitOptions,
  progress: (label: string) => void,
): Promise<TrainingData> {
  const { fit, label } = labelWindowSplit(train, settings.labelFraction);
  const early = new GeneratorSet(generators);
  await early.fit(fit, options, (what) => progress(`early ${what}`));
  const data = buildTrainingData(early, fit, label, {
    minRating: settings.minRating,
    validFraction: settings.validFraction,
    seed: settings.seed,
    signal: options.signal,
  });
  progress('features');
  return data;
}
