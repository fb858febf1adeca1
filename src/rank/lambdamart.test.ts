import { describe, expect, it } from 'vitest';
import { Rng } from '../math/random.js';
import { LambdaMart, type RankingData } from './lambdamart.js';
import {
  discounts,
  gainOf,
  identityOrder,
  inverseIdealDcg,
  lambdaGradients,
  meanNdcg,
  sortGroups,
} from './lambdamart-gradients.js';

function gradientsOf(scores: number[], labels: number[], groups: number[]) {
  const n = scores.length;
  const s = Float64Array.from(scores);
  const l = Float32Array.from(labels);
  const g = Int32Array.from(groups);
  const disc = discounts(n);
  const order = identityOrder(n);
  sortGroups(order, s, g);
  const grad = new Float64Array(n);
  const hess = new Float64Array(n);
  lambdaGradients(
    s,
    Float64Array.from(l, gainOf),
    g,
    order,
    inverseIdealDcg(l, g, disc),
    disc,
    30,
    grad,
    hess,
  );
  return { grad, hess };
}

/**
 * Queries of `docs` documents with `nFeatures` uniform features; relevance 0..4 is a step function
 * of feature `key` only, whose values lie on a 40-point grid so bins can separate every level.
 */
function synthetic(rng: Rng, queries: number, docs: number, nFeatures: number, key: number): RankingData {
  const n = queries * docs;
  const features = new Float32Array(n * nFeatures);
  const labels = new Float32Array(n);
  const groups = new Int32Array(queries + 1);
  for (let r = 0; r < n; r++) {
    for (let f = 0; f < nFeatures; f++) features[r * nFeatures + f] = rng.next();
    const x = rng.int(40) / 40;
    features[r * nFeatures + key] = x;
    labels[r] = Math.floor(x * 5);
  }
  for (let q = 0; q <= queries; q++) groups[q] = q * docs;
  return { features, nFeatures, labels, groups };
}

function ndcgAt(model: LambdaMart, data: RankingData, k: number): number {
  const scores = model.predict(data.features, data.nFeatures);
  const disc = discounts(1000);
  const order = identityOrder(data.labels.length);
  return meanNdcg(
    scores,
    data.labels,
    data.groups,
    order,
    inverseIdealDcg(data.labels, data.groups, disc, k),
    disc,
    k,
  );
}

describe('LambdaRank gradients', () => {
  it('match Burges λ computed by hand on a 3-document query', () => {
    // Labels (0, 2, 1), scores (0.5, 0, 0): current order doc0, doc1, doc2 (the tie keeps index order).
    // Gains 0, 3, 1; discounts 1, 1/log2 3, 1/2; ideal DCG = 3 + 1/log2 3.
    const d1 = 1 / Math.log2(3);
    const idcg = 3 + d1;
    const rhoA = 1 / (1 + Math.exp(0 - 0.5)); // doc1 over doc0 and doc2 over doc0: s_hi − s_lo = −0.5
    const rhoC = 0.5; // doc1 over doc2: equal scores
    const dA = (3 * (1 - d1)) / idcg; // swap positions 0 and 1
    const dB = (1 * (1 - 0.5)) / idcg; // swap positions 0 and 2
    const dC = (2 * (d1 - 0.5)) / idcg; // swap positions 1 and 2
    const { grad, hess } = gradientsOf([0.5, 0, 0], [0, 2, 1], [0, 3]);
    expect(grad[0]).toBeCloseTo(rhoA * dA + rhoA * dB, 12);
    expect(grad[1]).toBeCloseTo(-rhoA * dA - rhoC * dC, 12);
    expect(grad[2]).toBeCloseTo(-rhoA * dB + rhoC * dC, 12);
    expect(hess[0]).toBeCloseTo(dA * rhoA * (1 - rhoA) + dB * rhoA * (1 - rhoA), 12);
    expect(hess[1]).toBeCloseTo(dA * rhoA * (1 - rhoA) + dC * 0.25, 12);
    expect(hess[2]).toBeCloseTo(dB * rhoA * (1 - rhoA) + dC * 0.25, 12);
  });

  it('give a group whose labels are all equal no gradient', () => {
    const { grad, hess } = gradientsOf([0.3, 0.1, 0.9, 0.2, 0.5], [2, 2, 2, 1, 0], [0, 3, 5]);
    expect(Array.from(grad.subarray(0, 3))).toEqual([0, 0, 0]);
    expect(Array.from(hess.subarray(0, 3))).toEqual([0, 0, 0]);
    expect(grad[3]).toBeLessThan(0); // the relevant document of the other group is pushed up
    expect(grad[3] + grad[4]).toBeCloseTo(0, 12);
  });

  it('and a fit on such groups learns nothing', () => {
    const data = synthetic(new Rng(3), 10, 8, 3, 0);
    data.labels.fill(1);
    const model = new LambdaMart({ trees: 5, minLeaf: 2 }).fit(data);
    expect(Array.from(model.predict(data.features, 3)).every((s) => s === 0)).toBe(true);
    expect(Array.from(model.importance())).toEqual([0, 0, 0]);
  });
});

