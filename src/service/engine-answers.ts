// The Engine's reads: recommendations for a user or a list of movies, scores and predicted
// ratings, similar movies, batch results, catalog lookups and a user's ratings. Each takes the
// engine's snapshot once, at its start.
import { ItemKnn } from '../models/itemknn.js';
import { matchProxyUser, type ProxyMatch } from '../models/proxy-user.js';
import type { Ranked } from '../models/types.js';
import type { MovieQuery, MovieRecord } from '../store/types.js';
import { Catalog } from './catalog.js';
import type {
  AnswerContext,
  BatchRecommendations,
  Prediction,
  RatingView,
  Recommendations,
  RecommendRequest,
  Scores,
  SelectionRecommendations,
  SelectionRequest,
  SimilarMovies,
  UserMatch,
} from './engine-types.js';
import { badRequest, notFound, ServiceError } from './errors.js';
import { recommendSequential, type Source } from './hybrid.js';
import type { ServedModel, Snapshot } from './snapshot.js';
import { collaborativeSource, popularSource, selectionSource } from './sources.js';
import { type UserState, userRef } from './users.js';
import { type MovieView, movieView, popularityOf, round } from './views.js';

export class Answers {
  constructor(private readonly ctx: AnswerContext) {}

  async recommend(userId: number, request: RecommendRequest = {}): Promise<Recommendations> {
    const snap = this.ctx.snapshot();
    const n = checkN(request.n);
    const served = this.require(snap, request.model ?? this.ctx.roles.ranking, 'model');
    const state = await this.knownUser(userId);
    const accepts = Catalog.predicate(request);
    const coldStart = state.ratings.length < this.ctx.minRatings;
    const sources = new Map<string, Source>([
      [
        'collaborative',
        collaborativeSource(served, snap, accepts, () => (coldStart ? null : userRef(served, state))),
      ],
      ['popular', popularSource(snap, this.ctx.roles.coldStart, accepts)],
    ]);
    return { ...this.assemble(snap, served, sources, n, new Set(state.rated)), coldStart };
  }

  async fromSelection(request: SelectionRequest): Promise<SelectionRecommendations> {
    const snap = this.ctx.snapshot();
    const n = checkN(request.n);
    const method = request.method ?? 'fold-in';
    const served = this.require(snap, request.model ?? this.ctx.roles.ranking, 'model');
    const movieIds = this.knownMovies(snap, request.movieIds);
    let proxy: ProxyMatch | null = null;
    const accepts = Catalog.predicate(request);
    const onProxy = (match: ProxyMatch | null) => {
      proxy = match;
    };
    const erased = method === 'proxy-user' ? (await this.erasedProxies(served, movieIds)).skip : undefined;
    // The list stands in for a user: it fills the collaborative slot of the plan.
    const sources = new Map<string, Source>([
      ['collaborative', selectionSource(served, snap, accepts, movieIds, method, onProxy, erased)],
      ['popular', popularSource(snap, this.ctx.roles.coldStart, accepts)],
    ]);
    const answer = this.assemble(snap, served, sources, n, new Set(movieIds));
    const match = proxy as ProxyMatch | null; // set by the source's callback
    return { ...answer, coldStart: false, method, proxy: match && this.toMatch(served, match) };
  }

  /** The existing user who rated the most of `movieIds` (mean rating breaks ties), or null. */
  async matchUser(movieIdsIn: number[]): Promise<UserMatch | null> {
    const snap = this.ctx.snapshot();
    const served = this.require(snap, this.ctx.roles.ranking, 'model');
    const movieIds = this.knownMovies(snap, movieIdsIn);
    const { match } = await this.erasedProxies(served, movieIds);
    return match && this.toMatch(served, match);
  }

  /**
   * The best proxy for `movieIds` among users who still have ratings, and the test that skips the
   * others. A model remembers the users it was trained on until its next training; a user erased
   * since must never stand in for anyone, so each candidate is checked against the store (one
   * read, usually cached) and the next best taken while it is gone.
   */
  private async erasedProxies(
    served: ServedModel,
    movieIds: readonly number[],
  ): Promise<{ match: ProxyMatch | null; skip: (user: number) => boolean }> {
    const items = movieIds.map((id) => served.items.index(id)).filter((i) => i >= 0);
    const gone = new Set<number>();
    const skip = (user: number) => gone.has(user);
    for (;;) {
      const match = matchProxyUser(served.model.trainData, items, skip);
      if (match === null) return { match, skip };
      const state = await this.userState(served.users.rawId(match.user) as number);
      if (state.ratings.length > 0) return { match, skip };
      gone.add(match.user);
    }
  }

