import { existsSync, readFileSync } from 'node:fs';
import { Interactions } from '../src/data/interactions.js';
import { Rng } from '../src/math/random.js';

/** Fixtures shared by the matrix-factorisation tests (src/models/svd.test.ts, svdpp.test.ts). */

/**
 * A planted rank-2 rating matrix over 60 users × 40 items: r = 3 + u·v with u, v ∈ ℝ² drawn
 * normal(0, 0.8²); about half the cells are observed for training, the rest are `heldOut`.
 */
export function plantedRank2(seed = 7): {
  train: Interactions;
  heldOut: Interactions;
  truth: (u: number, i: number) => number;
} {
  const nUsers = 60;
  const nItems = 40;
  const rng = new Rng(seed);
  const U = Float64Array.from({ length: nUsers * 2 }, () => 0.8 * rng.normal());
  const V = Float64Array.from({ length: nItems * 2 }, () => 0.8 * rng.normal());
  const truth = (u: number, i: number) => 3 + U[2 * u] * V[2 * i] + U[2 * u + 1] * V[2 * i + 1];
  const cells: [number[], number[], number[]] = [[], [], []];
  const rest: [number[], number[], number[]] = [[], [], []];
  for (let u = 0; u < nUsers; u++) {
    for (let i = 0; i < nItems; i++) {
      const into = rng.next() < 0.5 ? cells : rest;
      into[0].push(u);
      into[1].push(i);
      into[2].push(truth(u, i));
    }
  }
  const build = ([u, i, r]: [number[], number[], number[]]) =>
    new Interactions(
      nUsers,
      nItems,
      Int32Array.from(u),
      Int32Array.from(i),
      Float32Array.from(r),
      new Float64Array(u.length),
    );
  return { train: build(cells), heldOut: build(rest), truth };
}

/** Root mean squared error of `predict` over `test` (unscorable pairs count as `fallback`). */
export function rmseOf(
  predict: (u: number, i: number) => { ok: true; value: number } | { ok: false; reason: string },
  test: Interactions,
  fallback = 0,
): number {
  let sum = 0;
  for (let k = 0; k < test.size; k++) {
    const e = predict(test.users[k], test.items[k]);
    sum += ((e.ok ? e.value : fallback) - test.ratings[k]) ** 2;
  }
  return Math.sqrt(sum / test.size);
}

export const ML100K = '/work/shared/datasets/ml-100k';

/** ml-100k's u1.base / u1.test over one dense id space; null when the dataset is absent. */
export function loadU1(dir = ML100K): { train: Interactions; test: Interactions } | null {
  if (!existsSync(`${dir}/u1.base`)) return null;
  const users = new Map<string, number>();
  const items = new Map<string, number>();
  const parse = (path: string) =>
    readFileSync(path, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => {
        const [u, i, r] = line.split('\t');
        if (!users.has(u)) users.set(u, users.size);
        if (!items.has(i)) items.set(i, items.size);
        return [users.get(u)!, items.get(i)!, Number(r)] as const;
      });
  const base = parse(`${dir}/u1.base`);
  const test = parse(`${dir}/u1.test`);
  const build = (rows: (readonly [number, number, number])[]) =>
    new Interactions(
      users.size,
      items.size,
      Int32Array.from(rows, (r) => r[0]),
      Int32Array.from(rows, (r) => r[1]),
      Float32Array.from(rows, (r) => r[2]),
      new Float64Array(rows.length),
    );
  return { train: build(base), test: build(test) };
}
