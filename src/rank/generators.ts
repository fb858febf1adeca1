/**
 * Candidate generators of the two-stage pipeline: five sources that each propose a user's top-M
 * unseen items with a score and a rank (ALS, ItemKNN, content similarity to the user's films, the
 * IMDB weighted rating within the user's favourite genres, and time-decayed trending), plus the
 * models and per-item tables the reranker's features read (SVD ratings, item statistics, genres,
 * years, rating times).
 */
import type { Movie } from '../data/dataset.js';
import { type Interactions, SECONDS_PER_DAY } from '../data/interactions.js';
import { mean } from '../math/stats.js';
import { topK } from '../math/topk.js';
import { Als } from '../models/als.js';
import { checkAborted, type Recommender } from '../models/base.js';
import { ContentModel } from '../models/content.js';
import {
  foldInParts,
  nestStates,
  type Part,
  type PartHeaders,
  partParams,
  partUser,
  restorePart,
} from '../models/ensemble-parts.js';
import { ItemKnn } from '../models/itemknn.js';
import { Popularity } from '../models/popularity.js';
import { createModel, modelNames } from '../models/registry.js';
import { Svd } from '../models/svd.js';
import type { FitOptions, FoldedUser, ModelState, NewUserRatings, UserRef } from '../models/types.js';

/** The generators, in feature-table order. */
/** Trending is scored at every label user's moment: ratings older than this many half-lives (each under 1e-9) are skipped. */
const TREND_HORIZON_HALF_LIVES = 30;

export const GENERATORS = ['als', 'itemknn', 'content', 'genre', 'trending'] as const;
export type GeneratorName = (typeof GENERATORS)[number];

const SECONDS_PER_YEAR = 365.25 * SECONDS_PER_DAY;

/** Settings of the generator set (a subset of the twostage parameters). */
export interface GeneratorSettings {
  /** Items each generator proposes per user. */
  candidates: number;
  alsFactors: number;
  alsIterations: number;
  svdFactors: number;
  svdEpochs: number;
  /** Fit the content model when the catalog is given. */
  content: boolean;
  /** Fit the registered `neural` model for its rating feature, when registered. */
  neural: boolean;
  /** Half-life of the trending score, days. */
  trendHalfLifeDays: number;
  genresPerUser: number;
  seed: number;
}

/** What the generators and features know of one user at one moment. */
export interface UserHistory {
  items: Int32Array;
  ratings: Float32Array;
  /** Rating times (Unix seconds), or null for a folded-in user. */
  times: Float64Array | null;
  /** The moment features describe: the user's latest rating time (see twostage.ts). */
  at: number;
  /** The user for each sub-model: a trained index, or each model's folded-in user. */
  refs: Partial<Record<string, UserRef>>;
}

/** One user's generator output over the whole catalog. */
export interface UserCandidates {
  /** Candidate items (union of the generators' top-M), ascending. */
  items: Int32Array;
  /** Per generator, its score of every item (NaN = cannot score) and its 1-based rank in its top-M (0 = not proposed). */
  scores: Record<GeneratorName, Float32Array>;
  ranks: Record<GeneratorName, Int32Array>;
  /** Trending score of every item at `history.at` (also the trending generator's score, 0 kept). */
  trend: Float32Array;
}

/** The sub-models a generator set fits, by their registry names. */
const SUB_MODELS = ['als', 'itemknn', 'content', 'popularity', 'svd', 'neural'] as const;
type SubName = (typeof SUB_MODELS)[number];

/**
 * The generators and feature sources fitted on one training matrix. Fitting twice (on the early
 * part of train for the reranker's training data, on all of train for serving) is what keeps
 * features of the label window free of the labels.
 */
export class GeneratorSet {
  readonly models: Partial<Record<SubName, Recommender>> = {};
  /** Item × genre membership, row-major, and the genre names. */
  genreNames: string[] = [];
  itemGenres: Uint8Array = new Uint8Array(0);
  /** Release year per item, NaN when unknown. */
  itemYears: Float32Array = new Float32Array(0);
  train?: Interactions;

  constructor(readonly settings: GeneratorSettings) {}

  get als(): Als {
    return this.models.als as Als;
  }
  get itemknn(): ItemKnn {
    return this.models.itemknn as ItemKnn;
  }
  get popularity(): Popularity {
    return this.models.popularity as Popularity;
  }

