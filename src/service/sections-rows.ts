// The rows of GET /recommendations/{userId}/sections, one function each: the types they share and
// the two personalised rows, For you and Because you liked X (the popularity-based rows are in
// sections-popular.ts). A row sees the movies earlier rows took (and the user's rated ones) in
// `exclude` and never returns one of them; sections.ts runs the rows in order and turns their
// picks into movie views. The rules each row follows are in SectionRules and the README.
import type { Ranked } from '../models/types.js';
import type { MovieRecord } from '../store/types.js';
import { coRatingNeighbours } from './engine-answers.js';
import type { Roles } from './engine-types.js';
import { recommendSequential, type Source } from './hybrid.js';
import type { ServedModel, Snapshot } from './snapshot.js';
import { type Accepts, collaborativeSource } from './sources.js';
import { type UserState, userRef } from './users.js';
import { round } from './views.js';

/** How each row chooses; DEFAULT_SECTION_RULES in sections.ts documents the defaults. */
export interface SectionRules {
  /** The served model the For you row prefers (the two-stage pipeline); the ranking role's otherwise. */
  forYouModel: string;
  /** A rating at least this high is a "liked" movie (Because you liked, Top in your genres). */
  likedRating: number;
  /** Because you liked: how many of the latest liked movies to try for X. */
  likedTries: number;
  /** Trending: a rating's weight halves every this many days before the newest training rating. */
  trendingHalfLifeDays: number;
  /**
   * Hidden gems: only movies outside the most-rated ones that together hold this share of all
   * ratings (0.5: rated fewer times than the median rating's movie).
   */
  gemsRatingShare: number;
  /** Hidden gems: only movies with at least this many ratings, so the prediction rests on some. */
  gemsMinCount: number;
  /** Hidden gems: only movies predicted at least this high for the user. */
  gemsMinPredicted: number;
  /** Top in your genres: how many of the user's genres (most liked first). */
  preferredGenres: number;
}

export type SectionId = 'for-you' | 'because-you-liked' | 'trending' | 'hidden-gems' | 'top-in-genres';

/** What a row reads: the request's snapshot, the user, the filter, and the movies already taken. */
export interface RowInput {
  snap: Snapshot;
  state: UserState;
  roles: Roles;
  rules: SectionRules;
  /** Fewer ratings than the service personalises for (its `minRatings`). */
  coldStart: boolean;
  minRatings: number;
  accepts: Accepts;
  n: number;
  /** Rated movies and the movies of the rows before this one. */
  exclude: ReadonlySet<number>;
}

/** One movie a row chose, its row score and the one-line reason shown with it. */
export interface Pick {
  movieId: number;
  score: number;
  reason: string;
  /** The model that chose it, when not the row's `model`. */
  source?: string;
  /** The rating model's estimate, when the row already made it (Hidden gems): not asked again. */
  predicted?: number;
}

export interface RowDraft {
  id: SectionId;
  title: string;
  /** What the row is, in one line. */
  reason: string;
  /** The served model(s) the row read ('none' when it could read none). */
  model: string;
  picks: Pick[];
  /** Why the row is empty or short, when the row knows better than "the filter" (sections.ts). */
  note?: string;
  /** Because you liked: the movie X. */
  basedOn?: number | null;
  /** Top in your genres: the user's genres (empty: the overall list). */
  genres?: string[];
}

/** "1 rating", "3 ratings". */
export const ratings = (count: number) => `${count} rating${count === 1 ? '' : 's'}`;

/** "Toy Story (1995)". */
export function named(movie: MovieRecord): string {
  return movie.year === null ? movie.title : `${movie.title} (${movie.year})`;
}

/** The catalog movie `movieId` when the row may show it: in the catalog, not taken, passing the filter. */
export function usable(input: RowInput, movieId: number): MovieRecord | undefined {
  if (input.exclude.has(movieId)) return undefined;
  const movie = input.snap.catalog.get(movieId);
  if (movie === undefined || (input.accepts !== undefined && !input.accepts(movie))) return undefined;
  return movie;
}

/**
 * For you: the two-stage model when one is served, then the ranking role's model (what
 * /recommendations serves a user with enough ratings). Cold-start users get no For you row: the
 * popular list /recommendations falls back to for them is Top in your genres, further down.
 */
