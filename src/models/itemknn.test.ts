import { describe, expect, it } from 'vitest';
import { describeRecommender } from '../../test/contract.js';
import { Interactions } from '../data/interactions.js';
import { Rng } from '../math/random.js';
import { fitBiases } from './baseline.js';
import { ItemKnn } from './itemknn.js';
import { itemNeighbours, similarityInputs } from './itemknn-similarity.js';

describeRecommender('itemknn', () => new ItemKnn(), {
  personalised: true,
  rating: true,
  itemSimilarity: true,
});

function matrix(nUsers: number, nItems: number, triples: [number, number, number][]): Interactions {
  return new Interactions(
    nUsers,
    nItems,
    Int32Array.from(triples, (t) => t[0]),
    Int32Array.from(triples, (t) => t[1]),
    Float32Array.from(triples, (t) => t[2]),
    new Float64Array(triples.length),
  );
}

/**
 * u0 rates i0..i2 as 5 4 1, u1 as 4 5 2, u2 as 1 2 5. μ = 29/9; one ALS pass without shrinkage
 * gives b_i = b_u = (1/9, 4/9, −5/9), so the residuals e = r − μ − b_u − b_i are, in ninths,
 *   i0: (14, 2, −16)   i1: (2, 8, −10)   i2: (−16, −10, 26).
 */
function tiny(): Interactions {
  const r = [
    [5, 4, 1],
    [4, 5, 2],
    [1, 2, 5],
  ];
  return matrix(
    3,
    3,
    [0, 1, 2].flatMap((u) => [0, 1, 2].map((i) => [u, i, r[u][i]] as [number, number, number])),
  );
}

/** A random sparse matrix with a planted taste structure (deterministic). */
function random(nUsers: number, nItems: number, density: number, seed: number): Interactions {
  const rng = new Rng(seed);
  const triples: [number, number, number][] = [];
  for (let u = 0; u < nUsers; u++) {
    for (let i = 0; i < nItems; i++) {
      if (rng.next() >= density) continue;
      const taste = ((u % 3) - (i % 3)) % 3 === 0 ? 1.5 : -0.5;
      triples.push([u, i, Math.min(5, Math.max(1, Math.round(3 + taste + rng.normal())))]);
    }
  }
  return matrix(nUsers, nItems, triples);
}

const exact = { biasEpochs: 1, regUser: 0, regItem: 0 };

