/**
 * The PostgreSQL backend: a pg Pool behind Kysely's PostgresDialect. `?schema=name` in the URL puts
 * the tables in that schema (search_path set per connection), which tests use for isolation.
 */
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';
import { SqlStore } from './sql-store.js';
import type { Store } from './types.js';

const INT8_OID = 20;

/**
 * pg returns int8 (bigint columns, count(*)) as strings to avoid precision loss. Ours are Unix
 * seconds and row counts, far below 2^53, so parse them, refusing anything that would round.
 */
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === INT8_OID && format !== 'binary') {
      return (value: string) => {
        const n = Number(value);
        if (!Number.isSafeInteger(n)) throw new RangeError(`int8 ${value} does not fit a JS number`);
        return n;
      };
    }
    return pg.types.getTypeParser(oid, format);
  }) as pg.CustomTypesConfig['getTypeParser'],
};

export async function openPostgresStore(databaseUrl: string): Promise<Store> {
  const url = new URL(databaseUrl);
  const schema = url.searchParams.get('schema') ?? undefined;
  url.searchParams.delete('schema');
  if (schema !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(schema)) {
    throw new Error(`schema "${schema}" must be a plain identifier (letters, digits, _)`);
  }
  const pool = new pg.Pool({
    connectionString: url.toString(),
    types,
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
  });
  // An idle client losing its connection (server restart) emits 'error' on the pool; unhandled,
  // that would kill the process. The pool discards the client and the next query reconnects.
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
    const current = rows[0]?.schema;
    if (!current)
      throw new Error(`no schema to create tables in (schema ${schema ?? 'of search_path'} missing?)`);
    return new SqlStore(db, 'postgres', current);
  } catch (err) {
    await db.destroy();
    throw err;
  }
}
