import type { Interactions } from '../data/interactions.js';
import type { Rng } from '../math/random.js';

/** Row marks in a split mask: which part each rating goes to. */
export const TRAIN = 0;
export const TEST = 1;
export const FOLD_IN = 2;

/** The parts of a split; `foldIn` only when the mask may hold `FOLD_IN` marks. */
export interface Parts {
  train: Interactions;
  test: Interactions;
  foldIn?: Interactions;
}

/**
 * Split `data` by a per-row mask (TRAIN, TEST or FOLD_IN). Rows keep their original order in each
 * part, so a split of a time-ordered file stays time-ordered.
 */
export function partition(data: Interactions, mask: Uint8Array, withFoldIn = false): Parts {
  const counts = new Int32Array(3);
  for (let k = 0; k < mask.length; k++) counts[mask[k]]++;
  const rows = [new Int32Array(counts[0]), new Int32Array(counts[1]), new Int32Array(counts[2])];
  const next = new Int32Array(3);
  for (let k = 0; k < mask.length; k++) {
    const m = mask[k];
    rows[m][next[m]++] = k;
  }
  const parts: Parts = { train: data.subset(rows[TRAIN]), test: data.subset(rows[TEST]) };
  if (withFoldIn) parts.foldIn = data.subset(rows[FOLD_IN]);
  return parts;
}

/**
 * A seeded random holdout of `data`'s rows: one `rng.permutation(data.size)`, its first
 * `round(fraction · size)` rows held out, the rest kept. Both are views of that permutation, so rows
 * come in random order; sort them when the order of the file matters. `round` differs by caller
 * (the random split rounds up like sklearn; the models keep the rounding their results were
 * measured with) and its count is clamped to 0..size.
 */
export function randomHoldout(
  data: Interactions,
  fraction: number,
  rng: Rng,
  round: (x: number) => number = Math.ceil,
): { held: Int32Array; kept: Int32Array } {
  const order = rng.permutation(data.size);
  const nHeld = Math.max(0, Math.min(data.size, round(fraction * data.size)));
  return { held: order.subarray(0, nHeld), kept: order.subarray(nHeld) };
}

/**
 * Row positions grouped by user: user u's rows are `rows[start[u]..start[u+1]]`, in the order they
 * appear in `order` (a stable counting sort, so a shuffled or time-sorted order survives grouping).
 */
export function groupRowsByUser(
  data: Interactions,
  order: Int32Array,
): { start: Int32Array; rows: Int32Array } {
  const start = new Int32Array(data.nUsers + 1);
  for (let k = 0; k < data.size; k++) start[data.users[k] + 1]++;
  for (let u = 0; u < data.nUsers; u++) start[u + 1] += start[u];
  const next = start.slice(0, data.nUsers);
  const rows = new Int32Array(data.size);
  for (let j = 0; j < order.length; j++) {
    const k = order[j];
    rows[next[data.users[k]]++] = k;
  }
  return { start, rows };
}

/** Row positions sorted by timestamp; equal timestamps keep row order, so results never depend on the sort. */
export function byTime(data: Interactions): Int32Array {
  const order = new Int32Array(data.size);
  for (let k = 0; k < order.length; k++) order[k] = k;
  const t = data.timestamps;
  return order.sort((a, b) => t[a] - t[b] || a - b);
}

/**
 * Python 3's round(): halves go to the even neighbour (round(1.5) = 2, round(2.5) = 2). Microsoft
 * Recommenders sizes its per-user splits with it, and matching it keeps our per-user counts equal
 * to theirs. Like Python, it rounds the double as it is: 0.7 · 45 = 31.499999999999996 rounds to 31.
 */
export function pyRound(x: number): number {
  const floor = Math.floor(x);
  if (x - floor === 0.5) return floor % 2 === 0 ? floor : floor + 1;
  return Math.round(x);
}

/** Validate a share strictly between 0 and 1. */
export function checkFraction(option: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value >= 1) {
    throw new Error(`splitFolds: ${option} must be a number strictly between 0 and 1, got ${value}`);
  }
  return value;
}

/** Throw when a split part came out empty, naming the protocol, the fold and the part. */
export function requireNonEmpty(protocol: string, fold: string, part: string, data: Interactions): void {
  if (data.size === 0) {
    throw new Error(
      `splitFolds: protocol '${protocol}' gave an empty ${part} set in fold '${fold}'; the dataset is too small or the fractions too extreme for it`,
    );
  }
}
