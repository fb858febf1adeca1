// A small service for tests: a synthetic catalog (genres follow tastes) in a memory store, tiny
// models, artifacts in a temporary CINEREC_HOME.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSynthetic, type SyntheticDataset } from '../data/synthetic.js';
import '../models/index.js';
import { MemoryStore } from '../store/memory.js';
import type { Store } from '../store/types.js';
import { serviceSettings } from './settings.js';
import { type Service, type StartOptions, startService } from './startup.js';

export const SMALL_PARAMS: Record<string, Record<string, unknown>> = {
  als: { factors: 12, iterations: 6, threads: 1 },
  svd: { factors: 12, epochs: 12 },
  itemknn: { neighbours: 60 },
};

let cached: SyntheticDataset | undefined;

/** 200 users × 300 movies, 12k half-star ratings; the same object every call (read-only). */
export function smallDataset(): SyntheticDataset {
  cached ??= generateSynthetic({ users: 200, items: 300, ratings: 12_000, seed: 7 });
  return cached;
}

export interface TestService extends Service {
  home: string;
  /** Close the service and delete its home. */
  dispose(): Promise<void>;
}

/** A started service over a fresh memory store (or `store`), first start: import, train, promote. */
export async function startTestService(
  options: StartOptions & { home?: string; store?: Store } = {},
): Promise<TestService> {
  const home = options.home ?? mkdtempSync(join(tmpdir(), 'cinerec-svc-'));
  const service = await startService(serviceSettings({ home, databaseUrl: 'sqlite::memory:' }, {}), {
    store: options.store ?? new MemoryStore(),
    dataset: smallDataset(),
    params: SMALL_PARAMS,
    skipMetrics: true,
    ...options,
  });
  return {
    ...service,
    home,
    dispose: async () => {
      await service.close();
      if (options.home === undefined) rmSync(home, { recursive: true, force: true });
    },
  };
}
