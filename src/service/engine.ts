import { ItemKnn } from '../models/itemknn.js';
import { matchProxyUser, type ProxyMatch } from '../models/proxy-user.js';
import type { ModelRunRecord, MovieQuery, MovieRecord, RatingRecord, Store } from '../store/types.js';
import { Catalog, type MovieFilter } from './catalog.js';
import { badRequest, notFound, ServiceError } from './errors.js';
import { DEFAULT_PLAN, type HybridPlan, recommendSequential, type Source } from './hybrid.js';
import type { ModelRegistry, TrainOptions } from './registry.js';
import { DEFAULT_ROLES } from './settings.js';
import type { ServedModel } from './snapshot.js';
import { Snapshot } from './snapshot.js';
import { collaborativeSource, popularSource, selectionSource } from './sources.js';
import { UserCache, type UserState, userRef } from './users.js';
import { type MovieView, movieView, popularityOf, round } from './views.js';

export type Roles = { ranking: string; rating: string; similar: string; coldStart: string };

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

const HALF_STAR = (rating: number) =>
  Number.isFinite(rating) && rating >= 0.5 && rating <= 5 && Number.isInteger(rating * 2);

/**
 * The recommendation service without HTTP: the catalog and the promoted models in one immutable
 * snapshot (swapped whole by promotions and catalog edits), users' current ratings folded in on the
 * fly, and every answer assembled by the hybrid plan. Reads take the snapshot once, at their start.
 */
export class Engine {
  private current: Snapshot;
  private readonly users: UserCache;
  readonly roles: Roles;
  readonly minRatings: number;
  private readonly plan: HybridPlan;
  /** Promoted runs whose artifact `syncPromoted` refused. */
  private readonly refused = new Set<number>();

  private constructor(
    readonly store: Store,
    readonly registry: ModelRegistry,
    catalog: Catalog,
    options: EngineOptions,
  ) {
    this.current = Snapshot.initial(catalog);
    this.roles = { ...DEFAULT_ROLES, ...options.roles };
    this.minRatings = options.minRatings ?? 5;
    this.plan = options.plan ?? DEFAULT_PLAN;
    this.users = new UserCache(options.userCacheSize);
  }

  /** An engine over the store's catalog, with no model yet (`loadPromoted` or `install` next). */
  static async open(store: Store, registry: ModelRegistry, options: EngineOptions = {}): Promise<Engine> {
    return new Engine(store, registry, await Catalog.load(store), options);
  }

  get snapshot(): Snapshot {
    return this.current;
  }

  /** Ready when the ranking and cold-start roles are served; `missing` names the others. */
  readiness(): { ready: boolean; missing: string[]; versions: Record<string, number> } {
    const snap = this.current;
    const missing = Object.values(this.roles).filter((alg) => snap.model(alg) === undefined);
    const ready =
      snap.model(this.roles.ranking) !== undefined && snap.model(this.roles.coldStart) !== undefined;
    return { ready, missing: [...new Set(missing)], versions: snap.versions() };
  }

  /** Serve `served` from now on; requests already running keep the snapshot they took. */
  install(served: ServedModel): void {
    this.current = this.current.withModel(served);
  }

  /** Load every promoted run; a run whose artifact is refused is reported, not installed. */
  async loadPromoted(): Promise<{
    loaded: ModelRunRecord[];
    failed: { run: ModelRunRecord; error: Error }[];
  }> {
    const loaded: ModelRunRecord[] = [];
    const failed: { run: ModelRunRecord; error: Error }[] = [];
    for (const run of await this.registry.promoted()) {
      try {
        this.install(await this.registry.load(run));
        loaded.push(run);
      } catch (error) {
        failed.push({ run, error: error as Error });
      }
    }
    return { loaded, failed };
  }

  /** Verify and promote a run; on a refused artifact the serving model does not change. */
  async promote(id: number): Promise<ModelRunRecord> {
    const served = await this.registry.promote(id);
    this.install(served);
    return served.run;
  }

  async rollback(algorithm: string): Promise<ModelRunRecord> {
    const served = await this.registry.rollback(algorithm);
    this.install(served);
    return served.run;
  }

  /** Train on the store's current ratings; with `promote`, serve the result at once. */
  async train(
    algorithm: string,
    options: TrainOptions & { promote?: boolean } = {},
  ): Promise<ModelRunRecord> {
    const run = await this.registry.train(algorithm, options);
    return options.promote ? this.promote(run.id) : run;
  }

