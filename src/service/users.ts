import type { UserRef } from '../models/types.js';
import type { RatingRecord } from '../store/types.js';
import type { ServedModel } from './snapshot.js';

/** A user's current ratings (from the store) and, per model run, how that model scores them. */
export interface UserState {
  readonly userId: number;
  readonly ratings: readonly RatingRecord[];
  readonly rated: ReadonlySet<number>;
  /** Per model run id: the trained index, a folded-in user, or null when it cannot score them. */
  readonly refs: Map<number, UserRef | null>;
}

/**
 * Users' ratings and fold-ins, cached per user (least recently used out first) and dropped on every
 * write through the service. A load that raced with a write is served but not cached, so the cache
 * never keeps ratings older than the last write.
 */
export class UserCache {
  private readonly entries = new Map<number, UserState>();
  /** Bumped on every invalidation; a load caches only if no invalidation happened meanwhile. */
  private epoch = 0;

  constructor(private readonly capacity = 10_000) {}

  async get(userId: number, load: (userId: number) => Promise<RatingRecord[]>): Promise<UserState> {
    const hit = this.entries.get(userId);
    if (hit !== undefined) {
      this.entries.delete(userId);
      this.entries.set(userId, hit);
      return hit;
    }
    const epoch = this.epoch;
    const ratings = await load(userId);
    const state: UserState = {
      userId,
      ratings,
      rated: new Set(ratings.map((r) => r.movieId)),
      refs: new Map(),
    };
    if (epoch === this.epoch) {
      this.entries.set(userId, state);
      if (this.entries.size > this.capacity) {
        const oldest = this.entries.keys().next().value as number;
        this.entries.delete(oldest);
      }
    }
    return state;
  }

  invalidate(userId: number): void {
    this.epoch++;
    this.entries.delete(userId);
  }

  clear(): void {
    this.epoch++;
    this.entries.clear();
  }
}

/**
 * How `served` scores the user: their trained index when the store's ratings are exactly what the
 * model was trained on, otherwise a fold-in of their current ratings (those of movies the model
 * knows), or null when none of their movies is known to it. Cached in the state per model run.
 */
export function userRef(served: ServedModel, state: UserState): UserRef | null {
  const cached = state.refs.get(served.run.id);
  if (cached !== undefined) return cached;
  const pairs: [number, number][] = [];
  for (const r of state.ratings) {
    const item = served.items.index(r.movieId);
    if (item >= 0) pairs.push([item, r.rating]);
  }
  pairs.sort((a, b) => a[0] - b[0]);
  const items = Int32Array.from(pairs, (p) => p[0]);
  const ratings = Float32Array.from(pairs, (p) => p[1]);
  let ref: UserRef | null = null;
  const user = served.users.index(state.userId);
  if (user >= 0 && pairs.length === state.ratings.length && sameAsTraining(served, user, items, ratings)) {
    ref = user;
  } else if (pairs.length > 0) {
    ref = served.model.foldIn({ items, ratings });
  }
  state.refs.set(served.run.id, ref);
  return ref;
}

function sameAsTraining(
  served: ServedModel,
  user: number,
  items: Int32Array,
  ratings: Float32Array,
): boolean {
  const csr = served.model.trainData.byUser();
  const start = csr.indptr[user];
  if (csr.indptr[user + 1] - start !== items.length) return false;
  for (let k = 0; k < items.length; k++) {
    if (csr.indices[start + k] !== items[k] || csr.values[start + k] !== ratings[k]) return false;
  }
  return true;
}
