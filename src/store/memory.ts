/**
 * An in-memory {@link Store} for tests of the service layer. It passes the same contract suite as
 * the SQL stores (store.contract.ts), including the checks the database enforces there (rating
 * range, known movie, one promoted run per algorithm), so tests cannot pass here and fail on SQL.
 * Records are copied in and out, as a database would, so callers cannot alias stored state.
 */
import {
  type BatchRecommendation,
  type ModelRunRecord,
  type MovieQuery,
  type MovieRecord,
  type RatingRecord,
  type Store,
  type StoreCounts,
  StoreError,
} from './types.js';
import { checkPage } from './util.js';

const SOURCES = new Set(['import', 'api', 'batch']);

export class MemoryStore implements Store {
  readonly #movies = new Map<number, MovieRecord>();
  readonly #users = new Map<number, string>();
  /** userId → movieId → rating. */
  readonly #ratings = new Map<number, Map<number, RatingRecord>>();
  readonly #runs = new Map<number, ModelRunRecord>();
  readonly #batch = new Map<number, BatchRecommendation>();
  #nextRunId = 1;

  async migrate(): Promise<void> {}
  async close(): Promise<void> {}
  async ping(): Promise<boolean> {
    return true;
  }

  async counts(): Promise<StoreCounts> {
    let ratings = 0;
    for (const byMovie of this.#ratings.values()) ratings += byMovie.size;
    return { movies: this.#movies.size, users: this.#users.size, ratings };
  }

  async upsertMovies(movies: MovieRecord[]): Promise<void> {
    for (const m of movies) this.#movies.set(m.movieId, structuredClone(m));
  }

  async getMovie(movieId: number): Promise<MovieRecord | undefined> {
    const m = this.#movies.get(movieId);
    return m && structuredClone(m);
  }

  async findMovies(query: MovieQuery): Promise<{ movies: MovieRecord[]; total: number }> {
    checkPage(query);
    const text = query.query?.toLowerCase();
    const genre = query.genre?.toLowerCase();
    const hits = [...this.#movies.values()]
      .filter(
        (m) =>
          (!text || m.title.toLowerCase().includes(text)) &&
          (!genre || m.genres.some((g) => g.toLowerCase() === genre)) &&
          (query.year === undefined || m.year === query.year),
      )
      .sort((a, b) => a.movieId - b.movieId);
    const start = (query.page - 1) * query.pageSize;
    return { movies: structuredClone(hits.slice(start, start + query.pageSize)), total: hits.length };
  }

  async allMovies(): Promise<MovieRecord[]> {
    return structuredClone([...this.#movies.values()].sort((a, b) => a.movieId - b.movieId));
  }

  async importRatings(ratings: RatingRecord[]): Promise<void> {
    // All or nothing, like the SQL transaction.
    for (const r of ratings) this.#check(r);
    for (const r of ratings) this.#put(r);
  }

  async putRating(rating: RatingRecord): Promise<{ created: boolean }> {
    this.#check(rating);
    return { created: this.#put(rating) };
  }

  async deleteRating(userId: number, movieId: number): Promise<boolean> {
    return this.#ratings.get(userId)?.delete(movieId) ?? false;
  }

  async deleteUser(userId: number): Promise<number> {
    const removed = this.#ratings.get(userId)?.size ?? 0;
    this.#ratings.delete(userId);
    this.#users.delete(userId);
    this.#batch.delete(userId);
    return removed;
  }

  async userRatings(userId: number): Promise<RatingRecord[]> {
    const rows = [...(this.#ratings.get(userId)?.values() ?? [])];
    return structuredClone(rows.sort((a, b) => a.timestamp - b.timestamp || a.movieId - b.movieId));
  }

  async *allRatings(pageSize = 10_000): AsyncIterable<RatingRecord[]> {
    const all: RatingRecord[] = [];
    for (const byMovie of this.#ratings.values()) all.push(...byMovie.values());
    all.sort((a, b) => a.userId - b.userId || a.movieId - b.movieId);
    for (let i = 0; i < all.length; i += pageSize) yield structuredClone(all.slice(i, i + pageSize));
  }

  async createModelRun(
    run: Omit<ModelRunRecord, 'id' | 'createdAt' | 'promotedAt'>,
  ): Promise<ModelRunRecord> {
    const record: ModelRunRecord = {
      ...structuredClone(run),
      id: this.#nextRunId++,
      createdAt: new Date().toISOString(),
      promotedAt: null,
    };
    this.#checkOnePromoted(record);
    this.#runs.set(record.id, record);
    return structuredClone(record);
  }

  async updateModelRun(
    id: number,
    patch: Partial<Omit<ModelRunRecord, 'id' | 'createdAt'>>,
  ): Promise<ModelRunRecord | undefined> {
    const run = this.#runs.get(id);
    if (!run) return undefined;
    const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
    const next = { ...run, ...structuredClone(defined) };
    this.#checkOnePromoted(next);
    this.#runs.set(id, next);
    return structuredClone(next);
  }

  async getModelRun(id: number): Promise<ModelRunRecord | undefined> {
    const run = this.#runs.get(id);
    return run && structuredClone(run);
  }

  async listModelRuns(): Promise<ModelRunRecord[]> {
    return structuredClone([...this.#runs.values()].sort((a, b) => b.id - a.id));
  }

  async promoteModelRun(id: number): Promise<ModelRunRecord> {
    const run = this.#runs.get(id);
    if (!run) throw new StoreError('not_found', `model run ${id} not found`);
    if (run.status === 'training' || run.status === 'failed') {
      throw new StoreError('invalid_state', `model run ${id} is ${run.status} and cannot be promoted`);
    }
    if (run.status !== 'promoted') {
      for (const other of this.#runs.values()) {
        if (other.algorithm === run.algorithm && other.status === 'promoted') other.status = 'trained';
      }
      run.status = 'promoted';
      run.promotedAt = new Date().toISOString();
    }
    return structuredClone(run);
  }

  async writeBatchRecommendations(rows: Omit<BatchRecommendation, 'createdAt'>[]): Promise<void> {
    for (const r of rows) {
      if (!this.#users.has(r.userId)) throw new Error(`foreign key: no user ${r.userId}`);
      if (!this.#runs.has(r.modelRunId)) throw new Error(`foreign key: no model run ${r.modelRunId}`);
    }
    const createdAt = new Date().toISOString();
    for (const r of rows) this.#batch.set(r.userId, { ...structuredClone(r), createdAt });
  }

  async getBatchRecommendation(userId: number): Promise<BatchRecommendation | undefined> {
    const row = this.#batch.get(userId);
    return row && structuredClone(row);
  }

  /** What the SQL schema's CHECK and FOREIGN KEY constraints refuse. */
  #check(r: RatingRecord): void {
    if (!(r.rating >= 0.5 && r.rating <= 5))
      throw new Error(`check constraint: rating ${r.rating} outside 0.5–5`);
    if (!SOURCES.has(r.source)) throw new Error(`check constraint: source ${r.source}`);
    if (!this.#movies.has(r.movieId)) throw new Error(`foreign key: no movie ${r.movieId}`);
  }

  /** Returns true when the (user, movie) pair is new. */
  #put(r: RatingRecord): boolean {
    if (!this.#users.has(r.userId)) this.#users.set(r.userId, new Date().toISOString());
    let byMovie = this.#ratings.get(r.userId);
    if (!byMovie) {
      byMovie = new Map();
      this.#ratings.set(r.userId, byMovie);
    }
    const created = !byMovie.has(r.movieId);
    byMovie.set(r.movieId, { ...r });
    return created;
  }

  /** The partial unique index model_runs_one_promoted. */
  #checkOnePromoted(run: ModelRunRecord): void {
    if (run.status !== 'promoted') return;
    for (const other of this.#runs.values()) {
      if (other.id !== run.id && other.algorithm === run.algorithm && other.status === 'promoted') {
        throw new Error(`unique constraint: ${run.algorithm} already has promoted run ${other.id}`);
      }
    }
  }
}
