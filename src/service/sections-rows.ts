// The five rows of GET /recommendations/{userId}/sections, one function each. A row sees the
// movies earlier rows took (and the user's rated ones) in `exclude` and never returns one of them;
// sections.ts runs the rows in order and turns their picks into movie views. The rules each row
// follows are in SectionRules (sections.ts) and the README.
import { ItemKnn } from '../models/itemknn.js';
import type { Popularity } from '../models/popularity.js';
import type { Ranked } from '../models/types.js';
import type { MovieRecord } from '../store/types.js';
import type { Roles } from './engine-types.js';
import { recommendSequential, type Source } from './hybrid.js';
import type { ServedModel, Snapshot } from './snapshot.js';
import { type Accepts, collaborativeSource } from './sources.js';
import { type UserState, userRef } from './users.js';
import { popularityOf, round } from './views.js';

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
const ratings = (count: number) => `${count} rating${count === 1 ? '' : 's'}`;

/** "Toy Story (1995)". */
export function named(movie: MovieRecord): string {
  return movie.year === null ? movie.title : `${movie.title} (${movie.year})`;
}

/** The catalog movie `movieId` when the row may show it: in the catalog, not taken, passing the filter. */
function usable(input: RowInput, movieId: number): MovieRecord | undefined {
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
  return served.model instanceof ItemKnn
    ? served.model.moreLikeThis(item, served.model.nItems, { minCount: 5 })
    : served.model.similarItems(item, Math.min(served.model.nItems, 1000));
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
    if (item < 0) continue;
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

interface PopularityOrders {
  /** Rated items by weighted rating, best first. */
  weighted: Int32Array;
  /** Items with activity before `latest`, by decayed activity, best first, and their scores. */
  trending: Ranked;
  /** Items with a rating count under this are "little known" (Hidden gems). */
  countCut: number;
}

const orders = new WeakMap<Popularity, Map<string, PopularityOrders>>();

/** The popularity model's orders, computed once per model and rules (they do not depend on the user). */
function popularityOrders(model: Popularity, rules: SectionRules): PopularityOrders {
  const key = `${rules.trendingHalfLifeDays}/${rules.gemsRatingShare}`;
  let byRules = orders.get(model);
  if (byRules === undefined) {
    byRules = new Map();
    orders.set(model, byRules);
  }
  const hit = byRules.get(key);
  if (hit !== undefined) return hit;
  const rated: number[] = [];
  for (let i = 0; i < model.counts.length; i++) if (model.counts[i] > 0) rated.push(i);
  rated.sort((a, b) => model.weighted[b] - model.weighted[a] || a - b);
  const made = {
    weighted: Int32Array.from(rated),
    trending: model.trending(model.counts.length, { halfLifeDays: rules.trendingHalfLifeDays }),
    countCut: headCount(model.counts, rules.gemsRatingShare),
  };
  byRules.set(key, made);
  return made;
}

/**
 * The smallest rating count c such that the movies rated at least c times hold at least `share` of
 * all ratings (the "head"): 0.5 gives the median of the counts weighted by count, so half of all
 * ratings are of movies rated c times or more. 0 when nothing is rated.
 */
export function headCount(counts: Int32Array, share: number): number {
  if (!(share > 0 && share <= 1)) throw new Error(`headCount: share must be in (0, 1], got ${share}`);
  const sorted = Int32Array.from(counts).sort().reverse();
  let total = 0;
  for (const c of sorted) total += c;
  let held = 0;
  for (const c of sorted) {
    held += c;
    if (held >= share * total) return c;
  }
  return 0;
}

function popularity(input: RowInput): { served: ServedModel; model: Popularity } | undefined {
  const served = input.snap.model(input.roles.coldStart);
  const model = popularityOf(input.snap, input.roles.coldStart);
  return served === undefined || model === undefined ? undefined : { served, model };
}

const DAY = 86_400;

/** Trending: decayed activity (popularity.trending), newest training rating as "now". */
export function trending(input: RowInput): RowDraft {
  const half = input.rules.trendingHalfLifeDays;
  const pop = popularity(input);
  const row = {
    id: 'trending' as const,
    title: 'Trending',
    reason: `most rated lately: each rating counts half after ${half} days`,
    model: pop?.served.run.algorithm ?? 'none',
    picks: [] as Pick[],
  };
  if (pop === undefined)
    return { ...row, note: `the popularity model '${input.roles.coldStart}' is not served` };
  const { model, served } = pop;
  const ranked = popularityOrders(model, input.rules).trending;
  const day = new Date(model.latest * 1000).toISOString().slice(0, 10);
  const picks: Pick[] = [];
  for (let k = 0; k < ranked.ids.length && picks.length < input.n; k++) {
    const item = ranked.ids[k];
    const movieId = served.items.rawId(item) as number;
    if (usable(input, movieId) === undefined) continue;
    let recent = 0;
    for (let p = model.itemTimesIndptr[item]; p < model.itemTimesIndptr[item + 1]; p++) {
      const age = model.latest - model.itemTimes[p];
      if (age >= 0 && age <= half * DAY) recent++;
    }
    picks.push({
      movieId,
      score: ranked.scores[k],
      reason: `${ratings(recent)} in the ${half} days to ${day} (trend score ${round(ranked.scores[k], 2)})`,
    });
  }
  return { ...row, picks };
}

/**
 * Hidden gems: movies outside the head (rated fewer than `headCount` times) with at least
 * `gemsMinCount` ratings, predicted ≥ `gemsMinPredicted` for this user by the rating model, best
 * prediction first.
 */
export function hiddenGems(input: RowInput): RowDraft {
  const { rules, snap } = input;
  const rating = snap.model(input.roles.rating);
  const pop = popularity(input);
  const row = {
    id: 'hidden-gems' as const,
    title: 'Hidden gems',
    reason: `little-known movies you are predicted to rate ${rules.gemsMinPredicted} or more`,
    model: [rating?.run.algorithm, pop?.served.run.algorithm].filter(Boolean).join('+') || 'none',
    picks: [] as Pick[],
  };
  if (input.coldStart) {
    return { ...row, note: `personalised rows start at ${input.minRatings} ratings` };
  }
  if (rating === undefined || pop === undefined) {
    return { ...row, note: `needs the rating model '${input.roles.rating}' and the popularity model` };
  }
  const ref = userRef(rating, input.state);
  if (ref === null) return { ...row, note: `${rating.run.algorithm} cannot score your ratings yet` };
  const cut = popularityOrders(pop.model, rules).countCut;
  const found: { movieId: number; value: number; count: number }[] = [];
  const ids = rating.items.rawIds();
  for (let i = 0; i < ids.length; i++) {
    const movieId = ids[i] as number;
    const p = pop.served.items.index(movieId);
    const count = p >= 0 ? pop.model.counts[p] : 0;
    if (count < rules.gemsMinCount || count >= cut || usable(input, movieId) === undefined) continue;
    const estimate = rating.model.predict(ref, i);
    if (estimate.ok && estimate.value >= rules.gemsMinPredicted) {
      found.push({ movieId, value: estimate.value, count });
    }
  }
  found.sort((a, b) => b.value - a.value || a.movieId - b.movieId);
  const picks = found.slice(0, input.n).map((g) => ({
    movieId: g.movieId,
    score: g.value,
    reason: `predicted ${round(Math.min(5, g.value), 1)}★ for you; only ${g.count} ratings (popular movies have ${cut}+)`,
  }));
  const note =
    found.length === 0 && input.accepts === undefined
      ? `no movie rated ${rules.gemsMinCount} to ${cut - 1} times is predicted ${rules.gemsMinPredicted} or more for you`
      : undefined;
  return { ...row, picks, note };
}

/** The user's genres: those of their liked movies, most liked first (ties by name), up to `max`. */
export function preferredGenres(
  snap: Snapshot,
  state: UserState,
  likedRating: number,
  max: number,
): string[] {
  const counts = new Map<string, number>();
  for (const r of state.ratings) {
    if (r.rating < likedRating) continue;
    for (const genre of snap.catalog.get(r.movieId)?.genres ?? []) {
      if (genre === '(no genres listed)') continue;
      counts.set(genre, (counts.get(genre) ?? 0) + 1);
    }
  }
  return [...counts]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, max)
    .map(([genre]) => genre);
}

