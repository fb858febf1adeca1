import type { Interactions } from '../data/interactions.js';
import { FEATURES, featureColumn, N_FEATURES, userFeatures } from '../rank/features.js';
import { fitsNeural, GeneratorSet, type GeneratorSettings, type UserHistory } from '../rank/generators.js';
import { LambdaMart } from '../rank/lambdamart.js';
import { MAX_LABEL } from '../rank/lambdamart-data.js';
import { gradeOf, historyOf, rerankerTrainingData } from '../rank/pipeline.js';
import { checkAborted, Recommender } from './base.js';
import { underPrefix, withPrefix } from './ensemble-parts.js';
import type { ModelEntry } from './registry.js';
import type {
  Estimate,
  FitOptions,
  FoldedUser,
  ModelState,
  NewUserRatings,
  ParamSchema,
  ParamsOf,
  UserRef,
} from './types.js';

/** The reranker's arrays sit under this prefix, beside the generators' `<model>/…` and catalog tables. */
const RERANKER = 'reranker';

const schema = {
  candidates: { type: 'int', default: 50, min: 1, max: 10_000, description: 'items each generator proposes' },
  labelFraction: {
    type: 'float',
    default: 0.2,
    min: 0.01,
    max: 0.99,
    description: "each user's latest share of train that labels the reranker's training data",
  },
  validFraction: {
    type: 'float',
    default: 0.2,
    min: 0,
    max: 0.9,
    description: "share of the label users kept for the reranker's early stopping",
  },
  minRating: {
    type: 'float',
    default: 4,
    min: 0,
    description: 'a label-window rating at least this is relevant (graded 1 + rating − this)',
  },
  alsFactors: { type: 'int', default: 64, min: 1, max: 1024, description: 'ALS generator factors' },
  alsIterations: { type: 'int', default: 15, min: 1, max: 1000, description: 'ALS generator passes' },
  svdFactors: { type: 'int', default: 100, min: 1, max: 1024, description: 'SVD feature model factors' },
  svdEpochs: { type: 'int', default: 50, min: 1, max: 1000, description: 'SVD feature model epochs' },
  content: { type: 'bool', default: true, description: 'content generator (needs the catalog at fit)' },
  neural: {
    type: 'bool',
    default: false,
    description: "fit the registered 'neural' model for its rating feature",
  },
  trendHalfLifeDays: { type: 'float', default: 30, min: 0.01, description: 'half-life of trending, days' },
  genresPerUser: {
    type: 'int',
    default: 3,
    min: 1,
    max: 100,
    description: 'favourite genres of the genre generator',
  },
  trees: { type: 'int', default: 300, min: 1, max: 10_000, description: 'LambdaMART trees (at most)' },
  leaves: {
    type: 'int',
    default: 15,
    min: 2,
    max: 1024,
    description: 'leaves per tree (15 beat 7 and 31 on validation carved from ml-100k train)',
  },
  learningRate: { type: 'float', default: 0.05, min: 1e-6, max: 1, description: 'shrinkage per tree' },
  minLeaf: { type: 'int', default: 20, min: 1, description: 'rows a leaf needs' },
  featureFraction: {
    type: 'float',
    default: 0.8,
    min: 0.01,
    max: 1,
    description: 'features a tree may split on',
  },
  earlyStopping: {
    type: 'int',
    default: 30,
    min: 0,
    description: 'trees without validation gain before stopping',
  },
  minGroups: {
    type: 'int',
    default: 10,
    min: 1,
    description: 'label users needed to train the reranker; with fewer, candidates rank by ALS',
  },
  seed: {
    type: 'int',
    default: 42,
    description: 'seed of the generators, the validation users and the trees',
  },
} satisfies ParamSchema;

export type TwoStageParams = ParamsOf<typeof schema>;

/** What the last fit's training data looked like (kept in the artifact). */
export interface TwoStageFitReport {
  labelUsers: number;
  trainGroups: number;
  validGroups: number;
  rows: number;
  /** Share of relevant label-window items the candidates held: the ceiling of the reranker. */
  candidateRecall: number;
  reranker: 'lambdamart' | 'als';
  /** Trees kept after early stopping, and the validation users' nDCG@10 over their candidates. */
  trees: number;
  validNdcg: number | null;
}

/**
 * Two-stage recommender (seed 004): candidate generators (ALS, ItemKNN, content, genre popularity,
 * trending; src/rank/generators.ts) propose each user's top-M unseen items, and a LambdaMART
 * reranker scores the union from the features of src/rank/features.ts. The reranker learns from
 * train split by time: each user's latest `labelFraction` of train labels candidates built by
 * generators fitted on the earlier part only; then the generators are refitted on all of train to
 * serve. Items outside the candidates cannot be scored (NaN), except the user's own rated items,
 * which are scored like candidates so that unfiltered lists stay complete. A user with no
 * ratings gets the popularity model's IMDB weighted rating; with too few label users to learn
 * from, candidates rank by the ALS generator's score (fused ranks breaking ties).
 */
