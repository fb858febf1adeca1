import { copyFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryStore } from '../store/memory.js';
import { ServiceError } from './errors.js';
import { ModelRegistry } from './registry.js';
import { SMALL_PARAMS, startTestService, type TestService } from './service.fixture.js';

let svc: TestService;
let store: MemoryStore;

beforeAll(async () => {
  store = new MemoryStore();
  svc = await startTestService({ store });
});

afterAll(async () => {
  await svc.dispose();
});

async function refusal(promise: Promise<unknown>): Promise<ServiceError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ServiceError);
  return error as ServiceError;
}

describe('ModelRegistry', () => {
  it('records a run with holdout metrics and a checksummed artifact', async () => {
    const run = await svc.registry.train('svd', { params: SMALL_PARAMS.svd });
    expect(run).toMatchObject({ algorithm: 'svd', status: 'trained', error: null });
    expect(run.metrics['holdout.rmse']).toBeGreaterThan(0.3);
    expect(run.metrics['holdout.rmse']).toBeLessThan(1.5);
    expect(run.metrics.fitSeconds).toBeGreaterThan(0);
    expect(run.artifactPath).toMatch(/svd-\d+\.cinerec$/);
    expect(run.artifactSha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('promotes a run, then rolls back to the one promoted before', async () => {
    const first = svc.engine.snapshot.model('als')?.run.id as number;
    const run = await svc.engine.train('als', { params: SMALL_PARAMS.als, skipMetrics: true, promote: true });
    expect(svc.engine.snapshot.model('als')?.run.id).toBe(run.id);
    expect((await svc.registry.get(first)).status).toBe('trained');
    const back = await svc.engine.rollback('als');
    expect(back.id).toBe(first);
    expect(svc.engine.snapshot.model('als')?.run.id).toBe(first);
    expect((await svc.registry.get(run.id)).status).toBe('trained');
  });

  it('refuses a corrupt, a missing or a swapped artifact; the serving model stays', async () => {
    const serving = svc.engine.snapshot.model('svd')?.run.id;
    const make = () => svc.registry.train('svd', { params: SMALL_PARAMS.svd, skipMetrics: true });

    const corrupt = await make();
    const bytes = await readFile(corrupt.artifactPath as string);
    bytes[bytes.length - 3] ^= 0xff;
    writeFileSync(corrupt.artifactPath as string, bytes);
    const e1 = await refusal(svc.engine.promote(corrupt.id));
    expect(e1.message).toMatch(new RegExp(`^model run ${corrupt.id} \\(svd\\): artifact .* has sha256 `));

    const missing = await make();
    rmSync(missing.artifactPath as string);
    const e2 = await refusal(svc.engine.promote(missing.id));
    expect(e2.message).toContain('cannot be read (ENOENT)');

    // A valid artifact of another run, put in its place: its own checksum holds, the registry's does not.
    const swapped = await make();
    copyFileSync(
      svc.engine.snapshot.model('svd')?.run.artifactPath as string,
      swapped.artifactPath as string,
    );
    const e3 = await refusal(svc.engine.promote(swapped.id));
    expect(e3.message).toContain('the registry recorded');

    expect(svc.engine.snapshot.model('svd')?.run.id).toBe(serving);
    expect((await svc.registry.promoted()).find((r) => r.algorithm === 'svd')?.id).toBe(serving);
    expect((await svc.engine.recommend(1, { model: 'svd', n: 3 })).items).toHaveLength(3);
  });

  it('refuses to promote an unknown run, and a rollback with no earlier promotion', async () => {
    expect((await refusal(svc.engine.promote(9_999))).message).toBe('unknown model run 9999');
    expect((await refusal(svc.engine.rollback('itemknn'))).message).toBe(
      'no earlier promoted run of itemknn to roll back to',
    );
  });

  it('swaps a promotion in while requests run: none fails', async () => {
    const candidate = await svc.registry.train('als', { params: SMALL_PARAMS.als, skipMetrics: true });
    const errors: unknown[] = [];
    let done = 0;
    let stop = false;
    const runners = Array.from({ length: 4 }, async (_, k) => {
      while (!stop) {
        try {
          const answer = await svc.engine.recommend(1 + k, { n: 10 });
          expect(answer.items).toHaveLength(10);
          await svc.engine.score(1 + k, [1, 2]);
          done++;
        } catch (error) {
          errors.push(error);
        }
        await new Promise((resolve) => setImmediate(resolve));
      }
    });
    for (let round = 0; round < 6; round++) {
      await svc.engine.promote(candidate.id);
      await svc.engine.rollback('als');
    }
    stop = true;
    await Promise.all(runners);
    expect(errors).toEqual([]);
    expect(done).toBeGreaterThan(10);
  });

  it('picks up a promotion made by another process, and refuses a broken one once', async () => {
    const other = new ModelRegistry(store, { home: svc.home });
    const run = await other.train('popularity', { skipMetrics: true });
    await other.promote(run.id);
    expect(svc.engine.snapshot.model('popularity')?.run.id).not.toBe(run.id);
    expect((await svc.engine.syncPromoted()).installed.map((r) => r.id)).toEqual([run.id]);
    expect(svc.engine.snapshot.model('popularity')?.run.id).toBe(run.id);

    const broken = await other.train('popularity', { skipMetrics: true });
    await other.promote(broken.id);
    writeFileSync(broken.artifactPath as string, 'not an artifact');
    const sync = await svc.engine.syncPromoted();
    expect(sync.failed.map((f) => f.run.id)).toEqual([broken.id]);
    expect(svc.engine.snapshot.model('popularity')?.run.id).toBe(run.id);
    expect((await svc.engine.syncPromoted()).failed).toEqual([]);
    await svc.engine.promote(run.id);
  });

  it('a later start loads the promoted artifacts without training', async () => {
    const before = await svc.registry.list();
    const again = await startTestService({ store, home: svc.home });
    expect(await again.registry.list()).toHaveLength(before.length);
    expect(again.engine.snapshot.versions()).toEqual(svc.engine.snapshot.versions());
    expect((await again.engine.recommend(1, { n: 5 })).items).toHaveLength(5);
  });
});