/**
 * Top in your genres: the IMDB weighted rating (the popularity model's) among movies of the user's
 * genres; with no liked movie yet, overall. For a cold-start user this is the cold-start row.
 */
export function topInGenres(input: RowInput): RowDraft {
  const { snap, rules } = input;
  const genres = preferredGenres(snap, input.state, rules.likedRating, rules.preferredGenres);
  const pop = popularity(input);
  const lower = genres.map((g) => g.toLowerCase());
  const row = {
    id: 'top-in-genres' as const,
    title: genres.length > 0 ? `Top in your genres: ${genres.join(', ')}` : 'Top rated',
    reason:
      genres.length > 0
        ? `highest weighted rating in the genres of the movies you rated ${rules.likedRating} or more`
        : `highest weighted rating overall (no rating of ${rules.likedRating} or more yet to take genres from)`,
    model: pop?.served.run.algorithm ?? 'none',
    picks: [] as Pick[],
    genres,
  };
  if (pop === undefined)
    return { ...row, note: `the popularity model '${input.roles.coldStart}' is not served` };
  const { model, served } = pop;
  const order = popularityOrders(model, rules).weighted;
  const picks: Pick[] = [];
  for (let k = 0; k < order.length && picks.length < input.n; k++) {
    const item = order[k];
    const movie = usable(input, served.items.rawId(item) as number);
    if (movie === undefined) continue;
    const genre = genres.length === 0 ? undefined : movie.genres.find((g) => lower.includes(g.toLowerCase()));
    if (genres.length > 0 && genre === undefined) continue;
    const wr = round(model.weighted[item], 2);
    picks.push({
      movieId: movie.movieId,
      score: model.weighted[item],
      reason: `${genre === undefined ? '' : `${genre}: `}weighted rating ${wr} from ${ratings(model.counts[item])}`,
    });
  }
  return { ...row, picks };
}
