/** Opening a store from a database URL: the scheme picks the backend, then migrations run. */
import { openPostgresStore } from './postgres.js';
import { openSqliteStore } from './sqlite.js';
import type { Store } from './types.js';

/** Backends by URL scheme. A string without a scheme is a SQLite file path. */
const BACKENDS: ReadonlyMap<string, (databaseUrl: string) => Promise<Store>> = new Map([
  ['sqlite', openSqliteStore],
  ['postgres', openPostgresStore],
  ['postgresql', openPostgresStore],
]);

/** The URL schemes openStore accepts. */
export function storeSchemes(): string[] {
  return [...BACKENDS.keys()];
}

/**
 * Open the store behind `databaseUrl` (`sqlite:///abs/cinerec.db`, `sqlite::memory:`, a plain file
 * path, or `postgres://user@host:5432/db[?schema=name]`) and apply pending migrations.
 */
export async function openStore(databaseUrl: string): Promise<Store> {
  // Two letters at least, so a Windows drive (C:\…) reads as a path, not a scheme.
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]+):/.exec(databaseUrl)?.[1]?.toLowerCase() ?? 'sqlite';
  const open = BACKENDS.get(scheme);
  if (!open) {
    const supported = storeSchemes().map((s) => `${s}:`);
    throw new Error(
      `unsupported database URL scheme "${scheme}:"; supported: ${supported.join(', ')} or a file path`,
    );
  }
  const store = await open(databaseUrl);
  try {
    await store.migrate();
  } catch (err) {
    await store.close();
    throw err;
  }
  return store;
}
