import type { Dataset } from '../data/dataset.js';
import type { Interactions } from '../data/interactions.js';
import { Rng } from '../math/random.js';
import {
  byTime,
  checkFraction,
  FOLD_IN,
  groupRowsByUser,
  partition,
  pyRound,
  randomHoldout,
  requireNonEmpty,
  TEST,
} from './split-helpers.js';

/** Every split protocol `splitFolds` knows, in the order the CLI lists them. */
export const PROTOCOLS = [
  'kfold',
  'u-folds',
  'random',
  'stratified',
  'temporal-user',
  'temporal-global',
  'leave-last',
  'strong',
] as const;

/** How train and test are drawn from a dataset; see `splitFolds`. */
export type Protocol = (typeof PROTOCOLS)[number];

/**
 * One train/test pair. Every part keeps the dataset's full `nUsers` × `nItems` shape, so dense
 * indices mean the same thing in all of them. `foldIn` is set only by `strong`: the ratings of
 * held-out users that models may see (through `foldIn`) before being scored on `test`.
 */
export interface Fold {
  name: string;
  train: Interactions;
  test: Interactions;
  foldIn?: Interactions;
}

/** Knobs of `splitFolds`; each protocol reads only the ones it needs. */
export interface SplitOptions {
  /** Seed of every random choice (default 42). */
  seed?: number;
  /** `kfold`: number of folds (default 5). */
  folds?: number;
  /**
   * Share held out as test: of ratings (`random`, default 0.2), of each user's ratings
   * (`stratified` 0.25, `temporal-user` 0.2), of all ratings by time (`temporal-global` 0.2), or of
   * users (`strong`, default 0.1).
   */
  testFraction?: number;
  /** `leave-last`: how many of each user's latest ratings are test (default 1). */
  n?: number;
  /** `strong`: share of each held-out user's ratings scored as test; the rest is fold-in (default 0.2). */
  holdoutFraction?: number;
}

const DEFAULT_TEST_FRACTION: Record<Protocol, number> = {
  kfold: 0.2,
  'u-folds': 0.2,
  random: 0.2,
  stratified: 0.25,
  'temporal-user': 0.2,
  'temporal-global': 0.2,
  'leave-last': 0.2,
  strong: 0.1,
};

const IGNORE_TEST_FRACTION: readonly Protocol[] = ['kfold', 'u-folds', 'leave-last'];

/**
 * Split `dataset.ratings` by `protocol` into one or more folds. Reproducible: the same dataset,
 * protocol and options always give the same folds.
 *
 * - `kfold`: shuffle all ratings, cut into `folds` contiguous parts (Surprise's KFold); fold i tests part i.
 * - `u-folds`: ml-100k's official u1–u5 from `dataset.predefinedSplits`.
 * - `random`: one holdout of ceil(testFraction · n) random ratings.
 * - `stratified`: per user, shuffle, round(0.75 · n) to train (Microsoft Recommenders'
 *   python_stratified_split, Python's half-even rounding).
 * - `temporal-user`: per user, the latest ratings by time are test (same rounding as `stratified`).
 * - `temporal-global`: the globally latest share of ratings is test.
 * - `leave-last`: each user's last `n` ratings by time are test; users with `n` or fewer stay in train.
 * - `strong`: a share of users (with ≥ 2 ratings) is held out entirely; per held-out user a random
 *   `holdoutFraction` of ratings is test and the rest `foldIn`.
 *
 * Ties in time keep the dataset's row order. Throws when a part would be empty.
 */
export function splitFolds(dataset: Dataset, protocol: Protocol, options: SplitOptions = {}): Fold[] {
  if (!(PROTOCOLS as readonly string[]).includes(protocol)) {
    throw new Error(`splitFolds: unknown protocol '${protocol}' (known: ${PROTOCOLS.join(', ')})`);
  }
  const seed = options.seed ?? 42;
  if (!Number.isInteger(seed)) throw new Error(`splitFolds: seed must be an integer, got ${seed}`);
  // kfold, u-folds and leave-last ignore testFraction, so only the protocols that use it check it.
  const testFraction = IGNORE_TEST_FRACTION.includes(protocol)
    ? DEFAULT_TEST_FRACTION[protocol]
    : checkFraction('testFraction', options.testFraction ?? DEFAULT_TEST_FRACTION[protocol]);
  const data = dataset.ratings;
  const folds = split(dataset, protocol, data, seed, testFraction, options);
  for (const fold of folds) {
    requireNonEmpty(protocol, fold.name, 'train', fold.train);
    requireNonEmpty(protocol, fold.name, 'test', fold.test);
    if (fold.foldIn !== undefined) requireNonEmpty(protocol, fold.name, 'foldIn', fold.foldIn);
  }
  return folds;
}

