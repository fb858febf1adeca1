import type { Csr, Interactions } from '../data/interactions.js';
import { spdSolve } from '../math/cholesky.js';
import { Rng } from '../math/random.js';
import { ScorerCache } from '../math/scoring.js';
import { threadCount } from '../util/workers.js';
import { gramSingle } from './als-kernel.js';
import { type HalfStepSolver, ParallelSolver, SerialSolver } from './als-solvers.js';
import { checkAborted, Recommender } from './base.js';
import { cosineInto, rowNorms } from './factors.js';
import type { ModelEntry } from './registry.js';
import type {
  Estimate,
  FitOptions,
  FoldedUser,
  ModelState,
  NewUserRatings,
  ParamSchema,
  UserRef,
} from './types.js';

const schema = {
  factors: { type: 'int', default: 64, min: 1, max: 1024, description: 'latent dimensions' },
  iterations: { type: 'int', default: 15, min: 1, max: 1000, description: 'alternating passes' },
  regularization: { type: 'float', default: 50, min: 0, description: 'L2 penalty λ on both factor sets' },
  alpha: { type: 'float', default: 5, min: 0, description: 'confidence slope: c = 1 + alpha·f(r)' },
  confidence: {
    type: 'enum',
    default: 'log',
    values: ['linear', 'log'],
    description: "f(r) = r ('linear') or log(1 + r/eps) ('log', Hu et al. eq. 6)",
  },
  eps: { type: 'float', default: 1, min: 1e-9, description: "scale of the 'log' confidence" },
  cgSteps: { type: 'int', default: 3, min: 1, max: 100, description: 'conjugate-gradient steps per row' },
  minRating: {
    type: 'float',
    default: 0,
    min: 0,
    description: 'use only ratings ≥ this as implicit events (0 = all)',
  },
  threads: {
    type: 'int',
    default: 0,
    min: 0,
    max: 256,
    description: 'worker threads (0 = CINEREC_THREADS or every core; small data stays on one)',
  },
  seed: { type: 'int', default: 42, description: 'seed of the factor initialisation' },
} satisfies ParamSchema;

export interface AlsParams extends Record<string, unknown> {
  factors: number;
  iterations: number;
  regularization: number;
  alpha: number;
  confidence: 'linear' | 'log';
  eps: number;
  cgSteps: number;
  minRating: number;
  threads: number;
  seed: number;
}

/** Below this many events a worker pool costs more to start than it saves. */
const PARALLEL_MIN_NNZ = 200_000;

/**
 * Implicit-feedback matrix factorisation (Hu, Koren & Volinsky 2008, "Collaborative Filtering for
 * Implicit Feedback Datasets"): every (user, item) cell has preference 1 if observed, 0 if not,
 * weighted by confidence c_ui = 1 + α·r_ui (unobserved cells weigh 1). Each half-iteration solves
 * all rows by the conjugate-gradient method of Takács et al. 2011 as in the `implicit` library
 * (see als-kernel.ts), in parallel over worker threads on shared memory when data is large.
 * Scores are x_u·y_i: a ranking, not a rating.
 */
export class Als extends Recommender<AlsParams> {
  readonly name = 'als';
  userFactors: Float32Array = new Float32Array(0);
  itemFactors: Float32Array = new Float32Array(0);
  /** Seconds the last fit took (0 after restore). */
  fitSeconds = 0;
  private itemGramCache?: Float64Array;
  private itemNormCache?: Float32Array;
  private userActiveCache?: Uint8Array;
  private readonly scorers = new ScorerCache();

  constructor(params: Partial<AlsParams> = {}) {
    super(schema, 'als', params);
  }

  async fit(train: Interactions, options: FitOptions = {}): Promise<this> {
    checkAborted(options.signal, 'als');
    const started = performance.now();
    const { factors: f, iterations, regularization: reg, seed } = this.params;
    const byUser = this.confidenceMatrix(train.byUser());
    const byItem = this.confidenceMatrix(train.byItem());
    const nnz = byUser.indptr[train.nUsers];
    const threads =
      this.params.threads > 0 ? this.params.threads : nnz < PARALLEL_MIN_NNZ ? 1 : threadCount();
    const solver: HalfStepSolver =
      threads > 1 ? new ParallelSolver(threads, f, byUser, byItem) : new SerialSolver(f, byUser, byItem);
    const x = solver.alloc(train.nUsers * f);
    const y = solver.alloc(train.nItems * f);
    // As `implicit`: small uniform positive start, users first then items, from one seeded stream.
    const rng = new Rng(seed);
    for (let k = 0; k < x.length; k++) x[k] = rng.next() * 0.01;
    for (let k = 0; k < y.length; k++) y[k] = rng.next() * 0.01;
    try {
      for (let it = 0; it < iterations; it++) {
        checkAborted(options.signal, 'als');
        await solver.halfStep('users', x, y, train.nUsers, train.nItems, reg, this.params.cgSteps);
        await solver.halfStep('items', y, x, train.nItems, train.nUsers, reg, this.params.cgSteps);
        options.onProgress?.(it + 1, iterations, 'als');
        // Let timers and abort signals run between iterations on the single-thread path too.
        await new Promise((resolve) => setImmediate(resolve));
      }
    } finally {
      await solver.close();
    }
    // Plain (unshared) copies: the artifact layer and callers need ordinary buffers.
    this.userFactors = x.slice();
    this.itemFactors = y.slice();
    this.train = train;
    this.clearCaches();
    this.fitSeconds = (performance.now() - started) / 1000;
    return this;
  }

