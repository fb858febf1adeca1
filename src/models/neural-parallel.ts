import type { ItemFeatures } from './neural-features.js';
import type { HybridNet } from './neural-net.js';
import type { GradientEngine } from './neural-train.js';

/** Placeholder until the worker engine lands: single thread. */
export async function parallelEngine(
  _net: HybridNet,
  _features: ItemFeatures,
  _threads: number,
  _batchSize: number,
): Promise<GradientEngine | undefined> {
  return undefined;
}
