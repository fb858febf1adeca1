import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMALL_PARAMS, smallDataset } from './service.fixture.js';
import { serviceSettings } from './settings.js';
import { type Service, startService, trainInBackground } from './startup.js';

// A store on disk, so that the training runs in a child process as it does under `cinerec serve`.
let home: string;
let service: Service;

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'cinerec-background-'));
  const settings = serviceSettings({ home, databaseUrl: `sqlite://${join(home, 'cinerec.db')}` }, {});
  service = await startService(settings, {
    dataset: smallDataset(),
    params: SMALL_PARAMS,
    skipMetrics: true,
  });
});

afterAll(async () => {
  await service?.close();
  rmSync(home, { recursive: true, force: true });
});

describe('background training in a child process', () => {
  it('trains and promotes in the child, then serves the run; a failing child is logged', async () => {
    const errors: string[] = [];
    const log = {
      info: () => {},
      warn: () => {},
      error: (_: unknown, message: string) => errors.push(message),
    };
    await trainInBackground(service, ['nonexistent', 'baseline'], { log });
    expect(errors).toEqual([
      expect.stringMatching(
        /nonexistent: the training process exited with 1: .*unknown model 'nonexistent'/s,
      ),
    ]);
    const served = service.engine.snapshot.model('baseline');
    expect(served?.run.status).toBe('promoted');
    // The child recorded the run with its holdout metrics, in the store this process reads.
    expect(served?.run.metrics['holdout.rmse']).toBeGreaterThan(0);
    expect(served?.model.predict(0, 0).ok).toBe(true);
  });

  it('stops the child when the server closes, leaving nothing promoted', async () => {
    const abort = new AbortController();
    const errors: string[] = [];
    const log = {
      info: () => abort.abort(),
      warn: () => {},
      error: (_: unknown, m: string) => errors.push(m),
    };
    await trainInBackground(service, ['bpr'], { log, signal: abort.signal });
    expect(errors).toEqual([]);
    expect(service.engine.snapshot.model('bpr')).toBeUndefined();
    expect((await service.registry.promoted()).map((run) => run.algorithm)).not.toContain('bpr');
  });
});
