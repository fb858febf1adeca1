import type { Movie } from '../data/dataset.js';
import type { Interactions } from '../data/interactions.js';

/** The numeric content inputs, in column order; each also gets a "missing" indicator column. */
export const NUMERIC_FEATURES = ['voteAverage', 'logVoteCount', 'logPopularity', 'year', 'runtime'] as const;
const N = NUMERIC_FEATURES.length;
/** Width of an item's numeric input row: the standardised values, then their missing flags. */
export const NUMERIC_WIDTH = 2 * N;

/**
 * What turns a movie into network inputs: the genre vocabulary (multi-hot columns) and the mean
 * and standard deviation of each numeric feature over the training catalog. Saved with the model
 * so a movie described after training is encoded exactly as the training movies were.
 */
export interface FeatureSpace {
  genres: string[];
  mean: Float64Array;
  std: Float64Array;
}

/** Item-major input matrices: nItems × genres.length multi-hot, nItems × NUMERIC_WIDTH. */
export interface ItemFeatures {
  genres: Float32Array;
  numeric: Float32Array;
  genreWidth: number;
  /** nItems × textWidth text vectors (the `textDims` option; absent when off). */
  text?: Float32Array;
  textWidth?: number;
  /** nItems × PEOPLE_SLOTS people rows (the `people` option; absent when off), −1 = empty slot. */
  people?: Int32Array;
}

/** The raw numeric features of a movie, NaN where missing (a vote average with no votes is missing). */
export function rawNumeric(movie: Movie | undefined, out: Float64Array): void {
  out.fill(Number.NaN);
  if (movie === undefined) return;
  const votes = finiteOrNaN(movie.voteCount);
  if (votes > 0) {
    out[0] = finiteOrNaN(movie.voteAverage);
    out[1] = Math.log1p(votes);
  }
  const popularity = finiteOrNaN(movie.popularity);
  if (popularity >= 0) out[2] = Math.log1p(popularity);
  const year = finiteOrNaN(movie.year);
  if (year > 1800 && year < 2200) out[3] = year;
  const runtime = finiteOrNaN(movie.runtime);
  if (runtime > 0) out[4] = runtime;
}

function finiteOrNaN(x: number | null | undefined): number {
  return typeof x === 'number' && Number.isFinite(x) ? x : Number.NaN;
}

/** Genre names of item i: `itemGenres` first, else the movie's own list. */
function genresOf(
  i: number,
  movies: readonly Movie[] | undefined,
  itemGenres: string[][] | undefined,
): string[] {
  return itemGenres?.[i] ?? movies?.[i]?.genres ?? [];
}

/**
 * The feature space of a training set: every genre any catalog item names (MovieLens's
 * "(no genres listed)" is the absence of one), and the numeric features' mean and deviation over
 * items with at least one training rating, so films nobody rated do not set the scale.
 */
export function fitFeatureSpace(
  train: Interactions,
  movies: readonly Movie[] | undefined,
  itemGenres: string[][] | undefined,
): FeatureSpace {
  const names = new Set<string>();
  for (let i = 0; i < train.nItems; i++)
    for (const g of genresOf(i, movies, itemGenres)) if (g !== '(no genres listed)') names.add(g);
  const counts = train.itemCounts();
  const sum = new Float64Array(N);
  const sq = new Float64Array(N);
  const n = new Float64Array(N);
  const raw = new Float64Array(N);
  for (let i = 0; i < train.nItems; i++) {
    if (counts[i] === 0) continue;
    rawNumeric(movies?.[i], raw);
    for (let f = 0; f < N; f++) {
      if (Number.isNaN(raw[f])) continue;
      sum[f] += raw[f];
      sq[f] += raw[f] * raw[f];
      n[f]++;
    }
  }
  const mean = new Float64Array(N);
  // NaN: never seen in training, so the net never learned its scale; encodeMovie reads it as missing.
  const std = new Float64Array(N).fill(Number.NaN);
  for (let f = 0; f < N; f++) {
    if (n[f] === 0) continue;
    mean[f] = sum[f] / n[f];
    const variance = sq[f] / n[f] - mean[f] * mean[f];
    std[f] = variance > 1e-12 ? Math.sqrt(variance) : 1;
  }
  return { genres: [...names].sort(), mean, std };
}

/** Standardised numeric inputs are clipped to this many deviations from training's mean. */
export const MAX_Z = 5;

/** Write one movie's genre row (width max(1, genres)) and numeric row (NUMERIC_WIDTH). */
export function encodeMovie(
  space: FeatureSpace,
  genres: readonly string[],
  movie: Movie | undefined,
  genreRow: Float32Array,
  numericRow: Float32Array,
  index: Map<string, number> = genreIndex(space),
): void {
  genreRow.fill(0);
  for (const g of genres) {
    const column = index.get(g);
    if (column !== undefined) genreRow[column] = 1;
  }
  const raw = new Float64Array(N);
  rawNumeric(movie, raw);
  for (let f = 0; f < N; f++) {
    const missing = Number.isNaN(raw[f]) || Number.isNaN(space.std[f]);
    // A missing value sits at the mean (0 after standardising); its flag tells the net it is missing.
    // Values far outside training's range (an admin's typo) are held to ±MAX_Z deviations.
    const z = (raw[f] - space.mean[f]) / space.std[f];
    numericRow[f] = missing ? 0 : Math.max(-MAX_Z, Math.min(MAX_Z, z));
    numericRow[N + f] = missing ? 1 : 0;
  }
}

export function genreIndex(space: FeatureSpace): Map<string, number> {
  return new Map(space.genres.map((g, k) => [g, k]));
}

/** Genre input width: one column even when no genre is known (Dense needs an input). */
export function genreWidth(space: FeatureSpace): number {
  return Math.max(1, space.genres.length);
}

/** Input rows of every catalog item. */
export function itemFeatures(
  space: FeatureSpace,
  nItems: number,
  movies: readonly Movie[] | undefined,
  itemGenres: string[][] | undefined,
): ItemFeatures {
  const width = genreWidth(space);
  const genres = new Float32Array(nItems * width);
  const numeric = new Float32Array(nItems * NUMERIC_WIDTH);
  const index = genreIndex(space);
  for (let i = 0; i < nItems; i++) {
    encodeMovie(
      space,
      genresOf(i, movies, itemGenres),
      movies?.[i],
      genres.subarray(i * width, (i + 1) * width),
      numeric.subarray(i * NUMERIC_WIDTH, (i + 1) * NUMERIC_WIDTH),
      index,
    );
  }
  return { genres, numeric, genreWidth: width };
}
