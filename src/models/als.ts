import type { Csr, Interactions } from '../data/interactions.js';
import { spdSolve } from '../math/cholesky.js';
import { Rng } from '../math/random.js';
import { yieldToEventLoop } from '../util/async.js';
import { threadCount } from '../util/workers.js';
import { gramSingle } from './als-kernel.js';
import { type HalfStepSolver, ParallelSolver, SerialSolver } from './als-solvers.js';
import { checkAborted, requireFinite } from './base.js';
import { eventsAtLeast, FactorRanker } from './factors.js';
import type { ModelEntry } from './registry.js';
import type { FitOptions, FoldedUser, ModelState, NewUserRatings, ParamSchema, ParamsOf } from './types.js';

const schema = {
  factors: { type: 'int', default: 64, min: 1, max: 1024, description: 'latent dimensions' },
  iterations: { type: 'int', default: 15, min: 1, max: 1000, description: 'alternating passes' },
  regularization: { type: 'float', default: 50, min: 0, description: 'L2 penalty λ on both factor sets' },
  alpha: { type: 'float', default: 5, min: 0, description: 'confidence slope: c = 1 + alpha·f(r)' },
  confidence: {
    type: 'enum',
    default: 'log',
    values: ['linear', 'log'] as const,
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

export type AlsParams = ParamsOf<typeof schema>;

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
export class Als extends FactorRanker<AlsParams> {
  readonly name = 'als';
  /** Seconds the last fit took (0 after restore). */
  fitSeconds = 0;
  private itemGramCache?: Float64Array;

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
        await yieldToEventLoop();
      }
    } finally {
      await solver.close();
    }
    checkAborted(options.signal, 'als');
    const { alpha, regularization } = this.params;
    requireFinite(
      'als',
      { userFactors: x, itemFactors: y },
      `raise regularization or lower alpha (now regularization=${regularization}, alpha=${alpha})`,
    );
    // Plain (unshared) copies: the artifact layer and callers need ordinary buffers.
    this.commitFactors(x.slice(), y.slice(), train);
    this.fitSeconds = (performance.now() - started) / 1000;
    return this;
  }

  /** Confidence c = 1 + α·f(r) of each kept event; events below `minRating` are dropped. */
  confidence(rating: number): number {
    const { alpha, confidence, eps } = this.params;
    return 1 + alpha * (confidence === 'log' ? Math.log1p(rating / eps) : rating);
  }

  private confidenceMatrix(csr: Csr): Csr {
    const kept = eventsAtLeast(csr, this.params.minRating);
    for (let p = 0; p < kept.values.length; p++) kept.values[p] = this.confidence(kept.values[p]);
    return kept;
  }

  /**
   * Exact least-squares vector for a new user with item factors fixed:
   * (YᵀY + λI + Σ (c − 1)·y_i·y_iᵀ) x = Σ c·y_i, by Cholesky (no CG: one row, solved once).
   */
  protected foldInImpl(ratings: NewUserRatings): Omit<FoldedUser, 'model'> {
    const f = this.params.factors;
    const a = this.itemGram().slice();
    const b = new Float64Array(f);
    const y = this.itemFactors;
    let count = 0;
    for (let k = 0; k < ratings.items.length; k++) {
      const item = ratings.items[k];
      const r = ratings.ratings[k];
      if (!(r >= this.params.minRating)) continue;
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

  state(): ModelState {
    return {
      params: { ...this.params },
      meta: { fitSeconds: this.fitSeconds },
      arrays: { userFactors: this.userFactors, itemFactors: this.itemFactors },
    };
  }

  restore(state: ModelState, train: Interactions): void {
    this.commitFactors(
      state.arrays.userFactors as Float32Array,
      state.arrays.itemFactors as Float32Array,
      train,
    );
    this.fitSeconds = (state.meta.fitSeconds as number) ?? 0;
  }

  protected override clearCaches(): void {
    this.itemGramCache = undefined;
  }
}

export const alsEntry: ModelEntry = {
  name: 'als',
  description: 'implicit ALS (Hu et al. 2008) with conjugate-gradient rows, multi-threaded',
  kind: 'ranking',
  schema,
  create: (params) => new Als(params as Partial<AlsParams>),
};
