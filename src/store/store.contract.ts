/**
 * The behaviour every {@link Store} must have, as one suite run against each implementation
 * (store.test.ts: memory and SQLite; postgres.test.ts). Not a *.test.ts file itself, so vitest
 * runs it only through those.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type MovieRecord, type RatingRecord, type Store, StoreError } from './types.js';

export interface StoreFixture {
  /** A migrated, empty store of its own. */
  store: Store;
  /** Open the same database again as a new Store (runs migrations); absent for memory. */
  reopen?: () => Promise<Store>;
  /** Remove what the fixture created (temp file, schema); called after every store is closed. */
  dispose?: () => Promise<void>;
}

export function movie(
  movieId: number,
  title: string,
  genres: string[] = [],
  year: number | null = null,
): MovieRecord {
  return {
    ...{ movieId, title, year, genres, tmdbId: null, imdbId: null, overview: null, tagline: null },
    ...{ keywords: [], tags: [], voteAverage: null, voteCount: null, popularity: null, runtime: null },
    releaseDate: null,
  };
}

export function rating(
  userId: number,
  movieId: number,
  value: number,
  timestamp = 1_000 + movieId,
): RatingRecord {
  return { userId, movieId, rating: value, timestamp, source: 'import' };
}

const run = (algorithm: string, status: 'trained' | 'failed' | 'training' = 'trained') => ({
  algorithm,
  params: { factors: 32, regularization: 0.05 },
  datasetFingerprint: 'abc123',
  metrics: { rmse: 0.87, 'ndcg@10': 0.31 },
  artifactPath: `/models/${algorithm}.bin`,
  artifactSha256: 'f'.repeat(64),
  status,
  error: null,
});

