import type { IdMap } from './idmap.js';
import type { Interactions } from './interactions.js';

/** One catalog entry. Every field past `genres` may be missing for any movie. */
export interface Movie {
  /** Raw id (the MovieLens movieId, or the imported id). */
  movieId: number | string;
  title: string;
  year: number | null;
  genres: string[];
  imdbId?: string;
  tmdbId?: number;
  overview?: string;
  tagline?: string;
  keywords?: string[];
  /** MovieLens user tags, lower-cased, de-duplicated. */
  tags?: string[];
  voteAverage?: number;
  voteCount?: number;
  popularity?: number;
  runtime?: number;
  releaseDate?: string;
  /** TMDB's genre names, when joined (MovieLens `genres` stay as the dataset defines them). */
  tmdbGenres?: string[];
  /** Top-billed cast names in billing order (TMDB API, `cinerec data enrich`). */
  cast?: string[];
  /** First credited director (TMDB API, `cinerec data enrich`). */
  director?: string;
}

/** What a rating column holds: explicit ratings on a scale, or implicit events (a pair's value is its event count, 1 when unrepeated; `max` the largest count). */
export interface RatingScale {
  min: number;
  max: number;
  /** Smallest step between ratings (0.5 for ml-latest, 1 for ml-100k); 0 when continuous. */
  step: number;
  implicit: boolean;
}

/** A predefined train/test split shipped with a dataset (ml-100k's u1–u5, ua, ub). */
export interface PredefinedSplit {
  name: string;
  train: Interactions;
  test: Interactions;
}

/**
 * A loaded dataset: interactions over dense indices, the id maps that translate them, and the
 * catalog indexed by dense item index (`movies[i]` describes item `i`; items with no ratings are
 * still in the catalog).
 */
export interface Dataset {
  name: string;
  ratings: Interactions;
  users: IdMap;
  items: IdMap;
  movies: Movie[];
  scale: RatingScale;
  predefinedSplits?: PredefinedSplit[];
  /** MovieLens tag genome (ml-latest, ml-25m), loaded on request. */
  genome?: Genome;
  /** Problems the loader worked around (unknown movie ids, unmatched TMDB titles, …). */
  warnings?: string[];
}

/**
 * Tag genome: how strongly each of `tags` applies to each item, 0–1, row-major by item
 * (`relevance[item * tags.length + tag]`); rows of items without scores are 0 with `present[item] = 0`.
 */
export interface Genome {
  tags: string[];
  relevance: Float32Array;
  present: Uint8Array;
}
