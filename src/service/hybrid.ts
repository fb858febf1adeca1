/**
 * The hybrid recommender, assembled from configuration (gorse's RecommendSequential): an ordered
 * list of named sources, each asked for what is still missing, then a fallback list. One exclude
 * set is shared by all of them, so no source repeats another's movie or a movie the user rated.
 * Each source may decline (a cold-start user for collaborative filtering, a model not promoted);
 * the answer names the source of every movie.
 */

/** One recommended movie and the source that served it. */
export interface Candidate {
  movieId: number;
  score: number;
  source: string;
}

/** A named producer of candidates; `null` from `take` means it declines this request. */
export interface Source {
  readonly name: string;
  /** Up to `n` movies, best first, none in `exclude`. */
  take(n: number, exclude: ReadonlySet<number>): Candidate[] | null;
}

export interface HybridPlan {
  sources: readonly string[];
  fallback: readonly string[];
}

/** Personalised first, then the popular list (filtered like everything else) fills the rest. */
export const DEFAULT_PLAN: HybridPlan = { sources: ['collaborative'], fallback: ['popular'] };

export interface HybridResult {
  items: Candidate[];
  /** Sources that served at least one movie, in order. */
  served: string[];
  /** Sources that declined, with their reasons. */
  declined: string[];
}

/**
 * Run `plan` over `sources` (by name): each source of `plan.sources` in order, then the fallback
 * list while fewer than `n` movies are found. Unknown names in the plan throw: a misconfiguration,
 * not a request error.
 */
export function recommendSequential(
  plan: HybridPlan,
  sources: ReadonlyMap<string, Source>,
  n: number,
  exclude: Set<number>,
): HybridResult {
  const items: Candidate[] = [];
  const served: string[] = [];
  const declined: string[] = [];
  for (const name of [...plan.sources, ...plan.fallback]) {
    if (items.length >= n) break;
    const source = sources.get(name);
    if (source === undefined) throw new Error(`hybrid plan names unknown source '${name}'`);
    const taken = source.take(n - items.length, exclude);
    if (taken === null) {
      declined.push(name);
      continue;
    }
    let used = false;
    for (const candidate of taken) {
      if (items.length >= n) break;
      if (exclude.has(candidate.movieId)) continue;
      exclude.add(candidate.movieId);
      items.push(candidate);
      used = true;
    }
    if (used && !served.includes(source.name)) served.push(source.name);
  }
  return { items, served, declined };
}
