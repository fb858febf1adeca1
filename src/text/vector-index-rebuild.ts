import { WorkerPool } from '../util/workers.js';
import {
  rebuildInputs,
  restoreVectorIndex,
  type VectorIndex,
  type VectorIndexState,
} from './vector-index.js';

const WORKER_URL = new URL(
  `./vector-index-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`,
  import.meta.url,
);

/**
 * `index` rebuilt (its kind chosen again by size) on a worker thread: a graph build of 100k rows
 * takes about a minute, which on the service's thread would stall every request. The rows are
 * copied before this returns its promise; writes to `index` after that are the caller's to replay
 * (TextSearch.rebuildIndex does). Reading the graph back in is the only part on this thread.
 */
export async function rebuildOffThread(index: VectorIndex): Promise<VectorIndex> {
  const task = rebuildInputs(index);
  const pool = new WorkerPool(WORKER_URL, 1);
  try {
    return restoreVectorIndex(await pool.run<VectorIndexState>(task));
  } finally {
    await pool.close();
  }
}
