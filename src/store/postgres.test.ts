/**
 * The Store contract against PostgreSQL. Without a reachable server the suite is skipped with a
 * message, except under CI, where a missing database must fail the build rather than hide it.
 */
import { describe, it } from 'vitest';
import { openStore } from './open.js';
import { createTestSchema, findTestPostgres } from './pg-test-db.js';
import { describeStore } from './store.contract.js';

const found = await findTestPostgres();

if ('url' in found) {
  describeStore(`postgres (${found.url}, schema per test)`, async () => {
    const { url, drop } = await createTestSchema(found.url);
    return { store: await openStore(url), reopen: () => openStore(url), dispose: drop };
  });
} else if (process.env.CI) {
  describe('Store contract: postgres', () => {
    it('needs a PostgreSQL server under CI', () => {
      throw new Error(`no PostgreSQL reachable:\n${found.errors.join('\n')}`);
    });
  });
} else {
  console.warn(`Skipping the PostgreSQL store suite, no server reachable:\n${found.errors.join('\n')}`);
  describe.skip('Store contract: postgres (no server; set CINEREC_TEST_PG_URL)', () => {
    it('skipped', () => {});
  });
}