  // ---- reads ----------------------------------------------------------------------------------

  async recommend(userId: number, request: RecommendRequest = {}): Promise<Recommendations> {
    const snap = this.current;
    const n = checkN(request.n);
    const served = this.require(snap, request.model ?? this.roles.ranking, 'model');
    const state = await this.knownUser(userId);
    const accepts = Catalog.predicate(request);
    const coldStart = state.ratings.length < this.minRatings;
    const sources = new Map<string, Source>([
      [
        'collaborative',
        collaborativeSource(served, snap, accepts, () => (coldStart ? null : userRef(served, state))),
      ],
      ['popular', popularSource(snap, this.roles.coldStart, accepts)],
    ]);
    return { ...this.assemble(snap, served, sources, n, new Set(state.rated)), coldStart };
  }

  async fromSelection(
    request: SelectionRequest,
  ): Promise<Recommendations & { method: string; proxy: UserMatch | null }> {
    const snap = this.current;
    const n = checkN(request.n);
    const method = request.method ?? 'fold-in';
    const served = this.require(snap, request.model ?? this.roles.ranking, 'model');
    const movieIds = this.knownMovies(snap, request.movieIds);
    let proxy: ProxyMatch | null = null;
    const accepts = Catalog.predicate(request);
    const onProxy = (match: ProxyMatch | null) => {
      proxy = match;
    };
    // The list stands in for a user: it fills the collaborative slot of the plan.
    const sources = new Map<string, Source>([
      ['collaborative', selectionSource(served, snap, accepts, movieIds, method, onProxy)],
      ['popular', popularSource(snap, this.roles.coldStart, accepts)],
    ]);
    const answer = this.assemble(snap, served, sources, n, new Set(movieIds));
    const match = proxy as ProxyMatch | null; // set by the source's callback
    return { ...answer, coldStart: false, method, proxy: match && this.toMatch(served, match) };
  }

  /** The existing user who rated the most of `movieIds` (mean rating breaks ties), or null. */
  async matchUser(movieIdsIn: number[]): Promise<UserMatch | null> {
    const snap = this.current;
    const served = this.require(snap, this.roles.ranking, 'model');
    const movieIds = this.knownMovies(snap, movieIdsIn);
    const items = movieIds.map((id) => served.items.index(id)).filter((i) => i >= 0);
    const match = matchProxyUser(served.model.trainData, items);
    return match && this.toMatch(served, match);
  }

  /** The ranking model's score and the predicted rating of each movie, in the order given. */
  async score(
    userId: number,
    movieIdsIn: number[],
  ): Promise<{ userId: number; models: { ranking: string; rating: string }; items: MovieView[] }> {
    const snap = this.current;
    const ranking = this.require(snap, this.roles.ranking, 'model');
    const state = await this.knownUser(userId);
    const movieIds = this.knownMovies(snap, movieIdsIn, false);
    const ref = userRef(ranking, state);
    const items = movieIds.map((movieId) => {
      const view = movieView(snap, snap.catalog.get(movieId) as MovieRecord, this.roles.coldStart);
      const item = ranking.items.index(movieId);
      const estimate = ref !== null && item >= 0 ? ranking.model.predict(ref, item) : undefined;
      view.score = estimate?.ok ? round(estimate.value, 6) : null;
      const predicted = this.estimateRating(snap, state, movieId);
      view.predictedRating = predicted.value;
      view.source = predicted.model;
      return view;
    });
    return { userId, models: { ranking: ranking.run.algorithm, rating: this.roles.rating }, items };
  }

