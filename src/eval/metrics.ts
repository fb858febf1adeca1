/**
 * Accuracy, ranking and beyond-accuracy metrics. Pure functions over typed arrays; the harness
 * (evaluate.ts) averages them over users and folds.
 */

/** Root mean squared error of `predicted` against `actual`; NaN for no pairs. */
export function rmse(predicted: ArrayLike<number>, actual: ArrayLike<number>): number {
  checkPairs('rmse', predicted, actual);
  let sum = 0;
  for (let k = 0; k < actual.length; k++) {
    const d = predicted[k] - actual[k];
    sum += d * d;
  }
  return actual.length > 0 ? Math.sqrt(sum / actual.length) : Number.NaN;
}

/** Mean absolute error of `predicted` against `actual`; NaN for no pairs. */
export function mae(predicted: ArrayLike<number>, actual: ArrayLike<number>): number {
  checkPairs('mae', predicted, actual);
  let sum = 0;
  for (let k = 0; k < actual.length; k++) sum += Math.abs(predicted[k] - actual[k]);
  return actual.length > 0 ? sum / actual.length : Number.NaN;
}

function checkPairs(metric: string, predicted: ArrayLike<number>, actual: ArrayLike<number>): void {
  if (predicted.length !== actual.length) {
    throw new Error(`${metric}: predicted has ${predicted.length} values but actual has ${actual.length}`);
  }
}

/** The items relevant to one user. A `Set<number>` fits; the harness passes a reusable mask. */
export interface RelevantSet {
  has(item: number): boolean;
  readonly size: number;
}

/** All per-user ranking metrics at one cut-off, from a single pass over the list. */
export interface RankingScores {
  precision: number;
  recall: number;
  ndcg: number;
  map: number;
  hit: number;
  mrr: number;
}

/**
 * Ranking metrics of `ranked` (item ids, best first, distinct) against `relevant`, at cut-off `k`.
 * Conventions follow Microsoft Recommenders and implicit: precision divides by k even when the
 * list is shorter; recall by |relevant|; nDCG uses binary gains with the ideal DCG over
 * min(k, |relevant|) hits; AP@k is normalised by min(k, |relevant|). With no relevant items, the
 * metrics that divide by them (recall, nDCG, MAP) are NaN; callers skip such users.
 */
export function rankingAtK(ranked: Int32Array, relevant: RelevantSet, k: number): RankingScores {
  checkK(k);
  const depth = Math.min(k, ranked.length);
  let hits = 0;
  let dcg = 0;
  let precisionSum = 0;
  let firstHit = 0;
  for (let r = 0; r < depth; r++) {
    if (!relevant.has(ranked[r])) continue;
    hits++;
    dcg += 1 / Math.log2(r + 2);
    precisionSum += hits / (r + 1);
    if (firstHit === 0) firstHit = r + 1;
  }
  const nRel = relevant.size;
  const ideal = Math.min(k, nRel);
  let idcg = 0;
  for (let r = 0; r < ideal; r++) idcg += 1 / Math.log2(r + 2);
  return {
    precision: hits / k,
    recall: nRel > 0 ? hits / nRel : Number.NaN,
    ndcg: nRel > 0 ? dcg / idcg : Number.NaN,
    map: nRel > 0 ? precisionSum / ideal : Number.NaN,
    hit: hits > 0 ? 1 : 0,
    mrr: firstHit > 0 ? 1 / firstHit : 0,
  };
}

/** Share of the first k items that are relevant, divided by k (not by the list length). */
export function precisionAtK(ranked: Int32Array, relevant: RelevantSet, k: number): number {
  return rankingAtK(ranked, relevant, k).precision;
}

/** Share of the relevant items found in the first k. */
export function recallAtK(ranked: Int32Array, relevant: RelevantSet, k: number): number {
  return rankingAtK(ranked, relevant, k).recall;
}

/** Normalised discounted cumulative gain at k with binary relevance. */
export function ndcgAtK(ranked: Int32Array, relevant: RelevantSet, k: number): number {
  return rankingAtK(ranked, relevant, k).ndcg;
}

/** Average precision at k, normalised by min(k, |relevant|); its mean over users is MAP@k. */
export function mapAtK(ranked: Int32Array, relevant: RelevantSet, k: number): number {
  return rankingAtK(ranked, relevant, k).map;
}

