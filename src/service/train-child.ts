// One registry training run in a process of its own. The learned models' fits are minutes of
// mostly synchronous work, which would stall a server's event loop for seconds at a time, so
// `trainInBackground` forks this module instead; the server then serves the promoted run.
// Argument: a JSON `ChildTask`. Exit code 0 once the run is trained and promoted.
import '../models/index.js';
import { openStore } from '../store/open.js';
import { ModelRegistry } from './registry.js';

export interface ChildTask {
  algorithm: string;
  home: string;
  databaseUrl: string;
  seed: number;
}

const task = JSON.parse(process.argv[2] ?? '{}') as ChildTask;
const abort = new AbortController();
// The server closing (SIGTERM), or gone without a word (the IPC channel closed): the fit stops and
// the registry records the run as failed, not half-made. The parent kills what does not stop.
process.on('SIGTERM', () => abort.abort());
process.on('disconnect', () => abort.abort());
process.channel?.unref(); // listening must not keep the process alive once its work is done
const store = await openStore(task.databaseUrl);
try {
  const registry = new ModelRegistry(store, { home: task.home, seed: task.seed });
  const run = await registry.train(task.algorithm, { signal: abort.signal });
  // Trained but told to stop: a server that is closing must not find a new promotion after it.
  if (abort.signal.aborted) throw new Error(`${task.algorithm}: stopped before promotion`);
  await registry.promote(run.id);
} finally {
  await store.close();
}
