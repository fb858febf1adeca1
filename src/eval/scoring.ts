import type { RatingScale } from '../data/dataset.js';
import type { Interactions } from '../data/interactions.js';
import { mean } from '../math/stats.js';
import type { Recommender } from '../models/base.js';
import type { UserRef } from '../models/types.js';
import {
  catalogCoverage,
  type GenreBits,
  intraListDiversity,
  novelty,
  type RankingScores,
  type RelevantSet,
  rankingAtK,
} from './metrics.js';

/** Which test ratings count as relevant for ranking: every one, or those at or above a rating. */
export type Relevance = 'all' | { minRating: number };

/** Per-user ranking values of one fold, in the order of `users` (for paired comparisons). */
export interface PerUserValues {
  users: Int32Array;
  values: Record<keyof RankingScores, Float64Array>;
}

/** Rating-prediction errors of one fold. */
export interface RatingScores {
  rmse: number;
  mae: number;
  /** Share of test pairs the model could not score (the train mean stood in). */
  impossibleRate: number;
}

/**
 * RMSE and MAE of `model` on every test pair. A pair the model cannot score (`ok: false`, or a
 * non-finite value) gets the train global mean, as Surprise does, and is counted. Estimates are
 * clipped to the rating scale, again as Surprise's `predict` does, so scores compare with its tables.
 */
export function scoreRatings(
  model: Recommender,
  test: Interactions,
  userRef: (user: number) => UserRef,
  fallback: number,
  scale: RatingScale,
): RatingScores {
  const n = test.size;
  let sq = 0;
  let abs = 0;
  let impossible = 0;
  for (let k = 0; k < n; k++) {
    const estimate = model.predict(userRef(test.users[k]), test.items[k]);
    let value = fallback;
    if (estimate.ok && Number.isFinite(estimate.value)) value = estimate.value;
    else impossible++;
    if (value < scale.min) value = scale.min;
    else if (value > scale.max) value = scale.max;
    const d = value - test.ratings[k];
    sq += d * d;
    abs += Math.abs(d);
  }
  return {
    rmse: n > 0 ? Math.sqrt(sq / n) : Number.NaN,
    mae: n > 0 ? abs / n : Number.NaN,
    impossibleRate: n > 0 ? impossible / n : Number.NaN,
  };
}

/** Users with at least one relevant test item, ascending. */
export function usersWithRelevant(test: Interactions, relevance: Relevance): Int32Array {
  const csr = test.byUser();
  const out: number[] = [];
  for (let u = 0; u < test.nUsers; u++) {
    for (let p = csr.indptr[u]; p < csr.indptr[u + 1]; p++) {
      if (isRelevant(csr.values[p], relevance)) {
        out.push(u);
        break;
      }
    }
  }
  return Int32Array.from(out);
}

function isRelevant(rating: number, relevance: Relevance): boolean {
  return relevance === 'all' || rating >= relevance.minRating;
}

/** Ranking metrics of one fold: means over users, the lists' beyond-accuracy metrics, per-user values. */
export interface RankingFoldScores extends RankingScores {
  coverage: number;
  novelty: number;
  diversity: number;
  perUser: PerUserValues;
}

/** A reusable relevant set over dense items: a mask cleared after each user, no per-user allocation. */
class MaskSet implements RelevantSet {
  readonly mask: Uint8Array;
  size = 0;
  constructor(nItems: number) {
    this.mask = new Uint8Array(nItems);
  }
  has(item: number): boolean {
    return this.mask[item] === 1;
  }
}

/** How many users go to `recommend` at once: big enough to batch, small enough to report progress. */
const BATCH = 256;

/**
 * Rank every item each user has not seen in training (`recommend` with `filterSeen`), keep the top
 * k, and score the lists against the user's relevant test items. `users` must each have at least
 * one relevant item (see `usersWithRelevant`); a user the model cannot score gets an empty list
 * and so scores 0, which is what a deployed system would show that user.
 */
export function scoreRanking(
  model: Recommender,
  test: Interactions,
  users: Int32Array,
  userRef: (user: number) => UserRef,
  k: number,
  relevance: Relevance,
  popularity: Int32Array,
  genres: GenreBits,
): RankingFoldScores {
  const csr = test.byUser();
  const relevant = new MaskSet(test.nItems);
  const n = users.length;
  const values = {
    precision: new Float64Array(n),
    recall: new Float64Array(n),
    ndcg: new Float64Array(n),
    map: new Float64Array(n),
    hit: new Float64Array(n),
    mrr: new Float64Array(n),
  };
  const lists: Int32Array[] = [];
  for (let start = 0; start < n; start += BATCH) {
    const batch = users.subarray(start, Math.min(n, start + BATCH));
    const refs = Array.from(batch, userRef);
    const ranked = model.recommend(refs, { n: k, filterSeen: true });
    for (let j = 0; j < batch.length; j++) {
      const u = batch[j];
      for (let p = csr.indptr[u]; p < csr.indptr[u + 1]; p++) {
        if (!isRelevant(csr.values[p], relevance) || relevant.mask[csr.indices[p]] === 1) continue;
        relevant.mask[csr.indices[p]] = 1;
        relevant.size++;
      }
      const ids = ranked[j].ids;
      const s = rankingAtK(ids, relevant, k);
      const row = start + j;
      values.precision[row] = s.precision;
      values.recall[row] = s.recall;
      values.ndcg[row] = s.ndcg;
      values.map[row] = s.map;
      values.hit[row] = s.hit;
      values.mrr[row] = s.mrr;
      lists.push(ids);
      for (let p = csr.indptr[u]; p < csr.indptr[u + 1]; p++) relevant.mask[csr.indices[p]] = 0;
      relevant.size = 0;
    }
  }
  return {
    precision: mean(values.precision),
    recall: mean(values.recall),
    ndcg: mean(values.ndcg),
    map: mean(values.map),
    hit: mean(values.hit),
    mrr: mean(values.mrr),
    coverage: catalogCoverage(lists, test.nItems),
    novelty: novelty(lists, popularity),
    diversity: intraListDiversity(lists, genres),
    perUser: { users: users.slice(), values },
  };
}
