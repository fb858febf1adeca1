/**
 * The one SQL implementation of {@link Store}, written against Kysely so SQLite and PostgreSQL run
 * the same queries: only the dialect, connection set-up (sqlite.ts, postgres.ts) and the id column
 * of model_runs (migrations.ts) differ. Upserts use INSERT … ON CONFLICT, which both support.
 */
import { type Kysely, sql, type Transaction } from 'kysely';
import { migrateToLatest, type SqlDialectName } from './migrations.js';
import { type Database, movieToRow, ratingToRow, rowToMovie, rowToRating } from './schema.js';
import { SqlRegistry } from './sql-registry.js';
import type { MovieQuery, MovieRecord, RatingRecord, Store, StoreCounts } from './types.js';
import { checkPage, chunks, escapeLike, ROWS_PER_INSERT } from './util.js';

type Db = Kysely<Database> | Transaction<Database>;

/** Catalog and ratings here; the model registry and batch rows come from {@link SqlRegistry}. */
export class SqlStore extends SqlRegistry implements Store {
  #closed = false;

  constructor(
    db: Kysely<Database>,
    private readonly dialect: SqlDialectName,
    /** PostgreSQL schema the tables live in (see migrateToLatest); undefined on SQLite. */
    private readonly schema?: string,
  ) {
    super(db);
  }

  migrate(): Promise<void> {
    return migrateToLatest(this.db, this.dialect, this.schema);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.db.destroy();
  }

  async ping(): Promise<boolean> {
    try {
      await sql`select 1`.execute(this.db);
      return true;
    } catch {
      return false;
    }
  }