export function forYou(input: RowInput): RowDraft {
  const { snap, state, roles, rules } = input;
  const row = { id: 'for-you' as const, title: 'For you', model: 'none', picks: [] as Pick[] };
  const served = [snap.model(rules.forYouModel), snap.model(roles.ranking)].filter(
    (s, k, all): s is ServedModel => s !== undefined && all.indexOf(s) === k,
  );
  const reason = `ranked for you by ${served.map((s) => s.run.algorithm).join(', then ') || 'no model'}`;
  if (input.coldStart) {
    const note = `${ratings(state.ratings.length)}: personalised rows start at ${input.minRatings}; Top in your genres is the cold-start row`;
    return { ...row, reason, note };
  }
  if (served.length === 0) return { ...row, reason, note: `no ranking model is served` };
  const sources = new Map<string, Source>();
  for (const s of served) {
    sources.set(
      s.run.algorithm,
      collaborativeSource(s, snap, input.accepts, () => userRef(s, state)),
    );
  }
  const result = recommendSequential(
    { sources: [...sources.keys()], fallback: [] },
    sources,
    input.n,
    new Set(input.exclude),
  );
  const count = state.ratings.length;
  const picks = result.items.map((c) => {
    const source = c.source.replace('collaborative/', '');
    const reason = `${source} ranks it for your ${count} ratings (score ${round(c.score, 3)})`;
    return { movieId: c.movieId, score: c.score, reason, source };
  });
  const note =
    result.items.length === 0 && result.declined.length === sources.size
      ? 'no served ranking model can score your ratings yet'
      : undefined;
  const used = result.served.map((name) => name.replace('collaborative/', ''));
  return { ...row, reason, model: used.join('+') || served[0].run.algorithm, picks, note };
}

/** X's nearest movies by co-ratings: the same call /movies/{id}/similar?by=ratings makes, whole list. */
function neighbours(served: ServedModel, item: number): Ranked {
  return coRatingNeighbours(served, item, served.model.nItems);
}

/** The user's ratings ≥ `likedRating`, most recent first (ties: the higher rating, then the lower id). */
export function likedMovies(state: UserState, likedRating: number): number[] {
  return state.ratings
    .filter((r) => r.rating >= likedRating)
    .sort((a, b) => b.timestamp - a.timestamp || b.rating - a.rating || a.movieId - b.movieId)
    .map((r) => r.movieId);
}

/**
 * Because you liked X: X's nearest movies by co-ratings, as /movies/{id}/similar?by=ratings ranks
 * them. X is the first of the user's `likedTries` most recent liked movies (likedMovies) whose
 * neighbours leave a movie to show once the user's ratings, the rows above and the filter are
 * taken out; when none does, the row is empty and names the first that has neighbours at all.
 */
export function becauseYouLiked(input: RowInput): RowDraft {
  const { snap, rules } = input;
  const served = snap.model(input.roles.similar);
  const row = {
    id: 'because-you-liked' as const,
    title: 'Because you liked…',
    reason: `more like a recent movie you rated ${rules.likedRating} or more, by co-ratings`,
    model: served?.run.algorithm ?? 'none',
    picks: [] as Pick[],
    basedOn: null,
  };
  if (served === undefined)
    return { ...row, note: `the similarity model '${input.roles.similar}' is not served` };
  let first: number | undefined;
  for (const source of likedMovies(input.state, rules.likedRating).slice(0, rules.likedTries)) {
    const item = served.items.index(source);
    // A rating of a film the catalog no longer holds names nothing a row could show.
    if (item < 0 || !snap.catalog.has(source)) continue;
    const ranked = neighbours(served, item);
    if (ranked.ids.length === 0) continue;
    first ??= source;
    const liked = named(snap.catalog.get(source) as MovieRecord);
    const picks: Pick[] = [];
    for (let k = 0; k < ranked.ids.length && picks.length < input.n; k++) {
      const movieId = served.items.rawId(ranked.ids[k]) as number;
      if (usable(input, movieId) === undefined) continue;
      const score = ranked.scores[k];
      picks.push({
        movieId,
        score,
        reason: `rated alike by the people who rated ${liked} (similarity ${round(score, 3)})`,
      });
    }
    if (picks.length > 0) return { ...row, title: `Because you liked ${liked}`, picks, basedOn: source };
  }
  if (first === undefined) {
    const note = `none of your ${rules.likedTries} latest ratings of ${rules.likedRating} or more has neighbours by co-ratings`;
    return { ...row, note };
  }
  return {
    ...row,
    title: `Because you liked ${named(snap.catalog.get(first) as MovieRecord)}`,
    basedOn: first,
  };
}
