import { Popularity } from '../models/popularity.js';
import type { MovieRecord } from '../store/types.js';
import type { Snapshot } from './snapshot.js';

/** A movie as every answer shows it; the optional fields appear where they mean something. */
export interface MovieView {
  movieId: number;
  title: string;
  year: number | null;
  genres: string[];
  tmdbId: number | null;
  imdbId: string | null;
  /** Ratings the cold-start model was trained on, and their mean (null when unrated). */
  ratingCount?: number;
  ratingMean?: number | null;
  score?: number | null;
  predictedRating?: number | null;
  /** The hybrid source that served this movie. */
  source?: string;
}

/** The popularity model of the snapshot, when one is promoted. */
export function popularityOf(snapshot: Snapshot, algorithm: string): Popularity | undefined {
  const model = snapshot.model(algorithm)?.model;
  return model instanceof Popularity ? model : undefined;
}

/** The catalog fields of `movie`, plus its rating count and mean from the popularity model. */
export function movieView(snapshot: Snapshot, movie: MovieRecord, popularityModel: string): MovieView {
  const view: MovieView = {
    movieId: movie.movieId,
    title: movie.title,
    year: movie.year,
    genres: movie.genres,
    tmdbId: movie.tmdbId,
    imdbId: movie.imdbId,
  };
  const served = snapshot.model(popularityModel);
  const popularity = popularityOf(snapshot, popularityModel);
  if (served !== undefined && popularity !== undefined) {
    const item = served.items.index(movie.movieId);
    view.ratingCount = item >= 0 ? popularity.counts[item] : 0;
    const mean = item >= 0 ? popularity.means[item] : Number.NaN;
    view.ratingMean = Number.isFinite(mean) ? round(mean, 4) : null;
  }
  return view;
}

export function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
