// The rows of GET /recommendations/{userId}/sections that read the popularity model: Trending,
// Hidden gems (with the rating model) and Top in your genres. See sections-rows.ts for the shared
// types and the rules.
import { SECONDS_PER_DAY } from '../data/interactions.js';
import type { Popularity } from '../models/popularity.js';
import type { Ranked } from '../models/types.js';
import {
  type Pick,
  type RowDraft,
  type RowInput,
  ratings,
  type SectionRules,
  usable,
} from './sections-rows.js';
import type { ServedModel, Snapshot } from './snapshot.js';
import { type UserState, userRef } from './users.js';
import { popularityOf, round } from './views.js';

interface PopularityOrders {
  /** Rated items by weighted rating, best first. */
  weighted: Int32Array;
  /** Items with activity before `latest`, by decayed activity, best first, and their scores. */
  trending: Ranked;
  /** Items with a rating count under this are "little known" (Hidden gems). */
  countCut: number;
  /** Hidden gems' candidates: items rated at least `gemsMinCount` times and fewer than `countCut`. */
  tail: Int32Array;
}

const orders = new WeakMap<Popularity, Map<string, PopularityOrders>>();

/** The popularity model's orders, computed once per model and rules (they do not depend on the user). */
function popularityOrders(model: Popularity, rules: SectionRules): PopularityOrders {
  const key = `${rules.trendingHalfLifeDays}/${rules.gemsRatingShare}/${rules.gemsMinCount}`;
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
  const countCut = headCount(model.counts, rules.gemsRatingShare);
  const made = {
    weighted: Int32Array.from(rated),
    trending: model.trending(model.counts.length, { halfLifeDays: rules.trendingHalfLifeDays }),
    countCut,
    tail: Int32Array.from(
      rated.filter((i) => model.counts[i] >= rules.gemsMinCount && model.counts[i] < countCut),
    ),
  };
  byRules.set(key, made);
  return made;
}

/**
 * The largest rating count c such that the movies rated at least c times hold at least `share` of
 * all ratings (the "head"): with 0.5, half of all ratings or more are of movies rated c times or
 * more, and the movies rated fewer times (the tail) hold the rest. 0 when nothing is rated.
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
      if (age >= 0 && age <= half * SECONDS_PER_DAY) recent++;
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
  const { countCut: cut, tail } = popularityOrders(pop.model, rules);
  const found: { movieId: number; value: number; count: number }[] = [];
  for (const p of tail) {
    const movieId = pop.served.items.rawId(p) as number;
    const i = rating.items.index(movieId);
    if (i < 0 || usable(input, movieId) === undefined) continue;
    const estimate = rating.model.predict(ref, i);
    if (estimate.ok && estimate.value >= rules.gemsMinPredicted) {
      found.push({ movieId, value: estimate.value, count: pop.model.counts[p] });
    }
  }
  found.sort((a, b) => b.value - a.value || a.movieId - b.movieId);
  const picks = found.slice(0, input.n).map((g) => ({
    movieId: g.movieId,
    score: g.value,
    predicted: g.value,
    reason: `predicted ${round(Math.min(5, g.value), 1)}★ for you; only ${g.count} ratings (popular movies have ${cut}+)`,
  }));
  const note =
    found.length === 0 && input.accepts === undefined
      ? `no movie rated at least ${rules.gemsMinCount} but fewer than ${cut} times is predicted ${rules.gemsMinPredicted} or more for you`
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
