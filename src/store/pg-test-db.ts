/**
 * Finding the test PostgreSQL server and giving each store a schema of its own. CINEREC_TEST_PG_URL
 * when set (and then only it); otherwise trust-auth roles postgres, then root, on 127.0.0.1:5432/test.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

const CANDIDATES = process.env.CINEREC_TEST_PG_URL
  ? [process.env.CINEREC_TEST_PG_URL]
  : ['postgres://postgres@127.0.0.1:5432/test', 'postgres://root@127.0.0.1:5432/test'];

/** The first candidate URL that accepts a connection, or the errors of all of them. */
export async function findTestPostgres(): Promise<{ url: string } | { errors: string[] }> {
  const errors: string[] = [];
  for (const url of CANDIDATES) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
    try {
      await client.connect();
      await client.query('select 1');
      return { url };
    } catch (err) {
      errors.push(`${url}: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      await client.end().catch(() => {});
    }
  }
  return { errors };
}

/** Per test run, so parallel runs (and leftovers of killed ones) never collide. */
const RUN_ID = randomBytes(4).toString('hex');
let serial = 0;

/** A fresh schema cinerec_test_<run>_<n>; `url` targets it, `drop` removes it with its tables. */
export async function createTestSchema(baseUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const schema = `cinerec_test_${RUN_ID}_${serial++}`;
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: baseUrl });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await admin(`create schema ${schema}`);
  const url = new URL(baseUrl);
  url.searchParams.set('schema', schema);
  return { url: url.toString(), drop: () => admin(`drop schema if exists ${schema} cascade`) };
}