function split(
  dataset: Dataset,
  protocol: Protocol,
  data: Interactions,
  seed: number,
  testFraction: number,
  options: SplitOptions,
): Fold[] {
  switch (protocol) {
    case 'kfold':
      return kfold(data, seed, options.folds ?? 5);
    case 'u-folds':
      return uFolds(dataset);
    case 'random': {
      // Like Surprise's and sklearn's train_test_split: the test size rounds up.
      const { held } = randomHoldout(data, testFraction, new Rng(seed), Math.ceil);
      const mask = new Uint8Array(data.size);
      for (const k of held) mask[k] = TEST;
      return [{ name: 'holdout', ...partition(data, mask) }];
    }
    case 'stratified':
      return [
        { name: 'stratified', ...perUserSplit(data, testFraction, new Rng(seed).permutation(data.size)) },
      ];
    case 'temporal-user':
      return [{ name: 'temporal-user', ...perUserSplit(data, testFraction, byTime(data)) }];
    case 'temporal-global': {
      const order = byTime(data);
      const mask = new Uint8Array(data.size);
      const nTrain = pyRound((1 - testFraction) * data.size);
      for (let k = nTrain; k < data.size; k++) mask[order[k]] = TEST;
      return [{ name: 'temporal-global', ...partition(data, mask) }];
    }
    case 'leave-last':
      return [{ name: 'leave-last', ...leaveLast(data, options.n ?? 1) }];
    case 'strong':
      return [
        strong(data, seed, testFraction, checkFraction('holdoutFraction', options.holdoutFraction ?? 0.2)),
      ];
  }
}

function kfold(data: Interactions, seed: number, folds: number): Fold[] {
  if (!Number.isInteger(folds) || folds < 2 || folds > data.size) {
    throw new Error(
      `splitFolds: folds must be an integer in 2..${data.size} (the number of ratings), got ${folds}`,
    );
  }
  const order = new Rng(seed).permutation(data.size);
  const out: Fold[] = [];
  let stop = 0;
  for (let f = 0; f < folds; f++) {
    // Surprise's KFold: the first (size mod folds) parts take one extra rating.
    const start = stop;
    stop += Math.floor(data.size / folds) + (f < data.size % folds ? 1 : 0);
    const mask = new Uint8Array(data.size);
    for (let k = start; k < stop; k++) mask[order[k]] = TEST;
    out.push({ name: `fold${f + 1}`, ...partition(data, mask) });
  }
  return out;
}

function uFolds(dataset: Dataset): Fold[] {
  const wanted = ['u1', 'u2', 'u3', 'u4', 'u5'];
  const available = dataset.predefinedSplits ?? [];
  const found = wanted.map((name) => available.find((s) => s.name === name));
  if (found.some((s) => s === undefined)) {
    const names = available.map((s) => s.name).join(', ') || 'none';
    throw new Error(
      `splitFolds: protocol 'u-folds' needs the predefined splits u1..u5, but dataset '${dataset.name}' has ${names} (only ml-100k ships them)`,
    );
  }
  return found.map((s) => ({ name: s!.name, train: s!.train, test: s!.test }));
}

/**
 * Per user, the first round((1 − testFraction) · n) rows in `order` go to train, the rest to test.
 * With a random `order` this is the stratified split; by time, the per-user temporal split.
 */
export function perUserSplit(data: Interactions, testFraction: number, order: Int32Array) {
  const { start, rows } = groupRowsByUser(data, order);
  const mask = new Uint8Array(data.size);
  for (let u = 0; u < data.nUsers; u++) {
    const n = start[u + 1] - start[u];
    const nTrain = pyRound((1 - testFraction) * n);
    for (let p = start[u] + nTrain; p < start[u + 1]; p++) mask[rows[p]] = TEST;
  }
  return partition(data, mask);
}

function leaveLast(data: Interactions, n: number) {
  if (!Number.isInteger(n) || n < 1) throw new Error(`splitFolds: n must be a positive integer, got ${n}`);
  const { start, rows } = groupRowsByUser(data, byTime(data));
  const mask = new Uint8Array(data.size);
  for (let u = 0; u < data.nUsers; u++) {
    // A user needs at least one training rating left, or there is nothing to rank from.
    if (start[u + 1] - start[u] <= n) continue;
    for (let p = start[u + 1] - n; p < start[u + 1]; p++) mask[rows[p]] = TEST;
  }
  return partition(data, mask);
}

function strong(data: Interactions, seed: number, userFraction: number, holdoutFraction: number): Fold {
  const rng = new Rng(seed);
  const counts = data.userCounts();
  // Only users who can give both a fold-in and a test rating are eligible for holding out.
  const eligible: number[] = [];
  for (let u = 0; u < data.nUsers; u++) if (counts[u] >= 2) eligible.push(u);
  const picked = rng.shuffle(Int32Array.from(eligible));
  const nHeld = Math.round(userFraction * eligible.length);
  const held = new Uint8Array(data.nUsers);
  for (let k = 0; k < nHeld; k++) held[picked[k]] = 1;
  const { start, rows } = groupRowsByUser(data, rng.permutation(data.size));
  const mask = new Uint8Array(data.size);
  for (let u = 0; u < data.nUsers; u++) {
    if (held[u] === 0) continue;
    const n = start[u + 1] - start[u];
    // Liang et al.'s Mult-VAE split: floor((1 − p) · n) fold-in, kept within 1..n−1.
    const nFoldIn = Math.min(n - 1, Math.max(1, Math.floor((1 - holdoutFraction) * n)));
    for (let p = start[u]; p < start[u + 1]; p++) mask[rows[p]] = p - start[u] < nFoldIn ? FOLD_IN : TEST;
  }
  return { name: 'strong', ...partition(data, mask, true) };
}