export class TwoStage extends Recommender<TwoStageParams> {
  readonly name = 'twostage';
  private generators?: GeneratorSet;
  private reranker?: LambdaMart;
  private latest = 0;
  report?: TwoStageFitReport;
  private cache?: { user: number; scores: Float32Array };

  constructor(params: Partial<TwoStageParams> = {}) {
    super(schema, 'twostage', params);
  }

  private settings(): GeneratorSettings {
    const p = this.params;
    return {
      candidates: p.candidates,
      alsFactors: p.alsFactors,
      alsIterations: p.alsIterations,
      svdFactors: p.svdFactors,
      svdEpochs: p.svdEpochs,
      content: p.content,
      neural: p.neural,
      trendHalfLifeDays: p.trendHalfLifeDays,
      genresPerUser: p.genresPerUser,
      seed: p.seed,
    };
  }

  async fit(train: Interactions, options: FitOptions = {}): Promise<this> {
    checkAborted(options.signal, this.name);
    if (train.size === 0) throw new Error('twostage: no ratings in training; nothing to rank from');
    const p = this.params;
    const top = gradeOf(train.ratingRange()[1], p.minRating);
    if (top > MAX_LABEL) {
      throw new Error(
        `twostage: minRating ${p.minRating} grades this scale's top rating ${top}; LambdaMART takes labels up to ${MAX_LABEL}: raise minRating`,
      );
    }
    const total = 2 * (4 + (p.content && options.movies ? 1 : 0) + (fitsNeural(p) ? 1 : 0)) + 2;
    let done = 0;
    const step = (label: string) => {
      options.onProgress?.(++done, total, `twostage ${label}`);
      checkAborted(options.signal, this.name);
    };
    const data = await rerankerTrainingData(train, this.settings(), p, options, step);
    const trainGroups = data.train.groups.length - 1;
    const validGroups = data.valid.groups.length - 1;
    let reranker: LambdaMart | undefined;
    if (trainGroups >= p.minGroups) {
      reranker = new LambdaMart({
        trees: p.trees,
        leaves: p.leaves,
        learningRate: p.learningRate,
        minLeaf: p.minLeaf,
        featureFraction: p.featureFraction,
        ndcgAt: 10,
        earlyStopping: p.earlyStopping,
        seed: p.seed,
      });
      try {
        reranker.fit(data.train, validGroups > 0 ? data.valid : undefined, { signal: options.signal });
      } catch (error) {
        checkAborted(options.signal, this.name);
        throw error;
      }
    }
    step('reranker');
    const full = new GeneratorSet(this.settings());
    await full.fit(train, options, (what) => step(what));
    checkAborted(options.signal, this.name);
    this.report = {
      labelUsers: data.users,
      trainGroups,
      validGroups,
      rows: data.train.labels.length + data.valid.labels.length,
      candidateRecall: data.relevant > 0 ? data.relevantInCandidates / data.relevant : 0,
      reranker: reranker === undefined ? 'als' : 'lambdamart',
      trees: reranker?.bestIteration ?? 0,
      validNdcg: reranker !== undefined && Number.isFinite(reranker.validNdcg) ? reranker.validNdcg : null,
    };
    this.commit(full, reranker, train);
    return this;
  }

  private commit(generators: GeneratorSet, reranker: LambdaMart | undefined, train: Interactions): void {
    let latest = Number.NEGATIVE_INFINITY;
    for (const t of train.timestamps) if (t > latest) latest = t;
    this.generators = generators;
    this.reranker = reranker;
    this.latest = latest;
    this.cache = undefined;
    this.train = train;
  }

  /** The fitted generators and feature sources (serving set, fitted on all of train). */
  get generatorSet(): GeneratorSet {
    return this.requireGenerators();
  }

  private requireGenerators(): GeneratorSet {
    this.requireTrain();
    return this.generators as GeneratorSet;
  }

  private historyFor(user: UserRef): UserHistory {
    const generators = this.requireGenerators();
    if (typeof user === 'number') return historyOf(this.requireTrain(), user);
    return {
      items: user.seen,
      ratings: user.state.ratings as Float32Array,
      times: null,
      at: this.latest,
      refs: generators.foldedRefs(user),
    };
  }

  protected estimate(user: UserRef, item: number): Estimate {
    let scores: Float32Array;
    if (typeof user === 'number' && this.cache?.user === user) scores = this.cache.scores;
    else {
      scores = new Float32Array(this.nItems);
      this.scoreInto(user, scores);
      if (typeof user === 'number') this.cache = { user, scores };
    }
    const value = scores[item];
    if (Number.isNaN(value))
      return { ok: false, reason: `twostage: item ${item} is not among the user's candidates` };
    return { ok: true, value };
  }

