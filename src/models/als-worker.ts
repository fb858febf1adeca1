import { parentPort } from 'node:worker_threads';
import { type CgSolveTask, cgScratch, cgSolveRows, type GramTask, gramChunks } from './als-kernel.js';

/**
 * Worker side of parallel implicit ALS: runs one kernel over a row range of factor matrices that
 * live on SharedArrayBuffers, writing results in place, and answers `{result: null}` when done.
 */
type AlsTask = ({ op: 'cg' } & CgSolveTask) | ({ op: 'gram' } & GramTask);

parentPort?.on('message', (task: AlsTask) => {
  try {
    if (task.op === 'cg') cgSolveRows(task, cgScratch(task.factors));
    else if (task.op === 'gram') gramChunks(task);
    else throw new Error(`als-worker: unknown op ${(task as { op: string }).op}`);
    parentPort?.postMessage({ result: null });
  } catch (error) {
    parentPort?.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
});
