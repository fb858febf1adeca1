/**
 * The reranker's features: one row per (user, candidate item), every value finite. A value a
 * source cannot give (an item ALS cannot score, a film without a year) becomes the sentinel named
 * in the table, next to an indicator where the sentinel alone would be ambiguous.
 */
import { SECONDS_PER_DAY } from '../data/interactions.js';
import { meanStd } from '../math/stats.js';
import { GENERATORS, type GeneratorSet, type UserCandidates, type UserHistory } from './generators.js';

/** Every feature, in column order, with what it means. The README's table is this one. */
export const FEATURES: readonly { name: string; meaning: string }[] = [
  { name: 'als_score', meaning: 'ALS score x_u·y_i (−1 when ALS cannot score the pair)' },
  { name: 'als_rank', meaning: "rank in ALS's top-M (M+1 when not proposed)" },
  { name: 'als_in', meaning: 'ALS proposed the item (1/0)' },
  { name: 'itemknn_score', meaning: 'ItemKNN predicted rating (0 when none of its neighbours is rated)' },
  { name: 'itemknn_rank', meaning: "rank in ItemKNN's top-M (M+1 when not proposed)" },
  { name: 'itemknn_in', meaning: 'ItemKNN proposed the item' },
  {
    name: 'content_score',
    meaning: "content-profile score over the user's largest absolute score (−2 without content)",
  },
  { name: 'content_rank', meaning: "rank in the content generator's top-M (M+1 when not proposed)" },
  { name: 'content_in', meaning: 'the content generator proposed the item' },
  {
    name: 'genre_score',
    meaning: 'IMDB weighted rating when the item is in a favourite genre (0 otherwise)',
  },
  { name: 'genre_rank', meaning: 'rank in the genre-popularity top-M (M+1 when not proposed)' },
  { name: 'genre_in', meaning: 'the genre-popularity generator proposed the item' },
  { name: 'trending_score', meaning: 'log(1 + time-decayed count of ratings up to the moment)' },
  { name: 'trending_rank', meaning: 'rank in the trending top-M (M+1 when not proposed)' },
  { name: 'trending_in', meaning: 'the trending generator proposed the item' },
  { name: 'n_generators', meaning: 'how many generators proposed the item' },
  { name: 'rrf', meaning: 'reciprocal-rank fusion Σ 1/(60 + rank) over the generators that proposed it' },
  { name: 'svd_rating', meaning: 'SVD (biased MF) predicted rating (0 when it cannot score)' },
  { name: 'neural_rating', meaning: "the `neural` model's predicted rating (0 when absent)" },
  { name: 'neural_missing', meaning: 'no neural rating for the pair (model not fitted or cannot score)' },
  { name: 'user_log_count', meaning: "log(1 + the user's rating count)" },
  { name: 'user_mean', meaning: "the user's mean rating" },
  { name: 'user_std', meaning: "standard deviation of the user's ratings" },
  { name: 'user_tenure_years', meaning: "years from the user's first rating to the moment (0 folded in)" },
  { name: 'item_log_count', meaning: "log(1 + the item's rating count): popularity" },
  { name: 'item_mean', meaning: "the item's mean rating (0 when unrated)" },
  { name: 'item_weighted', meaning: "the item's IMDB weighted rating" },
  { name: 'item_age_years', meaning: 'years from the release year to the moment (−1 when unknown)' },
  { name: 'item_year_missing', meaning: 'the release year is unknown' },
  {
    name: 'item_years_rated',
    meaning: "years since the item's first rating (−1 when none before the moment)",
  },
  {
    name: 'item_recent_share',
    meaning: "trending score over the item's rating count: how recent its activity is",
  },
  { name: 'genre_affinity', meaning: "mean over the item's genres of the user's liked-genre shares" },
  { name: 'genre_rating_dev', meaning: "mean over the item's genres of the user's rating minus their mean" },
  {
    name: 'related_log_count',
    meaning: "log(1 + how many of the item's 50 nearest ItemKNN neighbours the user rated)",
  },
  { name: 'related_max_sim', meaning: 'largest ItemKNN similarity to an item the user rated (0 when none)' },
  { name: 'related_log_days', meaning: 'log(1 + days since the user last rated a neighbour) (−1 when none)' },
  { name: 'related_missing', meaning: "the user rated none of the item's 50 nearest neighbours" },
];

