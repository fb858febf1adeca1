import { topK } from '../math/topk.js';
import type { ProxyMatch } from '../models/proxy-user.js';
import { recommendFromList } from '../models/proxy-user.js';
import type { UserRef } from '../models/types.js';
import type { MovieRecord } from '../store/types.js';
import type { Candidate, Source } from './hybrid.js';
import type { ServedModel, Snapshot } from './snapshot.js';
import { popularityOf } from './views.js';

export type Accepts = ((movie: MovieRecord) => boolean) | undefined;

/**
 * Items of `served` a source must not return: excluded movies, movies the filter rejects, and
 * movies no longer in the catalog. Walks the whole item list only when a filter is set.
 */
export function skipMask(
  served: ServedModel,
  snapshot: Snapshot,
  exclude: ReadonlySet<number>,
  accepts: Accepts,
): Uint8Array {
  const skip = new Uint8Array(served.items.size);
  if (accepts === undefined) {
    for (const movieId of exclude) {
      const item = served.items.index(movieId);
      if (item >= 0) skip[item] = 1;
    }
    return skip;
  }
  const ids = served.items.rawIds();
  for (let i = 0; i < ids.length; i++) {
    const movieId = ids[i] as number;
    const movie = snapshot.catalog.get(movieId);
    if (movie === undefined || exclude.has(movieId) || !accepts(movie)) skip[i] = 1;
  }
  return skip;
}

function candidates(served: ServedModel, ids: Int32Array, scores: Float32Array, source: string): Candidate[] {
  return Array.from(ids, (item, k) => ({
    movieId: served.items.rawId(item) as number,
    score: scores[k],
    source,
  }));
}

/** Top-n of a model's scores for one user; declines when the user cannot be scored. */
export function collaborativeSource(
  served: ServedModel,
  snapshot: Snapshot,
  accepts: Accepts,
  user: () => UserRef | null,
): Source {
  const name = `collaborative/${served.run.algorithm}`;
  return {
    name,
    take(n, exclude) {
      const ref = user();
      if (ref === null) return null;
      const scores = served.model.scoreAll(ref);
      if (scores === null) return null;
      const top = topK(scores, n, skipMask(served, snapshot, exclude, accepts));
      return candidates(served, top.ids, top.scores, name);
    },
  };
}

/** Recommendations for a list of liked movies: fold-in, or the best-matching user's list. */
export function selectionSource(
  served: ServedModel,
  snapshot: Snapshot,
  accepts: Accepts,
  movieIds: readonly number[],
  method: 'fold-in' | 'proxy-user',
  onProxy: (proxy: ProxyMatch | null) => void,
  skipUser: (user: number) => boolean = () => false,
): Source {
  const name = `${method}/${served.run.algorithm}`;
  return {
    name,
    take(n, exclude) {
      const items = movieIds.map((id) => served.items.index(id)).filter((i) => i >= 0);
      if (items.length === 0) return null;
      const skip = skipMask(served, snapshot, exclude, accepts);
      const only: number[] = [];
      for (let i = 0; i < skip.length; i++) if (skip[i] === 0) only.push(i);
      const result = recommendFromList(served.model, items, {
        strategy: method === 'proxy-user' ? 'proxy' : 'fold-in',
        skipUser,
        n,
        only: Int32Array.from(only),
      });
      onProxy(result.proxy);
      return candidates(served, result.ranked.ids, result.ranked.scores, name);
    },
  };
}

/** Cold start: the popularity model's weighted rating, filtered like every other source. */
export function popularSource(snapshot: Snapshot, algorithm: string, accepts: Accepts): Source {
  return {
    name: 'popular',
    take(n, exclude) {
      const served = snapshot.model(algorithm);
      const popularity = popularityOf(snapshot, algorithm);
      if (served === undefined || popularity === undefined) return null;
      const ranks = popularity.rankScores();
      const scores = ranks instanceof Int32Array ? Float64Array.from(ranks) : ranks;
      const top = topK(scores, n, skipMask(served, snapshot, exclude, accepts));
      return candidates(served, top.ids, top.scores, 'popular');
    },
  };
}
