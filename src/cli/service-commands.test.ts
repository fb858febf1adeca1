// `cinerec train --model` into the registry, `models list|promote|rollback`, in-process, on a
// SQLite store in a temporary CINEREC_HOME holding the small synthetic catalog.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Run, cli as runCinerec } from '../../test/cli-harness.js';
import { smallDataset } from '../service/service.fixture.js';
import { importDataset } from '../service/startup.js';
import { openStore } from '../store/open.js';

let home = '';
let db = '';

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'cinerec-cli-svc-'));
  db = `sqlite://${join(home, 'cinerec.db')}`;
  const store = await openStore(db);
  await importDataset(store, smallDataset());
  await store.close();
});

afterAll(() => {
  rmSync(home, { recursive: true, force: true });
});

/** `cinerec …args` in-process against the temporary home and its SQLite store. */
function cli(...args: string[]): Promise<Run> {
  return runCinerec(...args, '--home', home, '--database-url', db);
}

describe('cinerec registry commands', () => {
  it('trains runs into the registry, lists, promotes and rolls back', async () => {
    const first = await cli('train', '--model', 'popularity', '--promote');
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const run1 = JSON.parse(first.stdout);
    expect(run1).toMatchObject({ algorithm: 'popularity', status: 'promoted' });
    expect(run1.metrics['holdout.rmse']).toBeGreaterThan(0);

    const second = JSON.parse(
      (await cli('train', '--model', 'popularity', '--set', 'popularity.minVotes=3')).stdout,
    );
    expect(second).toMatchObject({ status: 'trained', params: { minVotes: 3 } });
    const promoted = await cli('models', 'promote', String(second.id));
    expect(promoted.stdout).toMatch(new RegExp(`^ +${second.id} +popularity +promoted `));

    const list = await cli('models', 'list');
    expect(list.stdout.trimEnd().split('\n')).toHaveLength(2);
    expect(list.stdout).toMatch(new RegExp(`^ +${run1.id} +popularity +trained .*rmse=`, 'm'));

    const back = await cli('models', 'rollback', 'popularity');
    expect(back.stdout).toMatch(new RegExp(`^ +${run1.id} +popularity +promoted `));
  });

  it('batch writes every user’s top-N, training the missing default models first', async () => {
    const run = await cli('batch', '--n', '3');
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ users: 200, n: 3, modelRunId: expect.any(Number) });
    const store = await openStore(db);
    try {
      expect((await store.getBatchRecommendation(1))?.movieIds).toHaveLength(3);
    } finally {
      await store.close();
    }
  });

  it('refuses unknown runs and algorithms with one line', async () => {
    const unknown = await cli('models', 'promote', '999');
    expect(unknown).toMatchObject({ code: 1, stderr: 'cinerec: unknown model run 999\n' });
    const none = await cli('models', 'rollback', 'svd');
    expect(none.stderr).toBe('cinerec: no earlier promoted run of svd to roll back to\n');
    const out = await cli('train', '--model', 'popularity', '--out', join(home, 'x.cinerec'));
    expect(out.stderr).toMatch(/^cinerec: --out needs --dataset/);
  });
});