  /** The ranking model's score and the predicted rating of each movie, in the order given. */
  async score(userId: number, movieIdsIn: number[]): Promise<Scores> {
    const snap = this.ctx.snapshot();
    const ranking = this.require(snap, this.ctx.roles.ranking, 'model');
    const state = await this.knownUser(userId);
    const movieIds = this.knownMovies(snap, movieIdsIn, false);
    const ref = userRef(ranking, state);
    const items = movieIds.map((movieId) => {
      const view = movieView(snap, snap.catalog.get(movieId) as MovieRecord, this.ctx.roles.coldStart);
      const item = ranking.items.index(movieId);
      const estimate = ref !== null && item >= 0 ? ranking.model.predict(ref, item) : undefined;
      view.score = estimate?.ok ? round(estimate.value, 6) : null;
      const predicted = this.estimateRating(snap, state, movieId);
      view.predictedRating = predicted.value;
      view.source = predicted.model;
      return view;
    });
    return { userId, models: { ranking: ranking.run.algorithm, rating: this.ctx.roles.rating }, items };
  }

  /** The predicted rating of one movie, naming the model that made it (rating model, else popularity). */
  async predict(userId: number, movieId: number): Promise<Prediction> {
    const snap = this.ctx.snapshot();
    const movie = snap.catalog.get(movieId);
    const state = await this.knownUser(userId);
    if (movie === undefined) throw notFound('movie', movieId);
    const estimate = this.estimateRating(snap, state, movieId);
    if (estimate.value === null) {
      throw new ServiceError('not_ready', `no model can predict a rating for movie ${movieId} yet`, {
        movieId,
      });
    }
    return {
      userId,
      movie: movieView(snap, movie, this.ctx.roles.coldStart),
      predictedRating: estimate.value,
      model: estimate.model,
      modelRunId: estimate.runId,
    };
  }

  /** Movies most like `movieId` by co-ratings (the item-item model's neighbours). */
  async similar(movieId: number, n = 10): Promise<SimilarMovies> {
    const snap = this.ctx.snapshot();
    checkN(n);
    if (!snap.catalog.has(movieId)) throw notFound('movie', movieId);
    const served = this.require(snap, this.ctx.roles.similar, 'model');
    const item = served.items.index(movieId);
    const items: MovieView[] = [];
    if (item >= 0) {
      const ranked = coRatingNeighbours(served, item, n * 2);
      for (let k = 0; k < ranked.ids.length && items.length < n; k++) {
        const movie = snap.catalog.get(served.items.rawId(ranked.ids[k]) as number);
        if (movie === undefined) continue;
        items.push({
          ...movieView(snap, movie, this.ctx.roles.coldStart),
          score: round(ranked.scores[k], 6),
        });
      }
    }
    return { movieId, by: 'ratings', model: served.run.algorithm, modelRunId: served.run.id, items };
  }

  /** The user's precomputed top-N (written by `cinerec batch`), scores as computed then. */
  async batchRecommendations(userId: number): Promise<BatchRecommendations> {
    const snap = this.ctx.snapshot();
    const row = await this.ctx.store.getBatchRecommendation(userId);
    if (row === undefined) {
      throw new ServiceError(
        'not_found',
        `no batch recommendations for user ${userId}; \`cinerec batch\` writes them`,
        {
          userId,
        },
      );
    }
    const items: MovieView[] = [];
    row.movieIds.forEach((movieId, k) => {
      const movie = snap.catalog.get(movieId);
      if (movie)
        items.push({ ...movieView(snap, movie, this.ctx.roles.coldStart), score: round(row.scores[k], 6) });
    });
    return { userId, modelRunId: row.modelRunId, createdAt: row.createdAt, items };
  }

  async movie(movieId: number): Promise<MovieView> {
    const snap = this.ctx.snapshot();
    const movie = snap.catalog.get(movieId);
    if (movie === undefined) throw notFound('movie', movieId);
    return movieView(snap, movie, this.ctx.roles.coldStart);
  }

  async searchMovies(query: MovieQuery): Promise<{ movies: MovieView[]; total: number }> {
    // SQLite's LIKE reads a pattern only up to a NUL: "star\0zzz" would match as "star".
    if (query.query !== undefined && /\p{Cc}/u.test(query.query)) {
      throw badRequest('query must not contain control characters', { field: 'query' });
    }
    const snap = this.ctx.snapshot();
    const { movies, total } = await this.ctx.store.findMovies(query);
    return { movies: movies.map((m) => movieView(snap, m, this.ctx.roles.coldStart)), total };
  }

