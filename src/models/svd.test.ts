import { describe, expect, it } from 'vitest';
import { describeRecommender } from '../../test/contract.js';
import { loadU1, plantedRank2, rmseOf } from '../../test/mf-fixtures.js';
import { Interactions } from '../data/interactions.js';
import { Rng } from '../math/random.js';
import { Baseline } from './baseline.js';
import { Svd } from './svd.js';

describeRecommender('svd', () => new Svd(), { rating: true, personalised: true, itemSimilarity: true });

describe('Svd', () => {
  it('applies Surprise SVD update equations (one epoch replayed by hand)', async () => {
    // Two users rate one item: r(0,0)=3, r(1,0)=5, so μ = 4. k = 1.
    const train = new Interactions(
      2,
      1,
      Int32Array.from([0, 1]),
      Int32Array.from([0, 0]),
      Float32Array.from([3, 5]),
      new Float64Array(2),
    );
    const params = { factors: 1, epochs: 1, lrBias: 0.1, lrFactors: 0.2, regBias: 0.3, regFactors: 0.4 };
    const model = await new Svd({ ...params, initStd: 0.5, seed: 9 }).fit(train);
    // Replay: init draws users then items, then the epoch's shuffle of the rating order.
    const rng = new Rng(9);
    const p = [0.5 * rng.normal(), 0.5 * rng.normal()];
    let q = 0.5 * rng.normal();
    const order = rng.shuffle(Int32Array.from([0, 1]));
    const bu = [0, 0];
    let bi = 0;
    for (const r of order) {
      const err = train.ratings[r] - (4 + bu[r] + bi + p[r] * q);
      bu[r] += 0.1 * (err - 0.3 * bu[r]);
      bi += 0.1 * (err - 0.3 * bi);
      const [pu, qi] = [p[r], q];
      p[r] = pu + 0.2 * (err * qi - 0.4 * pu);
      q = qi + 0.2 * (err * pu - 0.4 * qi);
    }
    for (let u = 0; u < 2; u++) {
      expect(model.userBias[u]).toBeCloseTo(bu[u], 12);
      expect(model.userFactors[u]).toBeCloseTo(p[u], 12);
    }
    expect(model.itemBias[0]).toBeCloseTo(bi, 12);
    expect(model.itemFactors[0]).toBeCloseTo(q, 12);
    const estimate = model.predict(1, 0);
    expect(estimate).toEqual({ ok: true, value: Math.min(5, Math.max(3, 4 + bu[1] + bi + p[1] * q)) });
  });

  it('recovers a planted rank-2 matrix far better than the bias baseline', async () => {
    const { train, heldOut } = plantedRank2();
    const baseline = await new Baseline({ regUser: 0, regItem: 0 }).fit(train);
    const svd = await new Svd({
      factors: 2,
      epochs: 300,
      lrFactors: 0.02,
      regFactors: 0.001,
      regBias: 0,
    }).fit(train);
    const baseTrain = rmseOf((u, i) => baseline.predict(u, i), train);
    const svdTrain = rmseOf((u, i) => svd.predict(u, i), train);
    // The baseline cannot express u·v (≈0.9 RMSE); SGD must find it almost exactly.
    expect(baseTrain).toBeGreaterThan(0.6);
    expect(svdTrain).toBeLessThan(0.1 * baseTrain);
    expect(rmseOf((u, i) => svd.predict(u, i), heldOut)).toBeLessThan(
      0.3 * rmseOf((u, i) => baseline.predict(u, i), heldOut),
    );
  });

  it('folds in a user by SGD: their own ratings give back their trained predictions', async () => {
    const { train } = plantedRank2();
    const svd = await new Svd({ factors: 2, epochs: 300, lrFactors: 0.02, regFactors: 0.001 }).fit(train);
    const csr = train.byUser();
    let diff = 0;
    for (let u = 0; u < 10; u++) {
      const s = csr.indptr[u];
      const e = csr.indptr[u + 1];
      const folded = svd.foldIn({ items: csr.indices.slice(s, e), ratings: csr.values.slice(s, e) });
      for (let i = 0; i < train.nItems; i++) {
        const a = svd.predict(u, i);
        const b = svd.predict(folded, i);
        if (a.ok && b.ok) diff = Math.max(diff, Math.abs(a.value - b.value));
      }
    }
    expect(diff).toBeLessThan(0.15);
    // Unknown items are an error; an empty profile predicts μ + b_i.
    expect(() => svd.foldIn({ items: Int32Array.from([999]), ratings: Float32Array.from([5]) })).toThrow(
      /svd\.foldIn: item index 999/,
    );
    const empty = svd.foldIn({ items: new Int32Array(0), ratings: new Float32Array(0) });
    const e = svd.predict(empty, 3);
    expect(e.ok && e.value).toBeCloseTo(svd.mu + svd.itemBias[3], 10);
  });

  it('clips predictions to the training scale but ranks on unclipped scores', async () => {
    const { train } = plantedRank2();
    const svd = await new Svd({ factors: 2, epochs: 100, lrFactors: 0.02, regFactors: 0.001 }).fit(train);
    const scores = svd.scoreAll(0)!;
    for (let i = 0; i < train.nItems; i++) {
      const e = svd.predict(0, i);
      if (!e.ok) throw new Error(e.reason);
      expect(e.value).toBeCloseTo(Math.min(svd.ratingMax, Math.max(svd.ratingMin, scores[i])), 5);
    }
  });

  it('is reproducible from its seed, and the seed matters', async () => {
    const { train } = plantedRank2();
    const a = await new Svd({ factors: 4, epochs: 3, seed: 1 }).fit(train);
    const b = await new Svd({ factors: 4, epochs: 3, seed: 1 }).fit(train);
    const c = await new Svd({ factors: 4, epochs: 3, seed: 2 }).fit(train);
    expect(b.itemFactors).toEqual(a.itemFactors);
    expect(c.itemFactors).not.toEqual(a.itemFactors);
  });

  it('item similarity is the cosine of item factor rows', async () => {
    const { train } = plantedRank2();
    const svd = await new Svd({ factors: 3, epochs: 5 }).fit(train);
    const sim = svd.similarItems(4, train.nItems - 1);
    const q = svd.itemFactors;
    const row = (i: number) => Array.from(q.subarray(i * 3, i * 3 + 3));
    const cos = (a: number[], b: number[]) =>
      a.reduce((s, x, f) => s + x * b[f], 0) / Math.hypot(...a) / Math.hypot(...b);
    for (let k = 0; k < sim.ids.length; k++) {
      expect(sim.scores[k]).toBeCloseTo(cos(row(4), row(sim.ids[k])), 5);
    }
  });

  it('refuses to report a diverged fit: ModelFitError naming the learning rates, previous fit kept', async () => {
    const model = new Svd({ lrFactors: 1, lrBias: 1 });
    // One rating is learned without trouble at these rates ...
    const tiny = new Interactions(
      1,
      40,
      Int32Array.from([0]),
      Int32Array.from([0]),
      Float32Array.from([3]),
      new Float64Array(1),
    );
    await model.fit(tiny);
    const before = model.predict(0, 0);
    expect(before.ok).toBe(true);
    // ... a real matrix makes SGD blow up.
    const { train } = plantedRank2();
    const failure = model.fit(train);
    await expect(failure).rejects.toMatchObject({ name: 'ModelFitError' });
    await expect(failure).rejects.toThrow(
      /^svd: training diverged \(NaN in \w+\); lower lrFactors\/lrBias.*lrFactors=1, lrBias=1/,
    );
    expect(model.trainData).toBe(tiny);
    expect(model.predict(0, 0)).toEqual(before);
  });

  // Golden figure: defaults on ml-100k u1.base → u1.test, measured at 0.9192 (Surprise's default
  // SVD scores 0.9529 there). The tolerance covers float-order changes, not a broken SGD.
  const u1 = loadU1();
  it.skipIf(u1 === null)(
    'reaches the measured RMSE on ml-100k u1 with default params',
    async () => {
      const { train, test } = u1!;
      const svd = await new Svd().fit(train);
      const rmse = rmseOf((u, i) => svd.predict(u, i), test, train.globalMean());
      expect(rmse).toBeGreaterThan(0.9192 - 0.005);
      expect(rmse).toBeLessThan(0.9192 + 0.005);
    },
    20_000,
  );
});
