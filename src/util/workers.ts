import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/** Threads to use for parallel kernels: `CINEREC_THREADS`, else every core. */
export function threadCount(): number {
  const fromEnv = Number(process.env.CINEREC_THREADS);
  if (Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  return Math.max(1, availableParallelism());
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

/**
 * A fixed pool of worker threads running one module. Tasks are plain messages (typed arrays on
 * SharedArrayBuffers are shared, not copied); each worker answers `{id, result}` or `{id, error}`.
 * Running from TypeScript sources (tests, tsx), workers load through tsx's loader.
 */
export class WorkerPool {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly queue: { task: unknown; pending: Pending }[] = [];
  private readonly inFlight = new Map<Worker, Pending>();
  private closing = false;

  constructor(moduleUrl: URL, size = threadCount()) {
    for (let k = 0; k < size; k++) {
      const worker = spawn(moduleUrl);
      worker.on('message', (message: { result?: unknown; error?: string }) => {
        const pending = this.inFlight.get(worker);
        this.inFlight.delete(worker);
        if (pending !== undefined) {
          if (message.error !== undefined) pending.reject(new Error(message.error));
          else pending.resolve(message.result);
        }
        this.dispatch(worker);
      });
      worker.on('error', (error) => this.retire(worker, error));
      worker.on('exit', (code) => this.retire(worker, new Error(`worker thread exited with code ${code}`)));
      worker.unref();
      this.workers.push(worker);
      this.idle.push(worker);
    }
  }

  get size(): number {
    return this.workers.length;
  }

  run<T>(task: unknown): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.workers.length === 0) {
        reject(new Error('WorkerPool: no worker thread is alive'));
        return;
      }
      this.queue.push({ task, pending: { resolve: resolve as (v: unknown) => void, reject } });
      const worker = this.idle.pop();
      if (worker !== undefined) this.dispatch(worker);
    });
  }

  private dispatch(worker: Worker): void {
    const next = this.queue.shift();
    if (next === undefined) {
      // An idle pool must not keep the process alive; a busy worker must (a CLI awaits its answer).
      worker.unref();
      if (!this.idle.includes(worker)) this.idle.push(worker);
      return;
    }
    worker.ref();
    this.inFlight.set(worker, next.pending);
    worker.postMessage(next.task);
  }

  /**
   * A worker that errored or exited is dropped: its task fails with the cause, and when no worker
   * is left the queued tasks fail too, so a fit never waits on a dead thread.
   */
  private retire(worker: Worker, cause: Error): void {
    const index = this.workers.indexOf(worker);
    if (index < 0) return;
    this.workers.splice(index, 1);
    const idleAt = this.idle.indexOf(worker);
    if (idleAt >= 0) this.idle.splice(idleAt, 1);
    const pending = this.inFlight.get(worker);
    this.inFlight.delete(worker);
    if (this.closing) return;
    pending?.reject(cause);
    if (this.workers.length === 0) {
      for (const queued of this.queue.splice(0)) queued.pending.reject(cause);
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/**
 * A worker for `moduleUrl`. TypeScript sources (under vitest or tsx) get tsx's loader registered
 * inside the worker first, since loaders of the parent thread do not carry over.
 */
function spawn(moduleUrl: URL): Worker {
  if (!moduleUrl.pathname.endsWith('.ts')) return new Worker(moduleUrl);
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(moduleUrl.href)}); });`;
  return new Worker(bootstrap, { eval: true });
}

/** Split 0..n into `parts` contiguous ranges of near-equal size. */
export function splitRange(n: number, parts: number): [number, number][] {
  const ranges: [number, number][] = [];
  for (let k = 0; k < parts; k++) {
    const start = Math.floor((n * k) / parts);
    const end = Math.floor((n * (k + 1)) / parts);
    if (end > start) ranges.push([start, end]);
  }
  return ranges;
}

/**
 * Split 0..n into at most `parts` contiguous ranges of near-equal cost, each at least one unit
 * long; `costBefore(end)` is the total cost of units [0, end), non-decreasing from 0.
 */
export function balancedRanges(
  n: number,
  parts: number,
  costBefore: (end: number) => number,
): [number, number][] {
  const total = costBefore(n);
  const ranges: [number, number][] = [];
  let start = 0;
  for (let k = 1; k <= parts && start < n; k++) {
    let end = start;
    const target = (total * k) / parts;
    while (end < n && (costBefore(end + 1) <= target || end === start)) end++;
    if (k === parts) end = n;
    ranges.push([start, end]);
    start = end;
  }
  if (start < n) ranges.push([start, n]);
  return ranges;
}

/** Copy a typed array onto shared memory so workers see it without copying. */
export function shared<T extends Float32Array | Float64Array | Int32Array>(a: T): T {
  const Ctor = a.constructor as new (buffer: SharedArrayBuffer) => T;
  const out = new Ctor(new SharedArrayBuffer(a.byteLength));
  out.set(a as never);
  return out;
}
