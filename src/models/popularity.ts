import { type Interactions, SECONDS_PER_DAY } from '../data/interactions.js';
import { quantile } from '../math/stats.js';
import { topK } from '../math/topk.js';
import { checkAborted, emptyRanked, Recommender } from './base.js';
import type { ModelEntry } from './registry.js';
import type {
  Estimate,
  FitOptions,
  FoldedUser,
  ModelState,
  NewUserRatings,
  ParamSchema,
  ParamsOf,
  Ranked,
  UserRef,
} from './types.js';

const schema = {
  rankBy: {
    type: 'enum',
    default: 'weighted',
    values: ['count', 'mean', 'weighted'] as const,
    description: 'ranking score: rating count, raw mean, or IMDB weighted rating',
  },
  votesQuantile: {
    type: 'float',
    default: 0.9,
    min: 0,
    max: 1,
    description: 'm = this quantile of the rating counts of rated items (when minVotes is 0)',
  },
  minVotes: {
    type: 'float',
    default: 0,
    min: 0,
    description: 'fixed m of the weighted rating; 0 derives m from votesQuantile',
  },
} satisfies ParamSchema;

export type PopularityParams = ParamsOf<typeof schema>;

export interface TrendingOptions {
  /** Age at which a rating counts half (default 30 days). */
  halfLifeDays?: number;
  /** Reference time in the timestamps' unit, Unix seconds; default the latest training timestamp. */
  now?: number;
}

/**
 * Non-personalised popularity: per-item rating count, mean, and the IMDB weighted rating
 *   WR = v/(v+m)·R + m/(v+m)·C
 * (v = the item's rating count, R its mean, C the global mean, m the prior's weight in votes), a
 * Bayesian average that damps the means of rarely rated items toward C. Rating predictions are
 * WR for every user. m defaults to the 90th percentile of the counts of rated items, the IMDB
 * Top-250 style recipe ("a film must be more voted than 90% of films to carry its own mean");
 * `minVotes` fixes it instead. Also ranks per genre (`topByGenre`, needs `FitOptions.itemGenres`)
 * and by time-decayed activity (`trending`).
 */
export class Popularity extends Recommender<PopularityParams> {
  readonly name = 'popularity';
  /** C, the global mean rating. */
  mu = 0;
  /** m, the weight of the prior in votes. */
  m = 0;
  counts: Int32Array = new Int32Array(0);
  means: Float64Array = new Float64Array(0);
  weighted: Float64Array = new Float64Array(0);
  /** Genre → items CSR (items ascending); names in `genres`. */
  genres: string[] = [];
  genreIndptr: Int32Array = new Int32Array(1);
  genreItems: Int32Array = new Int32Array(0);
  /**
   * Timestamps grouped by item, ascending within each item (so a time cut is a binary search);
   * kept because loaded artifacts carry no timestamps.
   */
  itemTimesIndptr: Int32Array = new Int32Array(1);
  itemTimes: Float64Array = new Float64Array(0);
  latest = 0;

  constructor(params: Partial<PopularityParams> = {}) {
    super(schema, 'popularity', params);
  }

  async fit(train: Interactions, options: FitOptions = {}): Promise<this> {
    checkAborted(options.signal, this.name);
    const nItems = train.nItems;
    const n = train.size;
    const mu = train.globalMean();
    const { counts, means } = train.itemStats();
    const m =
      this.params.minVotes > 0 ? this.params.minVotes : quantileOfRated(counts, this.params.votesQuantile);
    // Counting sort of timestamps by item, so trending() needs only state after a reload.
    const indptr = new Int32Array(nItems + 1);
    for (let i = 0; i < nItems; i++) indptr[i + 1] = indptr[i] + counts[i];
    const next = indptr.slice(0, nItems);
    const times = new Float64Array(n);
    let latest = n > 0 ? Number.NEGATIVE_INFINITY : 0;
    for (let k = 0; k < n; k++) {
      const t = train.timestamps[k];
      times[next[train.items[k]]++] = t;
      if (t > latest) latest = t;
    }
    sortWithin(times, indptr);
    const genres = genreLists(options.itemGenres, nItems);
    options.onProgress?.(1, 1, this.name);
    checkAborted(options.signal, this.name);
    this.mu = mu;
    this.counts = counts;
    this.means = means;
    this.m = m;
    this.weighted = weightedRatings(counts, means, mu, m);
    this.itemTimesIndptr = indptr;
    this.itemTimes = times;
    this.latest = latest;
    this.genres = genres.names;
    this.genreIndptr = genres.indptr;
    this.genreItems = genres.items;
    this.train = train;
    return this;
  }

