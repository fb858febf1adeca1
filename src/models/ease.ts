import type { Interactions } from '../data/interactions.js';
import { spdInverse } from '../math/cholesky.js';
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
  lambda: { type: 'float', default: 500, min: 1e-6, description: 'L2 penalty λ added to the Gram diagonal' },
  minSupport: {
    type: 'int',
    default: 10,
    min: 0,
    description: 'items with fewer training events are left out of B (scored NaN)',
  },
  weighting: {
    type: 'enum',
    default: 'binary',
    values: ['binary', 'rating'] as const,
    description: "X holds 1 per event ('binary') or the rating ('rating')",
  },
} satisfies ParamSchema;

export type EaseParams = ParamsOf<typeof schema>;

/** Above this many kept items the dense m×m Float64 work arrays (2 of them) outgrow memory. */
const MAX_ITEMS = 20_000;

/**
 * EASE^R (Steck 2019, "Embarrassingly Shallow Autoencoders for Sparse Data"): an item–item weight
 * matrix with zero diagonal, fitted in closed form B = I − P·diag(1/diag(P)) with
 * P = (XᵀX + λI)⁻¹, over the items with at least `minSupport` events. Scores are x_u·B: a
 * ranking, not a rating. The inverse is a dense Cholesky one (src/math/cholesky.ts), O(m³).
 */
export class Ease extends Recommender<EaseParams> {
  readonly name = 'ease';
  /** Kept items (dense indices), ascending; B is indexed by position in this list. */
  kept: Int32Array = new Int32Array(0);
  /** m × m row-major: B[a][b] is how much an event on kept item a adds to kept item b. */
  weights: Float32Array = new Float32Array(0);
  fitSeconds = 0;
  /** Item index → position in `kept`, or −1. */
  private position: Int32Array = new Int32Array(0);
  private acc: Float64Array = new Float64Array(0);

  constructor(params: Partial<EaseParams> = {}) {
    super(schema, 'ease', params);
  }

  async fit(train: Interactions, options: FitOptions = {}): Promise<this> {
    checkAborted(options.signal, 'ease');
    const started = performance.now();
    const counts = train.byItem().indptr;
    const keptList: number[] = [];
    for (let i = 0; i < train.nItems; i++)
      if (counts[i + 1] - counts[i] >= this.params.minSupport) keptList.push(i);
    const m = keptList.length;
    if (m > MAX_ITEMS) {
      throw new Error(
        `ease: ${m} items have ≥ ${this.params.minSupport} events; the dense inverse is limited to ${MAX_ITEMS} — raise minSupport`,
      );
    }
    const kept = Int32Array.from(keptList);
    const position = positionsOf(kept, train.nItems);
    const gram = this.gram(train, kept, position);
    options.onProgress?.(1, 3, 'ease: XᵀX');
    checkAborted(options.signal, 'ease');
    for (let a = 0; a < m; a++) gram[a * m + a] += this.params.lambda;
    const p = spdInverse(gram, m);
    options.onProgress?.(2, 3, 'ease: inverse');
    checkAborted(options.signal, 'ease');
    // B[a][b] = −P[a][b] / P[b][b] off the diagonal, 0 on it (the constraint diag(B) = 0).
    const b = new Float32Array(m * m);
    for (let r = 0; r < m; r++) {
      const row = r * m;
      for (let c = 0; c < m; c++) b[row + c] = r === c ? 0 : -p[row + c] / p[c * m + c];
    }
    options.onProgress?.(3, 3, 'ease');
    checkAborted(options.signal, 'ease');
    this.commit(kept, position, b, train);
    this.fitSeconds = (performance.now() - started) / 1000;
    return this;
  }

  /** XᵀX over kept items: each user's kept items taken pairwise (upper triangle, then mirrored). */
  private gram(train: Interactions, kept: Int32Array, position: Int32Array): Float64Array {
    const m = kept.length;
    const g = new Float64Array(m * m);
    const csr = train.byUser();
    const rated = this.params.weighting === 'rating';
    const pos = new Int32Array(train.nItems);
    const w = new Float64Array(train.nItems);
    for (let u = 0; u < train.nUsers; u++) {
      let n = 0;
      for (let q = csr.indptr[u]; q < csr.indptr[u + 1]; q++) {
        const a = position[csr.indices[q]];
        if (a < 0) continue;
        pos[n] = a;
        w[n++] = rated ? csr.values[q] : 1;
      }
      // CSR rows ascend by item, and positions ascend with items, so pos[k] ≤ pos[l] for k ≤ l.
      for (let k = 0; k < n; k++) {
        const row = pos[k] * m;
        const wk = w[k];
        for (let l = k; l < n; l++) g[row + pos[l]] += wk * w[l];
      }
    }
    for (let a = 0; a < m; a++) for (let c = a + 1; c < m; c++) g[c * m + a] = g[a * m + c];
    return g;
  }

