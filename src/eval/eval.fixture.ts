/**
 * Test-only datasets and recommenders for the eval tests, so they never depend on the real models
 * other engineers are writing. Not exported from index.ts.
 */
import type { Dataset, Movie, PredefinedSplit } from '../data/dataset.js';
import { IdMap } from '../data/idmap.js';
import { Interactions } from '../data/interactions.js';
import { Rng } from '../math/random.js';
import { Recommender } from '../models/base.js';
import { modelNames, registerModel } from '../models/registry.js';
import type {
  Estimate,
  FoldedUser,
  ModelState,
  NewUserRatings,
  ParamSchema,
  UserRef,
} from '../models/types.js';

/** One rating: [user, item, rating, timestamp]. */
export type Row = [number, number, number, number];

/** Interactions from rows, in row order. */
export function interactions(nUsers: number, nItems: number, rows: Row[]): Interactions {
  return new Interactions(
    nUsers,
    nItems,
    Int32Array.from(rows.map((r) => r[0])),
    Int32Array.from(rows.map((r) => r[1])),
    Float32Array.from(rows.map((r) => r[2])),
    Float64Array.from(rows.map((r) => r[3])),
  );
}

/** A dataset over the rows, with optional per-item genres and predefined splits. */
export function dataset(
  nUsers: number,
  nItems: number,
  rows: Row[],
  genres: string[][] = [],
  predefinedSplits?: PredefinedSplit[],
): Dataset {
  const movies: Movie[] = Array.from({ length: nItems }, (_, i) => ({
    movieId: i + 1,
    title: `Movie ${i + 1}`,
    year: null,
    genres: genres[i] ?? [],
  }));
  return {
    name: 'fixture',
    ratings: interactions(nUsers, nItems, rows),
    users: IdMap.from(Array.from({ length: nUsers }, (_, u) => u + 1)),
    items: IdMap.from(Array.from({ length: nItems }, (_, i) => i + 1)),
    movies,
    scale: { min: 1, max: 5, step: 1, implicit: false },
    ...(predefinedSplits ? { predefinedSplits } : {}),
  };
}

/**
 * Random ratings: every user rates `minPerUser`..`maxPerUser` distinct items at 1–5 stars with
 * distinct timestamps; each item gets one or two of six genres.
 */
export function synthetic(seed: number, nUsers = 30, nItems = 40, minPerUser = 12, maxPerUser = 20): Dataset {
  const rng = new Rng(seed);
  const rows: Row[] = [];
  for (let u = 0; u < nUsers; u++) {
    const count = minPerUser + rng.int(maxPerUser - minPerUser + 1);
    const items = rng.permutation(nItems).subarray(0, count);
    for (const i of items) rows.push([u, i, 1 + rng.int(5), 0]);
  }
  const times = rng.permutation(rows.length);
  rows.forEach((row, k) => {
    row[3] = 1_000 + times[k];
  });
  const names = ['Action', 'Comedy', 'Drama', 'Horror', 'Romance', 'Sci-Fi'];
  const genres = Array.from({ length: nItems }, (_, i) => [
    names[i % 6],
    ...(i % 3 === 0 ? [names[(i + 1) % 6]] : []),
  ]);
  return dataset(nUsers, nItems, rows, genres);
}

const constantSchema = {
  value: { type: 'float', default: 3, description: 'the one prediction' },
  failEven: { type: 'bool', default: false, description: 'refuse to predict for even users' },
  seed: { type: 'int', default: 0, description: 'unused; shows the harness passes its seed' },
} satisfies ParamSchema;

/** Predicts one value for everything; ranks by ascending item index (topK breaks ties that way). */
export class ConstantModel extends Recommender {
  readonly name = 'test-constant';
  constructor(params: Record<string, unknown> = {}) {
    super(constantSchema, 'test-constant', params);
  }
  async fit(train: Interactions): Promise<this> {
    this.train = train;
    return this;
  }
  protected estimate(user: UserRef, _item: number): Estimate {
    if (this.params.failEven && typeof user === 'number' && user % 2 === 0)
      return { ok: false, reason: 'even' };
    return { ok: true, value: this.params.value as number };
  }
  protected scoreInto(_user: UserRef, out: Float32Array): boolean {
    out.fill(this.params.value as number);
    return true;
  }
  protected foldInImpl(ratings: NewUserRatings): Omit<FoldedUser, 'model'> {
    return { seen: ratings.items, state: {} };
  }
  state(): ModelState {
    return { params: this.params, meta: {}, arrays: {} };
  }
  restore(_state: ModelState, train: Interactions): void {
    this.train = train;
  }
}

/** The whole dataset the oracle peeks at; set by the test before `evaluate`. */
export const oracleTruth: { data?: Interactions; foldIns: number } = { foldIns: 0 };

/**
 * Knows every rating: whatever is in `oracleTruth.data` but not in training is the test set.
 * Predicts the true rating and ranks a user's unseen rated items first, best rated first. Folded-in
 * users are recognised as the only user whose ratings contain all the fold-in items.
 */
export class OracleModel extends Recommender {
  readonly name = 'test-oracle';
  private truth = new Map<number, Map<number, number>>();
  constructor(params: Record<string, unknown> = {}) {
    super({}, 'test-oracle', params);
  }
  async fit(train: Interactions): Promise<this> {
    const data = oracleTruth.data;
    if (data === undefined) throw new Error('test-oracle: set oracleTruth.data first');
    const truth = new Map<number, Map<number, number>>();
    for (let k = 0; k < data.size; k++) {
      const row = truth.get(data.users[k]) ?? new Map<number, number>();
      row.set(data.items[k], data.ratings[k]);
      truth.set(data.users[k], row);
    }
    this.truth = truth;
    this.train = train;
    return this;
  }
  private userOf(user: UserRef): number {
    return typeof user === 'number' ? user : (user.state.user as number);
  }
  protected estimate(user: UserRef, item: number): Estimate {
    const rating = this.truth.get(this.userOf(user))?.get(item);
    return rating === undefined ? { ok: false, reason: 'not rated' } : { ok: true, value: rating };
  }
  protected scoreInto(user: UserRef, out: Float32Array): boolean {
    out.fill(0);
    for (const [item, rating] of this.truth.get(this.userOf(user)) ?? []) out[item] = 10 + rating;
    return true;
  }
  protected foldInImpl(ratings: NewUserRatings): Omit<FoldedUser, 'model'> {
    oracleTruth.foldIns++;
    const matches = [...this.truth].filter(([, row]) => ratings.items.every((i) => row.has(i)));
    if (matches.length !== 1)
      throw new Error(`test-oracle: ${matches.length} users match the fold-in ratings`);
    return { seen: ratings.items, state: { user: matches[0][0] } };
  }
  state(): ModelState {
    return { params: {}, meta: {}, arrays: {} };
  }
  restore(_state: ModelState, train: Interactions): void {
    this.train = train;
  }
}

/** Register the test models once per test file (vitest isolates files, so each has its own registry). */
export function registerTestModels(): void {
  if (modelNames().includes('test-constant')) return;
  const base = { description: 'test only', schema: constantSchema };
  registerModel({ ...base, name: 'test-constant', kind: 'rating', create: (p) => new ConstantModel(p) });
  registerModel({ ...base, name: 'test-ranker', kind: 'ranking', create: (p) => new ConstantModel(p) });
  registerModel({
    name: 'test-oracle',
    description: 'test only',
    kind: 'rating',
    schema: {},
    create: (p) => new OracleModel(p),
  });
}