  protected estimate(_user: UserRef, item: number): Estimate {
    if (this.requireTrain().size === 0) return { ok: false, reason: 'popularity: no ratings in training' };
    return { ok: true, value: this.weighted[item] };
  }

  protected scoreInto(_user: UserRef, out: Float32Array): boolean {
    const source = this.rankScores();
    for (let i = 0; i < out.length; i++) out[i] = source[i];
    return true;
  }

  /** The per-item scores `rankBy` selects (NaN means for unrated items in 'mean'). */
  rankScores(): Int32Array | Float64Array {
    this.requireTrain();
    const by = this.params.rankBy;
    return by === 'count' ? this.counts : by === 'mean' ? this.means : this.weighted;
  }

  /** Genre names known from `FitOptions.itemGenres`, in first-seen order. */
  genreNames(): readonly string[] {
    return this.genres;
  }

  /**
   * Top-n items of `genre` by the `rankBy` score. Names match case-insensitively; an unknown
   * genre (or a model fitted without `itemGenres`) gives an empty list.
   */
  topByGenre(genre: string, n = 10, exclude?: Int32Array): Ranked {
    const source = this.rankScores();
    const wanted = genre.toLowerCase();
    const g = this.genres.findIndex((name) => name.toLowerCase() === wanted);
    if (g < 0) return emptyRanked();
    const members = this.genreItems.subarray(this.genreIndptr[g], this.genreIndptr[g + 1]);
    const scores = new Float64Array(members.length);
    for (let k = 0; k < members.length; k++) scores[k] = source[members[k]];
    let skip: Uint8Array | undefined;
    if (exclude !== undefined && exclude.length > 0) {
      const banned = new Set(exclude);
      skip = new Uint8Array(members.length);
      for (let k = 0; k < members.length; k++) skip[k] = banned.has(members[k]) ? 1 : 0;
    }
    const local = topK(scores, n, skip);
    for (let k = 0; k < local.ids.length; k++) local.ids[k] = members[local.ids[k]];
    return local;
  }

  /**
   * Items with the most recent activity: score = Σ over the item's ratings of 0.5^(age / halfLife),
   * age = now − t in days. Ratings after `now` are ignored, so `now` in the past replays history.
   */
  trending(n = 10, options: TrendingOptions = {}): Ranked {
    this.requireTrain();
    const halfLife = options.halfLifeDays ?? 30;
    if (!(halfLife > 0)) throw new Error(`popularity.trending: halfLifeDays must be > 0, got ${halfLife}`);
    const scores = new Float64Array(this.counts.length);
    this.trendingInto(options.now ?? this.latest, halfLife, scores);
    for (let i = 0; i < scores.length; i++) if (!(scores[i] > 0)) scores[i] = Number.NaN;
    return topK(scores, n);
  }

  /**
   * Every item's Σ over its ratings at or before `now` of 0.5^(age / halfLifeDays) into `out` (0
   * for none). Ratings older than `horizonDays` are skipped: a caller that scores many moments
   * cuts where the terms stop mattering (30 half-lives: < 1e-9 each).
   */
  trendingInto(
    now: number,
    halfLifeDays: number,
    out: Float32Array | Float64Array,
    horizonDays = Number.POSITIVE_INFINITY,
  ): void {
    // 0.5^(age/h) = exp(−age·ln2/h); one multiply per rating instead of a pow.
    const rate = -Math.LN2 / (halfLifeDays * SECONDS_PER_DAY);
    const horizon = horizonDays * SECONDS_PER_DAY;
    const indptr = this.itemTimesIndptr;
    const times = this.itemTimes;
    for (let i = 0; i < out.length; i++) {
      let sum = 0;
      for (let p = upperBound(times, indptr[i], indptr[i + 1], now) - 1; p >= indptr[i]; p--) {
        const age = now - times[p];
        if (age > horizon) break;
        sum += Math.exp(rate * age);
      }
      out[i] = sum;
    }
  }

