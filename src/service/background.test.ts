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

  it('stops the child mid-training when the server closes: the run fails, nothing is promoted', async () => {
    const abort = new AbortController();
    const errors: string[] = [];
    const log = { info: () => {}, warn: () => {}, error: (_: unknown, m: string) => errors.push(m) };
    const before = new Set((await service.registry.list()).map((run) => run.id));
    const started = async () => (await service.registry.list()).find((run) => !before.has(run.id));
    let done = false;
    // Close the "server" once the child has recorded its run and is fitting, not before it forks.
    const watch = (async () => {
      while (!done) {
        if ((await started())?.status === 'training') return abort.abort();
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    await trainInBackground(service, ['twostage'], { log, signal: abort.signal });
    done = true;
    await watch;
    expect(abort.signal.aborted).toBe(true);
    expect(errors).toEqual([]);
    const run = await started();
    expect(run?.status).toBe('failed');
    expect(run?.error).toMatch(/cancelled|stopped before promotion/);
    expect(service.engine.snapshot.model('twostage')).toBeUndefined();
    expect((await service.registry.promoted()).map((r) => r.algorithm)).not.toContain('twostage');
  });
});
