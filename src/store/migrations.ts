/**
 * Versioned schema migrations, in code (no migration folder to ship or locate at run time) and
 * applied by Kysely's Migrator at open. Never edit a released migration: add 0002_… instead.
 * Migrator records applied names in kysely_migration and takes a lock (advisory on PostgreSQL),
 * so several processes opening the same database at once apply each migration once.
 */
import { type Kysely, type Migration, Migrator, sql } from 'kysely';
import type { Database } from './schema.js';

/** The two SQL dialects one code path serves; they differ only in how the id column is generated. */
export type SqlDialectName = 'sqlite' | 'postgres';

export function migrations(dialect: SqlDialectName): Record<string, Migration> {
  return {
    '0001_init': {
      // biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's Database type
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('movies')
          .addColumn('movie_id', 'integer', (c) => c.primaryKey())
          .addColumn('title', 'text', (c) => c.notNull())
          .addColumn('search_title', 'text', (c) => c.notNull())
          .addColumn('year', 'integer')
          .addColumn('genres', 'text', (c) => c.notNull().defaultTo('[]'))
          .addColumn('tmdb_id', 'integer')
          .addColumn('imdb_id', 'text')
          .addColumn('overview', 'text')
          .addColumn('tagline', 'text')
          .addColumn('keywords', 'text', (c) => c.notNull().defaultTo('[]'))
          .addColumn('tags', 'text', (c) => c.notNull().defaultTo('[]'))
          .addColumn('vote_average', 'double precision')
          .addColumn('vote_count', 'integer')
          .addColumn('popularity', 'double precision')
          .addColumn('runtime', 'integer')
          .addColumn('release_date', 'text')
          .execute();
        await db.schema.createIndex('movies_year').on('movies').column('year').execute();

        await db.schema
          .createTable('users')
          .addColumn('user_id', 'integer', (c) => c.primaryKey())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();

        await db.schema
          .createTable('ratings')
          .addColumn('user_id', 'integer', (c) => c.notNull().references('users.user_id').onDelete('cascade'))
          .addColumn('movie_id', 'integer', (c) => c.notNull().references('movies.movie_id'))
          // The database is the last line of defence against bad input: MovieLens scale only.
          .addColumn('rating', 'double precision', (c) =>
            c.notNull().check(sql`rating >= 0.5 and rating <= 5`),
          )
          // Unix seconds; bigint so 2038 is not a limit (pg's int8 parser is set to number, postgres.ts).
          .addColumn('timestamp', 'bigint', (c) => c.notNull())
          .addColumn('source', 'text', (c) => c.notNull().check(sql`source in ('import', 'api', 'batch')`))
          .addPrimaryKeyConstraint('ratings_pk', ['user_id', 'movie_id'])
          .execute();
        // Item-side access (item-item models, "who rated this") and the FK check on movie delete.
        await db.schema.createIndex('ratings_movie_id').on('ratings').column('movie_id').execute();

        await db.schema
          .createTable('model_runs')
          .addColumn('id', 'integer', (c) =>
            dialect === 'sqlite'
              ? c.primaryKey().autoIncrement()
              : c.primaryKey().generatedByDefaultAsIdentity(),
          )
          .addColumn('algorithm', 'text', (c) => c.notNull())
          .addColumn('params', 'text', (c) => c.notNull().defaultTo('{}'))
          .addColumn('dataset_fingerprint', 'text', (c) => c.notNull())
          .addColumn('metrics', 'text', (c) => c.notNull().defaultTo('{}'))
          .addColumn('artifact_path', 'text')
          .addColumn('artifact_sha256', 'text')
          .addColumn('status', 'text', (c) =>
            c.notNull().check(sql`status in ('training', 'trained', 'failed', 'promoted', 'retired')`),
          )
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('promoted_at', 'text')
          .addColumn('error', 'text')
          .execute();
        // At most one promoted run per algorithm, enforced by the database (partial unique index).
        await db.schema
          .createIndex('model_runs_one_promoted')
          .on('model_runs')
          .column('algorithm')
          .unique()
          .where(sql.ref('status'), '=', 'promoted')
          .execute();

        await db.schema
          .createTable('batch_recommendations')
          .addColumn('user_id', 'integer', (c) =>
            c.primaryKey().references('users.user_id').onDelete('cascade'),
          )
          .addColumn('model_run_id', 'integer', (c) =>
            c.notNull().references('model_runs.id').onDelete('cascade'),
          )
          .addColumn('movie_ids', 'text', (c) => c.notNull())
          .addColumn('scores', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('batch_recommendations_model_run_id')
          .on('batch_recommendations')
          .column('model_run_id')
          .execute();
      },
    },
  };
}

/**
 * Apply every pending migration. `schema` pins Kysely's bookkeeping tables on PostgreSQL: without
 * it Migrator looks for kysely_migration in *any* schema and would mistake another schema's table
 * (another test run, another tenant) for ours.
 */
export async function migrateToLatest(
  db: Kysely<Database>,
  dialect: SqlDialectName,
  schema?: string,
): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations(dialect) },
    ...(schema === undefined ? {} : { migrationTableSchema: schema }),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`database migration ${failed ?? ''} failed: ${reason}`, { cause: error });
  }
}