  /** The earliest rating time of `item`, or NaN when it has none at or before `at`. */
  firstRating(item: number, at: number): number {
    const start = this.itemTimesIndptr[item];
    const first = this.itemTimes[start];
    return start < this.itemTimesIndptr[item + 1] && first <= at ? first : Number.NaN;
  }

  protected foldInImpl(ratings: NewUserRatings): Omit<FoldedUser, 'model'> {
    // Scores are the same for everyone; the folded user only carries what to filter.
    return { seen: ratings.items, state: {} };
  }

  state(): ModelState {
    return {
      params: { ...this.params },
      meta: { mu: this.mu, m: this.m, latest: this.latest, genres: this.genres },
      arrays: {
        counts: this.counts,
        means: this.means,
        weighted: this.weighted,
        genreIndptr: this.genreIndptr,
        genreItems: this.genreItems,
        itemTimesIndptr: this.itemTimesIndptr,
        itemTimes: this.itemTimes,
      },
    };
  }

  restore(state: ModelState, train: Interactions): void {
    this.mu = state.meta.mu as number;
    this.m = state.meta.m as number;
    this.latest = state.meta.latest as number;
    this.genres = state.meta.genres as string[];
    this.counts = state.arrays.counts as Int32Array;
    this.means = state.arrays.means as Float64Array;
    this.weighted = state.arrays.weighted as Float64Array;
    this.genreIndptr = state.arrays.genreIndptr as Int32Array;
    this.genreItems = state.arrays.genreItems as Int32Array;
    this.itemTimesIndptr = state.arrays.itemTimesIndptr as Int32Array;
    this.itemTimes = state.arrays.itemTimes as Float64Array;
    // Artifacts written before the times were sorted within items (a no-op for newer ones).
    sortWithin(this.itemTimes, this.itemTimesIndptr);
    this.train = train;
  }
}

/** Sort each run `values[indptr[i]..indptr[i+1])` ascending, in place. */
function sortWithin(values: Float64Array, indptr: Int32Array): void {
  for (let i = 0; i + 1 < indptr.length; i++) values.subarray(indptr[i], indptr[i + 1]).sort();
}

/** First position in `a[from..to)` holding a value greater than `x` (`a` ascending there). */
function upperBound(a: Float64Array, from: number, to: number, x: number): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Genre → items CSR (items ascending, genre names in first-seen order) from per-item genre lists. */
function genreLists(
  itemGenres: string[][] | undefined,
  nItems: number,
): { names: string[]; indptr: Int32Array; items: Int32Array } {
  const names = new Map<string, number>();
  const lists: number[][] = [];
  for (let i = 0; i < nItems && itemGenres !== undefined; i++) {
    for (const name of new Set(itemGenres[i] ?? [])) {
      let g = names.get(name);
      if (g === undefined) {
        g = lists.length;
        names.set(name, g);
        lists.push([]);
      }
      lists[g].push(i);
    }
  }
  const indptr = new Int32Array(lists.length + 1);
  for (let g = 0; g < lists.length; g++) indptr[g + 1] = indptr[g] + lists[g].length;
  return { names: [...names.keys()], indptr, items: Int32Array.from(lists.flat()) };
}

/** WR per item; an unrated item gets C (v = 0), and with m = 0 a rated item gets its own mean. */
export function weightedRatings(
  counts: Int32Array,
  means: Float64Array,
  mu: number,
  m: number,
): Float64Array {
  const out = new Float64Array(counts.length);
  for (let i = 0; i < counts.length; i++) {
    const v = counts[i];
    out[i] = v === 0 ? mu : (v / (v + m)) * means[i] + (m / (v + m)) * mu;
  }
  return out;
}

/** The q-quantile (linear interpolation, as numpy's default) of the non-zero counts; 0 if none. */
export function quantileOfRated(counts: Int32Array, q: number): number {
  const rated = counts.filter((c) => c > 0).sort();
  return rated.length === 0 ? 0 : quantile(rated, q);
}

export const popularityEntry: ModelEntry = {
  name: 'popularity',
  description: 'item popularity: count, mean or IMDB weighted rating; per genre and trending',
  kind: 'rating',
  schema,
  create: (params) => new Popularity(params as Partial<PopularityParams>),
};
