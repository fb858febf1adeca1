import { Rng } from '../math/random.js';

/** The 18 MovieLens genres, used for synthetic items while there are enough. */
export const MOVIELENS_GENRES = [
  ...['Action', 'Adventure', 'Animation', 'Children', 'Comedy', 'Crime', 'Documentary', 'Drama', 'Fantasy'],
  ...['Film-Noir', 'Horror', 'Musical', 'Mystery', 'Romance', 'Sci-Fi', 'Thriller', 'War', 'Western'],
];

export interface SyntheticOptions {
  users: number;
  items: number;
  ratings: number;
  seed: number;
  /** Taste clusters users are drawn from. Default 8. */
  clusters?: number;
  /** Genres (MovieLens names up to 18, then "Genre k"). Default 18. */
  genres?: number;
  /** Latent dimensions. Default 8. */
  dim?: number;
  /** Exponent of the Zipf-like item popularity. Default 0.9. */
  zipf?: number;
  /** Standard deviation of the rating noise, in stars. Default 0.6. */
  noise?: number;
}

/** The planted model the ratings come from: score = globalMean + userBias + itemBias + p_u · q_i. */
export interface SyntheticTruth {
  dim: number;
  globalMean: number;
  userFactors: Float32Array;
  itemFactors: Float32Array;
  userBias: Float32Array;
  itemBias: Float32Array;
  userCluster: Int32Array;
  /** Genre indices of each item, into `genreNames`. */
  itemGenres: Int32Array[];
  genreNames: string[];
  /** Ratings each user gets (sums to the requested total). */
  userCounts: Int32Array;
}

/** The planted score of (user, item) before noise, rounding and clamping. */
export function plantedScore(truth: SyntheticTruth, user: number, item: number): number {
  const d = truth.dim;
  let dot = 0;
  for (let f = 0; f < d; f++) dot += truth.userFactors[user * d + f] * truth.itemFactors[item * d + f];
  return truth.globalMean + truth.userBias[user] + truth.itemBias[item] + dot;
}

/** Vose alias table: O(1) draws from a fixed discrete distribution. */
export class AliasTable {
  readonly prob: Float64Array;
  readonly alias: Int32Array;

  constructor(weights: Float64Array) {
    const n = weights.length;
    let total = 0;
    for (let i = 0; i < n; i++) total += weights[i];
    this.prob = new Float64Array(n);
    this.alias = new Int32Array(n);
    const scaled = new Float64Array(n);
    const small = new Int32Array(n);
    const large = new Int32Array(n);
    let ns = 0;
    let nl = 0;
    for (let i = 0; i < n; i++) {
      scaled[i] = (weights[i] * n) / total;
      if (scaled[i] < 1) small[ns++] = i;
      else large[nl++] = i;
    }
    while (ns > 0 && nl > 0) {
      const s = small[--ns];
      const l = large[nl - 1];
      this.prob[s] = scaled[s];
      this.alias[s] = l;
      scaled[l] = scaled[l] + scaled[s] - 1;
      if (scaled[l] < 1) {
        nl--;
        small[ns++] = l;
      }
    }
    while (nl > 0) this.prob[large[--nl]] = 1;
    while (ns > 0) this.prob[small[--ns]] = 1; // only rounding leaves these
  }

  draw(rng: Rng): number {
    const i = rng.int(this.prob.length);
    return rng.next() < this.prob[i] ? i : this.alias[i];
  }
}

/**
 * Builds the planted world: item popularity (Zipf over a random rank), latent item and user
 * factors with users around cluster centres, genres that follow the item factors (so tastes and
 * genres correlate), heavy-tailed user activity, and per-cluster item-choice tables that favour
 * popular items the cluster likes.
 */
