/** Helpers shared by the latent-factor ranking models (ALS, BPR): rows of a rows × f Float32Array. */
import type { Csr, Interactions } from '../data/interactions.js';
import { ScorerCache } from '../math/scoring.js';
import { Recommender } from './base.js';
import type { Estimate, UserRef } from './types.js';

/** Euclidean norm of each row. */
export function rowNorms(factors: Float32Array, rows: number, f: number): Float32Array {
  const norms = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const off = r * f;
    let s = 0;
    for (let a = 0; a < f; a++) s += factors[off + a] * factors[off + a];
    norms[r] = Math.sqrt(s);
  }
  return norms;
}

/**
 * Cosine between row `item` and every row into `out`; NaN for zero rows (nothing learned), and
 * false when `item` itself is a zero row.
 */
export function cosineInto(
  factors: Float32Array,
  norms: Float32Array,
  f: number,
  item: number,
  out: Float32Array,
): boolean {
  const ni = norms[item];
  if (!(ni > 0)) return false;
  const base = item * f;
  for (let r = 0; r < out.length; r++) {
    const off = r * f;
    let s = 0;
    for (let a = 0; a < f; a++) s += factors[base + a] * factors[off + a];
    out[r] = norms[r] > 0 ? s / (ni * norms[r]) : Number.NaN;
  }
  return true;
}

/** The events of `csr` rated at least `minRating`, rows and their order kept (ratings as values). */
export function eventsAtLeast(csr: Csr, minRating: number): Csr {
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
    if (!(csr.values[p] >= minRating)) continue;
    indices[q] = csr.indices[p];
    values[q++] = csr.values[p];
  }
  return { indptr, indices, values };
}

/** Parameters every FactorRanker has. */
export interface FactorParams extends Record<string, unknown> {
  factors: number;
  /** Only ratings ≥ this are events; a user with none cannot be scored. */
  minRating: number;
}

/**
 * What ALS and BPR share once fitted: score(u, i) = x_u·y_i (+ b_i when `itemBias()` has one),
 * users without an event ≥ minRating unscorable, folded-in users as `{ vector, active }`, item
 * similarity as the cosine of item factor rows. Subclasses fit and fold in; `commitFactors`
 * installs a new fit and drops every cache derived from the old one.
 */
export abstract class FactorRanker<P extends FactorParams> extends Recommender<P> {
  userFactors: Float32Array = new Float32Array(0);
  itemFactors: Float32Array = new Float32Array(0);
  private itemNormCache?: Float32Array;
  private userActiveCache?: Uint8Array;
  private readonly scorers = new ScorerCache();

  /** Per-item bias added to every score, or undefined for none. */
  protected itemBiasTerm(): Float32Array | undefined {
    return undefined;
  }

  /** Take a new fit (or restored state) and drop every cache of the old one. */
  protected commitFactors(userFactors: Float32Array, itemFactors: Float32Array, train: Interactions): void {
    this.userFactors = userFactors;
    this.itemFactors = itemFactors;
    this.train = train;
    this.itemNormCache = undefined;
    this.userActiveCache = undefined;
    this.scorers.clear();
    this.clearCaches();
  }

  /** Drop subclass caches derived from the factors (called by `commitFactors`). */
  protected clearCaches(): void {}

  /** 1 for users with at least one training event ≥ minRating. */
  private userActive(): Uint8Array {
    if (this.userActiveCache === undefined) {
      const indptr = eventsAtLeast(this.requireTrain().byUser(), this.params.minRating).indptr;
      const active = new Uint8Array(this.nUsers);
      for (let u = 0; u < active.length; u++) active[u] = indptr[u + 1] > indptr[u] ? 1 : 0;
      this.userActiveCache = active;
    }
    return this.userActiveCache;
  }

  /** The user's factor row, or undefined when the model knows nothing about them. */
  private userVector(user: UserRef): Float32Array | undefined {
    const f = this.params.factors;
    if (typeof user !== 'number')
      return user.state.active === 1 ? (user.state.vector as Float32Array) : undefined;
    if (this.userActive()[user] === 0) return undefined;
    return this.userFactors.subarray(user * f, (user + 1) * f);
  }

  protected estimate(user: UserRef, item: number): Estimate {
    const v = this.userVector(user);
    if (v === undefined) return { ok: false, reason: `no training events for user ${String(user)}` };
    const f = this.params.factors;
    const y = this.itemFactors;
    let s = this.itemBiasTerm()?.[item] ?? 0;
    for (let a = 0; a < f; a++) s += v[a] * y[item * f + a];
    return { ok: true, value: s };
  }

  protected scoreInto(user: UserRef, out: Float32Array): boolean {
    const v = this.userVector(user);
    if (v === undefined) return false;
    const scorer = this.scorers.get(this.itemFactors, this.params.factors);
    const itemBias = this.itemBiasTerm();
    scorer.scoreInto(v, out, itemBias === undefined ? undefined : { base: 0, itemBias });
    return true;
  }

  /** Cosine of item factors; NaN for items whose factors are zero (no training events). */
  protected override itemSimilarityInto(item: number, out: Float32Array): boolean {
    if (!Number.isInteger(item) || item < 0 || item >= this.nItems) return false;
    this.itemNormCache ??= rowNorms(this.itemFactors, this.nItems, this.params.factors);
    return cosineInto(this.itemFactors, this.itemNormCache, this.params.factors, item, out);
  }
}
