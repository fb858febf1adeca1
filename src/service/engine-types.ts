// The shapes the Engine takes and answers with (see engine.ts), and what its read side
// (engine-answers.ts) needs of it.

import type { Store } from '../store/types.js';
import type { MovieFilter } from './catalog.js';
import type { HybridPlan } from './hybrid.js';
import type { Snapshot } from './snapshot.js';
import type { UserCache } from './users.js';
import type { MovieView } from './views.js';

export type Roles = { ranking: string; rating: string; similar: string; coldStart: string; content: string };

export interface EngineOptions {
  /** Users with fewer ratings are served by the fallback sources (default 5). */
  minRatings?: number;
  /** Which promoted algorithm does what (defaults: als, svd, itemknn, popularity). */
  roles?: Partial<Roles>;
  plan?: HybridPlan;
  userCacheSize?: number;
}

export interface RecommendRequest extends MovieFilter {
  n?: number;
  /** A promoted algorithm; the ranking role's by default. */
  model?: string;
}

export interface Recommendations {
  model: string;
  modelRunId: number;
  /** The first source that served a movie ('none' for an empty list). */
  source: string;
  sources: string[];
  coldStart: boolean;
  items: MovieView[];
}

export interface SelectionRequest extends MovieFilter {
  movieIds: number[];
  n?: number;
  method?: 'fold-in' | 'proxy-user';
  model?: string;
}

export interface UserMatch {
  userId: number;
  matchCount: number;
  meanRating: number;
}

export interface RatingView {
  movie: MovieView;
  rating: number;
  timestamp: number;
}

export type SelectionRecommendations = Recommendations & { method: string; proxy: UserMatch | null };

export interface Scores {
  userId: number;
  models: { ranking: string; rating: string };
  items: MovieView[];
}

export interface Prediction {
  userId: number;
  movie: MovieView;
  predictedRating: number;
  model: string;
  modelRunId: number;
}

export interface SimilarMovies {
  movieId: number;
  by: 'ratings' | 'content' | 'hybrid';
  model: string;
  modelRunId: number;
  items: MovieView[];
}

export interface BatchRecommendations {
  userId: number;
  modelRunId: number;
  createdAt: string;
  items: MovieView[];
}

/** What the read side needs of the engine: the snapshot of the moment and its settings. */
export interface AnswerContext {
  /** The snapshot now; a read takes it once, at its start. */
  snapshot(): Snapshot;
  readonly store: Store;
  readonly roles: Roles;
  readonly minRatings: number;
  readonly plan: HybridPlan;
  /** Users' current ratings, folded in on the fly. */
  readonly users: UserCache;
}
