import { describe, expect, it } from 'vitest';
import type { Dataset } from '../data/dataset.js';
import type { Interactions } from '../data/interactions.js';
import { Rng } from '../math/random.js';
import { dataset, interactions, type Row, synthetic } from './eval.fixture.js';
import { pyRound, randomHoldout } from './split-helpers.js';
import { type Fold, PROTOCOLS, splitFolds } from './splits.js';

/** "user:item:timestamp" of every row, sorted: a part's content regardless of order. */
function keys(data: Interactions): string[] {
  return Array.from(data.users, (u, k) => `${u}:${data.items[k]}:${data.timestamps[k]}`).sort();
}

function perUser(data: Interactions): number[] {
  return Array.from(data.userCounts());
}

/** Every part keeps the shape, and the parts are exactly the dataset's rows. */
function expectExactPartition(ds: Dataset, fold: Fold): void {
  for (const part of [fold.train, fold.test, fold.foldIn].filter((p) => p !== undefined)) {
    expect(part.nUsers).toBe(ds.ratings.nUsers);
    expect(part.nItems).toBe(ds.ratings.nItems);
  }
  const all = [...keys(fold.train), ...keys(fold.test), ...(fold.foldIn ? keys(fold.foldIn) : [])].sort();
  expect(all).toEqual(keys(ds.ratings));
}

describe('pyRound', () => {
  it("rounds halves to even like Python 3's round()", () => {
    expect([0.5, 1.5, 2.5, 3.5, 4.5, 7.5].map(pyRound)).toEqual([0, 2, 2, 4, 4, 8]);
    expect([0.75, 2.25, 2.4, 2.6, 4].map(pyRound)).toEqual([1, 2, 2, 3, 4]);
    // Python rounds the double as it is: 0.7 · 45 is 31.499999999999996 there too, and rounds to 31.
    expect(pyRound(0.7 * 45)).toBe(31);
    expect(pyRound((1 - 0.7) * 15)).toBe(5); // 4.500000000000001, as in Python
  });
});

describe('randomHoldout', () => {
  const data = synthetic(4).ratings;

  it('cuts one seeded permutation after the rounded count', () => {
    const order = new Rng(9).permutation(data.size);
    const want = Math.ceil(0.25 * data.size);
    const { held, kept } = randomHoldout(data, 0.25, new Rng(9));
    expect(held.length).toBe(want);
    expect([...held]).toEqual([...order.subarray(0, want)]);
    expect([...kept]).toEqual([...order.subarray(want)]);
  });

  it("rounds with the caller's rule and never holds out more than all rows", () => {
    const tiny = interactions(1, 3, [
      [0, 0, 1, 0],
      [0, 1, 2, 0],
      [0, 2, 3, 0],
    ]);
    expect(randomHoldout(tiny, 0.5, new Rng(1)).held.length).toBe(2); // ceil(1.5)
    expect(randomHoldout(tiny, 0.5, new Rng(1), Math.floor).held.length).toBe(1);
    expect(randomHoldout(tiny, 0.5, new Rng(1), () => 7).held.length).toBe(3);
    expect(randomHoldout(tiny, 0.5, new Rng(1), () => -1).kept.length).toBe(3);
  });
});