export const N_FEATURES = FEATURES.length;
const COLUMN = new Map(FEATURES.map((f, c) => [f.name, c]));

/** The column of a feature by name; throws on an unknown name. */
export function featureColumn(name: string): number {
  const c = COLUMN.get(name);
  if (c === undefined) throw new Error(`features: unknown feature '${name}'`);
  return c;
}

/** Neighbours of a candidate the related-rating features look at. */
const RELATED = 50;
/** k of reciprocal-rank fusion (Cormack et al. 2009). */
export const RRF_K = 60;

/** Statistics of a user's history the per-item features share. */
interface UserStats {
  count: number;
  mean: number;
  std: number;
  first: number;
  prefs: Float64Array;
  genreDev: Float64Array;
  genreDevSet: Uint8Array;
  /** Per item: when the user rated it (NaN = not rated). */
  ratedAt: Float64Array;
}

function userStats(set: GeneratorSet, history: UserHistory, nItems: number): UserStats {
  const { items, ratings, times, at } = history;
  const count = items.length;
  // A user with no ratings (a fold-in of nothing) has mean and deviation 0, not NaN.
  const { mean, std } = count > 0 ? meanStd(ratings) : { mean: 0, std: 0 };
  let first = at;
  const ratedAt = new Float64Array(nItems).fill(Number.NaN);
  for (let k = 0; k < count; k++) {
    const t = times === null ? at : times[k];
    ratedAt[items[k]] = t;
    if (t < first) first = t;
  }
  const g = set.nGenres;
  const prefs = new Float64Array(g);
  set.genrePreferences(history, prefs);
  const genreDev = new Float64Array(g);
  const genreCount = new Float64Array(g);
  for (let k = 0; k < count; k++) {
    for (let c = 0; c < g; c++) {
      if (set.itemGenres[items[k] * g + c] === 0) continue;
      genreDev[c] += ratings[k] - mean;
      genreCount[c]++;
    }
  }
  const genreDevSet = new Uint8Array(g);
  for (let c = 0; c < g; c++) {
    if (genreCount[c] > 0) {
      genreDev[c] /= genreCount[c];
      genreDevSet[c] = 1;
    }
  }
  return {
    count,
    mean,
    std,
    first,
    prefs,
    genreDev,
    genreDevSet,
    ratedAt,
  };
}

/**
 * The feature rows (candidates × N_FEATURES, row-major) of one user's candidates. Throws, naming
 * the feature and item, if any value is not finite: a NaN would silently poison the trees.
 */