describe('LambdaMart', () => {
  const rng = new Rng(11);
  const train = synthetic(rng, 120, 20, 6, 4);
  const valid = synthetic(rng, 40, 20, 6, 4);
  const test = synthetic(rng, 40, 20, 6, 4);
  const model = new LambdaMart({
    trees: 60,
    leaves: 15,
    learningRate: 0.1,
    minLeaf: 5,
    featureFraction: 0.8,
  }).fit(train, valid);

  it('ranks held-out queries perfectly when relevance is a monotone function of one feature', () => {
    expect(ndcgAt(model, test, 10)).toBeCloseTo(1, 9);
    const imp = model.importance();
    const top = imp.indexOf(Math.max(...imp));
    expect(top).toBe(4);
    expect(imp[4]).toBeGreaterThan(10 * (imp.reduce((a, b) => a + b, 0) - imp[4]));
  });

  it("keeps the trees up to the best validation round and reports that round's nDCG", () => {
    expect(model.bestIteration).toBeGreaterThan(0);
    expect(model.bestIteration).toBeLessThanOrEqual(60);
    expect(ndcgAt(model, valid, 10)).toBeCloseTo(model.validNdcg, 6);
  });

  it('restores from its state with identical predictions', () => {
    const { params, arrays } = model.state();
    const copy = LambdaMart.restore(structuredClone({ params, arrays }));
    expect(copy.predict(test.features, 6)).toEqual(model.predict(test.features, 6));
    expect(copy.importance()).toEqual(model.importance());
    expect(copy.params).toEqual(model.params);
  });

  it('is reproducible from its seed', () => {
    const again = new LambdaMart({ trees: 10, featureFraction: 0.5, seed: 5 }).fit(train);
    const other = new LambdaMart({ trees: 10, featureFraction: 0.5, seed: 5 }).fit(train);
    expect(again.predict(test.features, 6)).toEqual(other.predict(test.features, 6));
  });

  it('rejects NaN and Infinity features naming the row and feature', () => {
    const bad = { ...train, features: train.features.slice() };
    bad.features[7 * 6 + 2] = Number.NaN;
    expect(() => new LambdaMart({ trees: 1 }).fit(bad)).toThrow(/feature 2 of row 7 is NaN/);
    const x = test.features.slice(0, 12);
    x[6 + 5] = Number.POSITIVE_INFINITY;
    expect(() => model.predict(x, 6)).toThrow(/feature 5 of row 1 is Infinity/);
  });

  it('rejects bad labels, groups, shapes and params', () => {
    const labels = train.labels.slice();
    labels[3] = -1;
    expect(() => new LambdaMart({ trees: 1 }).fit({ ...train, labels })).toThrow(/label of row 3/);
    const groups = train.groups.slice();
    groups[5] = groups[4] - 1;
    expect(() => new LambdaMart({ trees: 1 }).fit({ ...train, groups })).toThrow(/must not decrease/);
    expect(() => new LambdaMart({ trees: 1 }).fit({ ...train, groups: Int32Array.from([0, 5]) })).toThrow(
      /end at the row count/,
    );
    expect(() =>
      new LambdaMart({ trees: 1 }).fit(train, { ...valid, labels: new Float32Array(valid.labels.length) }),
    ).toThrow(/no query has a relevant row/);
    expect(() => model.predict(test.features, 5)).toThrow(/fitted on 6 features/);
    expect(() => new LambdaMart({ bins: 256 })).toThrow(/bins/);
    expect(() => new LambdaMart().predict(test.features, 6)).toThrow(/not fitted/);
  });

  it('stops when the signal fires and keeps its previous fit', () => {
    const controller = new AbortController();
    const m = new LambdaMart({ trees: 5 }).fit(train);
    const before = m.predict(test.features, 6);
    expect(() =>
      m.fit(train, undefined, {
        signal: controller.signal,
        onProgress: (done) => done === 2 && controller.abort(),
      }),
    ).toThrow(/cancelled/);
    expect(m.predict(test.features, 6)).toEqual(before);
  });
});
