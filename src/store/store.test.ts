import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MemoryStore } from './memory.js';
import { openStore, storeSchemes } from './open.js';
import { sqlitePath } from './sqlite.js';
import { describeStore } from './store.contract.js';

describeStore('memory', async () => ({ store: new MemoryStore() }));

describeStore('sqlite (temp file)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cinerec-store-'));
  const url = `sqlite://${join(dir, 'nested', 'cinerec.db')}`;
  return {
    store: await openStore(url),
    reopen: () => openStore(url),
    dispose: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

describe('openStore', () => {
  it('reads SQLite paths from URLs and plain paths', () => {
    expect(sqlitePath('sqlite:///abs/path/cinerec.db')).toBe('/abs/path/cinerec.db');
    expect(sqlitePath('sqlite://rel/cinerec.db')).toBe('rel/cinerec.db');
    expect(sqlitePath('sqlite:rel.db')).toBe('rel.db');
    expect(sqlitePath('sqlite::memory:')).toBe(':memory:');
    expect(sqlitePath('/plain/path.db')).toBe('/plain/path.db');
  });

  it('leaves a SQLite file in WAL mode with the schema at version 0001', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cinerec-store-'));
    try {
      const path = join(dir, 'cinerec.db');
      await (await openStore(path)).close();
      const raw = new Sqlite(path, { readonly: true });
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(raw.prepare('select name from kysely_migration').pluck().all()).toEqual(['0001_init']);
      raw.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('opens an in-memory SQLite database', async () => {
    const store = await openStore('sqlite::memory:');
    expect(await store.counts()).toEqual({ movies: 0, users: 0, ratings: 0 });
    await store.close();
  });

  it('names the supported schemes for an unknown one', async () => {
    expect(storeSchemes()).toEqual(['sqlite', 'postgres', 'postgresql']);
    await expect(openStore('mysql://localhost/db')).rejects.toThrow(
      'unsupported database URL scheme "mysql:"; supported: sqlite:, postgres:, postgresql: or a file path',
    );
  });
});
