import { describe, expect, it } from 'vitest';
import { describeRecommender } from '../../test/contract.js';
import { Interactions } from '../data/interactions.js';
import { spdSolve } from '../math/cholesky.js';
import { Rng } from '../math/random.js';
import { Als } from './als.js';
import { cgSolveRows, GRAM_CHUNK, gramSingle } from './als-kernel.js';
import { cgRanges } from './als-solvers.js';
import { Bpr } from './bpr.js';

describeRecommender('als', () => new Als(), { rating: false, itemSimilarity: true });

/** Power-law-ish random events: user u has 2 + (u mod 13) items, skewed toward low item ids. */
function randomEvents(nUsers: number, nItems: number, seed: number): Interactions {
  const rng = new Rng(seed);
  const users: number[] = [];
  const items: number[] = [];
  for (let u = 0; u < nUsers; u++) {
    const picked = new Set<number>();
    const n = 2 + (u % 13);
    while (picked.size < n) picked.add(Math.floor(nItems * rng.next() ** 2));
    for (const i of picked) {
      users.push(u);
      items.push(i);
    }
  }
  const ratings = Float32Array.from(users, () => 1 + rng.int(5));
  return new Interactions(
    nUsers,
    nItems,
    Int32Array.from(users),
    Int32Array.from(items),
    ratings,
    new Float64Array(users.length),
  );
}

/** A = YᵀY + λI + Σ (c − 1)·y·yᵀ and b = Σ c·y for one row, built naively. */
function normalEquations(y: Float32Array, f: number, items: number[], conf: number[], reg: number) {
  const a = gramSingle(y, y.length / f, f, reg);
  const b = new Float64Array(f);
  items.forEach((i, k) => {
    for (let p = 0; p < f; p++) {
      b[p] += conf[k] * y[i * f + p];
      for (let q = 0; q < f; q++) a[p * f + q] += (conf[k] - 1) * y[i * f + p] * y[i * f + q];
    }
  });
  return { a, b };
}

describe('Als', () => {
  it('CG with as many steps as factors reaches the exact least-squares solution', () => {
    const f = 6;
    const rng = new Rng(5);
    const y = Float32Array.from({ length: 40 * f }, () => rng.normal());
    const items = [1, 4, 9, 17, 33];
    const conf = [2, 7, 1.5, 3, 11];
    const reg = 0.3;
    const x = Float32Array.from({ length: f }, () => rng.next()); // warm start away from the answer
    cgSolveRows({
      indptr: Int32Array.from([0, items.length]),
      indices: Int32Array.from(items),
      conf: Float32Array.from(conf),
      x,
      y,
      gram: gramSingle(y, 40, f, reg),
      factors: f,
      cgSteps: f,
      start: 0,
      end: 1,
    });
    const { a, b } = normalEquations(y, f, items, conf, reg);
    const exact = spdSolve(a, f, b);
    for (let p = 0; p < f; p++) expect(x[p]).toBeCloseTo(exact[p], 5);
  });

  it('folds in a new user by the exact solve with item factors fixed', async () => {
    const train = randomEvents(60, 30, 1);
    const model = await new Als({ factors: 8, iterations: 3, regularization: 2, alpha: 3 }).fit(train);
    const items = [2, 5, 11, 20];
    const ratings = [5, 3, 4, 1];
    const folded = model.foldIn({ items: Int32Array.from(items), ratings: Float32Array.from(ratings) });
    const { a, b } = normalEquations(
      model.itemFactors,
      8,
      items,
      ratings.map((r) => model.confidence(r)),
      2,
    );
    const exact = spdSolve(a, 8, b);
    const v = folded.state.vector as Float32Array;
    for (let p = 0; p < 8; p++) expect(v[p]).toBeCloseTo(exact[p], 5);
    const predicted = model.predict(folded, 7);
    let dot = 0;
    for (let p = 0; p < 8; p++) dot += v[p] * model.itemFactors[7 * 8 + p];
    expect(predicted.ok && predicted.value).toBeCloseTo(dot, 6);
  });

  it('trains the same factors on 2 worker threads as on one (several Gram chunks)', async () => {
    const train = randomEvents(GRAM_CHUNK + 900, 300, 2);
    const params = { factors: 12, iterations: 3, seed: 9 };
    const single = await new Als({ ...params, threads: 1 }).fit(train);
    const parallel = await new Als({ ...params, threads: 2 }).fit(train);
    // als-solvers.ts: the Gram is summed in a fixed chunk order, so the result is bit-identical.
    expect(parallel.userFactors).toEqual(single.userFactors);
    expect(parallel.itemFactors).toEqual(single.itemFactors);
    // Not trivially equal: training moved the factors away from their start.
    expect(single.userFactors.some((v) => Math.abs(v) > 0.05)).toBe(true);
  });

  it('uses only events at or above minRating', async () => {
    const train = randomEvents(50, 20, 3);
    const model = await new Als({ factors: 4, iterations: 2, minRating: 6 }).fit(train);
    // Ratings run 1–5, so nobody has a usable event.
    expect(model.predict(0, 0).ok).toBe(false);
    expect(model.recommend([0, 1])[0].ids.length).toBe(0);
  });

  it('refuses to report a diverged fit: ModelFitError naming regularization and alpha', async () => {
    const model = new Als({ factors: 4, iterations: 2, alpha: 1e300 });
    const failure = model.fit(randomEvents(50, 20, 3));
    await expect(failure).rejects.toMatchObject({ name: 'ModelFitError' });
    await expect(failure).rejects.toThrow(/^als: training diverged .*regularization=50, alpha=1e\+300/);
    expect(model.fitted).toBe(false);
  });

  it("refuses a user folded in by BPR instead of reading BPR's vector as its own", async () => {
    const train = randomEvents(60, 30, 1);
    const als = await new Als({ factors: 8, iterations: 3 }).fit(train);
    const bpr = await new Bpr({ factors: 8, iterations: 3 }).fit(train);
    const folded = bpr.foldIn({ items: Int32Array.from([2, 5]), ratings: Float32Array.from([5, 4]) });
    const estimate = als.predict(folded, 7);
    expect(estimate).toEqual({ ok: false, reason: expect.stringMatching(/folded in by model 'bpr'/) });
    expect(() => als.recommend([folded])).toThrow(/als\.recommend: .*'bpr'/);
  });

  it('splits rows into contiguous ranges that cover every row once', () => {
    const indptr = Int32Array.from([0, 100, 100, 101, 102, 300, 301, 301, 302]);
    const ranges = cgRanges(indptr, 4, 3);
    expect(ranges[0][0]).toBe(0);
    expect(ranges[ranges.length - 1][1]).toBe(8);
    for (let k = 1; k < ranges.length; k++) expect(ranges[k][0]).toBe(ranges[k - 1][1]);
    expect(ranges.length).toBeGreaterThan(1);
  });
});