  async counts(): Promise<StoreCounts> {
    const count = async (table: 'movies' | 'users' | 'ratings') =>
      Number(
        (
          await this.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    return { movies: await count('movies'), users: await count('users'), ratings: await count('ratings') };
  }

  async upsertMovies(movies: MovieRecord[]): Promise<void> {
    // Last entry of an id wins; PostgreSQL refuses one statement touching a row twice.
    const rows = [...new Map(movies.map((m) => [m.movieId, movieToRow(m)])).values()];
    await this.db.transaction().execute(async (trx) => {
      for (const chunk of chunks(rows, ROWS_PER_INSERT / 2)) {
        await trx
          .insertInto('movies')
          .values(chunk)
          .onConflict((oc) =>
            oc.column('movie_id').doUpdateSet((eb) => ({
              title: eb.ref('excluded.title'),
              search_title: eb.ref('excluded.search_title'),
              year: eb.ref('excluded.year'),
              genres: eb.ref('excluded.genres'),
              tmdb_id: eb.ref('excluded.tmdb_id'),
              imdb_id: eb.ref('excluded.imdb_id'),
              overview: eb.ref('excluded.overview'),
              tagline: eb.ref('excluded.tagline'),
              keywords: eb.ref('excluded.keywords'),
              tags: eb.ref('excluded.tags'),
              vote_average: eb.ref('excluded.vote_average'),
              vote_count: eb.ref('excluded.vote_count'),
              popularity: eb.ref('excluded.popularity'),
              runtime: eb.ref('excluded.runtime'),
              release_date: eb.ref('excluded.release_date'),
            })),
          )
          .execute();
      }
    });
  }

  async getMovie(movieId: number): Promise<MovieRecord | undefined> {
    const row = await this.db
      .selectFrom('movies')
      .selectAll()
      .where('movie_id', '=', movieId)
      .executeTakeFirst();
    return row && rowToMovie(row);
  }

  async findMovies(query: MovieQuery): Promise<{ movies: MovieRecord[]; total: number }> {
    checkPage(query);
    let q = this.db.selectFrom('movies');
    if (query.query) {
      const pattern = `%${escapeLike(query.query.toLowerCase())}%`;
      q = q.where(sql<boolean>`search_title like ${pattern} escape '\\'`);
    }
    if (query.genre) {
      // genres is a JSON array of strings, so a quoted name matches whole names only.
      const pattern = `%${escapeLike(JSON.stringify(query.genre.toLowerCase()))}%`;
      q = q.where(sql<boolean>`lower(genres) like ${pattern} escape '\\'`);
    }
    if (query.year !== undefined) q = q.where('year', '=', query.year);
    const { n } = await q.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    const rows = await q
      .selectAll()
      .orderBy('movie_id')
      .limit(query.pageSize)
      .offset((query.page - 1) * query.pageSize)
      .execute();
    return { movies: rows.map(rowToMovie), total: Number(n) };
  }

  async allMovies(): Promise<MovieRecord[]> {
    return (await this.db.selectFrom('movies').selectAll().orderBy('movie_id').execute()).map(rowToMovie);
  }

  async importRatings(ratings: RatingRecord[]): Promise<void> {
    const rows = [...new Map(ratings.map((r) => [`${r.userId}:${r.movieId}`, ratingToRow(r)])).values()];
    await this.db.transaction().execute(async (trx) => {
      await ensureUsers(trx, [...new Set(rows.map((r) => r.user_id))]);
      for (const chunk of chunks(rows, ROWS_PER_INSERT)) {
        await trx
          .insertInto('ratings')
          .values(chunk)
          .onConflict((oc) =>
            oc.columns(['user_id', 'movie_id']).doUpdateSet((eb) => ({
              rating: eb.ref('excluded.rating'),
              timestamp: eb.ref('excluded.timestamp'),
              source: eb.ref('excluded.source'),
            })),
          )
          .execute();
      }
    });
  }

  async putRating(rating: RatingRecord): Promise<{ created: boolean }> {
    const row = ratingToRow(rating);
    return this.db.transaction().execute(async (trx) => {
      await ensureUsers(trx, [row.user_id]);
      // Insert-or-nothing then update tells "created" apart on both backends; on PostgreSQL the
      // insert waits for a concurrent insert of the same pair, so only one caller sees created.
      const inserted = await trx
        .insertInto('ratings')
        .values(row)
        .onConflict((oc) => oc.columns(['user_id', 'movie_id']).doNothing())
        .returning('user_id')
        .executeTakeFirst();
      if (inserted) return { created: true };
      await trx
        .updateTable('ratings')
        .set({ rating: row.rating, timestamp: row.timestamp, source: row.source })
        .where('user_id', '=', row.user_id)
        .where('movie_id', '=', row.movie_id)
        .execute();
      return { created: false };
    });
  }

  async deleteRating(userId: number, movieId: number): Promise<boolean> {
    const res = await this.db
      .deleteFrom('ratings')
      .where('user_id', '=', userId)
      .where('movie_id', '=', movieId)
      .executeTakeFirst();
    return res.numDeletedRows > 0n;
  }

  async deleteUser(userId: number): Promise<number> {
    // Explicit deletes rather than relying on ON DELETE CASCADE alone: erasure must not depend on
    // a connection having foreign keys switched on.
    return this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('batch_recommendations').where('user_id', '=', userId).execute();
      const res = await trx.deleteFrom('ratings').where('user_id', '=', userId).executeTakeFirst();
      await trx.deleteFrom('users').where('user_id', '=', userId).execute();
      return Number(res.numDeletedRows);
    });
  }

  async userRatings(userId: number): Promise<RatingRecord[]> {
    const rows = await this.db
      .selectFrom('ratings')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('timestamp')
      .orderBy('movie_id')
      .execute();
    return rows.map(rowToRating);
  }

  async *allRatings(pageSize = 10_000): AsyncIterable<RatingRecord[]> {
    let after: [number, number] | undefined;
    for (;;) {
      let q = this.db
        .selectFrom('ratings')
        .selectAll()
        .orderBy('user_id')
        .orderBy('movie_id')
        .limit(pageSize);
      if (after) {
        const [u, m] = after;
        // Row-value comparison: both backends walk the primary-key index from the last key seen.
        q = q.where((eb) => eb(eb.refTuple('user_id', 'movie_id'), '>', eb.tuple(u, m)));
      }
      const rows = await q.execute();
      if (rows.length > 0) yield rows.map(rowToRating);
      if (rows.length < pageSize) return;
      const last = rows[rows.length - 1];
      after = [last.user_id, last.movie_id];
    }
  }
}

/** Users exist implicitly: created by their first rating, never touched again here. */
async function ensureUsers(db: Db, userIds: number[]): Promise<void> {
  const createdAt = new Date().toISOString();
  for (const chunk of chunks(userIds, ROWS_PER_INSERT)) {
    await db
      .insertInto('users')
      .values(chunk.map((user_id) => ({ user_id, created_at: createdAt })))
      .onConflict((oc) => oc.column('user_id').doNothing())
      .execute();
  }
}
