import type { Interactions } from '../data/interactions.js';
import { topK } from '../math/topk.js';
import { throwIfAborted } from '../util/async.js';
import type {
  Estimate,
  FitOptions,
  FoldedUser,
  ModelState,
  NewUserRatings,
  ParamSchema,
  Ranked,
  RecommendOptions,
  UserRef,
} from './types.js';

export class NotFittedError extends Error {
  constructor(model: string) {
    super(`${model}: the model is not fitted; call fit() or load an artifact first`);
    this.name = 'NotFittedError';
  }
}

/** A fit that produced unusable state (e.g. diverging SGD); the model keeps its previous fit. */
export class ModelFitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelFitError';
  }
}

/**
 * Throws a ModelFitError when any learned array holds NaN or ±Infinity; `hint` says which
 * parameters to change. Call after training, before the model takes the new state.
 */
export function requireFinite(model: string, arrays: Record<string, ArrayLike<number>>, hint: string): void {
  for (const [name, values] of Object.entries(arrays)) {
    for (let k = 0; k < values.length; k++) {
      const v = values[k];
      if (Number.isFinite(v)) continue;
      throw new ModelFitError(`${model}: training diverged (${v} in ${name}); ${hint}`);
    }
  }
}

/** Resolve `params` against `schema`: defaults filled, unknown names and bad values rejected. */
export function resolveParams<P extends Record<string, unknown>>(
  model: string,
  schema: ParamSchema,
  params: Partial<P> = {},
): P {
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(params)) {
    if (!(name in schema)) {
      throw new Error(`${model}: unknown parameter '${name}' (known: ${Object.keys(schema).join(', ')})`);
    }
  }
  for (const [name, spec] of Object.entries(schema)) {
    const value = (params as Record<string, unknown>)[name] ?? spec.default;
    if (spec.type === 'bool') {
      if (typeof value !== 'boolean') throw new Error(`${model}: parameter '${name}' must be true or false`);
    } else if (spec.type === 'enum') {
      if (typeof value !== 'string' || !spec.values?.includes(value)) {
        throw new Error(`${model}: parameter '${name}' must be one of ${spec.values?.join(', ')}`);
      }
    } else {
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw new Error(`${model}: parameter '${name}' must be a finite number, got ${String(value)}`);
      }
      if (spec.type === 'int' && !Number.isInteger(value)) {
        throw new Error(`${model}: parameter '${name}' must be an integer, got ${value}`);
      }
      if ((spec.min !== undefined && value < spec.min) || (spec.max !== undefined && value > spec.max)) {
        throw new Error(
          `${model}: parameter '${name}' = ${value} is outside ${spec.min ?? '-∞'}..${spec.max ?? '∞'}`,
        );
      }
    }
    out[name] = value;
  }
  return out as P;
}

/**
 * The one recommender interface. Subclasses implement fitting, a per-pair estimate, full-catalog
 * scoring for a trained or folded-in user, and their state; ranking, filtering and batching live
 * here so every model behaves the same way at the edges.
 */
export abstract class Recommender<P extends Record<string, unknown> = Record<string, unknown>> {
  abstract readonly name: string;
  readonly params: P;
  protected train?: Interactions;

  constructor(schema: ParamSchema, modelName: string, params: Partial<P> = {}) {
    this.params = resolveParams<P>(modelName, schema, params);
  }

  get fitted(): boolean {
    return this.train !== undefined;
  }

  /** The interactions the model was fitted on (seen items are filtered against these). */
  get trainData(): Interactions {
    return this.requireTrain();
  }

  get nItems(): number {
    return this.requireTrain().nItems;
  }

  get nUsers(): number {
    return this.requireTrain().nUsers;
  }

  /**
   * Learn from `train`. Returns this. A fit that throws (aborted, diverged, unsolvable) leaves
   * the model exactly as it was: previous fit intact, or unfitted if it never was. Models build
   * their new state in locals and assign it only once nothing can fail any more.
   */
  abstract fit(train: Interactions, options?: FitOptions): Promise<this>;