  /** Fit every sub-model on `train`; `progress` reports each one done. */
  async fit(train: Interactions, options: FitOptions, progress: (label: string) => void): Promise<void> {
    const s = this.settings;
    const signal = options.signal;
    const sub = { signal, itemGenres: options.itemGenres, movies: options.movies };
    const models: Partial<Record<SubName, Recommender>> = {};
    models.popularity = await new Popularity().fit(train, sub);
    progress('popularity');
    models.als = await new Als({ factors: s.alsFactors, iterations: s.alsIterations, seed: s.seed }).fit(
      train,
      sub,
    );
    progress('als');
    models.itemknn = await new ItemKnn().fit(train, sub);
    progress('itemknn');
    models.svd = await new Svd({ factors: s.svdFactors, epochs: s.svdEpochs, seed: s.seed }).fit(train, sub);
    progress('svd');
    if (s.content && options.movies !== undefined) {
      models.content = await new ContentModel({ seed: s.seed }).fit(train, sub);
      progress('content');
    }
    if (fitsNeural(s)) {
      models.neural = await createModel('neural', { seed: s.seed }).fit(train, sub);
      progress('neural');
    }
    checkAborted(signal, 'twostage');
    Object.assign(this.models, models);
    const catalog = catalogTables(train.nItems, options.itemGenres, options.movies);
    this.genreNames = catalog.genreNames;
    this.itemGenres = catalog.itemGenres;
    this.itemYears = catalog.itemYears;
    this.train = train;
  }

  get nGenres(): number {
    return this.genreNames.length;
  }

  /** The fitted sub-models as nested-state parts, each under its generator name. */
  private parts(): Part[] {
    return Object.entries(this.models);
  }

  /** Fold a new user into every sub-model; their states side by side as `<model>/<key>`. */
  foldIn(ratings: NewUserRatings): FoldedUser['state'] {
    return foldInParts(this.parts(), ratings);
  }

  /** Per sub-model, the folded-in user rebuilt from `foldIn`'s state. */
  foldedRefs(user: FoldedUser): Partial<Record<string, UserRef>> {
    const refs: Partial<Record<string, UserRef>> = {};
    for (const [name, model] of this.parts()) refs[name] = partUser(user, name, model);
    return refs;
  }

  /** Trending score of every item at time `at`: the popularity model's decayed activity then. */
  trendingInto(at: number, out: Float32Array): void {
    const halfLife = this.settings.trendHalfLifeDays;
    this.popularity.trendingInto(at, halfLife, out, TREND_HORIZON_HALF_LIVES * halfLife);
  }

  /** The earliest rating time of `item` (any user), or NaN when it has none at or before `at`. */
  firstRating(item: number, at: number): number {
    return this.popularity.firstRating(item, at);
  }

  /** Years between an item's release and `at` (NaN when the year is unknown). */
  ageYears(item: number, at: number): number {
    return 1970 + at / SECONDS_PER_YEAR - this.itemYears[item];
  }

  /**
   * The user's preference share per genre: the share of their ratings at or above their own mean
   * that carry the genre (a film with k genres counts 1/k to each). Zeros when they rated nothing.
   */
  genrePreferences(history: UserHistory, out: Float64Array): void {
    out.fill(0);
    const { items, ratings } = history;
    if (items.length === 0) return;
    const average = mean(ratings);
    const g = this.nGenres;
    let total = 0;
    for (let k = 0; k < items.length; k++) {
      if (ratings[k] < average) continue;
      let n = 0;
      for (let c = 0; c < g; c++) n += this.itemGenres[items[k] * g + c];
      for (let c = 0; c < g && n > 0; c++) out[c] += this.itemGenres[items[k] * g + c] / n;
      total += n > 0 ? 1 : 0;
    }
    if (total > 0) for (let c = 0; c < g; c++) out[c] /= total;
  }

  /** Every generator's scores and top-M for one user; `seen` marks items never to propose. */
  candidates(history: UserHistory, seen: Uint8Array): UserCandidates {
    const n = seen.length;
    const m = this.settings.candidates;
    const scores = {} as Record<GeneratorName, Float32Array>;
    const ranks = {} as Record<GeneratorName, Int32Array>;
    const trend = new Float32Array(n);
    this.trendingInto(history.at, trend);
    for (const g of GENERATORS)
      scores[g] = g === 'trending' ? trendingScores(trend) : this.generatorScores(g, history);
    const union = new Uint8Array(n);
    for (const g of GENERATORS) {
      const top = topK(scores[g], m, seen);
      const rank = new Int32Array(n);
      for (let k = 0; k < top.ids.length; k++) {
        rank[top.ids[k]] = k + 1;
        union[top.ids[k]] = 1;
      }
      ranks[g] = rank;
    }
    let count = 0;
    for (let i = 0; i < n; i++) count += union[i];
    const items = new Int32Array(count);
    for (let i = 0, k = 0; i < n; i++) if (union[i] === 1) items[k++] = i;
    return { items, scores, ranks, trend };
  }

  /** One generator's score of every item for the user (NaN = cannot score). */
  generatorScores(name: GeneratorName, history: UserHistory): Float32Array {
    if (name === 'genre') return this.genreScores(history);
    if (name !== 'trending') return this.scoreWith(name, history);
    const trend = new Float32Array(this.requireTrain().nItems);
    this.trendingInto(history.at, trend);
    return trendingScores(trend);
  }