export function userFeatures(set: GeneratorSet, history: UserHistory, cands: UserCandidates): Float32Array {
  const nItems = set.requireTrain().nItems;
  const m = set.settings.candidates;
  const stats = userStats(set, history, nItems);
  const svd = set.scoreWith('svd', history);
  const neural = set.scoreWith('neural', history);
  const { counts, means, weighted } = set.popularity;
  const knn = set.itemknn;
  const g = set.nGenres;
  let contentScale = 0;
  const content = cands.scores.content;
  for (let i = 0; i < nItems; i++)
    if (Math.abs(content[i]) > contentScale) contentScale = Math.abs(content[i]);
  const out = new Float32Array(cands.items.length * N_FEATURES);
  const at = history.at;
  for (let k = 0; k < cands.items.length; k++) {
    const i = cands.items[k];
    const row = k * N_FEATURES;
    let c = 0;
    let proposed = 0;
    let rrf = 0;
    for (const name of GENERATORS) {
      const score = cands.scores[name][i];
      const rank = cands.ranks[name][i];
      out[row + c] = generatorScore(name, score, contentScale);
      out[row + c + 1] = rank > 0 ? rank : m + 1;
      out[row + c + 2] = rank > 0 ? 1 : 0;
      if (rank > 0) {
        proposed++;
        rrf += 1 / (RRF_K + rank);
      }
      c += 3;
    }
    out[row + c++] = proposed;
    out[row + c++] = rrf;
    out[row + c++] = Number.isFinite(svd[i]) ? svd[i] : 0;
    out[row + c++] = Number.isFinite(neural[i]) ? neural[i] : 0;
    out[row + c++] = Number.isFinite(neural[i]) ? 0 : 1;
    out[row + c++] = Math.log1p(stats.count);
    out[row + c++] = stats.mean;
    out[row + c++] = stats.std;
    out[row + c++] = (at - stats.first) / (365.25 * SECONDS_PER_DAY);
    out[row + c++] = Math.log1p(counts[i]);
    out[row + c++] = counts[i] > 0 ? means[i] : 0;
    out[row + c++] = weighted[i];
    const age = set.ageYears(i, at);
    out[row + c++] = Number.isFinite(age) ? age : -1;
    out[row + c++] = Number.isFinite(age) ? 0 : 1;
    const first = set.firstRating(i, at);
    out[row + c++] = Number.isFinite(first) ? (at - first) / (365.25 * SECONDS_PER_DAY) : -1;
    out[row + c++] = cands.trend[i] / Math.max(1, counts[i]);
    let affinity = 0;
    let dev = 0;
    let genres = 0;
    let devs = 0;
    for (let q = 0; q < g; q++) {
      if (set.itemGenres[i * g + q] === 0) continue;
      genres++;
      affinity += stats.prefs[q];
      if (stats.genreDevSet[q] === 1) {
        dev += stats.genreDev[q];
        devs++;
      }
    }
    out[row + c++] = genres > 0 ? affinity / genres : 0;
    out[row + c++] = devs > 0 ? dev / devs : 0;
    let related = 0;
    let maxSim = 0;
    let latest = Number.NEGATIVE_INFINITY;
    const end = Math.min(knn.nbrIndptr[i + 1], knn.nbrIndptr[i] + RELATED);
    for (let p = knn.nbrIndptr[i]; p < end; p++) {
      const t = stats.ratedAt[knn.nbrIds[p]];
      if (Number.isNaN(t)) continue;
      related++;
      if (knn.nbrSims[p] > maxSim) maxSim = knn.nbrSims[p];
      if (t > latest) latest = t;
    }
    out[row + c++] = Math.log1p(related);
    out[row + c++] = maxSim;
    out[row + c++] = related > 0 ? Math.log1p(Math.max(0, at - latest) / SECONDS_PER_DAY) : -1;
    out[row + c++] = related > 0 ? 0 : 1;
  }
  requireFiniteFeatures(out, cands.items);
  return out;
}

/** A generator's score as a feature: finite, with the table's sentinel where it has none. */
function generatorScore(name: (typeof GENERATORS)[number], score: number, contentScale: number): number {
  switch (name) {
    case 'als':
      return Number.isFinite(score) ? score : -1;
    case 'content':
      return Number.isFinite(score) && contentScale > 0 ? score / contentScale : -2;
    case 'trending':
      return Number.isFinite(score) ? Math.log1p(score) : 0;
    default:
      return Number.isFinite(score) ? score : 0;
  }
}

/** Throw on the first non-finite value of a rows × N_FEATURES matrix, naming feature and item. */
export function requireFiniteFeatures(rows: Float32Array, items?: ArrayLike<number>): void {
  for (let k = 0; k < rows.length; k++) {
    if (Number.isFinite(rows[k])) continue;
    const r = Math.floor(k / N_FEATURES);
    const where = items === undefined ? `row ${r}` : `item ${items[r]}`;
    throw new Error(
      `twostage features: ${FEATURES[k % N_FEATURES].name} of ${where} is ${rows[k]}; features must be finite`,
    );
  }
}
