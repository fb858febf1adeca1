// GET /recommendations/{userId}/sections without HTTP: named rows of movies for one user, each
// movie with a one-line reason. Rows run in SECTION_ORDER with one exclude set, so a movie appears
// in at most one row (earlier rows win) and never one the user rated. The rows are in
// sections-rows.ts and sections-popular.ts.
import type { MovieRecord } from '../store/types.js';
import { Catalog, type MovieFilter } from './catalog.js';
import type { Answers } from './engine-answers.js';
import { checkN, clip } from './engine-answers.js';
import type { AnswerContext } from './engine-types.js';
import { hiddenGems, topInGenres, trending } from './sections-popular.js';
import {
  becauseYouLiked,
  forYou,
  type RowDraft,
  type RowInput,
  type SectionId,
  type SectionRules,
} from './sections-rows.js';
import { userRef } from './users.js';
import { type MovieView, movieView, round } from './views.js';

export type { SectionId, SectionRules } from './sections-rows.js';

/**
 * The rules of the rows. For you prefers `twostage` (the two-stage pipeline) when it is served. A
 * liked movie is one rated 4 or more; Because you liked tries the 10 latest. Trending halves a rating's weight every 30 days (the
 * popularity model's default) before the newest training rating. Hidden gems have at least 5
 * ratings but fewer than the most-rated movies holding half of all ratings, and are predicted 4 or
 * more. Top in your genres takes the 3 genres of the user's liked movies.
 */
export const DEFAULT_SECTION_RULES: SectionRules = {
  forYouModel: 'twostage',
  likedRating: 4,
  likedTries: 10,
  trendingHalfLifeDays: 30,
  gemsRatingShare: 0.5,
  gemsMinCount: 5,
  gemsMinPredicted: 4,
  preferredGenres: 3,
};

/** The rows, in the order they run and are answered; earlier rows win a movie two rows want. */
export const SECTION_ORDER: readonly ((input: RowInput) => RowDraft)[] = [
  forYou,
  becauseYouLiked,
  trending,
  hiddenGems,
  topInGenres,
];

export interface SectionsRequest extends MovieFilter {
  /** Movies per row (1–100, default 10). */
  n?: number;
}

export interface SectionMovie extends MovieView {
  /** Why this movie is in this row, in one line. */
  reason: string;
}

export interface Section {
  id: SectionId;
  title: string;
  reason: string;
  model: string;
  /** Why the row has fewer than `n` movies; null when it is full. */
  note: string | null;
  items: SectionMovie[];
  basedOn?: MovieView | null;
  genres?: string[];
}

export interface Sections {
  userId: number;
  /** Fewer ratings than the service personalises for: Top in your genres is the cold-start row. */
  coldStart: boolean;
  ratingCount: number;
  sections: Section[];
}

export class SectionAnswers {
  constructor(
    private readonly ctx: AnswerContext,
    private readonly answers: Answers,
    private readonly rules: SectionRules = DEFAULT_SECTION_RULES,
  ) {}

  async sections(userId: number, request: SectionsRequest = {}): Promise<Sections> {
    const snap = this.ctx.snapshot();
    const n = checkN(request.n);
    if (snap.algorithms().length === 0) this.answers.require(snap, this.ctx.roles.ranking, 'model'); // 503
    const state = await this.answers.knownUser(userId);
    const coldStart = state.ratings.length < this.ctx.minRatings;
    const exclude = new Set(state.rated);
    const base = {
      snap,
      state,
      roles: this.ctx.roles,
      rules: this.rules,
      coldStart,
      minRatings: this.ctx.minRatings,
      accepts: Catalog.predicate(request),
      n,
    };
    const rating = snap.model(this.ctx.roles.rating);
    const ref = rating === undefined ? null : userRef(rating, state);
    const predicted = (movieId: number): number | undefined => {
      const item = rating?.items.index(movieId) ?? -1;
      const estimate = ref !== null && item >= 0 ? rating?.model.predict(ref, item) : undefined;
      return estimate?.ok ? estimate.value : undefined;
    };
    const view = (movieId: number) =>
      movieView(snap, snap.catalog.get(movieId) as MovieRecord, this.ctx.roles.coldStart);
    const sections: Section[] = [];
    for (const row of SECTION_ORDER) {
      const draft = row({ ...base, exclude });
      const items = draft.picks.map((pick) => {
        exclude.add(pick.movieId);
        const rated = pick.predicted ?? predicted(pick.movieId);
        return {
          ...view(pick.movieId),
          score: round(pick.score, 6),
          predictedRating: rated === undefined ? null : clip(rated),
          source: pick.source ?? draft.model,
          reason: pick.reason,
        };
      });
      const { picks: _, note, basedOn, ...rest } = draft;
      const section: Section = { ...rest, note: noteFor(note, items.length, n, request), items };
      if (basedOn !== undefined) section.basedOn = basedOn === null ? null : view(basedOn);
      sections.push(section);
    }
    return { userId, coldStart, ratingCount: state.ratings.length, sections };
  }
}

/** The row's own note, else why it is short: the filter, or nothing left that is new to the user. */
function noteFor(note: string | undefined, count: number, n: number, filter: MovieFilter): string | null {
  if (count >= n) return null;
  if (note !== undefined) return note;
  const had = count === 0 ? 'no movie' : `only ${count} of ${n}`;
  const parts = [
    filter.genre === undefined ? '' : `genre '${filter.genre}'`,
    filter.yearFrom === undefined && filter.yearTo === undefined
      ? ''
      : `years ${filter.yearFrom ?? '…'}–${filter.yearTo ?? '…'}`,
  ].filter((p) => p !== '');
  return parts.length > 0
    ? `${had}: the filter (${parts.join(', ')}) leaves no more of this row's movies`
    : `${had}: no more of this row's movies that you have not rated and no row above shows`;
}
