/**
 * LambdaMART (Burges 2010): gradient-boosted regression trees fitted to LambdaRank gradients,
 * so each tree moves scores toward a higher nDCG per query. Trees are grown leaf-wise on quantile
 * histograms (trees.ts); gradients are in lambdamart-gradients.ts.
 *
 *   const model = new LambdaMart({ trees: 200 }).fit(train, valid);
 *   const scores = model.predict(features, nFeatures);
 */
import { Rng } from '../math/random.js';
import { throwIfAborted } from '../util/async.js';
import { checkFeatures, checkRankingData, type RankingData } from './lambdamart-data.js';
import {
  discounts,
  gainOf,
  identityOrder,
  inverseIdealDcg,
  lambdaGradients,
  meanNdcg,
  sortGroups,
} from './lambdamart-gradients.js';
import { type Forest, predictTree, TreeLearner, truncateForest } from './trees.js';
import { binFeatures, quantileBounds } from './trees-bins.js';

export type { RankingData } from './lambdamart-data.js';

export interface LambdaMartParams {
  /** Boosting rounds (at most; early stopping may keep fewer). */
  trees: number;
  /** Leaves per tree (leaf-wise growth). */
  leaves: number;
  /** Shrinkage of every tree's output. */
  learningRate: number;
  /** Minimum training rows in a leaf. */
  minLeaf: number;
  /** Share of features each tree may split on, drawn per tree from `seed`. */
  featureFraction: number;
  /** Histogram bins per feature, 2..255. */
  bins: number;
  /** k of the nDCG@k reported on, and early-stopped on, the validation data. */
  ndcgAt: number;
  /** Stop after this many rounds without a better validation nDCG (0 = never); needs `valid`. */
  earlyStopping: number;
  seed: number;
}

export const DEFAULT_LAMBDAMART: LambdaMartParams = Object.freeze({
  trees: 300,
  leaves: 31,
  learningRate: 0.05,
  minLeaf: 20,
  featureFraction: 1,
  bins: 63,
  ndcgAt: 10,
  earlyStopping: 30,
  seed: 42,
});

/** Pairs count only when the better-placed document is in the top this many (or ndcgAt if larger). */
const LAMBDA_TRUNCATION = 30;

type StateArrays = Record<string, Float32Array | Int32Array | Float64Array>;

export class LambdaMart {
  readonly params: LambdaMartParams;
  private forest: Forest | undefined;
  private nFeatures = 0;
  private gains: Float64Array = new Float64Array(0);
  /** Trees kept after early stopping (all of them without validation data). */
  bestIteration = 0;
  /** Validation nDCG@ndcgAt at `bestIteration` (NaN without validation data). */
  validNdcg = Number.NaN;

  constructor(params: Partial<LambdaMartParams> = {}) {
    this.params = checkParams({ ...DEFAULT_LAMBDAMART, ...params });
  }

