/**
 * Kysely's view of the tables (see migrations.ts) and the mapping between rows and the records of
 * types.ts. Lists and objects are JSON text, times ISO-8601 text, so both backends store and
 * return them identically (pg would turn timestamptz into Date and jsonb into parsed values).
 */
import type { Generated, Insertable, Selectable } from 'kysely';
import type {
  BatchRecommendation,
  ModelRunRecord,
  MovieRecord,
  RatingRecord,
  RatingSource,
} from './types.js';

export interface MoviesTable {
  movie_id: number;
  title: string;
  /** title.toLowerCase(), computed in JS: SQLite's lower() folds ASCII only ("Amélie"). */
  search_title: string;
  year: number | null;
  genres: string;
  tmdb_id: number | null;
  imdb_id: string | null;
  overview: string | null;
  tagline: string | null;
  keywords: string;
  tags: string;
  vote_average: number | null;
  vote_count: number | null;
  popularity: number | null;
  runtime: number | null;
  release_date: string | null;
}

export interface UsersTable {
  user_id: number;
  created_at: string;
}

export interface RatingsTable {
  user_id: number;
  movie_id: number;
  rating: number;
  timestamp: number;
  source: RatingSource;
}

export interface ModelRunsTable {
  id: Generated<number>;
  algorithm: string;
  params: string;
  dataset_fingerprint: string;
  metrics: string;
  artifact_path: string | null;
  artifact_sha256: string | null;
  status: ModelRunRecord['status'];
  created_at: string;
  promoted_at: string | null;
  error: string | null;
}

export interface BatchRecommendationsTable {
  user_id: number;
  model_run_id: number;
  movie_ids: string;
  scores: string;
  created_at: string;
}

export interface Database {
  movies: MoviesTable;
  users: UsersTable;
  ratings: RatingsTable;
  model_runs: ModelRunsTable;
  batch_recommendations: BatchRecommendationsTable;
}

export function movieToRow(m: MovieRecord): Insertable<MoviesTable> {
  return {
    movie_id: m.movieId,
    title: m.title,
    search_title: m.title.toLowerCase(),
    year: m.year,
    genres: JSON.stringify(m.genres),
    tmdb_id: m.tmdbId,
    imdb_id: m.imdbId,
    overview: m.overview,
    tagline: m.tagline,
    keywords: JSON.stringify(m.keywords),
    tags: JSON.stringify(m.tags),
    vote_average: m.voteAverage,
    vote_count: m.voteCount,
    popularity: m.popularity,
    runtime: m.runtime,
    release_date: m.releaseDate,
  };
}

export function rowToMovie(r: Selectable<MoviesTable>): MovieRecord {
  return {
    movieId: r.movie_id,
    title: r.title,
    year: r.year,
    genres: JSON.parse(r.genres),
    tmdbId: r.tmdb_id,
    imdbId: r.imdb_id,
    overview: r.overview,
    tagline: r.tagline,
    keywords: JSON.parse(r.keywords),
    tags: JSON.parse(r.tags),
    voteAverage: r.vote_average,
    voteCount: r.vote_count,
    popularity: r.popularity,
    runtime: r.runtime,
    releaseDate: r.release_date,
  };
}

export function ratingToRow(r: RatingRecord): RatingsTable {
  return {
    user_id: r.userId,
    movie_id: r.movieId,
    rating: r.rating,
    timestamp: r.timestamp,
    source: r.source,
  };
}

export function rowToRating(r: RatingsTable): RatingRecord {
  return {
    userId: r.user_id,
    movieId: r.movie_id,
    rating: r.rating,
    timestamp: r.timestamp,
    source: r.source,
  };
}

export function rowToModelRun(r: Selectable<ModelRunsTable>): ModelRunRecord {
  return {
    id: r.id,
    algorithm: r.algorithm,
    params: JSON.parse(r.params),
    datasetFingerprint: r.dataset_fingerprint,
    metrics: JSON.parse(r.metrics),
    artifactPath: r.artifact_path,
    artifactSha256: r.artifact_sha256,
    status: r.status,
    createdAt: r.created_at,
    promotedAt: r.promoted_at,
    error: r.error,
  };
}

/** The columns a model-run patch touches; absent fields are left alone. */
export function modelRunPatchToRow(
  patch: Partial<Omit<ModelRunRecord, 'id' | 'createdAt'>>,
): Partial<Selectable<ModelRunsTable>> {
  const row: Partial<Selectable<ModelRunsTable>> = {};
  if (patch.algorithm !== undefined) row.algorithm = patch.algorithm;
  if (patch.params !== undefined) row.params = JSON.stringify(patch.params);
  if (patch.datasetFingerprint !== undefined) row.dataset_fingerprint = patch.datasetFingerprint;
  if (patch.metrics !== undefined) row.metrics = JSON.stringify(patch.metrics);
  if (patch.artifactPath !== undefined) row.artifact_path = patch.artifactPath;
  if (patch.artifactSha256 !== undefined) row.artifact_sha256 = patch.artifactSha256;
  if (patch.status !== undefined) row.status = patch.status;
  if (patch.promotedAt !== undefined) row.promoted_at = patch.promotedAt;
  if (patch.error !== undefined) row.error = patch.error;
  return row;
}

export function rowToBatch(r: BatchRecommendationsTable): BatchRecommendation {
  return {
    userId: r.user_id,
    modelRunId: r.model_run_id,
    movieIds: JSON.parse(r.movie_ids),
    scores: JSON.parse(r.scores),
    createdAt: r.created_at,
  };
}
