import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parentPort } from 'node:worker_threads';
import type { Recommender } from '../models/base.js';
import '../models/index.js';
import { loadModel } from '../models/registry.js';

/**
 * Worker side of `cinerec batch`: loads the promoted artifact once per thread (checked against the
 * registry's sha256, so it is the model the engine serves) and answers the top-n of a range of
 * dense user indices, seen items filtered, as flat typed arrays.
 */
export interface BatchTask {
  artifactPath: string;
  sha256: string;
  /** Dense user indices (on a SharedArrayBuffer); the task covers [start, end). */
  users: Int32Array;
  start: number;
  end: number;
  n: number;
}

export interface BatchAnswer {
  nUsers: number;
  nItems: number;
  /** User k of the range owns ids/scores [offsets[k], offsets[k + 1]). */
  offsets: Int32Array;
  ids: Int32Array;
  scores: Float32Array;
}

const models = new Map<string, Promise<Recommender>>();

async function load(path: string, sha256: string): Promise<Recommender> {
  const digest = createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
  if (digest !== sha256) {
    throw new Error(`batch-worker: artifact ${path} changed since it was promoted (sha256 ${digest})`);
  }
  return loadModel(path);
}

async function answer(task: BatchTask): Promise<BatchAnswer> {
  const key = `${task.artifactPath}\0${task.sha256}`;
  let model = models.get(key);
  if (model === undefined) {
    model = load(task.artifactPath, task.sha256);
    models.set(key, model);
    model.catch(() => models.delete(key));
  }
  const ready = await model;
  const ranked = ready.recommend(task.users.subarray(task.start, task.end), { n: task.n, filterSeen: true });
  const offsets = new Int32Array(ranked.length + 1);
  for (let k = 0; k < ranked.length; k++) offsets[k + 1] = offsets[k] + ranked[k].ids.length;
  const ids = new Int32Array(offsets[ranked.length]);
  const scores = new Float32Array(offsets[ranked.length]);
  for (let k = 0; k < ranked.length; k++) {
    ids.set(ranked[k].ids, offsets[k]);
    scores.set(ranked[k].scores, offsets[k]);
  }
  return { nUsers: ready.nUsers, nItems: ready.nItems, offsets, ids, scores };
}

parentPort?.on('message', (task: BatchTask) => {
  answer(task).then(
    (result) =>
      parentPort?.postMessage({ result }, [
        result.offsets.buffer as ArrayBuffer,
        result.ids.buffer as ArrayBuffer,
        result.scores.buffer as ArrayBuffer,
      ]),
    (error: unknown) =>
      parentPort?.postMessage({ error: error instanceof Error ? error.message : String(error) }),
  );
});