  protected scoreInto(user: UserRef, out: Float32Array): boolean {
    const generators = this.requireGenerators();
    const history = this.historyFor(user);
    if (history.items.length === 0) {
      // A user with no history: the documented cold-start fallback, popularity's weighted rating.
      const weighted = generators.popularity.weighted;
      for (let i = 0; i < out.length; i++) out[i] = weighted[i];
      return true;
    }
    const seen = new Uint8Array(out.length);
    for (const i of history.items) seen[i] = 1;
    const cands = generators.candidates(history, seen);
    // The user's own items are scored too (never proposed), so unfiltered lists stay complete.
    const items = new Int32Array(cands.items.length + history.items.length);
    items.set(cands.items);
    items.set(history.items, cands.items.length);
    const rows = userFeatures(generators, history, { ...cands, items });
    const scores = this.rerank(rows);
    out.fill(Number.NaN);
    for (let k = 0; k < items.length; k++) out[items[k]] = scores[k];
    return true;
  }

  /**
   * Reranker scores of feature rows. Without a reranker: the ALS generator's score (the strongest
   * single generator on MovieLens), reciprocal-rank fusion of all generators breaking ties.
   */
  private rerank(rows: Float32Array): Float32Array {
    if (this.reranker !== undefined) return this.reranker.predict(rows, N_FEATURES);
    const n = rows.length / N_FEATURES;
    const als = featureColumn('als_score');
    const rrf = featureColumn('rrf');
    return Float32Array.from(
      { length: n },
      (_, k) => rows[k * N_FEATURES + als] + 1e-3 * rows[k * N_FEATURES + rrf],
    );
  }

  protected foldInImpl(ratings: NewUserRatings): Omit<FoldedUser, 'model'> {
    const state = this.requireGenerators().foldIn(ratings);
    state.ratings = Float32Array.from(ratings.ratings);
    return { seen: Int32Array.from(ratings.items), state };
  }

  /** Each feature's share of the reranker's total split gain, largest first (empty without a reranker). */
  featureImportance(): { name: string; gain: number; share: number }[] {
    this.requireTrain();
    if (this.reranker === undefined) return [];
    return importanceReport(this.reranker.importance());
  }

  state(): ModelState {
    const generators = this.requireGenerators().state();
    const arrays: ModelState['arrays'] = { ...generators.arrays };
    let reranker: Record<string, unknown> | null = null;
    if (this.reranker !== undefined) {
      const state = this.reranker.state();
      reranker = state.params;
      withPrefix(RERANKER, state.arrays, arrays);
    }
    return {
      params: { ...this.params },
      meta: {
        generators: generators.meta,
        reranker,
        features: FEATURES.map((f) => f.name),
        report: this.report ?? null,
      },
      arrays,
    };
  }

  restore(state: ModelState, train: Interactions): void {
    const names = state.meta.features as string[];
    if (names.join() !== FEATURES.map((f) => f.name).join()) {
      throw new Error('twostage: the artifact was trained on another feature table; retrain it');
    }
    const generators = new GeneratorSet(this.settings());
    generators.restore(state.meta.generators as Record<string, unknown>, state.arrays, train);
    const params = state.meta.reranker as Record<string, unknown> | null;
    // The forest's arrays are all Float32/Int32/Float64 (see LambdaMart.state).
    const arrays = underPrefix(RERANKER, state.arrays) as Record<
      string,
      Float32Array | Int32Array | Float64Array
    >;
    const reranker = params === null ? undefined : LambdaMart.restore({ params, arrays });
    this.report = (state.meta.report as TwoStageFitReport | null) ?? undefined;
    this.commit(generators, reranker, train);
  }
}

/** Split gain per feature as `{name, gain, share}`, largest first; shares sum to 1 (0 without gain). */
export function importanceReport(gains: ArrayLike<number>): { name: string; gain: number; share: number }[] {
  if (gains.length !== N_FEATURES)
    throw new Error(`twostage: ${gains.length} importances for ${N_FEATURES} features`);
  let total = 0;
  for (let c = 0; c < gains.length; c++) total += gains[c];
  return FEATURES.map((f, c) => ({
    name: f.name,
    gain: gains[c],
    share: total > 0 ? gains[c] / total : 0,
  })).sort((a, b) => b.gain - a.gain);
}

export const twostageEntry: ModelEntry = {
  name: 'twostage',
  description: 'two-stage: ALS/ItemKNN/content/genre/trending candidates reranked by LambdaMART',
  kind: 'ranking',
  schema,
  create: (params) => new TwoStage(params as Partial<TwoStageParams>),
};