  /** Throws a clear Error (row, feature) on NaN/Infinity features or bad labels/groups. valid: early stopping on its nDCG@ndcgAt. */
  fit(
    train: RankingData,
    valid?: RankingData,
    options: { onProgress?(done: number, total: number, label: string): void; signal?: AbortSignal } = {},
  ): this {
    const p = this.params;
    const nRows = checkRankingData('LambdaMart.fit (train)', train);
    const nF = train.nFeatures;
    if (valid !== undefined) {
      checkRankingData('LambdaMart.fit (valid)', valid);
      if (valid.nFeatures !== nF) {
        throw new Error(`LambdaMart.fit: valid has ${valid.nFeatures} features, train ${nF}`);
      }
    }
    const { bounds, boundStart } = quantileBounds(train.features, nRows, nF, p.bins);
    const codes = binFeatures(train.features, nRows, nF, bounds, boundStart);
    let maxBins = 1;
    for (let f = 0; f < nF; f++) maxBins = Math.max(maxBins, boundStart[f + 1] - boundStart[f] + 1);
    const learner = new TreeLearner(codes, nRows, nF, bounds, boundStart, {
      leaves: p.leaves,
      minLeaf: p.minLeaf,
      bins: maxBins,
      maxTrees: p.trees,
    });
    const disc = discounts(Math.max(maxGroupSize(train.groups), valid ? maxGroupSize(valid.groups) : 0, 1));
    const invIdeal = inverseIdealDcg(train.labels, train.groups, disc);
    const gains = Float64Array.from(train.labels, gainOf);
    const order = identityOrder(nRows);
    const scores = new Float64Array(nRows);
    const grad = new Float64Array(nRows);
    const hess = new Float64Array(nRows);
    const importance = new Float64Array(nF);
    const rng = new Rng(p.seed);
    const perm = identityOrder(nF);
    const used = new Int32Array(nF);
    const nUsed = Math.max(1, Math.round(p.featureFraction * nF));
    const truncation = Math.max(LAMBDA_TRUNCATION, p.ndcgAt);

    const v = valid && {
      data: valid,
      scores: new Float64Array(valid.labels.length),
      order: identityOrder(valid.labels.length),
      invAtK: inverseIdealDcg(valid.labels, valid.groups, disc, p.ndcgAt),
    };
    if (v && !v.invAtK.some((x) => x > 0)) {
      throw new Error(
        'LambdaMart.fit (valid): no query has a relevant row (label > 0), so nDCG cannot guide early stopping',
      );
    }
    let best = Number.NEGATIVE_INFINITY;
    let bestIter = 0;
    let bestImportance = importance;
    for (let t = 0; t < p.trees; t++) {
      throwIfAborted(options.signal, 'LambdaMart: fit cancelled');
      sortGroups(order, scores, train.groups);
      lambdaGradients(scores, gains, train.groups, order, invIdeal, disc, truncation, grad, hess);
      pickFeatures(rng, perm, used, nUsed);
      learner.grow(grad, hess, used, nUsed, p.learningRate, scores, importance);
      if (v) {
        const raw = learner.rawForest();
        const x = v.data.features;
        for (let r = 0; r < v.scores.length; r++) v.scores[r] += predictTree(raw, t, x, r * nF);
        const ndcg = meanNdcg(v.scores, v.data.labels, v.data.groups, v.order, v.invAtK, disc, p.ndcgAt);
        if (ndcg > best + 1e-12) {
          best = ndcg;
          bestIter = t + 1;
          bestImportance = importance.slice();
        } else if (p.earlyStopping > 0 && t + 1 - bestIter >= p.earlyStopping) {
          options.onProgress?.(p.trees, p.trees, 'lambdamart trees (early stop)');
          break;
        }
      }
      options.onProgress?.(t + 1, p.trees, 'lambdamart trees');
    }
    const kept = v ? bestIter : learner.treeCount();
    // Assigned only now: a failed or cancelled fit leaves the previous model intact.
    this.forest = truncateForest(learner.rawForest(), kept);
    this.gains = v ? bestImportance : importance;
    this.nFeatures = nF;
    this.bestIteration = kept;
    this.validNdcg = v ? best : Number.NaN;
    return this;
  }

  /** Scores per row; same non-finite check. */
  predict(features: Float32Array, nFeatures: number, out?: Float32Array): Float32Array {
    const forest = this.requireForest('predict');
    if (nFeatures !== this.nFeatures) {
      throw new Error(`LambdaMart.predict: model was fitted on ${this.nFeatures} features, got ${nFeatures}`);
    }
    const n = checkFeatures('LambdaMart.predict', features, nFeatures);
    const result = out ?? new Float32Array(n);
    if (result.length < n)
      throw new Error(`LambdaMart.predict: out has ${result.length} slots for ${n} rows`);
    const nTrees = forest.treeStart.length - 1;
    for (let r = 0; r < n; r++) {
      let s = 0;
      for (let t = 0; t < nTrees; t++) s += predictTree(forest, t, features, r * nFeatures);
      result[r] = s;
    }
    return result;
  }

  /** Total split gain per feature (length nFeatures), for importance reports. */
  importance(): Float64Array {
    this.requireForest('importance');
    return this.gains.slice();
  }

  /** Typed-array state for model artifacts, and its inverse. */
  state(): { params: Record<string, unknown>; arrays: StateArrays } {
    const f = this.requireForest('state');
    return {
      params: {
        ...this.params,
        nFeatures: this.nFeatures,
        bestIteration: this.bestIteration,
        validNdcg: this.validNdcg,
      },
      arrays: {
        nodeFeature: f.nodeFeature,
        nodeThreshold: f.nodeThreshold,
        nodeLeft: f.nodeLeft,
        nodeRight: f.nodeRight,
        nodeValue: f.nodeValue,
        treeStart: f.treeStart,
        importance: this.gains,
      },
    };
  }

