import type { ModelRunRecord, MovieQuery, MovieRecord, RatingRecord, Store } from '../store/types.js';
import { Catalog } from './catalog.js';
import { Answers } from './engine-answers.js';
import type {
  BatchRecommendations,
  EngineOptions,
  Prediction,
  RatingView,
  Recommendations,
  RecommendRequest,
  Roles,
  Scores,
  SelectionRecommendations,
  SelectionRequest,
  SimilarMovies,
  UserMatch,
} from './engine-types.js';
import { badRequest, notFound, ServiceError } from './errors.js';
import { DEFAULT_PLAN, type HybridPlan } from './hybrid.js';
import type { ModelRegistry, TrainOptions } from './registry.js';
import { SectionAnswers, type Sections, type SectionsRequest } from './sections.js';
import { DEFAULT_ROLES } from './settings.js';
import type { ServedModel } from './snapshot.js';
import { Snapshot } from './snapshot.js';
import {
  type ContentPrediction,
  type MovieContent,
  type Reconciled,
  type SearchAnswer,
  TextAnswers,
} from './text-answers.js';
import { UserCache } from './users.js';
import type { MovieView } from './views.js';

export * from './engine-types.js';

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
  private readonly answers: Answers;
  private readonly text: TextAnswers;
  private readonly rows: SectionAnswers;

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
    const context = {
      snapshot: () => this.current,
      store,
      roles: this.roles,
      minRatings: this.minRatings,
      plan: this.plan,
      users: this.users,
    };
    this.answers = new Answers(context);
    this.text = new TextAnswers(context, this.answers);
    this.rows = new SectionAnswers(context, this.answers);
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

  /**
   * Serve `served` from now on; requests already running keep the snapshot they took. The content
   * model is then brought up to the catalog's current text (its artifact predates later edits; see
   * TextAnswers.reconcile): requests are served meanwhile. Other models install at once (null).
   */
  async install(served: ServedModel): Promise<Reconciled | null> {
    this.current = this.current.withModel(served);
    return served.run.algorithm === this.roles.content ? this.text.reconcile(served) : null;
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
        await this.install(await this.registry.load(run));
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
    await this.install(served);
    return served.run;
  }

  async rollback(algorithm: string): Promise<ModelRunRecord> {
    const served = await this.registry.rollback(algorithm);
    await this.install(served);
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

  // ---- reads (engine-answers.ts) --------------------------------------------------------------

  recommend(userId: number, request: RecommendRequest = {}): Promise<Recommendations> {
    return this.answers.recommend(userId, request);
  }

  /** Named rows for the user (For you, Because you liked X, Trending, …), no movie twice (sections.ts). */
  sections(userId: number, request: SectionsRequest = {}): Promise<Sections> {
    return this.rows.sections(userId, request);
  }

  fromSelection(request: SelectionRequest): Promise<SelectionRecommendations> {
    return this.answers.fromSelection(request);
  }

  /** The existing user who rated the most of `movieIds` (mean rating breaks ties), or null. */
  matchUser(movieIds: number[]): Promise<UserMatch | null> {
    return this.answers.matchUser(movieIds);
  }

  /** The ranking model's score and the predicted rating of each movie, in the order given. */
  score(userId: number, movieIds: number[]): Promise<Scores> {
    return this.answers.score(userId, movieIds);
  }

  /** The predicted rating of one movie, naming the model that made it (rating model, else popularity). */
  predict(userId: number, movieId: number): Promise<Prediction> {
    return this.answers.predict(userId, movieId);
  }

  /** Movies most like `movieId`: by co-ratings (the item-item model's neighbours), content, or both. */
  similar(movieId: number, n = 10, by: 'ratings' | 'content' | 'hybrid' = 'ratings'): Promise<SimilarMovies> {
    return by === 'ratings' ? this.answers.similar(movieId, n) : this.text.similar(movieId, n, by);
  }

  /** The search box: a title (fuzzy) answers with the movie and more like it; anything else searches the text. */
  search(query: string, n = 10): Promise<SearchAnswer> {
    return this.text.search(query, n);
  }

  /** A predicted rating for a movie known only by its content. */
  predictMovie(userId: number, movie: MovieContent): Promise<ContentPrediction> {
    return this.text.predictMovie(userId, movie);
  }

  /** The user's precomputed top-N (written by `cinerec batch`), scores as computed then. */
  batchRecommendations(userId: number): Promise<BatchRecommendations> {
    return this.answers.batchRecommendations(userId);
  }

  movie(movieId: number): Promise<MovieView> {
    return this.answers.movie(movieId);
  }

  searchMovies(query: MovieQuery): Promise<{ movies: MovieView[]; total: number }> {
    return this.answers.searchMovies(query);
  }

  userRatings(userId: number): Promise<RatingView[]> {
    return this.answers.userRatings(userId);
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
    await this.text.catalogChanged(movies);
  }

  /** Add a movie (admin): 409 when the id is taken. Models learn it at their next training. */
  async addMovie(movie: MovieRecord): Promise<MovieView> {
    checkTitle(movie.title);
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
    if (patch.title !== undefined) checkTitle(patch.title);
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
        await this.install(await this.registry.load(run));
        installed.push(run);
      } catch (error) {
        this.refused.add(run.id); // reported once, not at every poll
        failed.push({ run, error: error as Error });
      }
    }
    return { installed, failed };
  }
}

/**
 * A title a person can type and read: one letter or digit at least, no control characters. A
 * blank or invisible title could never be found by the search box, which refuses a blank query.
 */
function checkTitle(title: string): void {
  if (!/[\p{L}\p{N}]/u.test(title) || /\p{Cc}/u.test(title)) {
    throw badRequest('title needs a letter or digit and no control characters', { field: 'title' });
  }
}