  /** A sub-model's score of every item for the user; all NaN when it cannot score them. */
  scoreWith(name: SubName, history: UserHistory): Float32Array {
    const model = this.models[name];
    const ref = history.refs[name];
    const n = this.requireTrain().nItems;
    if (model === undefined || ref === undefined) return new Float32Array(n).fill(Number.NaN);
    return model.scoreAll(ref) ?? new Float32Array(n).fill(Number.NaN);
  }

  /**
   * The genre-popularity generator: the IMDB weighted rating of the items in the user's
   * `genresPerUser` most preferred genres, NaN elsewhere (and everywhere for a user with no
   * liked film or a catalog without genres).
   */
  private genreScores(history: UserHistory): Float32Array {
    const n = this.requireTrain().nItems;
    const out = new Float32Array(n).fill(Number.NaN);
    const g = this.nGenres;
    if (g === 0) return out;
    const prefs = new Float64Array(g);
    this.genrePreferences(history, prefs);
    const order = Array.from({ length: g }, (_, c) => c)
      .filter((c) => prefs[c] > 0)
      .sort((a, b) => prefs[b] - prefs[a] || a - b)
      .slice(0, this.settings.genresPerUser);
    const weighted = this.popularity.weighted;
    for (let i = 0; i < n; i++) {
      for (const c of order) {
        if (this.itemGenres[i * g + c] === 1) {
          out[i] = weighted[i];
          break;
        }
      }
    }
    return out;
  }

  requireTrain(): Interactions {
    if (this.train === undefined) throw new Error('twostage: the generators are not fitted');
    return this.train;
  }

  /** Sub-model states (nested as ensemble-parts does, arrays `<model>/<array>`) and the catalog tables. */
  state(): { meta: Record<string, unknown>; arrays: ModelState['arrays'] } {
    const { headers, arrays } = nestStates(this.parts());
    return {
      meta: { genreNames: this.genreNames, models: headers },
      arrays: { itemGenres: this.itemGenres, itemYears: this.itemYears, ...arrays },
    };
  }

  /** Restores from `state`'s meta and arrays; arrays outside the sub-models' prefixes are ignored. */
  restore(meta: Record<string, unknown>, arrays: ModelState['arrays'], train: Interactions): void {
    const headers = meta.models as PartHeaders;
    const nested: ModelState = { params: {}, meta, arrays };
    for (const name of Object.keys(headers) as SubName[]) {
      const model = createSubModel(name, partParams('twostage', headers, name));
      this.models[name] = restorePart('twostage', model, name, headers, nested, train);
    }
    this.genreNames = meta.genreNames as string[];
    this.itemGenres = arrays.itemGenres as Uint8Array;
    this.itemYears = arrays.itemYears as Float32Array;
    this.train = train;
  }
}

/** The trending generator's scores: items without recent activity cannot be scored. */
function trendingScores(trend: Float32Array): Float32Array {
  return Float32Array.from(trend, (v) => (v > 0 ? v : Number.NaN));
}

/** A sub-model by name: the built-in ones directly (loading needs no registry), `neural` from it. */
function createSubModel(name: SubName, params: Record<string, unknown>): Recommender {
  switch (name) {
    case 'als':
      return new Als(params);
    case 'itemknn':
      return new ItemKnn(params);
    case 'content':
      return new ContentModel(params);
    case 'popularity':
      return new Popularity(params);
    case 'svd':
      return new Svd(params);
    case 'neural':
      return createModel(name, params);
  }
}

/** Genre membership and release years per item from the fit options' catalog. */
function catalogTables(
  nItems: number,
  itemGenres: string[][] | undefined,
  movies: readonly Movie[] | undefined,
): { genreNames: string[]; itemGenres: Uint8Array; itemYears: Float32Array } {
  const lists = Array.from({ length: nItems }, (_, i) => itemGenres?.[i] ?? movies?.[i]?.genres ?? []);
  const names = new Map<string, number>();
  for (const list of lists) {
    for (const name of list)
      if (name !== '(no genres listed)' && !names.has(name)) names.set(name, names.size);
  }
  const g = names.size;
  const table = new Uint8Array(nItems * g);
  lists.forEach((list, i) => {
    for (const name of list) {
      const c = names.get(name);
      if (c !== undefined) table[i * g + c] = 1;
    }
  });
  const years = Float32Array.from({ length: nItems }, (_, i) => movies?.[i]?.year ?? Number.NaN);
  return { genreNames: [...names.keys()], itemGenres: table, itemYears: years };
}

/** Whether the set fits a neural model (asked for, and registered: src/models/index.ts does it). */
export function fitsNeural(settings: Pick<GeneratorSettings, 'neural'>): boolean {
  return settings.neural && modelNames().includes('neural');
}
