import type { Interactions } from '../data/interactions.js';
import { Rng } from '../math/random.js';
import { yieldToEventLoop } from '../util/async.js';
import { checkAborted, requireFinite } from './base.js';
import { eventsAtLeast, FactorRanker } from './factors.js';
import type { ModelEntry } from './registry.js';
import type { FitOptions, FoldedUser, ModelState, NewUserRatings, ParamSchema, ParamsOf } from './types.js';

const schema = {
  factors: { type: 'int', default: 64, min: 1, max: 1024, description: 'latent dimensions' },
  iterations: {
    type: 'int',
    default: 200,
    min: 1,
    max: 10_000,
    description: 'epochs; one epoch draws as many (u, i, j) triples as there are events',
  },
  learningRate: { type: 'float', default: 0.02, min: 0, description: 'SGD step size' },
  regularization: {
    type: 'float',
    default: 0.02,
    min: 0,
    description: 'L2 penalty on every updated parameter',
  },
  minRating: {
    type: 'float',
    default: 0,
    min: 0,
    description: 'use only ratings ≥ this as positive events (0 = all)',
  },
  foldInEpochs: {
    type: 'int',
    default: 100,
    min: 1,
    max: 10_000,
    description: 'SGD epochs over a new user’s events when folding in',
  },
  seed: { type: 'int', default: 42, description: 'seed of initialisation and sampling' },
} satisfies ParamSchema;

export type BprParams = ParamsOf<typeof schema>;

/** Redraws of a negative that turned out to be a positive before giving the triple up. */
const NEGATIVE_TRIES = 16;

/**
 * Bayesian Personalised Ranking (Rendle et al. 2009, "BPR: Bayesian Personalized Ranking from
 * Implicit Feedback"): matrix factorisation x_ui = w_u·h_i + b_i trained by LearnBPR, i.e. SGD on
 * ln σ(x_ui − x_uj) for triples of a user, an item they interacted with (drawn uniformly over
 * events) and an item they did not (uniform over the catalog, verified against their row).
 * Scores are a ranking, not a rating.
 */
export class Bpr extends FactorRanker<BprParams> {
  readonly name = 'bpr';
  itemBias: Float32Array = new Float32Array(0);

  constructor(params: Partial<BprParams> = {}) {
    super(schema, 'bpr', params);
  }

  async fit(train: Interactions, options: FitOptions = {}): Promise<this> {
    checkAborted(options.signal, 'bpr');
    const { factors: f, iterations, learningRate: lr, regularization: reg, seed } = this.params;
    // Rows stay ascending, as the negative check needs.
    const { indptr, indices } = eventsAtLeast(train.byUser(), this.params.minRating);
    const nnz = indices.length;
    const nItems = train.nItems;
    // Owner of each event, so drawing an event uniformly gives (u, i) in O(1).
    const owner = new Int32Array(nnz);
    for (let u = 0; u < train.nUsers; u++) owner.fill(u, indptr[u], indptr[u + 1]);
    const rng = new Rng(seed);
    // As `implicit`: uniform in ±0.5/f, biases 0.
    const w = new Float32Array(train.nUsers * f);
    const h = new Float32Array(nItems * f);
    for (let k = 0; k < w.length; k++) w[k] = (rng.next() - 0.5) / f;
    for (let k = 0; k < h.length; k++) h[k] = (rng.next() - 0.5) / f;
    const bias = new Float32Array(nItems);
    for (let epoch = 0; epoch < iterations; epoch++) {
      checkAborted(options.signal, 'bpr');
      for (let s = 0; s < nnz; s++) {
        const e = rng.int(nnz);
        const u = owner[e];
        const i = indices[e];
        const start = indptr[u];
        const end = indptr[u + 1];
        let j = -1;
        for (let t = 0; t < NEGATIVE_TRIES; t++) {
          const c = rng.int(nItems);
          if (!contains(indices, start, end, c)) {
            j = c;
            break;
          }
        }
        if (j < 0) continue; // the user interacted with (nearly) everything
        const ou = u * f;
        const oi = i * f;
        const oj = j * f;
        let x = bias[i] - bias[j];
        for (let a = 0; a < f; a++) x += w[ou + a] * (h[oi + a] - h[oj + a]);
        // d/dθ ln σ(x) = σ(−x) · dx/dθ.
        const z = 1 / (1 + Math.exp(x));
        for (let a = 0; a < f; a++) {
          const wu = w[ou + a];
          const hi = h[oi + a];
          const hj = h[oj + a];
          w[ou + a] = wu + lr * (z * (hi - hj) - reg * wu);
          h[oi + a] = hi + lr * (z * wu - reg * hi);
          h[oj + a] = hj + lr * (-z * wu - reg * hj);
        }
        bias[i] += lr * (z - reg * bias[i]);
        bias[j] += lr * (-z - reg * bias[j]);
      }
      options.onProgress?.(epoch + 1, iterations, 'bpr');
      await yieldToEventLoop();
    }
    checkAborted(options.signal, 'bpr');
    requireFinite(
      'bpr',
      { userFactors: w, itemFactors: h, itemBias: bias },
      `lower learningRate or raise regularization (now learningRate=${lr}, regularization=${reg})`,
    );
    this.itemBias = bias;
    this.commitFactors(w, h, train);
    return this;
  }

