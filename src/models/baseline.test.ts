import { describe, expect, it } from 'vitest';
import { describeRecommender } from '../../test/contract.js';
import { Interactions } from '../data/interactions.js';
import { Baseline } from './baseline.js';

describeRecommender('baseline', () => new Baseline(), { personalised: false, scoresEveryone: true });

describe('Baseline', () => {
  it('matches biases computed by hand on a 2×2 case', async () => {
    // r(0,0)=5, r(0,1)=3, r(1,0)=4; mu = 4. One epoch, no shrinkage:
    // b_0 = mean(5-4, 4-4) = 0.5, b_1 = 3-4 = -1; b_u0 = mean(5-4-0.5, 3-4+1) = 0.25, b_u1 = 4-4-0.5 = -0.5.
    const train = new Interactions(
      2,
      2,
      Int32Array.from([0, 0, 1]),
      Int32Array.from([0, 1, 0]),
      Float32Array.from([5, 3, 4]),
      new Float64Array(3),
    );
    const model = await new Baseline({ epochs: 1, regUser: 0, regItem: 0 }).fit(train);
    expect(model.mu).toBeCloseTo(4);
    expect(Array.from(model.itemBias)).toEqual([0.5, -1]);
    expect(Array.from(model.userBias)).toEqual([0.25, -0.5]);
    expect(model.predict(1, 1)).toEqual({ ok: true, value: 4 - 0.5 - 1 });
  });

  it('gives a bias of 0, not 0/0, to users and items without ratings when unshrunk', async () => {
    // User 2 and item 2 have no ratings.
    const train = new Interactions(
      3,
      3,
      Int32Array.from([0, 0, 1]),
      Int32Array.from([0, 1, 0]),
      Float32Array.from([5, 3, 4]),
      new Float64Array(3),
    );
    const model = await new Baseline({ epochs: 1, regUser: 0, regItem: 0 }).fit(train);
    expect(Array.from(model.itemBias)).toEqual([0.5, -1, 0]);
    expect(Array.from(model.userBias)).toEqual([0.25, -0.5, 0]);
    expect(model.predict(2, 2)).toEqual({ ok: true, value: 4 });
    const nobody = model.foldIn({ items: new Int32Array(0), ratings: new Float32Array(0) });
    expect(nobody.state.bias).toBe(0);
    expect(model.predict(nobody, 0)).toEqual({ ok: true, value: 4.5 });
    expect(model.scoreAll(nobody)).toEqual(Float32Array.from([4.5, 3, 4]));
  });
});
