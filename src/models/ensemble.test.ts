import { describe, expect, it } from 'vitest';
import { describeRecommender } from '../../test/contract.js';
import { Interactions } from '../data/interactions.js';
import { Rng } from '../math/random.js';
import { Ensemble } from './ensemble.js';
import { ridgeBlend } from './ensemble-blend.js';
import { type PartHeaders, restorePart } from './ensemble-parts.js';
import { createModel } from './registry.js';
import './index.js';

describeRecommender('ensemble', () => new Ensemble({ useNeural: false }), {
  rating: true,
  personalised: true,
});

describe('ridgeBlend', () => {
  it('recovers y = 0.3·a + 0.7·b exactly at ridge 0, and an intercept', () => {
    const rng = new Rng(1);
    const n = 200;
    const x = new Float64Array(2 * n);
    const y = new Float64Array(n);
    const z = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      const a = 1 + 4 * rng.next();
      const b = 1 + 4 * rng.next();
      x[2 * k] = a;
      x[2 * k + 1] = b;
      y[k] = 0.3 * a + 0.7 * b;
      z[k] = 0.5 + 0.3 * a + 0.7 * b;
    }
    const fit = ridgeBlend(x, y, 2, 0);
    expect(fit.weights[0]).toBeCloseTo(0.3, 9);
    expect(fit.weights[1]).toBeCloseTo(0.7, 9);
    expect(fit.intercept).toBeCloseTo(0, 9);
    expect(ridgeBlend(x, z, 2, 0).intercept).toBeCloseTo(0.5, 9);
  });

  it('shrinks weights toward 0 as the ridge grows, and solves a duplicated member', () => {
    const x = Float64Array.from([1, 1, 2, 2, 3, 3, 4, 4]);
    const y = Float64Array.from([1, 2, 3, 4]);
    const fit = ridgeBlend(x, y, 2, 0);
    // Two identical columns share the slope 1 equally (the minimum-norm solution).
    expect(fit.weights[0] + fit.weights[1]).toBeCloseTo(1, 9);
    expect(fit.weights[0]).toBeCloseTo(0.5, 3);
    const shrunk = ridgeBlend(x, y, 2, 1);
    // Centred Gram entries 5, ridge·n = 4: w = 5 / (10 + 4) each.
    expect(shrunk.weights[0]).toBeCloseTo(5 / 14, 9);
    expect(() => ridgeBlend(x, y, 3, 0)).toThrow(/ridgeBlend/);
  });

  it('with nonNegative, drops a member the unconstrained fit gives a negative weight', () => {
    // y = 2a − b: unconstrained recovers (2, −1); constrained to w ≥ 0 the best is b's weight 0
    // and a's the slope of y on a alone.
    const rng = new Rng(2);
    const n = 100;
    const x = new Float64Array(2 * n);
    const y = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      x[2 * k] = rng.next();
      x[2 * k + 1] = rng.next();
      y[k] = 2 * x[2 * k] - x[2 * k + 1];
    }
    const free = ridgeBlend(x, y, 2, 0);
    expect(free.weights[0]).toBeCloseTo(2, 9);
    expect(free.weights[1]).toBeCloseTo(-1, 9);
    const constrained = ridgeBlend(x, y, 2, 0, true);
    expect(constrained.weights[1]).toBe(0);
    const onA = ridgeBlend(
      Float64Array.from({ length: n }, (_, k) => x[2 * k]),
      y,
      1,
      0,
    );
    expect(constrained.weights[0]).toBeCloseTo(onA.weights[0], 9);
    expect(constrained.intercept).toBeCloseTo(onA.intercept, 9);
    // And when the unconstrained optimum is already non-negative, both agree.
    const both = Float64Array.from(y, (_, k) => 0.3 * x[2 * k] + 0.7 * x[2 * k + 1]);
    expect(Array.from(ridgeBlend(x, both, 2, 0, true).weights)).toEqual(
      Array.from(ridgeBlend(x, both, 2, 0).weights),
    );
  });
});