describe('splitFolds', () => {
  const ds = synthetic(7);

  it('kfold: 5 folds whose tests partition the ratings, sizes as Surprise cuts them', () => {
    const folds = splitFolds(ds, 'kfold');
    expect(folds.map((f) => f.name)).toEqual(['fold1', 'fold2', 'fold3', 'fold4', 'fold5']);
    const n = ds.ratings.size;
    const sizes = folds.map((f) => f.test.size);
    expect(sizes).toEqual(sizes.map((_, i) => Math.floor(n / 5) + (i < n % 5 ? 1 : 0)));
    const tested = folds.flatMap((f) => keys(f.test)).sort();
    expect(tested).toEqual(keys(ds.ratings));
    for (const fold of folds) expectExactPartition(ds, fold);
  });

  it('kfold: 7 ratings in 3 folds give parts of 3, 2, 2', () => {
    const rows: Row[] = Array.from({ length: 7 }, (_, k) => [k % 2, k, 3, k]);
    const folds = splitFolds(dataset(2, 7, rows), 'kfold', { folds: 3 });
    expect(folds.map((f) => f.test.size)).toEqual([3, 2, 2]);
  });

  it('is reproducible for a seed and changes with it', () => {
    const a = splitFolds(ds, 'kfold', { seed: 3 });
    const b = splitFolds(ds, 'kfold', { seed: 3 });
    const c = splitFolds(ds, 'kfold', { seed: 4 });
    expect(keys(a[0].test)).toEqual(keys(b[0].test));
    expect(keys(a[0].test)).not.toEqual(keys(c[0].test));
  });

  it('random: one holdout of ceil(0.2 n) ratings', () => {
    const [fold] = splitFolds(ds, 'random');
    expect(fold.name).toBe('holdout');
    expect(fold.test.size).toBe(Math.ceil(0.2 * ds.ratings.size));
    expectExactPartition(ds, fold);
    expect(splitFolds(ds, 'random', { testFraction: 0.5 })[0].test.size).toBe(Math.ceil(ds.ratings.size / 2));
  });

  it("stratified: round(0.75 n) of each user's ratings train, Python rounding", () => {
    // Users with 1, 2, 4, 6 and 10 ratings: round(0.75), round(1.5), 3, round(4.5), round(7.5).
    const counts = [1, 2, 4, 6, 10];
    const rows: Row[] = counts.flatMap((n, u) =>
      Array.from({ length: n }, (_, i): Row => [u, i, 4, u * 100 + i]),
    );
    const small = dataset(5, 10, rows);
    const [fold] = splitFolds(small, 'stratified');
    expect(perUser(fold.train)).toEqual([1, 2, 3, 4, 8]);
    expect(perUser(fold.test)).toEqual([0, 0, 1, 2, 2]);
    expectExactPartition(small, fold);
    // Different seeds pick different ratings for the same counts.
    const other = splitFolds(small, 'stratified', { seed: 1 })[0];
    expect(perUser(other.test)).toEqual([0, 0, 1, 2, 2]);
    expect(keys(other.test)).not.toEqual(keys(fold.test));
  });

  it("temporal-user: each user's latest ratings are test, ties by row order", () => {
    const rows: Row[] = [
      [0, 0, 4, 50],
      [0, 1, 4, 10],
      [0, 2, 4, 40],
      [0, 3, 4, 20],
      [0, 4, 4, 30],
      [1, 0, 3, 20],
      [1, 1, 3, 10],
      [1, 2, 3, 20],
    ];
    const [fold] = splitFolds(dataset(2, 5, rows), 'temporal-user');
    // User 0: round(0.8 · 5) = 4 train, the latest (item 0, t 50) test. User 1: round(2.4) = 2
    // train; items 0 and 2 tie at t 20, the later row (item 2) is test.
    expect(keys(fold.test)).toEqual(['0:0:50', '1:2:20']);
  });

  it('temporal-global: the latest 20% of all ratings are test', () => {
    const [fold] = splitFolds(ds, 'temporal-global');
    expect(fold.test.size).toBe(ds.ratings.size - pyRound(0.8 * ds.ratings.size));
    expect(Math.min(...fold.test.timestamps)).toBeGreaterThan(Math.max(...fold.train.timestamps));
    expectExactPartition(ds, fold);
  });

  it('leave-last: the last n per user by time; users with n or fewer stay in train', () => {
    const rows: Row[] = [
      [0, 0, 4, 30],
      [0, 1, 4, 10],
      [0, 2, 4, 20],
      [1, 0, 4, 5],
      [2, 3, 4, 1],
      [2, 4, 4, 2],
    ];
    const small = dataset(3, 5, rows);
    expect(keys(splitFolds(small, 'leave-last')[0].test)).toEqual(['0:0:30', '2:4:2']);
    const [two] = splitFolds(small, 'leave-last', { n: 2 });
    expect(keys(two.test)).toEqual(['0:0:30', '0:2:20']);
    expectExactPartition(small, two);
  });

  it('strong: held-out users leave train entirely; their ratings split 80/20 into fold-in and test', () => {
    const [fold] = splitFolds(ds, 'strong', { testFraction: 0.2 });
    expectExactPartition(ds, fold);
    const train = perUser(fold.train);
    const foldIn = perUser(fold.foldIn!);
    const test = perUser(fold.test);
    const total = perUser(ds.ratings);
    const held = total.map((_, u) => u).filter((u) => train[u] === 0);
    expect(held).toHaveLength(Math.round(0.2 * ds.ratings.nUsers));
    for (let u = 0; u < total.length; u++) {
      if (train[u] > 0) {
        expect([train[u], foldIn[u], test[u]]).toEqual([total[u], 0, 0]);
      } else {
        expect(test[u]).toBe(total[u] - Math.floor(0.8 * total[u]));
        expect(foldIn[u] + test[u]).toBe(total[u]);
      }
    }
  });

  it('strong: users with one rating are never held out', () => {
    const rows: Row[] = [
      [0, 0, 4, 1],
      [1, 0, 4, 2],
      [1, 1, 4, 3],
      [2, 2, 4, 4],
    ];
    const [fold] = splitFolds(dataset(3, 3, rows), 'strong', { testFraction: 0.5 });
    expect(perUser(fold.train)).toEqual([1, 0, 1]);
  });

  it('u-folds: the predefined u1..u5 splits, in order', () => {
    const part = interactions(2, 2, [[0, 0, 4, 1]]);
    const other = interactions(2, 2, [[1, 1, 2, 2]]);
    const splits = ['ua', 'u5', 'u4', 'u3', 'u2', 'u1'].map((name) => ({ name, train: part, test: other }));
    const folds = splitFolds(dataset(2, 2, [[0, 0, 4, 1]], [], splits), 'u-folds');
    expect(folds.map((f) => f.name)).toEqual(['u1', 'u2', 'u3', 'u4', 'u5']);
    expect(folds[0].test).toBe(other);
    expect(() => splitFolds(ds, 'u-folds')).toThrow(/'u-folds'.*dataset 'fixture' has none/);
  });

  it('names what is wrong', () => {
    expect(() => splitFolds(ds, 'bogus' as never)).toThrow(
      `unknown protocol 'bogus' (known: ${PROTOCOLS.join(', ')})`,
    );
    for (const bad of [0, 1, 1.5, -0.2, Number.NaN]) {
      expect(() => splitFolds(ds, 'random', { testFraction: bad })).toThrow(
        `testFraction must be a number strictly between 0 and 1, got ${bad}`,
      );
    }
    expect(() => splitFolds(ds, 'strong', { holdoutFraction: 1 })).toThrow('holdoutFraction');
    // Protocols that ignore testFraction do not check it either.
    for (const protocol of ['kfold', 'leave-last'] as const) {
      expect(splitFolds(ds, protocol, { testFraction: 5 })).toEqual(splitFolds(ds, protocol));
    }
    expect(() => splitFolds(ds, 'kfold', { folds: 1 })).toThrow('folds must be an integer in 2..');
    expect(() => splitFolds(ds, 'leave-last', { n: 0 })).toThrow('n must be a positive integer, got 0');
    expect(() => splitFolds(ds, 'random', { seed: 1.5 })).toThrow('seed must be an integer, got 1.5');
  });

  it('refuses empty parts, naming the protocol', () => {
    const single: Row[] = [
      [0, 0, 4, 1],
      [1, 1, 4, 2],
    ];
    expect(() => splitFolds(dataset(2, 2, single), 'leave-last')).toThrow(
      "protocol 'leave-last' gave an empty test set in fold 'leave-last'",
    );
    expect(() => splitFolds(dataset(2, 2, single), 'stratified')).toThrow(
      "protocol 'stratified' gave an empty test set",
    );
  });
});