export function buildWorld(options: SyntheticOptions): { truth: SyntheticTruth; choice: AliasTable[] } {
  const { users, items, ratings, seed } = options;
  for (const key of ['users', 'items', 'ratings'] as const) {
    const value = options[key];
    if (!Number.isInteger(value) || value < 1)
      throw new Error(`generateSynthetic: option '${key}' must be a positive integer, got ${value}`);
  }
  if (ratings > users * items) {
    throw new Error(
      `generateSynthetic: option 'ratings' (${ratings}) exceeds users × items (${users * items})`,
    );
  }
  const dim = options.dim ?? 8;
  const nClusters = options.clusters ?? 8;
  const nGenres = options.genres ?? 18;
  const rng = new Rng(seed);
  const normal = () => rng.normal();
  // Scale factors so that the latent term has a standard deviation of about 0.8 stars.
  const s = (0.47 / dim) ** 0.25;

  const popularity = new Float64Array(items);
  const rank = rng.permutation(items);
  for (let i = 0; i < items; i++) popularity[i] = 1 / (rank[i] + 1) ** (options.zipf ?? 0.9);
  const itemFactors = new Float32Array(items * dim);
  for (let k = 0; k < itemFactors.length; k++) itemFactors[k] = normal() * s;
  const itemBias = new Float32Array(items);
  for (let i = 0; i < items; i++) itemBias[i] = 0.3 * normal() + 0.05 * Math.log(popularity[i] * items);

  const genreNames = Array.from({ length: nGenres }, (_, g) => MOVIELENS_GENRES[g] ?? `Genre ${g + 1}`);
  const genreDirections = Float32Array.from({ length: nGenres * dim }, normal);
  const itemGenres: Int32Array[] = new Array(items);
  const affinity = new Float64Array(nGenres);
  for (let i = 0; i < items; i++) {
    let best = 0;
    for (let g = 0; g < nGenres; g++) {
      let dot = 0;
      for (let f = 0; f < dim; f++) dot += itemFactors[i * dim + f] * genreDirections[g * dim + f];
      affinity[g] = dot / s / Math.sqrt(dim) + 0.3 * normal();
      if (affinity[g] > affinity[best]) best = g;
    }
    const chosen = [best];
    for (let g = 0; g < nGenres; g++) if (g !== best && affinity[g] > 1.1) chosen.push(g);
    itemGenres[i] = Int32Array.from(chosen.sort((a, b) => a - b));
  }

  const centres = Float32Array.from({ length: nClusters * dim }, normal);
  const userCluster = new Int32Array(users);
  const userFactors = new Float32Array(users * dim);
  const userBias = new Float32Array(users);
  for (let u = 0; u < users; u++) {
    const c = rng.int(nClusters);
    userCluster[u] = c;
    for (let f = 0; f < dim; f++) userFactors[u * dim + f] = (centres[c * dim + f] + 0.6 * normal()) * s;
    userBias[u] = 0.35 * normal();
  }

  const choice: AliasTable[] = [];
  const weights = new Float64Array(items);
  for (let c = 0; c < nClusters; c++) {
    for (let i = 0; i < items; i++) {
      let dot = 0;
      for (let f = 0; f < dim; f++) dot += centres[c * dim + f] * itemFactors[i * dim + f];
      weights[i] = popularity[i] * Math.exp(Math.min(20, (0.6 * dot) / s / Math.sqrt(dim)));
    }
    choice.push(new AliasTable(weights));
  }
  const truth: SyntheticTruth = {
    dim,
    globalMean: 3.25,
    userFactors,
    itemFactors,
    userBias,
    itemBias,
    userCluster,
    itemGenres,
    genreNames,
    userCounts: userActivity(rng, users, items, ratings),
  };
  return { truth, choice };
}

/** Heavy-tailed (log-normal) ratings per user, each at most `items`, summing to `ratings`. */
function userActivity(rng: Rng, users: number, items: number, ratings: number): Int32Array {
  const floor = Math.min(20, Math.floor((0.2 * ratings) / users));
  const counts = new Int32Array(users).fill(floor);
  const weights = Float64Array.from({ length: users }, () => Math.exp(1.1 * rng.normal()));
  let left = ratings - floor * users;
  // Water-filling: share what is left by weight, cap at the catalog size, re-share the excess.
  for (let round = 0; round < 50 && left > 0; round++) {
    let total = 0;
    for (let u = 0; u < users; u++) if (counts[u] < items) total += weights[u];
    const before = left;
    for (let u = 0; u < users && left > 0; u++) {
      if (counts[u] >= items) continue;
      const add = Math.min(items - counts[u], Math.floor((weights[u] / total) * before), left);
      counts[u] += add;
      left -= add;
    }
    if (left === before) break;
  }
  // Rounding leftovers, one each to random users with room.
  while (left > 0) {
    const u = rng.int(users);
    if (counts[u] < items) {
      counts[u]++;
      left--;
    }
  }
  return counts;
}