/** 1 when any of the first k items is relevant, else 0. */
export function hitAtK(ranked: Int32Array, relevant: RelevantSet, k: number): number {
  return rankingAtK(ranked, relevant, k).hit;
}

/** Reciprocal rank of the first relevant item within the first k, 0 when none. */
export function mrrAtK(ranked: Int32Array, relevant: RelevantSet, k: number): number {
  return rankingAtK(ranked, relevant, k).mrr;
}

function checkK(k: number): void {
  if (!Number.isInteger(k) || k < 1)
    throw new Error(`ranking metrics: k must be a positive integer, got ${k}`);
}

/** Share of the catalog (`nItems`) that appears in at least one list. */
export function catalogCoverage(lists: readonly Int32Array[], nItems: number): number {
  if (!Number.isInteger(nItems) || nItems < 1) {
    throw new Error(`catalogCoverage: nItems must be a positive integer, got ${nItems}`);
  }
  const seen = new Uint8Array(nItems);
  let distinct = 0;
  for (const list of lists) {
    for (let r = 0; r < list.length; r++) {
      const i = list[r];
      if (i >= 0 && i < nItems && seen[i] === 0) {
        seen[i] = 1;
        distinct++;
      }
    }
  }
  return distinct / nItems;
}

/**
 * Mean self-information −log2 p(i) of the recommended items, where p(i) is item i's share of all
 * training interactions (`popularity` holds the per-item training counts; Microsoft Recommenders'
 * novelty). Items never seen in training have no defined p(i) and are left out, as in theirs.
 * NaN when no recommended item has a training count.
 */
export function novelty(lists: readonly Int32Array[], popularity: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < popularity.length; i++) total += popularity[i];
  let sum = 0;
  let n = 0;
  for (const list of lists) {
    for (let r = 0; r < list.length; r++) {
      const count = popularity[list[r]];
      if (!(count > 0)) continue;
      sum -= Math.log2(count / total);
      n++;
    }
  }
  return n > 0 ? sum / n : Number.NaN;
}

/** Genre sets as bitsets: item i's genres are bits of `bits[i·words .. (i+1)·words)`. */
export interface GenreBits {
  readonly nItems: number;
  readonly words: number;
  readonly bits: Uint32Array;
}

/** Encode per-item genre lists (indexed by dense item) as bitsets for `intraListDiversity`. */
export function encodeGenres(genres: readonly (readonly string[])[]): GenreBits {
  const index = new Map<string, number>();
  for (const list of genres) for (const g of list) if (!index.has(g)) index.set(g, index.size);
  const words = Math.max(1, Math.ceil(index.size / 32));
  const bits = new Uint32Array(genres.length * words);
  genres.forEach((list, i) => {
    for (const g of list) {
      const b = index.get(g)!;
      bits[i * words + (b >>> 5)] |= 1 << (b & 31);
    }
  });
  return { nItems: genres.length, words, bits };
}

/**
 * Intra-list diversity: per list, the mean over item pairs of 1 − Jaccard(genres); then the mean
 * over lists with at least two items (NaN when there are none). Two items with no genres at all
 * count as identical (distance 0), so missing metadata never inflates diversity.
 */
export function intraListDiversity(lists: readonly Int32Array[], genres: GenreBits): number {
  const { words, bits, nItems } = genres;
  let sum = 0;
  let nLists = 0;
  for (const list of lists) {
    if (list.length < 2) continue;
    let pairSum = 0;
    for (let a = 0; a < list.length; a++) {
      for (let b = a + 1; b < list.length; b++) {
        const ia = list[a];
        const ib = list[b];
        let inter = 0;
        let union = 0;
        for (let w = 0; w < words; w++) {
          const x = ia < nItems ? bits[ia * words + w] : 0;
          const y = ib < nItems ? bits[ib * words + w] : 0;
          inter += popcount(x & y);
          union += popcount(x | y);
        }
        pairSum += union === 0 ? 0 : 1 - inter / union;
      }
    }
    sum += pairSum / ((list.length * (list.length - 1)) / 2);
    nLists++;
  }
  return nLists > 0 ? sum / nLists : Number.NaN;
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}
