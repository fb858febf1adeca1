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
}

/** What a rating column holds: explicit ratings on a scale, or implicit events (all 1). */
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
}