  /** Confidence c = 1 + α·f(r) of each kept event; events below `minRating` are dropped. */
  confidence(rating: number): number {
    const { alpha, confidence, eps } = this.params;
    return 1 + alpha * (confidence === 'log' ? Math.log1p(rating / eps) : rating);
  }

  private confidenceMatrix(csr: Csr): Csr {
    const { minRating } = this.params;
    const nRows = csr.indptr.length - 1;
    const indptr = new Int32Array(nRows + 1);
    let kept = 0;
    for (let r = 0; r < nRows; r++) {
      for (let p = csr.indptr[r]; p < csr.indptr[r + 1]; p++) if (csr.values[p] >= minRating) kept++;
      indptr[r + 1] = kept;
    }
    const indices = new Int32Array(kept);
    const values = new Float32Array(kept);
    let q = 0;
    for (let p = 0; p < csr.indices.length; p++) {
      if (csr.values[p] < minRating) continue;
      indices[q] = csr.indices[p];
      values[q++] = this.confidence(csr.values[p]);
    }
    return { indptr, indices, values };
  }

  private userActive(): Uint8Array {
    if (this.userActiveCache === undefined) {
      const csr = this.requireTrain().byUser();
      const active = new Uint8Array(this.nUsers);
      for (let u = 0; u < this.nUsers; u++) {
        for (let p = csr.indptr[u]; p < csr.indptr[u + 1]; p++) {
          if (csr.values[p] >= this.params.minRating) {
            active[u] = 1;
            break;
          }
        }
      }
      this.userActiveCache = active;
    }
    return this.userActiveCache;
  }

  /** The user's factor row, or undefined when the model knows nothing about them. */
  private userVector(user: UserRef): Float32Array | undefined {
    const f = this.params.factors;
    if (typeof user !== 'number')
      return user.state.active === 1 ? (user.state.vector as Float32Array) : undefined;
    if (!Number.isInteger(user) || user < 0 || user >= this.nUsers || this.userActive()[user] === 0)
      return undefined;
    return this.userFactors.subarray(user * f, (user + 1) * f);
  }

  predict(user: UserRef, item: number): Estimate {
    this.requireTrain();
    if (!Number.isInteger(item) || item < 0 || item >= this.nItems)
      return { ok: false, reason: `unknown item ${item}` };
    const v = this.userVector(user);
    if (v === undefined) return { ok: false, reason: `no training events for user ${String(user)}` };
    const f = this.params.factors;
    const y = this.itemFactors;
    let s = 0;
    for (let a = 0; a < f; a++) s += v[a] * y[item * f + a];
    return { ok: true, value: s };
  }

  protected scoreInto(user: UserRef, out: Float32Array): boolean {
    const v = this.userVector(user);
    if (v === undefined) return false;
    this.scorers.get(this.itemFactors, this.params.factors).scoreInto(v, out);
    return true;
  }

  /**
   * Exact least-squares vector for a new user with item factors fixed:
   * (YᵀY + λI + Σ (c − 1)·y_i·y_iᵀ) x = Σ c·y_i, by Cholesky (no CG: one row, solved once).
   */
  foldIn(ratings: NewUserRatings): FoldedUser {
    const f = this.params.factors;
    this.requireTrain();
    const a = this.itemGram().slice();
    const b = new Float64Array(f);
    const y = this.itemFactors;
    let count = 0;
    for (let k = 0; k < ratings.items.length; k++) {
      const item = ratings.items[k];
      const r = ratings.ratings[k];
      if (item < 0 || item >= this.nItems || !(r >= this.params.minRating)) continue;
      const c = this.confidence(r);
      const off = item * f;
      for (let p = 0; p < f; p++) {
        const yp = y[off + p];
        b[p] += c * yp;
        for (let q = 0; q < f; q++) a[p * f + q] += (c - 1) * yp * y[off + q];
      }
      count++;
    }
    const vector = count > 0 ? Float32Array.from(spdSolve(a, f, b)) : new Float32Array(f);
    return { seen: ratings.items, state: { vector, active: count > 0 ? 1 : 0 } };
  }

  /** YᵀY + λI over the item factors, for fold-in; cached until the factors change. */
  private itemGram(): Float64Array {
    this.itemGramCache ??= gramSingle(
      this.itemFactors,
      this.nItems,
      this.params.factors,
      this.params.regularization,
    );
    return this.itemGramCache;
  }

  /** Cosine of item factors; NaN for items whose factors are zero (no training events). */
  protected override itemSimilarityInto(item: number, out: Float32Array): boolean {
    if (!Number.isInteger(item) || item < 0 || item >= this.nItems) return false;
    this.itemNormCache ??= rowNorms(this.itemFactors, this.nItems, this.params.factors);
    return cosineInto(this.itemFactors, this.itemNormCache, this.params.factors, item, out);
  }

  state(): ModelState {
    return {
      params: { ...this.params },
      meta: { fitSeconds: this.fitSeconds },
      arrays: { userFactors: this.userFactors, itemFactors: this.itemFactors },
    };
  }

  restore(state: ModelState, train: Interactions): void {
    this.userFactors = state.arrays.userFactors as Float32Array;
    this.itemFactors = state.arrays.itemFactors as Float32Array;
    this.fitSeconds = (state.meta.fitSeconds as number) ?? 0;
    this.train = train;
    this.clearCaches();
  }

  private clearCaches(): void {
    this.itemGramCache = undefined;
    this.itemNormCache = undefined;
    this.userActiveCache = undefined;
    this.scorers.clear();
  }
}

export const alsEntry: ModelEntry = {
  name: 'als',
  description: 'implicit ALS (Hu et al. 2008) with conjugate-gradient rows, multi-threaded',
  kind: 'ranking',
  schema,
  create: (params) => new Als(params as Partial<AlsParams>),
};
