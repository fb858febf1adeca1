import { describe, expect, it } from 'vitest';
import { describeRecommender } from '../../test/contract.js';
import { loadU1, plantedRank2, rmseOf } from '../../test/mf-fixtures.js';
import { Interactions } from '../data/interactions.js';
import { Rng } from '../math/random.js';
import { Baseline } from './baseline.js';
import { Svdpp } from './svdpp.js';

describeRecommender('svdpp', () => new Svdpp(), { rating: true, personalised: true, itemSimilarity: true });

describe('Svdpp', () => {
  it('applies Surprise SVD++ update equations (one epoch replayed by hand)', async () => {
    // One rating per user, so the per-user cache is exact: r(0,0)=2, r(1,1)=5, μ = 3.5, k = 2.
    const train = new Interactions(
      2,
      2,
      Int32Array.from([0, 1]),
      Int32Array.from([0, 1]),
      Float32Array.from([2, 5]),
      new Float64Array(2),
    );
    const rates = {
      lrBias: 0.1,
      lrFactors: 0.2,
      lrImplicit: 0.3,
      regBias: 0.05,
      regFactors: 0.1,
      regImplicit: 0.2,
    };
    const model = await new Svdpp({ ...rates, factors: 2, epochs: 1, initStd: 0.5, seed: 4 }).fit(train);
    // Replay: init draws P (users), Q (items), then Y (items); the epoch shuffles the users.
    const rng = new Rng(4);
    const draw = () => Array.from({ length: 4 }, () => 0.5 * rng.normal());
    const [P, Q, Y] = [draw(), draw(), draw()];
    const bu = [0, 0];
    const bi = [0, 0];
    for (const u of rng.shuffle(Int32Array.from([0, 1]))) {
      const i = u; // user u rated item u; N(u) = {u}, so z = y_u
      let est = 3.5 + bu[u] + bi[i];
      for (let f = 0; f < 2; f++) est += Q[2 * i + f] * (P[2 * u + f] + Y[2 * i + f]);
      const err = train.ratings[u] - est;
      bu[u] += 0.1 * (err - 0.05 * bu[u]);
      bi[i] += 0.1 * (err - 0.05 * bi[i]);
      for (let f = 0; f < 2; f++) {
        const [p, q, y] = [P[2 * u + f], Q[2 * i + f], Y[2 * i + f]];
        P[2 * u + f] = p + 0.2 * (err * q - 0.1 * p);
        Q[2 * i + f] = q + 0.2 * (err * (p + y) - 0.1 * q);
        Y[2 * i + f] = y + 0.3 * (err * q - 0.2 * y);
      }
    }
    const close = (a: ArrayLike<number>, b: number[]) => {
      for (let k = 0; k < b.length; k++) expect(a[k]).toBeCloseTo(b[k], 12);
    };
    close(model.userBias, bu);
    close(model.itemBias, bi);
    close(model.userFactors, P);
    close(model.itemFactors, Q);
    close(model.implicitFactors, Y);
  });

  it('predicts μ + b_u + b_i + q_i·(p_u + |N(u)|^-½ Σ y_j)', async () => {
    const { train } = plantedRank2();
    const m = await new Svdpp({ factors: 3, epochs: 5 }).fit(train);
    const csr = train.byUser();
    for (const [u, i] of [
      [0, 0],
      [7, 13],
      [42, 39],
    ]) {
      const n = csr.indptr[u + 1] - csr.indptr[u];
      let est = m.mu + m.userBias[u] + m.itemBias[i];
      for (let f = 0; f < 3; f++) {
        let y = 0;
        for (let p = csr.indptr[u]; p < csr.indptr[u + 1]; p++)
          y += m.implicitFactors[csr.indices[p] * 3 + f];
        est += m.itemFactors[i * 3 + f] * (m.userFactors[u * 3 + f] + y / Math.sqrt(n));
      }
      const e = m.predict(u, i);
      expect(e.ok && e.value).toBeCloseTo(Math.min(m.ratingMax, Math.max(m.ratingMin, est)), 10);
    }
  });

  it('recovers a planted rank-2 matrix far better than the bias baseline', async () => {
    const { train, heldOut } = plantedRank2();
    const baseline = await new Baseline({ regUser: 0, regItem: 0 }).fit(train);
    const params = { factors: 2, epochs: 300, lrFactors: 0.02, regFactors: 0.001, regBias: 0, lrDecay: 1 };
    const m = await new Svdpp(params).fit(train);
    const baseTrain = rmseOf((u, i) => baseline.predict(u, i), train);
    expect(baseTrain).toBeGreaterThan(0.6);
    expect(rmseOf((u, i) => m.predict(u, i), train)).toBeLessThan(0.1 * baseTrain);
    expect(rmseOf((u, i) => m.predict(u, i), heldOut)).toBeLessThan(
      0.3 * rmseOf((u, i) => baseline.predict(u, i), heldOut),
    );
  });

  it("folds in a new user's implicit term from the items they rated", async () => {
    // With lrBias = lrFactors = 0, fold-in leaves b_u = p_u = 0, so v_u is exactly |N|^-½ Σ y_j.
    const { train } = plantedRank2();
    const m = await new Svdpp({ factors: 3, epochs: 20, lrBias: 0, lrFactors: 0, lrImplicit: 0.05 }).fit(
      train,
    );
    const items = Int32Array.from([1, 5, 9, 30]);
    const folded = m.foldIn({ items, ratings: Float32Array.from([5, 4, 1, 2]) });
    expect(folded.state.bias).toBe(0);
    const v = folded.state.factors as Float64Array;
    for (let f = 0; f < 3; f++) {
      let y = 0;
      for (const j of items) y += m.implicitFactors[j * 3 + f];
      expect(v[f]).toBeCloseTo(y / 2, 12);
      expect(y).not.toBe(0);
    }
  });

  it('refuses to report a diverged fit: ModelFitError naming the learning rates', async () => {
    const model = new Svdpp({ lrFactors: 1, lrBias: 1 });
    const failure = model.fit(plantedRank2().train);
    await expect(failure).rejects.toMatchObject({ name: 'ModelFitError' });
    await expect(failure).rejects.toThrow(/^svdpp: training diverged .*lrImplicit.*lrFactors=1, lrBias=1/);
    expect(model.fitted).toBe(false);
  });

  // Golden figure: defaults but 20 epochs (to keep the test short) on ml-100k u1.base → u1.test,
  // measured at 0.9262. The tolerance covers float-order changes, not a broken SGD.
  const u1 = loadU1();
  it.skipIf(u1 === null)(
    'reaches the measured RMSE on ml-100k u1',
    async () => {
      const { train, test } = u1!;
      const m = await new Svdpp({ epochs: 20 }).fit(train);
      const rmse = rmseOf((u, i) => m.predict(u, i), test, train.globalMean());
      expect(rmse).toBeGreaterThan(0.9262 - 0.005);
      expect(rmse).toBeLessThan(0.9262 + 0.005);
    },
    20_000,
  );
});