  /** Install a fit or restored state: kept items, their positions, B and the training data at once. */
  private commit(kept: Int32Array, position: Int32Array, weights: Float32Array, train: Interactions): void {
    this.kept = kept;
    this.position = position;
    this.acc = new Float64Array(kept.length);
    this.weights = weights;
    this.train = train;
  }

  /** Accumulate x_u·B into `this.acc`; false when the user has no event on a kept item. */
  private accumulate(user: UserRef): boolean {
    const m = this.kept.length;
    this.acc.fill(0);
    let any = false;
    if (typeof user === 'number') {
      const csr = this.requireTrain().byUser();
      const rated = this.params.weighting === 'rating';
      for (let q = csr.indptr[user]; q < csr.indptr[user + 1]; q++) {
        const a = this.position[csr.indices[q]];
        if (a < 0) continue;
        this.addRow(a, rated ? csr.values[q] : 1);
        any = true;
      }
    } else {
      const x = user.state.x as Float32Array;
      for (let a = 0; a < m; a++) {
        if (x[a] === 0) continue;
        this.addRow(a, x[a]);
        any = true;
      }
    }
    return any;
  }

  /** acc += weight · B[a][·]: the only O(m) loop per event when scoring. */
  private addRow(a: number, weight: number): void {
    const m = this.kept.length;
    const b = this.weights;
    const acc = this.acc;
    const row = a * m;
    for (let c = 0; c < m; c++) acc[c] += weight * b[row + c];
  }

  protected estimate(user: UserRef, item: number): Estimate {
    const target = this.position[item];
    if (target < 0)
      return { ok: false, reason: `item ${item} has fewer than ${this.params.minSupport} events` };
    if (!this.accumulate(user))
      return { ok: false, reason: `no usable training events for user ${String(user)}` };
    return { ok: true, value: this.acc[target] };
  }

  protected scoreInto(user: UserRef, out: Float32Array): boolean {
    if (!this.accumulate(user)) return false;
    out.fill(Number.NaN);
    for (let a = 0; a < this.kept.length; a++) out[this.kept[a]] = this.acc[a];
    return true;
  }

  /** A new user is just a new row x of X: scores are x·B, nothing to solve. */
  protected foldInImpl(ratings: NewUserRatings): Omit<FoldedUser, 'model'> {
    const x = new Float32Array(this.kept.length);
    for (let k = 0; k < ratings.items.length; k++) {
      const a = this.position[ratings.items[k]];
      if (a >= 0) x[a] = this.params.weighting === 'rating' ? ratings.ratings[k] : 1;
    }
    return { seen: ratings.items, state: { x } };
  }

  /** Column `item` of B: how much an event on each kept item adds to `item`'s score. */
  protected override itemSimilarityInto(item: number, out: Float32Array): boolean {
    if (!Number.isInteger(item) || item < 0 || item >= this.nItems) return false;
    const c = this.position[item];
    if (c < 0) return false;
    const m = this.kept.length;
    out.fill(Number.NaN);
    for (let a = 0; a < m; a++) out[this.kept[a]] = this.weights[a * m + c];
    return true;
  }

  state(): ModelState {
    return {
      params: { ...this.params },
      meta: { fitSeconds: this.fitSeconds, keptItems: this.kept.length },
      arrays: { kept: this.kept, weights: this.weights },
    };
  }

  restore(state: ModelState, train: Interactions): void {
    const kept = state.arrays.kept as Int32Array;
    this.commit(kept, positionsOf(kept, train.nItems), state.arrays.weights as Float32Array, train);
    this.fitSeconds = (state.meta.fitSeconds as number) ?? 0;
  }
}

/** Item index → position in `kept`, or −1. */
function positionsOf(kept: Int32Array, nItems: number): Int32Array {
  const position = new Int32Array(nItems).fill(-1);
  for (let a = 0; a < kept.length; a++) position[kept[a]] = a;
  return position;
}

export const easeEntry: ModelEntry = {
  name: 'ease',
  description: 'EASE^R (Steck 2019): closed-form item–item autoencoder with zero diagonal',
  kind: 'ranking',
  schema,
  create: (params) => new Ease(params as Partial<EaseParams>),
};
