/**
 * The SQLite backend: better-sqlite3 behind Kysely's SqliteDialect. Embedded and zero-setup, so it
 * is the default; one connection, which Kysely serialises, so transactions never interleave.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Sqlite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from './schema.js';
import { SqlStore } from './sql-store.js';
import type { Store } from './types.js';

/**
 * The file behind `sqlite:///abs/path.db`, `sqlite://rel/path.db`, `sqlite:path.db`,
 * `sqlite::memory:` or a plain path (no scheme).
 */
export function sqlitePath(databaseUrl: string): string {
  if (!databaseUrl.startsWith('sqlite:')) return databaseUrl;
  const rest = databaseUrl.slice('sqlite:'.length);
  if (rest === ':memory:') return ':memory:';
  const path = rest.startsWith('//') ? decodeURIComponent(rest.slice(2)) : rest;
  if (path === '') throw new Error(`no file path in database URL "${databaseUrl}"`);
  return path;
}

export async function openSqliteStore(databaseUrl: string): Promise<Store> {
  const path = sqlitePath(databaseUrl);
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const database = new Sqlite(path);
  try {
    // WAL: readers do not block the writer, and a commit appends to one file.
    const mode = database.pragma('journal_mode = WAL', { simple: true });
    if (path !== ':memory:' && mode !== 'wal')
      throw new Error(`could not switch ${path} to WAL (got ${mode})`);
    // FULL, not NORMAL: in WAL mode NORMAL skips the fsync at commit, so a committed rating can be
    // lost on power failure after the service has answered 2xx. FULL syncs the WAL on every
    // commit; bulk imports are one transaction, so they pay for it once.
    database.pragma('synchronous = FULL');
    // Off by default in SQLite, per connection; ratings → users/movies rely on it.
    database.pragma('foreign_keys = ON');
    // Wait for another process's write lock (a CLI import beside the server) instead of failing.
    database.pragma('busy_timeout = 5000');
  } catch (err) {
    database.close();
    throw err;
  }
  return new SqlStore(new Kysely<Database>({ dialect: new SqliteDialect({ database }) }), 'sqlite');
}
