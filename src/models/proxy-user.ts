import type { Interactions } from '../data/interactions.js';
import { emptyRanked, type Recommender } from './base.js';
import type { NewUserRatings, Ranked, RecommendOptions } from './types.js';

/** The existing user standing in for a newcomer who named a list of movies. */
export interface ProxyMatch {
  user: number;
  /** How many of the listed movies the user rated. */
  matchCount: number;
  /** Their mean rating over those movies. */
  meanRating: number;
}

interface Scratch {
  count: Int32Array;
  sum: Float64Array;
  touched: Int32Array;
}

/** Per-matrix tallies, allocated once and reset sparsely, so a match costs only the CSC rows read. */
const scratches = new WeakMap<Interactions, Scratch>();

/**
 * Seed 001's "find matching user": the user who rated the most of `items`, ties broken by the
 * higher mean rating they gave those items, then by the lower index. Unknown and repeated
 * indices are ignored. Reads only the CSC rows of the given items. Null when none of them has
 * any rating.
 */
export function matchProxyUser(
  train: Interactions,
  items: ArrayLike<number>,
  /** Users who may not stand in (erased since the model was trained). */
  skipUser: (user: number) => boolean = () => false,
): ProxyMatch | null {
  const list = uniqueKnown(items, train.nItems);
  let scratch = scratches.get(train);
  if (scratch === undefined) {
    const n = train.nUsers;
    scratch = { count: new Int32Array(n), sum: new Float64Array(n), touched: new Int32Array(n) };
    scratches.set(train, scratch);
  }
  const { count, sum, touched } = scratch;
  const csc = train.byItem();
  let nTouched = 0;
  for (const i of list) {
    for (let p = csc.indptr[i]; p < csc.indptr[i + 1]; p++) {
      const u = csc.indices[p];
      if (count[u] === 0) touched[nTouched++] = u;
      count[u]++;
      sum[u] += csc.values[p];
    }
  }
  let best: ProxyMatch | null = null;
  for (let t = 0; t < nTouched; t++) {
    const u = touched[t];
    const mean = sum[u] / count[u];
    const better =
      best === null ||
      count[u] > best.matchCount ||
      (count[u] === best.matchCount &&
        (mean > best.meanRating || (mean === best.meanRating && u < best.user)));
    if (better && !skipUser(u)) {
      best = { user: u, matchCount: count[u], meanRating: mean };
    }
    count[u] = 0;
    sum[u] = 0;
  }
  return best;
}

/**
 * A list of liked movies as fold-in input: known indices only, each once, ascending, all rated
 * `rating` (default 5, the top of the MovieLens scales: the user said they like them).
 */
export function ratingsFromList(items: ArrayLike<number>, nItems: number, rating = 5): NewUserRatings {
  const list = uniqueKnown(items, nItems);
  return { items: list, ratings: new Float32Array(list.length).fill(rating) };
}

export interface ListRecommendOptions extends RecommendOptions {
  /**
   * 'fold-in' (default) scores the list itself as a new user; 'proxy' recommends what the
   * model recommends to the best-matching existing user (seed 001), minus the listed movies.
   */
  strategy?: 'fold-in' | 'proxy';
  /** Rating given to each listed movie for fold-in (default 5). */
  rating?: number;
  /** With 'proxy': users who may not stand in (see matchProxyUser). */
  skipUser?: (user: number) => boolean;
}

export interface ListRecommendation {
  ranked: Ranked;
  /** The stand-in user with strategy 'proxy' (null when nobody rated any listed movie). */
  proxy: ProxyMatch | null;
}

/** Recommendations for someone known only by a list of movies they like. */
export function recommendFromList(
  model: Recommender,
  items: ArrayLike<number>,
  options: ListRecommendOptions = {},
): ListRecommendation {
  const { strategy = 'fold-in', rating = 5, skipUser, ...recommend } = options;
  const listed = uniqueKnown(items, model.nItems);
  if (strategy === 'fold-in') {
    const folded = model.foldIn(ratingsFromList(listed, model.nItems, rating));
    return { ranked: model.recommend([folded], recommend)[0], proxy: null };
  }
  const proxy = matchProxyUser(model.trainData, listed, skipUser);
  if (proxy === null) return { ranked: emptyRanked(), proxy };
  // The listed movies are already known to the newcomer: never recommend them back.
  const banned = new Set(listed);
  if (recommend.only !== undefined) {
    recommend.only = recommend.only.filter((i) => !banned.has(i));
  } else {
    recommend.exclude = Int32Array.from(new Set([...(recommend.exclude ?? []), ...listed]));
  }
  return { ranked: model.recommend([proxy.user], recommend)[0], proxy };
}

/** Indices within 0..nItems-1, each once, ascending. */
function uniqueKnown(items: ArrayLike<number>, nItems: number): Int32Array {
  const out: number[] = [];
  for (let k = 0; k < items.length; k++) {
    const i = items[k];
    if (Number.isInteger(i) && i >= 0 && i < nItems) out.push(i);
  }
  const sorted = Int32Array.from(out).sort();
  let n = 0;
  for (let k = 0; k < sorted.length; k++) if (k === 0 || sorted[k] !== sorted[k - 1]) sorted[n++] = sorted[k];
  return sorted.slice(0, n);
}
