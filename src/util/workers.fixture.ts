import { parentPort } from 'node:worker_threads';

/** Test worker: sums a slice of a shared array. */
parentPort?.on('message', (task: { data: Float64Array; start: number; end: number }) => {
  if (task.start === -2) process.exit(3); // a thread that dies without answering
  if (task.start < 0) {
    parentPort?.postMessage({ error: 'bad range' });
    return;
  }
  let sum = 0;
  for (let i = task.start; i < task.end; i++) sum += task.data[i];
  parentPort?.postMessage({ result: sum });
});
