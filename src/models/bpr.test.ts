import { describe, expect, it } from 'vitest';
import { describeRecommender } from '../../test/contract.js';
import { Interactions } from '../data/interactions.js';
import { Rng } from '../math/random.js';
import { Bpr } from './bpr.js';

// The checkerboard gives every user three 1-star ratings in the other group; as implicit events
// those are positives that blur the groups on 40 users, so the contract runs BPR on the liked
// (≥ 4 star) events, which is what minRating is for.
describeRecommender('bpr', () => new Bpr({ minRating: 4 }), { rating: false, itemSimilarity: true });

/**
 * 4 taste groups of 30 users and 25 items. Each user interacts with 60% of their group's items
 * (half of those held out for evaluation) and with one random item of another group.
 */
function planted(seed: number) {
  const rng = new Rng(seed);
  const users: number[] = [];
  const items: number[] = [];
  const heldOut: number[][] = [];
  const touched: Set<number>[] = [];
  for (let u = 0; u < 120; u++) {
    const g = Math.floor(u / 30);
    const mine = new Set<number>();
    const held: number[] = [];
    for (let k = 0; k < 25; k++) {
      if (rng.next() >= 0.6) continue;
      const item = g * 25 + k;
      mine.add(item);
      if (rng.next() < 0.5) held.push(item);
      else {
        users.push(u);
        items.push(item);
      }
    }
    const noise = (((g + 1 + rng.int(3)) % 4) * 25 + rng.int(25)) % 100;
    mine.add(noise);
    users.push(u);
    items.push(noise);
    heldOut.push(held);
    touched.push(mine);
  }
  const train = new Interactions(
    120,
    100,
    Int32Array.from(users),
    Int32Array.from(items),
    new Float32Array(users.length).fill(1),
    new Float64Array(users.length),
  );
  return { train, heldOut, touched };
}

describe('Bpr', () => {
  it('reaches AUC > 0.9 on held-out events of a planted group structure', async () => {
    const { train, heldOut, touched } = planted(11);
    const model = await new Bpr({ factors: 16, iterations: 60, learningRate: 0.05 }).fit(train);
    let auc = 0;
    let users = 0;
    for (let u = 0; u < 120; u++) {
      if (heldOut[u].length === 0) continue;
      const scores = model.scoreAll(u)!;
      let correct = 0;
      let pairs = 0;
      for (const i of heldOut[u]) {
        for (let j = 0; j < 100; j++) {
          if (touched[u].has(j)) continue;
          pairs++;
          if (scores[i] > scores[j]) correct++;
        }
      }
      auc += correct / pairs;
      users++;
    }
    expect(auc / users).toBeGreaterThan(0.9);
  });

  it('refuses to report a diverged fit: ModelFitError naming the learning rate', async () => {
    const model = new Bpr({ factors: 8, iterations: 5, learningRate: 1e30 });
    const failure = model.fit(planted(3).train);
    await expect(failure).rejects.toMatchObject({ name: 'ModelFitError' });
    await expect(failure).rejects.toThrow(/^bpr: training diverged .*learningRate=1e\+30/);
    expect(model.fitted).toBe(false);
  });

  it('is reproducible for a seed and differs across seeds', async () => {
    const { train } = planted(3);
    const a = await new Bpr({ factors: 8, iterations: 5, seed: 1 }).fit(train);
    const b = await new Bpr({ factors: 8, iterations: 5, seed: 1 }).fit(train);
    const c = await new Bpr({ factors: 8, iterations: 5, seed: 2 }).fit(train);
    expect(Array.from(a.itemFactors)).toEqual(Array.from(b.itemFactors));
    expect(Array.from(a.itemFactors)).not.toEqual(Array.from(c.itemFactors));
    const newUser = { items: Int32Array.from([0, 1, 2]), ratings: Float32Array.from([1, 1, 1]) };
    expect(a.foldIn(newUser).state.vector).toEqual(b.foldIn(newUser).state.vector);
  });
});