describe('Ensemble', () => {
  /**
   * Ratings generated so baseline-only and biases-plus-taste are both partly right: the blend
   * must put weight on both, and its validation-fitted weights stay finite and sum near 1.
   */
  function world(seed: number): Interactions {
    const rng = new Rng(seed);
    const users: number[] = [];
    const items: number[] = [];
    const ratings: number[] = [];
    for (let u = 0; u < 60; u++) {
      for (let i = 0; i < 40; i++) {
        if (rng.next() < 0.5) continue;
        users.push(u);
        items.push(i);
        const taste = (u % 2 === i % 2 ? 1 : -1) * 0.8;
        ratings.push(
          Math.min(5, Math.max(1, Math.round(3 + taste + (i % 5) * 0.3 - 0.6 + rng.normal() * 0.5))),
        );
      }
    }
    const n = users.length;
    return new Interactions(
      60,
      40,
      Int32Array.from(users),
      Int32Array.from(items),
      Float32Array.from(ratings),
      Float64Array.from({ length: n }, (_, k) => k),
    );
  }

  it('blends the selected members only; on validation the blend is no worse than any member', async () => {
    // Least squares with an intercept contains each single member (weight 1, intercept 0), so at
    // ridge 0 its in-sample RMSE cannot exceed theirs.
    const model = await new Ensemble({ useSvdpp: false, useContent: false, useNeural: false, ridge: 0 }).fit(
      world(3),
    );
    const report = model.blendReport();
    expect(report.members).toEqual(['baseline', 'itemknn', 'svd']);
    expect(report.validPairs).toBe(Math.round(0.15 * model.trainData.size));
    for (const r of report.memberRmse) expect(report.blendRmse).toBeLessThanOrEqual(r + 1e-12);
    for (const w of report.weights) expect(w).toBeGreaterThanOrEqual(0);
  });

  it('predicts exactly intercept + Σ weight · member estimate (clipped)', async () => {
    const model = await new Ensemble({ useItemknn: false, useContent: false, useNeural: false }).fit(
      world(4),
    );
    const { members, weights, intercept } = model.blendReport();
    const state = model.state();
    expect(state.meta.members).toEqual(members);
    // Each member as its own model, rebuilt from the ensemble's nested state.
    const headers = state.meta.parts as PartHeaders;
    const parts = members.map((name) =>
      restorePart('test', createModel(name), name, headers, state, model.trainData),
    );
    for (const [u, i] of [
      [0, 0],
      [5, 7],
      [33, 21],
    ]) {
      let expected = intercept;
      parts.forEach((m, j) => {
        const e = m.predict(u, i);
        if (!e.ok) throw new Error(e.reason);
        expected += weights[j] * e.value;
      });
      const got = model.predict(u, i);
      expect(got.ok).toBe(true);
      if (got.ok) expect(got.value).toBeCloseTo(Math.min(5, Math.max(1, expected)), 9);
    }
  });

  it('ranks by the ratings it predicts, with a member whose own scores are on another scale', async () => {
    // content ranks by a taste-profile cosine but predicts ratings; the blend must use the latter.
    const words = ['shark', 'robot', 'ocean', 'space', 'love', 'war', 'ghost', 'heist'];
    const movies = Array.from({ length: 40 }, (_, i) => ({
      movieId: i + 1,
      title: `Film ${i + 1}`,
      year: 2000,
      genres: [i % 2 ? 'Drama' : 'Comedy'],
      overview: `${words[i % 8]} ${words[(3 * i) % 8]} ${words[(5 * i + 1) % 8]}`,
    }));
    const model = await new Ensemble({
      useItemknn: false,
      useSvd: false,
      useSvdpp: false,
      useNeural: false,
      ridge: 0,
    }).fit(world(7), { movies });
    const { members, weights } = model.blendReport();
    expect(members).toEqual(['baseline', 'content']);
    expect(weights[1]).toBeGreaterThan(0);
    let compared = 0;
    for (const u of [0, 9, 31, 50]) {
      const scores = model.scoreAll(u) as Float32Array;
      for (let i = 0; i < 40; i++) {
        const e = model.predict(u, i);
        // predict clips to the rating range; inside it the two are one number.
        if (!e.ok || e.value <= 1 || e.value >= 5) continue;
        expect(scores[i], `user ${u} item ${i}`).toBeCloseTo(e.value, 4);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(100);
  });

  it('refuses an artifact whose nested state lacks a member', async () => {
    const model = await new Ensemble({
      useItemknn: false,
      useSvdpp: false,
      useContent: false,
      useNeural: false,
    }).fit(world(6));
    const state = model.state();
    const { svd: _dropped, ...rest } = state.meta.parts as PartHeaders;
    expect(() =>
      new Ensemble().restore({ ...state, meta: { ...state.meta, parts: rest } }, model.trainData),
    ).toThrow(/no state for part 'svd'/);
  });

  it('rejects an empty member selection', async () => {
    const none = new Ensemble({
      useBaseline: false,
      useItemknn: false,
      useSvd: false,
      useSvdpp: false,
      useContent: false,
      useNeural: false,
    });
    await expect(none.fit(world(5))).rejects.toThrow(/no member selected/);
  });
});
