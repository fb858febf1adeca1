import { parentPort } from 'node:worker_threads';
import {
  type NeighbourScratch,
  type NeighbourTask,
  neighbourRange,
  neighbourScratch,
} from './itemknn-kernel.js';

/**
 * Worker side of parallel ItemKNN: fills the neighbour lists of one item range in outputs that
 * live on SharedArrayBuffers, and answers `{result: null}` when done. The accumulators are kept
 * between tasks of the same shape, since a fit sends each worker several ranges.
 */
let scratch: NeighbourScratch | undefined;

parentPort?.on('message', (task: NeighbourTask) => {
  try {
    if (
      scratch === undefined ||
      scratch.freq.length !== task.nItems ||
      scratch.heapIds.length !== task.neighbours
    ) {
      scratch = neighbourScratch(task.nItems, task.neighbours);
    }
    neighbourRange(task, scratch);
    parentPort?.postMessage({ result: null });
  } catch (error) {
    parentPort?.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
});
