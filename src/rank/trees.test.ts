import { describe, expect, it } from 'vitest';
import { predictTree, TreeLearner } from './trees.js';
import { binFeatures, quantileBounds } from './trees-bins.js';

describe('quantile bins', () => {
  it('cut between every pair of distinct values when there are few, at the midpoint', () => {
    const x = Float32Array.from([3, 1, 2, 2, 1, 3]);
    const { bounds, boundStart } = quantileBounds(x, 6, 1, 10);
    expect(Array.from(bounds)).toEqual([1.5, 2.5]);
    expect(Array.from(boundStart)).toEqual([0, 2]);
    expect(Array.from(binFeatures(x, 6, 1, bounds, boundStart))).toEqual([2, 0, 1, 1, 0, 2]);
  });

  it('make equal-count bins when values outnumber bins', () => {
    const n = 1000;
    const x = new Float32Array(n);
    for (let i = 0; i < n; i++) x[i] = (i * 7919) % n; // 0..999 shuffled
    const { bounds, boundStart } = quantileBounds(x, n, 1, 4);
    expect(Array.from(bounds)).toEqual([249.5, 499.5, 749.5]);
    const codes = binFeatures(x, n, 1, bounds, boundStart);
    const counts = [0, 0, 0, 0];
    for (const c of codes) counts[c]++;
    expect(counts).toEqual([250, 250, 250, 250]);
  });
});

describe('TreeLearner', () => {
  it('fits a step function: leaves are the Newton steps −ΣG/ΣH of the two sides', () => {
    // Squared loss from scores 0: grad = −y, hess = 1, so a leaf's value is the mean y of its rows.
    // y = 1 for x <= 4, y = 3 above, with a useless second feature.
    const n = 10;
    const nF = 2;
    const x = new Float32Array(n * nF);
    const grad = new Float64Array(n);
    const hess = new Float64Array(n).fill(1);
    for (let r = 0; r < n; r++) {
      x[r * nF] = r;
      x[r * nF + 1] = r % 2;
      grad[r] = r <= 4 ? -1 : -3;
    }
    const { bounds, boundStart } = quantileBounds(x, n, nF, 16);
    const codes = binFeatures(x, n, nF, bounds, boundStart);
    const learner = new TreeLearner(codes, n, nF, bounds, boundStart, {
      leaves: 4,
      minLeaf: 1,
      bins: 16,
      maxTrees: 1,
    });
    const scores = new Float64Array(n);
    const importance = new Float64Array(nF);
    learner.grow(grad, hess, Int32Array.from([0, 1]), 2, 1, scores, importance);
    for (let r = 0; r < n; r++) expect(scores[r]).toBeCloseTo(r <= 4 ? 1 : 3, 6);
    // Gain of the one useful split: 5²/5 + 15²/5 − 20²/10 = 5 + 45 − 40 = 10; nothing else gains.
    expect(importance[0]).toBeCloseTo(10, 9);
    expect(importance[1]).toBe(0);
    const forest = learner.rawForest();
    expect(forest.nodeThreshold[0]).toBe(4.5);
    expect(predictTree(forest, 0, Float32Array.from([4.4, 1]), 0)).toBeCloseTo(1, 6);
    expect(predictTree(forest, 0, Float32Array.from([4.6, 0]), 0)).toBeCloseTo(3, 6);
  });

  it('respects minLeaf and the leaf budget', () => {
    const n = 8;
    const x = Float32Array.from([0, 1, 2, 3, 4, 5, 6, 7]);
    const grad = Float64Array.from([-8, -1, -1, -1, -1, -1, -1, -9]);
    const hess = new Float64Array(n).fill(1);
    const { bounds, boundStart } = quantileBounds(x, n, 1, 16);
    const codes = binFeatures(x, n, 1, bounds, boundStart);
    const learner = new TreeLearner(codes, n, 1, bounds, boundStart, {
      leaves: 8,
      minLeaf: 3,
      bins: 16,
      maxTrees: 1,
    });
    const scores = new Float64Array(n);
    learner.grow(grad, hess, Int32Array.from([0]), 1, 1, scores, new Float64Array(1));
    // With 3 rows per leaf at least, 8 rows make 2 leaves: {0,1,2} and {3..7} or {0..4} and {5,6,7}.
    const distinct = new Set(Array.from(scores));
    expect(distinct.size).toBe(2);
  });
});