export function describeStore(name: string, open: () => Promise<StoreFixture>): void {
  describe(`Store contract: ${name}`, () => {
    let fixture: StoreFixture;
    let store: Store;
    const extra: Store[] = [];

    beforeEach(async () => {
      fixture = await open();
      store = fixture.store;
      // Ten movies every test can rate.
      await store.upsertMovies(Array.from({ length: 10 }, (_, i) => movie(i + 1, `Movie ${i + 1}`)));
    });
    afterEach(async () => {
      for (const s of [store, ...extra.splice(0)]) await s.close();
      await fixture.dispose?.();
    });

    it('applies migrations idempotently, and a reopened store sees committed writes', async () => {
      await store.migrate();
      expect(await store.ping()).toBe(true);
      await store.putRating({ ...rating(7, 3, 4.5), source: 'api' });
      if (!fixture.reopen) return;
      // Durability across close: the write resolved, so a new connection must find it.
      await store.close();
      store = await fixture.reopen();
      await store.migrate();
      expect(await store.userRatings(7)).toEqual([{ ...rating(7, 3, 4.5), source: 'api' }]);
      expect(await store.counts()).toEqual({ movies: 10, users: 1, ratings: 1 });
    });

    it('upserts and finds movies: case-insensitive title, genre, year, paging, total', async () => {
      const full: MovieRecord = {
        ...movie(100, 'Amélie (2001)', ['Comedy', 'Romance'], 2001),
        ...{ tmdbId: 194, imdbId: 'tt0211915', overview: 'Paris.', tagline: 'She will change your life.' },
        ...{ keywords: ['paris'], tags: ['quirky'], voteAverage: 7.9, voteCount: 10_000, popularity: 25.5 },
        ...{ runtime: 122, releaseDate: '2001-04-25' },
      };
      await store.upsertMovies([
        full,
        movie(101, 'Toy Story (1995)', ['Animation', 'Children'], 1995),
        movie(102, 'Toy Story 2 (1999)', ['Animation', 'Sci-Fi'], 1999),
        movie(103, '100% Love (2011)', ['Sci-Fi'], 2011),
      ]);
      expect(await store.getMovie(100)).toEqual(full);
      expect(await store.getMovie(999)).toBeUndefined();
      await store.upsertMovies([{ ...movie(101, 'Toy Story (1995)', ['Animation'], 1995), tmdbId: 862 }]);
      expect((await store.getMovie(101))?.tmdbId).toBe(862);

      const ids = async (q: Parameters<Store['findMovies']>[0]) => {
        const { movies, total } = await store.findMovies(q);
        return { ids: movies.map((m) => m.movieId), total };
      };
      const page = { page: 1, pageSize: 10 };
      expect(await ids({ ...page, query: 'TOY story' })).toEqual({ ids: [101, 102], total: 2 });
      expect(await ids({ ...page, query: 'amélie' })).toEqual({ ids: [100], total: 1 });
      // LIKE wildcards in the query are literal.
      expect(await ids({ ...page, query: '0%' })).toEqual({ ids: [103], total: 1 });
      expect(await ids({ ...page, query: '_' })).toEqual({ ids: [], total: 0 });
      expect(await ids({ ...page, genre: 'sci-fi' })).toEqual({ ids: [102, 103], total: 2 });
      expect(await ids({ ...page, genre: 'Sci' })).toEqual({ ids: [], total: 0 });
      expect(await ids({ ...page, genre: 'Animation', year: 1999 })).toEqual({ ids: [102], total: 1 });
      expect(await ids({ page: 2, pageSize: 4 })).toEqual({ ids: [5, 6, 7, 8], total: 14 });
      expect(await ids({ page: 4, pageSize: 4 })).toEqual({ ids: [102, 103], total: 14 });
      expect(await ids({ page: 5, pageSize: 4 })).toEqual({ ids: [], total: 14 });
      await expect(store.findMovies({ page: 0, pageSize: 4 })).rejects.toThrow(RangeError);
      expect((await store.allMovies()).map((m) => m.movieId)).toEqual([
        1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 100, 101, 102, 103,
      ]);
    });

    it('putRating upserts, creating the user once; deleteRating reports what it removed', async () => {
      expect(await store.putRating(rating(1, 2, 3))).toEqual({ created: true });
      expect(await store.putRating(rating(1, 2, 3))).toEqual({ created: false });
      expect(await store.putRating({ ...rating(1, 2, 4.5, 5_000), source: 'api' })).toEqual({
        created: false,
      });
      expect(await store.putRating(rating(1, 5, 1))).toEqual({ created: true });
      expect(await store.userRatings(1)).toEqual([
        rating(1, 5, 1),
        { ...rating(1, 2, 4.5, 5_000), source: 'api' },
      ]);
      expect(await store.counts()).toEqual({ movies: 10, users: 1, ratings: 2 });
      expect(await store.deleteRating(1, 2)).toBe(true);
      expect(await store.deleteRating(1, 2)).toBe(false);
      expect(await store.userRatings(1)).toEqual([rating(1, 5, 1)]);
      expect(await store.userRatings(404)).toEqual([]);
    });

    it('reports created exactly once when the same new pair is rated concurrently', async () => {
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) => store.putRating(rating(9, 4, 1 + i / 2))),
      );
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(await store.counts()).toEqual({ movies: 10, users: 1, ratings: 1 });
    });

    it('orders userRatings by timestamp', async () => {
      await store.importRatings([rating(4, 1, 3, 300), rating(4, 2, 3, 100), rating(4, 3, 3, 200)]);
      expect((await store.userRatings(4)).map((r) => r.movieId)).toEqual([2, 3, 1]);
    });

    it('imports in bulk: pairs replaced, the last row of a repeated pair wins, users created', async () => {
      await store.putRating(rating(1, 1, 1));
      await store.importRatings([rating(1, 1, 5), rating(2, 1, 2), rating(2, 1, 2.5), rating(3, 4, 4)]);
      await store.importRatings([]);
      expect(await store.userRatings(1)).toEqual([rating(1, 1, 5)]);
      expect(await store.userRatings(2)).toEqual([rating(2, 1, 2.5)]);
      expect(await store.counts()).toEqual({ movies: 10, users: 3, ratings: 3 });
    });

    it('allRatings pages by (user, movie) and returns every rating exactly once', async () => {
      const all: RatingRecord[] = [];
      for (let u = 1; u <= 37; u++)
        for (let m = 1; m <= 10; m++) if ((u * m) % 3 !== 0) all.push(rating(u, m, 3));
      await store.importRatings([...all].reverse());
      const expected = all.map((r) => `${r.userId}:${r.movieId}`).sort();
      // 175 ratings: 25 and 175 divide it, so the last page is full and the end is found by an empty page.
      expect(all.length).toBe(175);
      for (const pageSize of [1000, 100, 7, 175, 25]) {
        const seen: string[] = [];
        for await (const page of store.allRatings(pageSize)) {
          expect(page.length).toBeGreaterThan(0);
          expect(page.length).toBeLessThanOrEqual(pageSize);
          seen.push(...page.map((r) => `${r.userId}:${r.movieId}`));
        }
        expect([...seen].sort()).toEqual(expected);
        expect(seen).toEqual(all.map((r) => `${r.userId}:${r.movieId}`));
      }
    });

    it('deleteUser erases ratings, the user and batch rows, and nobody else', async () => {
      await store.importRatings([rating(1, 1, 4), rating(1, 2, 3), rating(2, 1, 5)]);
      const { id } = await store.createModelRun(run('als'));
      await store.writeBatchRecommendations([
        { userId: 1, modelRunId: id, movieIds: [3, 4], scores: [0.9, 0.8] },
        { userId: 2, modelRunId: id, movieIds: [2], scores: [0.7] },
      ]);
      expect(await store.deleteUser(1)).toBe(2);
      expect(await store.userRatings(1)).toEqual([]);
      expect(await store.getBatchRecommendation(1)).toBeUndefined();
      expect(await store.getBatchRecommendation(2)).toBeDefined();
      expect(await store.counts()).toEqual({ movies: 10, users: 1, ratings: 1 });
      expect(await store.deleteUser(1)).toBe(0);
    });

    it('refuses bad values in the database: rating outside 0.5–5, unknown movie; imports are atomic', async () => {
      await store.putRating(rating(1, 1, 4));
      await expect(store.putRating(rating(1, 2, 5.5))).rejects.toThrow();
      await expect(store.putRating(rating(1, 2, 0))).rejects.toThrow();
      await expect(store.putRating(rating(1, 1, 0.4))).rejects.toThrow();
      await expect(store.putRating(rating(1, 999, 3))).rejects.toThrow();
      await expect(store.importRatings([rating(2, 1, 3), rating(2, 2, 7)])).rejects.toThrow();
      expect(await store.userRatings(1)).toEqual([rating(1, 1, 4)]);
      expect(await store.counts()).toEqual({ movies: 10, users: 1, ratings: 1 });
    });

    it('keeps a model registry: create, update, list newest first, get', async () => {
      const a = await store.createModelRun({ ...run('als'), status: 'training' });
      expect(a).toMatchObject({ ...run('als'), status: 'training', promotedAt: null });
      expect(Number.isNaN(Date.parse(a.createdAt))).toBe(false);
      const b = await store.createModelRun(run('ease', 'failed'));
      const updated = await store.updateModelRun(a.id, { status: 'trained', metrics: { rmse: 0.85 } });
      expect(updated).toEqual({ ...a, status: 'trained', metrics: { rmse: 0.85 } });
      expect(await store.updateModelRun(a.id, {})).toEqual(updated);
      expect(await store.updateModelRun(9_999, { status: 'failed' })).toBeUndefined();
      expect(await store.getModelRun(9_999)).toBeUndefined();
      expect(await store.getModelRun(b.id)).toEqual(b);
      expect((await store.listModelRuns()).map((r) => r.id)).toEqual([b.id, a.id]);
    });

    it('promotes atomically: the previous promoted run of the algorithm becomes trained, history kept', async () => {
      const a = await store.createModelRun(run('als'));
      const b = await store.createModelRun(run('als'));
      const other = await store.createModelRun(run('ease'));
      const pa = await store.promoteModelRun(a.id);
      expect(pa).toMatchObject({ id: a.id, status: 'promoted' });
      expect(pa.promotedAt).not.toBeNull();
      expect(await store.promoteModelRun(a.id)).toEqual(pa);
      await store.promoteModelRun(other.id);
      const pb = await store.promoteModelRun(b.id);
      expect(pb.status).toBe('promoted');
      expect(await store.getModelRun(a.id)).toMatchObject({ status: 'trained', promotedAt: pa.promotedAt });
      expect((await store.getModelRun(other.id))?.status).toBe('promoted');
      // Rollback: promote the earlier run again.
      expect((await store.promoteModelRun(a.id)).status).toBe('promoted');
      expect((await store.getModelRun(b.id))?.status).toBe('trained');
      // The database allows one promoted run per algorithm, even through updateModelRun.
      await expect(store.updateModelRun(b.id, { status: 'promoted' })).rejects.toThrow();
      const failed = await store.createModelRun(run('als', 'failed'));
      await expect(store.promoteModelRun(failed.id)).rejects.toMatchObject({ code: 'invalid_state' });
      await expect(store.promoteModelRun(9_999)).rejects.toBeInstanceOf(StoreError);
    });

    it('writes and reads batch recommendations, replacing a user’s previous row', async () => {
      await store.importRatings([rating(1, 1, 4), rating(2, 1, 5)]);
      const r1 = await store.createModelRun(run('als'));
      const r2 = await store.createModelRun(run('als'));
      await store.writeBatchRecommendations([
        { userId: 1, modelRunId: r1.id, movieIds: [2, 3], scores: [0.5, 0.25] },
      ]);
      await store.writeBatchRecommendations([{ userId: 1, modelRunId: r2.id, movieIds: [4], scores: [1.5] }]);
      const got = await store.getBatchRecommendation(1);
      expect(got).toMatchObject({ userId: 1, modelRunId: r2.id, movieIds: [4], scores: [1.5] });
      expect(Number.isNaN(Date.parse(got?.createdAt ?? ''))).toBe(false);
      expect(await store.getBatchRecommendation(2)).toBeUndefined();
    });
  });
}