describe('ItemKnn', () => {
  it('computes a pearson-baseline similarity with shrinkage by hand', async () => {
    // sim(i0, i1) = 204 / √(456·168) · (3−1)/(3−1+2); i2 anti-correlates with both: no neighbours.
    const model = await new ItemKnn({ ...exact, shrinkage: 2 }).fit(tiny());
    expect(model.mu).toBeCloseTo(29 / 9, 12);
    [1 / 9, 4 / 9, -5 / 9].forEach((b, k) => {
      expect(model.itemBias[k]).toBeCloseTo(b, 12);
      expect(model.userBias[k]).toBeCloseTo(b, 12);
    });
    const similar = model.similarItems(0, 5);
    expect(Array.from(similar.ids)).toEqual([1]);
    expect(similar.scores[0]).toBeCloseTo((204 / Math.sqrt(456 * 168)) * 0.5, 6);
    // One rated neighbour: the weight cancels, r̂ = b_u0,i0 + e_u0,i1 = 29/9 + 1/9 + 1/9 + 2/9.
    const estimate = model.predict(0, 0);
    expect(estimate.ok && estimate.value).toBeCloseTo(33 / 9, 5);
    const none = model.predict(0, 2);
    expect(none.ok).toBe(false);
    if (!none.ok) expect(none.reason).toMatch(/no neighbours/);
  });

  it('computes pearson and cosine by hand, and drops pairs under minSupport', async () => {
    // Raw i0 = (5,4,1), i1 = (4,5,2): cosine 42/√(42·45); centred (5,2,−7)/3 and (1,4,−5)/3: 48/√(78·42).
    const cosine = await new ItemKnn({ ...exact, similarity: 'cosine' }).fit(tiny());
    expect(cosine.similarItems(0, 1).scores[0]).toBeCloseTo(42 / Math.sqrt(42 * 45), 6);
    const pearson = await new ItemKnn({ ...exact, similarity: 'pearson' }).fit(tiny());
    expect(pearson.similarItems(0, 1).scores[0]).toBeCloseTo(48 / Math.sqrt(78 * 42), 6);
    expect(pearson.similarItems(2, 5).ids.length).toBe(0); // i2's centred ratings are −i0's
    const strict = await new ItemKnn({ ...exact, minSupport: 4 }).fit(tiny());
    expect(strict.nbrIds.length).toBe(0);
  });

  it('says why it cannot score when none of the neighbours is rated by the user', async () => {
    // u1 rated only i1; i0's only neighbour is i2.
    const train = matrix(4, 3, [
      [0, 0, 5],
      [0, 2, 5],
      [2, 0, 1],
      [2, 2, 2],
      [3, 0, 4],
      [3, 2, 4],
      [1, 1, 3],
    ]);
    const model = await new ItemKnn({ similarity: 'cosine' }).fit(train);
    const estimate = model.predict(1, 0);
    expect(estimate.ok).toBe(false);
    if (!estimate.ok) expect(estimate.reason).toMatch(/none of item 0's 1 nearest neighbours is rated/);
  });

  it.each([
    { k: 5, neighbours: 100 },
    { k: 40, neighbours: 4 },
  ])('matches a brute-force KNNBaseline over dense similarities (%o)', async ({ k, neighbours }) => {
    // With full lists, Surprise's rule: the k most similar items the user rated. With short lists,
    // only those of i's `neighbours` most similar items (over all items) that the user rated.
    const train = random(60, 25, 0.4, 7);
    const model = await new ItemKnn({ k, neighbours, shrinkage: 10, minSupport: 3 }).fit(train);
    const r: number[][] = Array.from({ length: 60 }, () => new Array(25).fill(NaN));
    for (let p = 0; p < train.size; p++) r[train.users[p]][train.items[p]] = train.ratings[p];
    const e = (u: number, i: number) => r[u][i] - model.mu - model.userBias[u] - model.itemBias[i];
    const sim = (i: number, j: number): number => {
      let xy = 0;
      let xx = 0;
      let yy = 0;
      let n = 0;
      for (let u = 0; u < 60; u++) {
        if (Number.isNaN(r[u][i]) || Number.isNaN(r[u][j])) continue;
        xy += e(u, i) * e(u, j);
        xx += e(u, i) ** 2;
        yy += e(u, j) ** 2;
        n++;
      }
      return n < 3 || xx * yy === 0 ? 0 : (xy / Math.sqrt(xx * yy)) * ((n - 1) / (n - 1 + 10));
    };
    let scored = 0;
    for (let u = 0; u < 60; u += 3) {
      for (let i = 0; i < 25; i++) {
        const positive = [];
        for (let j = 0; j < 25; j++) if (j !== i && sim(i, j) > 0) positive.push(j);
        positive.sort((a, b) => sim(i, b) - sim(i, a) || a - b);
        const top = positive
          .slice(0, neighbours)
          .filter((j) => !Number.isNaN(r[u][j]))
          .slice(0, k);
        const got = model.predict(u, i);
        if (top.length === 0) {
          expect(got.ok).toBe(false);
          continue;
        }
        const bui = model.mu + model.userBias[u] + model.itemBias[i];
        const num = top.reduce((s, j) => s + Math.fround(sim(i, j)) * e(u, j), 0);
        const den = top.reduce((s, j) => s + Math.fround(sim(i, j)), 0);
        expect(got.ok && got.value).toBeCloseTo(bui + num / den, 5);
        scored++;
      }
    }
    expect(scored).toBeGreaterThan(400);
  });

  it('keeps biases finite for unrated items and users when unshrunk (no 0/0)', async () => {
    const train = random(40, 12, 0.5, 5);
    // Append an item and a user nobody rated / who rated nothing.
    const wider = new Interactions(41, 13, train.users, train.items, train.ratings, train.timestamps);
    const model = await new ItemKnn({ regUser: 0, regItem: 0, neighbours: 11 }).fit(wider);
    expect(model.itemBias[12]).toBe(0);
    expect(model.userBias[40]).toBe(0);
    expect(Array.from(model.itemBias).every(Number.isFinite)).toBe(true);
    expect(Array.from(model.userBias).every(Number.isFinite)).toBe(true);
  });

  it('computes the same similarities on two worker threads as on one', async () => {
    const train = random(400, 300, 0.15, 11);
    const biases = fitBiases(train, { epochs: 3, regUser: 15, regItem: 10 });
    for (const similarity of ['pearson-baseline', 'pearson'] as const) {
      const inputs = similarityInputs(train, biases, similarity);
      const params = { similarity, neighbours: 20, minSupport: 2, shrinkage: 100 };
      const single = await itemNeighbours(train, inputs, params, { threads: 1 });
      const parallel = await itemNeighbours(train, inputs, params, { threads: 2 });
      expect(single.ids.length).toBeGreaterThan(300 * 15);
      expect(parallel.indptr).toEqual(single.indptr);
      expect(parallel.ids).toEqual(single.ids);
      expect(parallel.sims).toEqual(single.sims);
    }
  });

  it('filters "more like this" by rating count and mean, and folds in a new user', async () => {
    const train = random(90, 30, 0.5, 3);
    const model = await new ItemKnn({ neighbours: 29 }).fit(train);
    const all = model.moreLikeThis(4, 29);
    expect(Array.from(all.ids)).toEqual(Array.from(model.similarItems(4, 29).ids));
    const counts = train.itemCounts();
    const minCount = counts[all.ids[Math.floor(all.ids.length / 2)]];
    const popular = model.moreLikeThis(4, 29, { minCount, minMean: 3 });
    expect(popular.ids.length).toBeGreaterThan(0);
    expect(popular.ids.length).toBeLessThan(all.ids.length);
    const byItem = train.byItem();
    for (const j of popular.ids) {
      expect(counts[j]).toBeGreaterThanOrEqual(minCount);
      let sum = 0;
      for (let p = byItem.indptr[j]; p < byItem.indptr[j + 1]; p++) sum += byItem.values[p];
      expect(sum / counts[j]).toBeGreaterThanOrEqual(3);
    }
    // A folded-in copy of user 5 answers as user 5 (and in r̂ = μ + b_u + b_i + Σ s·(r − μ − b_u − b_j)/Σ s
    // b_u cancels anyway whenever a neighbour is rated).
    const csr = train.byUser();
    const items = csr.indices.slice(csr.indptr[5], csr.indptr[6]);
    const ratings = csr.values.slice(csr.indptr[5], csr.indptr[6]);
    const folded = model.foldIn({ items, ratings });
    let sum = 0;
    for (let k = 0; k < items.length; k++) sum += ratings[k] - model.mu - model.itemBias[items[k]];
    expect(folded.state.bias).toBeCloseTo(sum / (15 + items.length), 12);
    // The last ALS half-step computed b_5 by this very formula from the final item biases.
    expect(folded.state.bias).toBeCloseTo(model.userBias[5], 12);
    for (let i = 0; i < 30; i++) {
      const a = model.predict(5, i);
      const b = model.predict(folded, i);
      expect(b.ok).toBe(a.ok);
      if (a.ok && b.ok) expect(b.value).toBeCloseTo(a.value, 5);
    }
  });
});