  /** The predicted rating of one movie, naming the model that made it (rating model, else popularity). */
  async predict(
    userId: number,
    movieId: number,
  ): Promise<{
    userId: number;
    movie: MovieView;
    predictedRating: number;
    model: string;
    modelRunId: number;
  }> {
    const snap = this.current;
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
      movie: movieView(snap, movie, this.roles.coldStart),
      predictedRating: estimate.value,
      model: estimate.model,
      modelRunId: estimate.runId,
    };
  }

  /** Movies most like `movieId` by co-ratings (the item-item model's neighbours). */
  async similar(
    movieId: number,
    n = 10,
  ): Promise<{ movieId: number; by: 'ratings'; model: string; modelRunId: number; items: MovieView[] }> {
    const snap = this.current;
    checkN(n);
    if (!snap.catalog.has(movieId)) throw notFound('movie', movieId);
    const served = this.require(snap, this.roles.similar, 'model');
    const item = served.items.index(movieId);
    const items: MovieView[] = [];
    if (item >= 0) {
      const ranked =
        served.model instanceof ItemKnn
          ? served.model.moreLikeThis(item, n * 2, { minCount: 5 })
          : served.model.similarItems(item, n * 2);
      for (let k = 0; k < ranked.ids.length && items.length < n; k++) {
        const movie = snap.catalog.get(served.items.rawId(ranked.ids[k]) as number);
        if (movie === undefined) continue;
        items.push({ ...movieView(snap, movie, this.roles.coldStart), score: round(ranked.scores[k], 6) });
      }
    }
    return { movieId, by: 'ratings', model: served.run.algorithm, modelRunId: served.run.id, items };
  }

  /** The user's precomputed top-N (written by `cinerec batch`), scores as computed then. */
  async batchRecommendations(
    userId: number,
  ): Promise<{ userId: number; modelRunId: number; createdAt: string; items: MovieView[] }> {
    const snap = this.current;
    const row = await this.store.getBatchRecommendation(userId);
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
        items.push({ ...movieView(snap, movie, this.roles.coldStart), score: round(row.scores[k], 6) });
    });
    return { userId, modelRunId: row.modelRunId, createdAt: row.createdAt, items };
  }

  async movie(movieId: number): Promise<MovieView> {
    const snap = this.current;
    const movie = snap.catalog.get(movieId);
    if (movie === undefined) throw notFound('movie', movieId);
    return movieView(snap, movie, this.roles.coldStart);
  }

  async searchMovies(query: MovieQuery): Promise<{ movies: MovieView[]; total: number }> {
    const snap = this.current;
    const { movies, total } = await this.store.findMovies(query);
    return { movies: movies.map((m) => movieView(snap, m, this.roles.coldStart)), total };
  }

  async userRatings(userId: number): Promise<RatingView[]> {
    const snap = this.current;
    const state = await this.knownUser(userId);
    return state.ratings.map((r) => {
      const movie = snap.catalog.get(r.movieId);
      const view = movie
        ? movieView(snap, movie, this.roles.coldStart)
        : { movieId: r.movieId, title: '', year: null, genres: [], tmdbId: null, imdbId: null };
      return { movie: view, rating: r.rating, timestamp: r.timestamp };
    });
  }

  // ---- writes ---------------------------------------------------------------------------------

  /** Store a rating (durable when this resolves); the user's next answer folds it in. */
  async rate(
    userId: number,
    movieId: number,
    rating: number,
  ): Promise<{ created: boolean; rating: RatingRecord }> {
    if (!Number.isSafeInteger(userId) || userId < 1)
      throw badRequest(`userId must be a positive integer, got ${userId}`, { field: 'userId' });
    if (!HALF_STAR(rating)) {
      throw badRequest(`rating must be 0.5 to 5 in half steps, got ${rating}`, {
        field: 'rating',
        value: rating,
      });
    }
    if (!this.current.catalog.has(movieId)) throw notFound('movie', movieId);
    const record: RatingRecord = {
      userId,
      movieId,
      rating,
      timestamp: Math.floor(Date.now() / 1000),
      source: 'api',
    };
    try {
      const { created } = await this.store.putRating(record);
      return { created, rating: record };
    } finally {
      this.users.invalidate(userId);
    }
  }

  async deleteRating(userId: number, movieId: number): Promise<void> {
    try {
      if (!(await this.store.deleteRating(userId, movieId))) {
        throw new ServiceError('not_found', `user ${userId} has no rating of movie ${movieId}`, {
          userId,
          movieId,
        });
      }
    } finally {
      this.users.invalidate(userId);
    }
  }

  /** Erase the user's ratings; returns how many there were. */
  async deleteUser(userId: number): Promise<number> {
    try {
      const removed = await this.store.deleteUser(userId);
      if (removed === 0) throw notFound('user', userId);
      return removed;
    } finally {
      this.users.invalidate(userId);
    }
  }

  /** Add or replace catalog entries (admin); the catalog swaps like a promotion. */
  async upsertMovies(movies: MovieRecord[]): Promise<void> {
    await this.store.upsertMovies(movies);
    this.current = this.current.withCatalog(this.current.catalog.with(movies));
  }

  /** Add a movie (admin): 409 when the id is taken. Models learn it at their next training. */
  async addMovie(movie: MovieRecord): Promise<MovieView> {
    if (this.current.catalog.has(movie.movieId) || (await this.store.getMovie(movie.movieId))) {
      throw new ServiceError(
        'conflict',
        `movie ${movie.movieId} exists; PATCH /movies/${movie.movieId} edits it`,
        {
          movieId: movie.movieId,
        },
      );
    }
    await this.upsertMovies([movie]);
    return this.movie(movie.movieId);
  }

  /** Change some fields of a movie (admin). */
  async updateMovie(movieId: number, patch: Partial<Omit<MovieRecord, 'movieId'>>): Promise<MovieView> {
    const movie = this.current.catalog.get(movieId) ?? (await this.store.getMovie(movieId));
    if (movie === undefined) throw notFound('movie', movieId);
    await this.upsertMovies([{ ...movie, ...patch, movieId }]);
    return this.movie(movieId);
  }

  /**
   * Bring the snapshot in line with the registry's promoted runs (promotions made by another
   * process, e.g. `cinerec models promote`). A run whose artifact is refused is reported and the
   * model serving now stays.
   */
  async syncPromoted(): Promise<{
    installed: ModelRunRecord[];
    failed: { run: ModelRunRecord; error: Error }[];
  }> {
    const installed: ModelRunRecord[] = [];
    const failed: { run: ModelRunRecord; error: Error }[] = [];
    for (const run of await this.registry.promoted()) {
      if (this.current.model(run.algorithm)?.run.id === run.id || this.refused.has(run.id)) continue;
      try {
        this.install(await this.registry.load(run));
        installed.push(run);
      } catch (error) {
        this.refused.add(run.id); // reported once, not at every poll
        failed.push({ run, error: error as Error });
      }
    }
    return { installed, failed };
  }

  // ---- helpers --------------------------------------------------------------------------------

  private assemble(
    snap: Snapshot,
    served: ServedModel,
    sources: ReadonlyMap<string, Source>,
    n: number,
    exclude: Set<number>,
  ): Omit<Recommendations, 'coldStart'> {
    const result = recommendSequential(this.plan, sources, n, exclude);
    const items = result.items.map((c) => ({
      ...movieView(snap, snap.catalog.get(c.movieId) as MovieRecord, this.roles.coldStart),
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

  private require(snap: Snapshot, algorithm: string, what: string): ServedModel {
    const served = snap.model(algorithm);
    if (served !== undefined) return served;
    const promoted = snap.algorithms();
    if (promoted.length === 0) throw new ServiceError('not_ready', 'models are still loading', {});
    throw badRequest(`${what} '${algorithm}' is not promoted (promoted: ${promoted.join(', ')})`, {
      field: what,
      value: algorithm,
    });
  }

  private async knownUser(userId: number): Promise<UserState> {
    const state = await this.users.get(userId, (id) => this.store.userRatings(id));
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
    const rating = snap.model(this.roles.rating);
    if (rating !== undefined) {
      const item = rating.items.index(movieId);
      const ref = userRef(rating, state);
      const estimate = item >= 0 && ref !== null ? rating.model.predict(ref, item) : undefined;
      if (estimate?.ok)
        return { value: clip(estimate.value), model: rating.run.algorithm, runId: rating.run.id };
    }
    const popular = snap.model(this.roles.coldStart);
    const popularity = popularityOf(snap, this.roles.coldStart);
    if (popular !== undefined && popularity !== undefined) {
      const item = popular.items.index(movieId);
      const value = item >= 0 ? popularity.weighted[item] : popularity.mu;
      return { value: clip(value), model: popular.run.algorithm, runId: popular.run.id };
    }
    return { value: null, model: 'none', runId: 0 };
  }
}

function checkN(n: number | undefined): number {
  const value = n ?? 10;
  if (!Number.isInteger(value) || value < 1 || value > 100) {
    throw badRequest(`n must be an integer from 1 to 100, got ${value}`, { field: 'n', value });
  }
  return value;
}

function clip(value: number): number {
  return round(Math.min(5, Math.max(0.5, value)), 4);
}