  static restore(state: { params: Record<string, unknown>; arrays: StateArrays }): LambdaMart {
    const { nFeatures, bestIteration, validNdcg, ...params } = state.params;
    const model = new LambdaMart(params as Partial<LambdaMartParams>);
    if (!Number.isInteger(nFeatures) || (nFeatures as number) < 1) {
      throw new Error(`LambdaMart.restore: nFeatures must be a positive integer, got ${String(nFeatures)}`);
    }
    const a = state.arrays;
    const forest: Forest = {
      nodeFeature: typed(a, 'nodeFeature', Int32Array),
      nodeThreshold: typed(a, 'nodeThreshold', Float32Array),
      nodeLeft: typed(a, 'nodeLeft', Int32Array),
      nodeRight: typed(a, 'nodeRight', Int32Array),
      nodeValue: typed(a, 'nodeValue', Float32Array),
      treeStart: typed(a, 'treeStart', Int32Array),
    };
    checkForest(forest, nFeatures as number);
    const gains = typed(a, 'importance', Float64Array);
    if (gains.length !== nFeatures)
      throw new Error('LambdaMart.restore: importance length differs from nFeatures');
    model.forest = forest;
    model.nFeatures = nFeatures as number;
    model.gains = gains;
    model.bestIteration = typeof bestIteration === 'number' ? bestIteration : forest.treeStart.length - 1;
    model.validNdcg = typeof validNdcg === 'number' ? validNdcg : Number.NaN;
    return model;
  }

  private requireForest(what: string): Forest {
    if (this.forest === undefined) throw new Error(`LambdaMart.${what}: model is not fitted`);
    return this.forest;
  }
}

function checkParams(p: LambdaMartParams): LambdaMartParams {
  const int = (name: keyof LambdaMartParams, min: number, max = Number.MAX_SAFE_INTEGER): void => {
    const x = p[name];
    if (!Number.isInteger(x) || x < min || x > max) {
      throw new Error(`LambdaMart: ${name} must be an integer in [${min}, ${max}], got ${x}`);
    }
  };
  int('trees', 1);
  int('leaves', 2, 4096);
  int('minLeaf', 1);
  int('bins', 2, 255);
  int('ndcgAt', 1);
  int('earlyStopping', 0);
  int('seed', -(2 ** 31), 2 ** 32);
  if (!(p.learningRate > 0 && p.learningRate <= 10)) {
    throw new Error(`LambdaMart: learningRate must be in (0, 10], got ${p.learningRate}`);
  }
  if (!(p.featureFraction > 0 && p.featureFraction <= 1)) {
    throw new Error(`LambdaMart: featureFraction must be in (0, 1], got ${p.featureFraction}`);
  }
  return { ...p };
}

function maxGroupSize(groups: Int32Array): number {
  let m = 0;
  for (let g = 0; g + 1 < groups.length; g++) m = Math.max(m, groups[g + 1] - groups[g]);
  return m;
}

/** The first nUsed features of a seeded partial shuffle, ascending (rows read in memory order). */
function pickFeatures(rng: Rng, perm: Int32Array, used: Int32Array, nUsed: number): void {
  const n = perm.length;
  if (nUsed < n) {
    for (let i = 0; i < nUsed; i++) {
      const j = i + rng.int(n - i);
      const tmp = perm[i];
      perm[i] = perm[j];
      perm[j] = tmp;
    }
  }
  for (let i = 0; i < nUsed; i++) used[i] = perm[i];
  used.subarray(0, nUsed).sort();
}

function typed<T extends Float32Array | Int32Array | Float64Array>(
  arrays: StateArrays,
  name: string,
  kind: { new (n: number): T; name: string },
): T {
  const a = arrays[name];
  if (!(a instanceof kind))
    throw new Error(`LambdaMart.restore: array ${name} is missing or not a ${kind.name}`);
  return a as T;
}

/** Rejects a corrupt forest: every child after its parent (so predict terminates), indices in range. */
function checkForest(f: Forest, nFeatures: number): void {
  const n = f.nodeFeature.length;
  if (
    f.nodeThreshold.length !== n ||
    f.nodeLeft.length !== n ||
    f.nodeRight.length !== n ||
    f.nodeValue.length !== n
  ) {
    throw new Error('LambdaMart.restore: node arrays differ in length');
  }
  const ts = f.treeStart;
  if (ts.length < 1 || ts[0] !== 0 || ts[ts.length - 1] !== n)
    throw new Error('LambdaMart.restore: bad treeStart');
  for (let t = 0; t + 1 < ts.length; t++) {
    if (ts[t + 1] <= ts[t]) throw new Error(`LambdaMart.restore: tree ${t} is empty`);
    for (let k = ts[t]; k < ts[t + 1]; k++) {
      const feature = f.nodeFeature[k];
      if (feature === -1) continue;
      const ok =
        feature >= 0 &&
        feature < nFeatures &&
        f.nodeLeft[k] > k &&
        f.nodeLeft[k] < ts[t + 1] &&
        f.nodeRight[k] > k &&
        f.nodeRight[k] < ts[t + 1];
      if (!ok) throw new Error(`LambdaMart.restore: node ${k} of tree ${t} is corrupt`);
    }
  }
}
