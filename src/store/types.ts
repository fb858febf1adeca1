/**
 * The service's storage, behind one narrow interface. SQLite (embedded, default) and PostgreSQL
 * implement it through the same Kysely code path; an in-memory implementation serves tests. The
 * engine (src/models, src/eval) never imports this: only the service layer does.
 */

/** A catalog entry as stored. Ids are MovieLens integers. */
export interface MovieRecord {
  movieId: number;
  title: string;
  year: number | null;
  genres: string[];
  tmdbId: number | null;
  imdbId: string | null;
  /** Optional content (TMDB, tags); JSON in the database. */
  overview: string | null;
  tagline: string | null;
  keywords: string[];
  tags: string[];
  voteAverage: number | null;
  voteCount: number | null;
  popularity: number | null;
  runtime: number | null;
  releaseDate: string | null;
}

export type RatingSource = 'import' | 'api' | 'batch';

export interface RatingRecord {
  userId: number;
  movieId: number;
  /** 0.5–5 in half steps for the service's MovieLens data. */
  rating: number;
  /** Unix seconds. */
  timestamp: number;
  source: RatingSource;
}

export type ModelRunStatus = 'training' | 'trained' | 'failed' | 'promoted' | 'retired';

/** One row of the model registry. */
export interface ModelRunRecord {
  id: number;
  algorithm: string;
  params: Record<string, unknown>;
  /** datasetFingerprint() of the data the model was trained on. */
  datasetFingerprint: string;
  /** Holdout metrics (rmse, ndcg@10, …) and fit seconds. */
  metrics: Record<string, number>;
  artifactPath: string | null;
  artifactSha256: string | null;
  status: ModelRunStatus;
  /** ISO-8601 times. */
  createdAt: string;
  promotedAt: string | null;
  error: string | null;
}

export interface MovieQuery {
  /** Case-insensitive substring of the title. */
  query?: string;
  /** Exact genre name, case-insensitive ("sci-fi" matches "Sci-Fi"). */
  genre?: string;
  year?: number;
  /** 1-based; results are ordered by movieId so pages are stable. */
  page: number;
  pageSize: number;
}

export interface StoreCounts {
  movies: number;
  users: number;
  ratings: number;
}

export interface BatchRecommendation {
  userId: number;
  modelRunId: number;
  movieIds: number[];
  scores: number[];
  createdAt: string;
}

export interface Store {
  /** Apply pending versioned migrations (idempotent). */
  migrate(): Promise<void>;
  close(): Promise<void>;
  /** A cheap round trip, for readiness checks. */
  ping(): Promise<boolean>;
  counts(): Promise<StoreCounts>;

  /** Insert or replace catalog entries (bulk, one transaction). */
  upsertMovies(movies: MovieRecord[]): Promise<void>;
  getMovie(movieId: number): Promise<MovieRecord | undefined>;
  findMovies(query: MovieQuery): Promise<{ movies: MovieRecord[]; total: number }>;
  allMovies(): Promise<MovieRecord[]>;

  /**
   * Bulk import (one transaction; existing (user, movie) pairs are replaced, and within the batch
   * the last row of a pair wins). Users are created as needed; every movie must be in the catalog.
   */
  importRatings(ratings: RatingRecord[]): Promise<void>;
  /**
   * Insert or replace one rating; durable when the promise resolves. `created` is false when the
   * pair existed (a re-rate or an idempotent repeat). The user row is created on a first rating;
   * the movie must be in the catalog, and the database refuses ratings outside 0.5–5.
   */
  putRating(rating: RatingRecord): Promise<{ created: boolean }>;
  /** False when there was no such rating. */
  deleteRating(userId: number, movieId: number): Promise<boolean>;
  /**
   * Erase the user: ratings, the users row and the batch recommendations, in one transaction.
   * Returns how many ratings were removed.
   */
  deleteUser(userId: number): Promise<number>;
  userRatings(userId: number): Promise<RatingRecord[]>;
  /**
   * Every rating, in pages of `pageSize` (default 10,000) ordered by (userId, movieId), for
   * training and start-up. Pages by keyset, so no connection or snapshot is held between pages.
   */
  allRatings(pageSize?: number): AsyncIterable<RatingRecord[]>;

  createModelRun(run: Omit<ModelRunRecord, 'id' | 'createdAt' | 'promotedAt'>): Promise<ModelRunRecord>;
  updateModelRun(
    id: number,
    patch: Partial<Omit<ModelRunRecord, 'id' | 'createdAt'>>,
  ): Promise<ModelRunRecord | undefined>;
  getModelRun(id: number): Promise<ModelRunRecord | undefined>;
  /** Newest first. */
  listModelRuns(): Promise<ModelRunRecord[]>;
  /**
   * Make `id` the promoted run of its algorithm, atomically: the previously promoted run of the
   * same algorithm becomes 'trained' again (so rollback can find it by promotedAt history).
   * Throws a {@link StoreError}: 'not_found', or 'invalid_state' for a 'training' or 'failed' run.
   */
  promoteModelRun(id: number): Promise<ModelRunRecord>;

  /** Write batch top-N rows (one transaction); a user's previous row is replaced. */
  writeBatchRecommendations(rows: Omit<BatchRecommendation, 'createdAt'>[]): Promise<void>;
  getBatchRecommendation(userId: number): Promise<BatchRecommendation | undefined>;
}

/** An error the service layer can map to a status code; other errors are internal. */
export class StoreError extends Error {
  constructor(
    readonly code: 'not_found' | 'invalid_state',
    message: string,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}
