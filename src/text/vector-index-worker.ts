import { parentPort } from 'node:worker_threads';
import { buildVectorIndex, type rebuildInputs, type VectorIndexState } from './vector-index.js';

/**
 * Worker side of `rebuildOffThread`: builds the index (its HNSW graph, the slow part) from the rows
 * given and answers its state, graph bytes included, so the service's thread never blocks on it.
 */
export type RebuildTask = ReturnType<typeof rebuildInputs>;

parentPort?.on('message', (task: RebuildTask) => {
  try {
    const state: VectorIndexState = buildVectorIndex(task.keys, task.rows, task.options).toState();
    const buffers = Object.values(state.arrays).map((a) => a.buffer as ArrayBuffer);
    parentPort?.postMessage({ result: state }, buffers);
  } catch (error) {
    parentPort?.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
});
