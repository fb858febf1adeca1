import { describe, expect, it } from 'vitest';
import { Interactions } from '../data/interactions.js';
import { Recommender } from './base.js';
import type { Estimate, FoldedUser, ModelState, NewUserRatings, UserRef } from './types.js';

/** Estimates `value` for every pair; counts the estimates it was asked for. */
class Fixed extends Recommender {
  readonly name = 'fixed';
  asked = 0;
  constructor(private readonly value: number) {
    super({}, 'fixed');
  }
  async fit(train: Interactions): Promise<this> {
    this.train = train;
    return this;
  }
  protected estimate(_user: UserRef, _item: number): Estimate {
    this.asked++;
    return { ok: true, value: this.value };
  }
  protected scoreInto(_user: UserRef, out: Float32Array): boolean {
    out.fill(this.value);
    return true;
  }
  protected foldInImpl(ratings: NewUserRatings): Omit<FoldedUser, 'model'> {
    return { seen: ratings.items, state: {} };
  }
  state(): ModelState {
    return { params: {}, meta: {}, arrays: {} };
  }
  restore(_state: ModelState, train: Interactions): void {
    this.train = train;
  }
}

const train = new Interactions(
  2,
  3,
  Int32Array.from([0, 1]),
  Int32Array.from([0, 2]),
  Float32Array.from([4, 2]),
  new Float64Array(2),
);

describe('Recommender.predict', () => {
  it('answers "not finite" instead of reporting a NaN or infinite estimate as success', async () => {
    for (const value of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      const model = await new Fixed(value).fit(train);
      const estimate = model.predict(0, 1);
      expect(estimate.ok).toBe(false);
      if (!estimate.ok) expect(estimate.reason).toMatch(/fixed: .*user 0, item 1.* not finite/);
    }
    expect((await new Fixed(3.5).fit(train)).predict(0, 1)).toEqual({ ok: true, value: 3.5 });
  });

  it('checks users and items before asking the model', async () => {
    const model = await new Fixed(3).fit(train);
    for (const [user, item] of [
      [2, 0],
      [-1, 0],
      [0.5, 0],
      [Number.NaN, 0],
      [0, 3],
      [0, -1],
      [0, 1.5],
    ]) {
      expect(model.predict(user, item).ok).toBe(false);
    }
    expect(model.asked).toBe(0);
    const folded = model.foldIn({ items: Int32Array.from([1]), ratings: Float32Array.from([5]) });
    expect(folded.model).toBe('fixed');
    expect(model.predict(folded, 2)).toEqual({ ok: true, value: 3 });
    expect(model.asked).toBe(1);
  });
});