  /**
   * Estimated rating (or implicit score) of `item` for `user`. Unknown users and items, users
   * folded in by another model, and non-finite estimates are answered "cannot score".
   */
  predict(user: UserRef, item: number): Estimate {
    const train = this.requireTrain();
    const problem = this.userProblem(user, train);
    if (problem !== undefined) return { ok: false, reason: problem };
    if (!Number.isInteger(item) || item < 0 || item >= train.nItems)
      return { ok: false, reason: `${this.name}: unknown item ${item}` };
    const estimate = this.estimate(user, item);
    if (estimate.ok && !Number.isFinite(estimate.value)) {
      return {
        ok: false,
        reason: `${this.name}: the estimate for user ${describeUser(user)}, item ${item} is not finite (${estimate.value})`,
      };
    }
    return estimate;
  }

  /**
   * The estimate behind `predict`, for a user already checked to be a trained user's index in
   * range or a user this model folded in, and an item index in range.
   */
  protected abstract estimate(user: UserRef, item: number): Estimate;

  /**
   * Score every item for `user` into `out` (length nItems), `user` checked as for `estimate`.
   * Higher is better; NaN means the item cannot be scored. Returns false when the user cannot be
   * scored at all.
   */
  protected abstract scoreInto(user: UserRef, out: Float32Array): boolean;

  /**
   * State for a user unseen in training, from the items they rated. Throws when `items` and
   * `ratings` differ in length, an item index is outside the catalog, or a rating is not finite.
   */
  foldIn(ratings: NewUserRatings): FoldedUser {
    const train = this.requireTrain();
    const { items, ratings: values } = ratings;
    if (items.length !== values.length) {
      throw new Error(
        `${this.name}.foldIn: items and ratings differ in length (${items.length} items, ${values.length} ratings)`,
      );
    }
    for (let k = 0; k < items.length; k++) {
      const item = items[k];
      if (!Number.isInteger(item) || item < 0 || item >= train.nItems) {
        throw new Error(
          `${this.name}.foldIn: item index ${item} (position ${k}) is outside 0..${train.nItems - 1}`,
        );
      }
      if (!Number.isFinite(values[k])) {
        throw new Error(
          `${this.name}.foldIn: rating ${values[k]} of item ${item} (position ${k}) is not finite`,
        );
      }
    }
    const { seen, state } = this.foldInImpl(ratings);
    return { model: this.name, seen, state };
  }

  /** The fold-in itself, on input `foldIn` validated; the base class stamps the model's name. */
  protected abstract foldInImpl(ratings: NewUserRatings): Omit<FoldedUser, 'model'>;

  /** The model's learned state, for the artifact. */
  abstract state(): ModelState;

  /** Restore learned state written by `state()`, over the training interactions it was fitted on. */
  abstract restore(state: ModelState, train: Interactions): void;

  /**
   * Items most like `item`, best first, excluding `item` itself. Models without an item-item
   * notion return an empty list.
   */
  similarItems(item: number, n = 10): Ranked {
    const out = new Float32Array(this.nItems);
    if (!this.itemSimilarityInto(item, out)) return emptyRanked();
    const skip = new Uint8Array(this.nItems);
    skip[item] = 1;
    return topK(out, n, skip);
  }

  /** Similarity of every item to `item` into `out`; false when the model has none. */
  protected itemSimilarityInto(_item: number, _out: Float32Array): boolean {
    return false;
  }

  /** Top-n for each user in `users`, in order. A user the model cannot score gets an empty list. */
  recommend(users: ArrayLike<UserRef> | UserRef, options: RecommendOptions = {}): Ranked[] {
    const train = this.requireTrain();
    const n = options.n ?? 10;
    if (!Number.isInteger(n) || n < 1)
      throw new Error(`${this.name}.recommend: n must be a positive integer, got ${n}`);
    if (options.only !== undefined && options.exclude !== undefined) {
      throw new Error(`${this.name}.recommend: 'only' and 'exclude' conflict; pass one of them`);
    }
    const list: ArrayLike<UserRef> =
      typeof users === 'number' || !isArrayLike(users) ? [users as UserRef] : users;
    const nItems = train.nItems;
    const scores = new Float32Array(nItems);
    const skip = new Uint8Array(nItems);
    const csr = train.byUser();
    const results: Ranked[] = [];
    for (let k = 0; k < list.length; k++) this.requireOwnFolded(list[k], 'recommend');
    for (let k = 0; k < list.length; k++) {
      const user = list[k];
      if (this.userProblem(user, train) !== undefined || !this.scoreInto(user, scores)) {
        results.push(emptyRanked());
        continue;
      }
      if (options.only !== undefined) {
        skip.fill(1);
        for (const i of options.only) if (i >= 0 && i < nItems) skip[i] = 0;
      } else {
        skip.fill(0);
        if (options.exclude !== undefined)
          for (const i of options.exclude) if (i >= 0 && i < nItems) skip[i] = 1;
      }
      if (options.filterSeen ?? true) {
        if (typeof user === 'number') {
          for (let p = csr.indptr[user]; p < csr.indptr[user + 1]; p++) skip[csr.indices[p]] = 1;
        } else {
          for (const i of user.seen) skip[i] = 1;
        }
      }
      results.push(topK(scores, n, skip));
    }
    return results;
  }