  protected override itemBiasTerm(): Float32Array {
    return this.itemBias;
  }

  /**
   * A few LearnBPR epochs on a fresh user vector with item factors and biases fixed (the biases
   * cancel in x_ui − x_uj, so only w_u moves). Seeded from `seed`, so the same input folds in
   * to the same vector.
   */
  protected foldInImpl(ratings: NewUserRatings): Omit<FoldedUser, 'model'> {
    const { factors: f, learningRate: lr, regularization: reg, foldInEpochs, minRating, seed } = this.params;
    const nItems = this.nItems;
    const kept: number[] = [];
    for (let k = 0; k < ratings.items.length; k++) {
      if (ratings.ratings[k] >= minRating) kept.push(ratings.items[k]);
    }
    const pos = Int32Array.from(new Set(kept)).sort();
    const v = new Float32Array(f);
    if (pos.length === 0) return { seen: ratings.items, state: { vector: v, active: 0 } };
    const rng = new Rng(seed ^ 0x5bd1e995);
    for (let a = 0; a < f; a++) v[a] = (rng.next() - 0.5) / f;
    const h = this.itemFactors;
    const steps = foldInEpochs * pos.length;
    for (let s = 0; s < steps; s++) {
      const i = pos[rng.int(pos.length)];
      const j = rng.int(nItems);
      if (contains(pos, 0, pos.length, j)) continue;
      let x = this.itemBias[i] - this.itemBias[j];
      for (let a = 0; a < f; a++) x += v[a] * (h[i * f + a] - h[j * f + a]);
      const z = 1 / (1 + Math.exp(x));
      for (let a = 0; a < f; a++) v[a] += lr * (z * (h[i * f + a] - h[j * f + a]) - reg * v[a]);
    }
    return { seen: ratings.items, state: { vector: v, active: 1 } };
  }

  state(): ModelState {
    return {
      params: { ...this.params },
      meta: {},
      arrays: { userFactors: this.userFactors, itemFactors: this.itemFactors, itemBias: this.itemBias },
    };
  }

  restore(state: ModelState, train: Interactions): void {
    this.itemBias = state.arrays.itemBias as Float32Array;
    this.commitFactors(
      state.arrays.userFactors as Float32Array,
      state.arrays.itemFactors as Float32Array,
      train,
    );
  }
}

/** Binary search for `value` in the ascending slice a[start, end). */
function contains(a: Int32Array, start: number, end: number, value: number): boolean {
  let lo = start;
  let hi = end - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const x = a[mid];
    if (x === value) return true;
    if (x < value) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

export const bprEntry: ModelEntry = {
  name: 'bpr',
  description: 'Bayesian Personalised Ranking (Rendle et al. 2009), SGD with uniform negatives',
  kind: 'ranking',
  schema,
  create: (params) => new Bpr(params as Partial<BprParams>),
};
