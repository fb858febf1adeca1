import { parentPort } from 'node:worker_threads';
import { Rng } from '../math/random.js';
import { squaredError } from '../nn/loss.js';
import { PEOPLE_SLOTS } from './neural-content.js';
import { NUMERIC_WIDTH } from './neural-features.js';
import { type Batch, HybridNet, type NetConfig } from './neural-net.js';

/**
 * Worker side of data-parallel training (neural-parallel.ts): holds a HybridNet whose values are
 * the main thread's parameters on shared memory, and per step computes the forward and the dense
 * backward of its share of the batch, leaving the dense gradients, ∂L/∂pred and the input
 * gradient (for the embedding scatter the main thread does) in shared buffers.
 */
export interface WorkerIo {
  users: Int32Array;
  items: Int32Array;
  keep: Float32Array;
  genres: Float32Array;
  numeric: Float32Array;
  text: Float32Array;
  people: Int32Array;
  targets: Float32Array;
  dPred: Float32Array;
  inputGrad: Float32Array;
}

export type NeuralTask =
  | { op: 'init'; config: NetConfig; mu: number; values: Float32Array[]; grads: Float32Array[]; io: WorkerIo }
  | { op: 'step'; size: number; total: number; seed: number };

let state: { net: HybridNet; io: WorkerIo; pred: Float32Array } | undefined;

function step(size: number, total: number, seed: number): number {
  if (state === undefined) throw new Error('neural-worker: step before init');
  const { net, io, pred } = state;
  for (const p of net.denseParams()) p.grad.fill(0);
  const g = net.config.genreWidth;
  const batch: Batch = {
    size,
    users: io.users.subarray(0, size),
    items: io.items.subarray(0, size),
    keep: io.keep.subarray(0, size),
    genres: io.genres.subarray(0, size * g),
    numeric: io.numeric.subarray(0, size * NUMERIC_WIDTH),
  };
  if (net.textLayer !== undefined) batch.text = io.text.subarray(0, size * (net.config.textWidth ?? 0));
  if (net.peopleEmb !== undefined) batch.people = io.people.subarray(0, size * PEOPLE_SLOTS);
  net.forward(batch, pred, new Rng(seed));
  const sse = squaredError(pred, io.targets, size, total, io.dPred);
  net.backwardDense(batch, io.dPred);
  io.inputGrad.set(net.inputGrad.subarray(0, size * net.width));
  return sse;
}

parentPort?.on('message', (task: NeuralTask) => {
  try {
    if (task.op === 'init') {
      const net = new HybridNet(task.config, new Rng(1));
      net.mu = task.mu;
      net.allParams().forEach((p, k) => {
        p.value = task.values[k];
      });
      net.denseParams().forEach((p, k) => {
        p.grad = task.grads[k];
      });
      state = { net, io: task.io, pred: new Float32Array(task.io.targets.length) };
      parentPort?.postMessage({ result: null });
    } else if (task.op === 'step') {
      parentPort?.postMessage({ result: step(task.size, task.total, task.seed) });
    } else {
      throw new Error(`neural-worker: unknown op ${(task as { op: string }).op}`);
    }
  } catch (error) {
    parentPort?.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
});