  /**
   * Score all items for one user (NaN where unscorable); null when the user cannot be scored.
   * Throws for a user folded in by another model.
   */
  scoreAll(user: UserRef): Float32Array | null {
    return this.everyItem(user, 'scoreAll', (u, out) => this.scoreInto(u, out));
  }

  /**
   * Every item's rating estimate (NaN where unscorable), as `predict` gives them before any
   * clipping; null when the user cannot be scored. The same as `scoreAll` for models whose scores
   * are ratings; a model that ranks by something else (content: a taste-profile cosine) overrides
   * `predictInto`. A blend of ratings ranks by this (see Ensemble).
   */
  predictAll(user: UserRef): Float32Array | null {
    return this.everyItem(user, 'predictAll', (u, out) => this.predictInto(u, out));
  }

  /** `fill`'s values for every item, after the checks scoreAll and predictAll share. */
  private everyItem(
    user: UserRef,
    what: string,
    fill: (user: UserRef, out: Float32Array) => boolean,
  ): Float32Array | null {
    const train = this.requireTrain();
    this.requireOwnFolded(user, what);
    if (this.userProblem(user, train) !== undefined) return null;
    const out = new Float32Array(train.nItems);
    return fill(user, out) ? out : null;
  }

  /** `predictAll`'s work, `user` checked as for `estimate`; by default the model's scores. */
  protected predictInto(user: UserRef, out: Float32Array): boolean {
    return this.scoreInto(user, out);
  }

  /** Why `user` cannot be scored at all (unknown index, not a folded user, another model's), or undefined. */
  private userProblem(user: UserRef, train: Interactions): string | undefined {
    if (typeof user === 'number') {
      return Number.isInteger(user) && user >= 0 && user < train.nUsers
        ? undefined
        : `${this.name}: unknown user ${user}`;
    }
    if (
      typeof user !== 'object' ||
      user === null ||
      typeof user.model !== 'string' ||
      user.seen === undefined
    )
      return `${this.name}: not a user index or a folded-in user: ${String(user)}`;
    if (user.model !== this.name)
      return `${this.name}: the user was folded in by model '${user.model}', not by '${this.name}'`;
    return undefined;
  }

  /** Folded users carry another model's state: scoring them as ours would be silently wrong. */
  private requireOwnFolded(user: UserRef, method: string): void {
    if (typeof user !== 'object' || user === null || user.model === this.name) return;
    const maker = typeof user.model === 'string' ? `model '${user.model}'` : 'an unnamed model';
    throw new Error(
      `${this.name}.${method}: the user was folded in by ${maker}; fold them in with '${this.name}' instead`,
    );
  }

  protected requireTrain(): Interactions {
    if (this.train === undefined) throw new NotFittedError(this.name);
    return this.train;
  }
}

function describeUser(user: UserRef): string {
  return typeof user === 'number' ? String(user) : `(folded in, ${user.seen.length} items)`;
}

function isArrayLike(x: unknown): x is ArrayLike<UserRef> {
  return Array.isArray(x) || ArrayBuffer.isView(x);
}

/** A ranked list with no items (a fresh one each call: callers may keep it). */
export function emptyRanked(): Ranked {
  return { ids: new Int32Array(0), scores: new Float32Array(0) };
}

/** Throws an AbortError ("<model>: fit cancelled") when the signal fired; call between epochs. */
export function checkAborted(signal: AbortSignal | undefined, model: string): void {
  throwIfAborted(signal, `${model}: fit cancelled`);
}