  async userRatings(userId: number): Promise<RatingView[]> {
    const snap = this.ctx.snapshot();
    const state = await this.knownUser(userId);
    return state.ratings.map((r) => {
      const movie = snap.catalog.get(r.movieId);
      const view = movie
        ? movieView(snap, movie, this.ctx.roles.coldStart)
        : { movieId: r.movieId, title: '', year: null, genres: [], tmdbId: null, imdbId: null };
      return { movie: view, rating: r.rating, timestamp: r.timestamp };
    });
  }

  private assemble(
    snap: Snapshot,
    served: ServedModel,
    sources: ReadonlyMap<string, Source>,
    n: number,
    exclude: Set<number>,
  ): Omit<Recommendations, 'coldStart'> {
    const result = recommendSequential(this.ctx.plan, sources, n, exclude);
    const items = result.items.map((c) => ({
      ...movieView(snap, snap.catalog.get(c.movieId) as MovieRecord, this.ctx.roles.coldStart),
      score: round(c.score, 6),
      source: c.source,
    }));
    return {
      model: served.run.algorithm,
      modelRunId: served.run.id,
      source: result.served[0] ?? 'none',
      sources: result.served,
      items,
    };
  }

  /** The served model of `algorithm`: 503 while models load, 400 when it is not promoted. */
  require(snap: Snapshot, algorithm: string, what: string): ServedModel {
    const served = snap.model(algorithm);
    if (served !== undefined) return served;
    const promoted = snap.algorithms();
    if (promoted.length === 0) throw new ServiceError('not_ready', 'models are still loading', {});
    throw badRequest(`${what} '${algorithm}' is not promoted (promoted: ${promoted.join(', ')})`, {
      field: what,
      value: algorithm,
    });
  }

  /** The user's current ratings (cached; none for a user the store does not have). */
  private userState(userId: number): Promise<UserState> {
    return this.ctx.users.get(userId, (id) => this.ctx.store.userRatings(id));
  }

  /** The user's current ratings; 404 for a user with none. */
  async knownUser(userId: number): Promise<UserState> {
    const state = await this.userState(userId);
    if (state.ratings.length === 0) throw notFound('user', userId);
    return state;
  }

  /** The ids, each checked against the catalog (404 naming the first unknown one); de-duplicated unless `unique` is false. */
  private knownMovies(snap: Snapshot, movieIds: number[], unique = true): number[] {
    for (const id of movieIds) if (!snap.catalog.has(id)) throw notFound('movie', id);
    return unique ? [...new Set(movieIds)] : movieIds;
  }

  private toMatch(served: ServedModel, match: ProxyMatch): UserMatch {
    return {
      userId: served.users.rawId(match.user) as number,
      matchCount: match.matchCount,
      meanRating: round(match.meanRating, 4),
    };
  }

  /** The rating model's estimate, else the popularity model's weighted rating; clipped to 0.5–5. */
  private estimateRating(
    snap: Snapshot,
    state: UserState,
    movieId: number,
  ): { value: number | null; model: string; runId: number } {
    const rating = snap.model(this.ctx.roles.rating);
    if (rating !== undefined) {
      const item = rating.items.index(movieId);
      const ref = userRef(rating, state);
      const estimate = item >= 0 && ref !== null ? rating.model.predict(ref, item) : undefined;
      if (estimate?.ok)
        return { value: clip(estimate.value), model: rating.run.algorithm, runId: rating.run.id };
    }
    const popular = snap.model(this.ctx.roles.coldStart);
    const popularity = popularityOf(snap, this.ctx.roles.coldStart);
    if (popular !== undefined && popularity !== undefined) {
      const item = popular.items.index(movieId);
      const value = item >= 0 ? popularity.weighted[item] : popularity.mu;
      return { value: clip(value), model: popular.run.algorithm, runId: popular.run.id };
    }
    return { value: null, model: 'none', runId: 0 };
  }
}

/** The longest list any answer gives. */
export const MAX_N = 100;

export function checkN(n: number | undefined): number {
  const value = n ?? 10;
  if (!Number.isInteger(value) || value < 1 || value > MAX_N) {
    throw badRequest(`n must be an integer from 1 to ${MAX_N}, got ${value}`, { field: 'n', value });
  }
  return value;
}

export function clip(value: number): number {
  return round(Math.min(5, Math.max(0.5, value)), 4);
}

/** `item`'s nearest movies by co-ratings, best first: "more like this" (≥ 5 co-raters) for ItemKNN, else the model's item similarity. */
export function coRatingNeighbours(served: ServedModel, item: number, n: number): Ranked {
  return served.model instanceof ItemKnn
    ? served.model.moreLikeThis(item, n, { minCount: 5 })
    : served.model.similarItems(item, n);
}
