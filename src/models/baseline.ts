import type { Interactions } from '../data/interactions.js';
import { checkAborted, Recommender } from './base.js';
import type { ModelEntry } from './registry.js';
import type {
  Estimate,
  FitOptions,
  FoldedUser,
  ModelState,
  NewUserRatings,
  ParamSchema,
  ParamsOf,
  UserRef,
} from './types.js';

const schema = {
  epochs: {
    type: 'int',
    default: 10,
    min: 1,
    max: 1000,
    description: 'alternating passes over users and items',
  },
  regUser: { type: 'float', default: 15, min: 0, description: 'shrinkage of user biases toward 0' },
  regItem: { type: 'float', default: 10, min: 0, description: 'shrinkage of item biases toward 0' },
} satisfies ParamSchema;

export type BaselineParams = ParamsOf<typeof schema>;

/**
 * Global mean plus regularised user and item biases, fitted by alternating least squares
 * (Koren 2010, "Factor in the neighbors", section 2.1; Surprise's BaselineOnly with ALS).
 * Other models reuse `fitBiases` to centre ratings.
 */
export class Baseline extends Recommender<BaselineParams> {
  readonly name = 'baseline';
  mu = 0;
  userBias: Float64Array = new Float64Array(0);
  itemBias: Float64Array = new Float64Array(0);

  constructor(params: Partial<BaselineParams> = {}) {
    super(schema, 'baseline', params);
  }

  async fit(train: Interactions, options: FitOptions = {}): Promise<this> {
    const biases = fitBiases(train, this.params, options);
    checkAborted(options.signal, 'baseline');
    this.mu = biases.mu;
    this.userBias = biases.userBias;
    this.itemBias = biases.itemBias;
    this.train = train;
    return this;
  }

  protected estimate(user: UserRef, item: number): Estimate {
    return { ok: true, value: this.mu + this.biasOf(user) + this.itemBias[item] };
  }

  protected scoreInto(user: UserRef, out: Float32Array): boolean {
    const bu = this.biasOf(user);
    for (let i = 0; i < out.length; i++) out[i] = this.mu + bu + this.itemBias[i];
    return true;
  }

  private biasOf(user: UserRef): number {
    return typeof user === 'number' ? this.userBias[user] : (user.state.bias as number);
  }

  /** b_u from the fitted item biases, shrunk as in `fitBiases` (0 for no ratings). */
  protected foldInImpl(ratings: NewUserRatings): Omit<FoldedUser, 'model'> {
    let sum = 0;
    for (let k = 0; k < ratings.items.length; k++) {
      sum += ratings.ratings[k] - this.mu - this.itemBias[ratings.items[k]];
    }
    return {
      seen: ratings.items,
      state: { bias: shrunkMean(sum, ratings.items.length, this.params.regUser) },
    };
  }

  state(): ModelState {
    return {
      params: { ...this.params },
      meta: { mu: this.mu },
      arrays: { userBias: this.userBias, itemBias: this.itemBias },
    };
  }

  restore(state: ModelState, train: Interactions): void {
    this.mu = state.meta.mu as number;
    this.userBias = state.arrays.userBias as Float64Array;
    this.itemBias = state.arrays.itemBias as Float64Array;
    this.train = train;
  }
}

export interface Biases {
  mu: number;
  userBias: Float64Array;
  itemBias: Float64Array;
}

/** Alternating closed-form updates of b_i then b_u, each shrunk by its regulariser. */
export function fitBiases(
  train: Interactions,
  params: { epochs: number; regUser: number; regItem: number },
  options: FitOptions = {},
): Biases {
  const mu = train.globalMean();
  const userBias = new Float64Array(train.nUsers);
  const itemBias = new Float64Array(train.nItems);
  const byItem = train.byItem();
  const byUser = train.byUser();
  for (let epoch = 0; epoch < params.epochs; epoch++) {
    checkAborted(options.signal, 'baseline');
    for (let i = 0; i < train.nItems; i++) {
      let sum = 0;
      const start = byItem.indptr[i];
      const end = byItem.indptr[i + 1];
      for (let p = start; p < end; p++) sum += byItem.values[p] - mu - userBias[byItem.indices[p]];
      itemBias[i] = shrunkMean(sum, end - start, params.regItem);
    }
    for (let u = 0; u < train.nUsers; u++) {
      let sum = 0;
      const start = byUser.indptr[u];
      const end = byUser.indptr[u + 1];
      for (let p = start; p < end; p++) sum += byUser.values[p] - mu - itemBias[byUser.indices[p]];
      userBias[u] = shrunkMean(sum, end - start, params.regUser);
    }
    options.onProgress?.(epoch + 1, params.epochs, 'baseline');
  }
  return { mu, userBias, itemBias };
}

/** sum / (reg + count): a residual mean shrunk toward 0; exactly 0 with no ratings, even at reg 0. */
export function shrunkMean(sum: number, count: number, reg: number): number {
  return count === 0 ? 0 : sum / (reg + count);
}

export const baselineEntry: ModelEntry = {
  name: 'baseline',
  description: 'global mean + regularised user and item biases (ALS)',
  kind: 'rating',
  schema,
  create: (params) => new Baseline(params as Partial<BaselineParams>),
};
