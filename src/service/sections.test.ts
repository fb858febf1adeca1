import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Popularity } from '../models/popularity.js';
import type { MovieRecord, RatingRecord } from '../store/types.js';
import { Catalog } from './catalog.js';
import { ServiceError } from './errors.js';
import { DEFAULT_SECTION_RULES, type Sections } from './sections.js';
import { headCount, preferredGenres } from './sections-popular.js';
import { likedMovies } from './sections-rows.js';
import { startTestService, type TestService } from './service.fixture.js';
import { Snapshot } from './snapshot.js';
import type { UserState } from './users.js';

let svc: TestService;

beforeAll(async () => {
  svc = await startTestService();
});

afterAll(async () => {
  await svc.dispose();
});

const IDS = ['for-you', 'because-you-liked', 'trending', 'hidden-gems', 'top-in-genres'];
const ids = (answer: Sections, row: string) =>
  answer.sections.find((s) => s.id === row)?.items.map((m) => m.movieId) ?? [];
/** Every movie of the rows before `row`, and the user's rated ones: what `row` may not show. */
const takenBefore = (answer: Sections, row: string, rated: Iterable<number>) =>
  new Set([
    ...rated,
    ...answer.sections.slice(0, IDS.indexOf(row)).flatMap((s) => s.items.map((m) => m.movieId)),
  ]);
const rated = async (userId: number) => new Set((await svc.store.userRatings(userId)).map((r) => r.movieId));
const popularity = () => svc.engine.snapshot.model('popularity')!;

function state(ratings: Partial<RatingRecord>[]): UserState {
  const full = ratings.map(
    (r): RatingRecord => ({ userId: 1, rating: 4, timestamp: 0, source: 'api', movieId: 1, ...r }),
  );
  return { userId: 1, ratings: full, rated: new Set(full.map((r) => r.movieId)), refs: new Map() };
}

describe('section rules, by hand', () => {
  it('headCount: the largest count whose most-rated movies hold the share of all ratings', () => {
    const counts = Int32Array.from([1, 10, 0, 5, 3, 1]); // 20 ratings
    expect(headCount(counts, 0.5)).toBe(10); // 10 of 20
    expect(headCount(counts, 0.6)).toBe(5); // 15 of 20 ≥ 12
    expect(headCount(counts, 0.9)).toBe(3); // 18 ≥ 18
    expect(headCount(counts, 1)).toBe(1);
    expect(headCount(new Int32Array(3), 0.5)).toBe(0);
    expect(() => headCount(counts, 0)).toThrow(/share must be in \(0, 1\], got 0/);
  });

  it('likedMovies: ratings ≥ 4, newest first, then the higher rating, then the lower id', () => {
    const s = state([
      { movieId: 5, rating: 5, timestamp: 100 },
      { movieId: 3, rating: 3.5, timestamp: 900 },
      { movieId: 9, rating: 4, timestamp: 300 },
      { movieId: 7, rating: 4.5, timestamp: 300 },
      { movieId: 2, rating: 4.5, timestamp: 300 },
    ]);
    expect(likedMovies(s, 4)).toEqual([2, 7, 9, 5]);
  });

  it("preferredGenres: genres of the liked movies, most liked first, ties by name, '(no genres listed)' never", () => {
    const movie = (movieId: number, genres: string[]): MovieRecord =>
      ({ movieId, title: `m${movieId}`, year: 2000, genres }) as MovieRecord;
    const snap = Snapshot.initial(
      Catalog.of([
        movie(1, ['Drama', 'War']),
        movie(2, ['Comedy', 'Drama']),
        movie(3, ['Comedy', 'Horror']),
        movie(4, ['Horror']),
        movie(5, ['(no genres listed)']),
      ]),
    );
    const s = state([
      { movieId: 1, rating: 5 },
      { movieId: 2, rating: 4 },
      { movieId: 3, rating: 4.5 },
      { movieId: 4, rating: 2 }, // not liked: its Horror does not count
      { movieId: 5, rating: 5 },
    ]);
    expect(preferredGenres(snap, s, 4, 3)).toEqual(['Comedy', 'Drama', 'Horror']);
    expect(preferredGenres(snap, s, 4, 1)).toEqual(['Comedy']);
    expect(preferredGenres(snap, s, 5.5, 3)).toEqual([]);
  });
});

describe('Engine.sections', () => {
  it('answers every row in order, each movie with a reason, none twice, none rated', async () => {
    for (const userId of [1, 2, 3, 4]) {
      const answer = await svc.engine.sections(userId, { n: 8 });
      expect(answer).toMatchObject({ userId, coldStart: false });
      expect(answer.sections.map((s) => s.id)).toEqual(IDS);
      const seen = new Set<number>();
      const mine = await rated(userId);
      for (const section of answer.sections) {
        expect(section.title.length).toBeGreaterThan(0);
        expect(section.reason.length).toBeGreaterThan(0);
        expect(section.note === null).toBe(section.items.length === 8);
        for (const item of section.items) {
          expect(item.reason).toMatch(/\S/);
          expect(seen.has(item.movieId)).toBe(false);
          expect(mine.has(item.movieId)).toBe(false);
          seen.add(item.movieId);
        }
      }
      // Rows that cannot run short on this catalog are full.
      for (const row of ['for-you', 'because-you-liked', 'trending', 'top-in-genres'])
        expect(ids(answer, row)).toHaveLength(8);
    }
  });

  it('For you is the answer /recommendations gives a user with enough ratings', async () => {
    const answer = await svc.engine.sections(5, { n: 10 });
    const recommended = await svc.engine.recommend(5, { n: 10 });
    expect(ids(answer, 'for-you')).toEqual(recommended.items.map((m) => m.movieId));
    expect(answer.sections[0]).toMatchObject({ model: 'als', title: 'For you' });
    expect(answer.sections[0].items[0]).toMatchObject({
      source: 'als',
      reason: expect.stringMatching(/^als ranks it/),
    });
  });

  it('Because you liked names the latest movie rated 4 or more and lists its co-rating neighbours in order', async () => {
    const userId = 6;
    const answer = await svc.engine.sections(userId, { n: 6 });
    const ratings = await svc.store.userRatings(userId);
    const liked = ratings
      .filter((r) => r.rating >= 4)
      .sort((a, b) => b.timestamp - a.timestamp || b.rating - a.rating || a.movieId - b.movieId)[0];
    const row = answer.sections[1];
    expect(row.basedOn?.movieId).toBe(liked.movieId);
    const movie = svc.engine.snapshot.catalog.get(liked.movieId)!;
    expect(row.title).toBe(`Because you liked ${movie.title} (${movie.year})`);
    // The /movies/{id}/similar?by=ratings list, less what the user rated and For you took.
    const similar = (await svc.engine.similar(liked.movieId, 100)).items.map((m) => m.movieId);
    const skip = takenBefore(answer, 'because-you-liked', await rated(userId));
    expect(ids(answer, 'because-you-liked')).toEqual(similar.filter((id) => !skip.has(id)).slice(0, 6));
  });

  it('Because you liked passes over a liked movie the catalog no longer holds', async () => {
    const userId = 6;
    const before = await svc.engine.sections(userId, { n: 6 });
    const gone = before.sections[1].basedOn?.movieId as number;
    const engine = svc.engine as unknown as { current: Snapshot };
    const full = engine.current;
    engine.current = full.withCatalog(
      Catalog.of([...full.catalog.movies()].filter((m) => m.movieId !== gone)),
    );
    try {
      const after = await svc.engine.sections(userId, { n: 6 });
      expect(after.sections[1].basedOn?.movieId).toEqual(expect.any(Number));
      expect(after.sections[1].basedOn?.movieId).not.toBe(gone);
    } finally {
      engine.current = full;
    }
  });

  it('Trending is the popularity model’s decayed activity (30-day half-life), less earlier rows', async () => {
    const answer = await svc.engine.sections(7, { n: 10 });
    const model = popularity().model as Popularity;
    const trend = model.trending(model.nItems, { halfLifeDays: 30 });
    const skip = takenBefore(answer, 'trending', await rated(7));
    const expected = Array.from(trend.ids, (i) => popularity().items.rawId(i) as number)
      .filter((id) => !skip.has(id))
      .slice(0, 10);
    expect(ids(answer, 'trending')).toEqual(expected);
  });

  it('Hidden gems are outside the head, rated at least 5 times, and predicted 4 or more', async () => {
    const model = popularity().model as Popularity;
    const cut = headCount(model.counts, 0.5);
    expect(cut).toBeGreaterThan(DEFAULT_SECTION_RULES.gemsMinCount);
    let gems = 0;
    for (let userId = 1; userId <= 40; userId++) {
      const row = (await svc.engine.sections(userId, { n: 10 })).sections[3];
      expect(row.id).toBe('hidden-gems');
      let last = Number.POSITIVE_INFINITY;
      for (const item of row.items) {
        gems++;
        expect(item.ratingCount).toBeLessThan(cut);
        expect(item.ratingCount).toBeGreaterThanOrEqual(5);
        expect(item.predictedRating).toBeGreaterThanOrEqual(4);
        // The row's score is the prediction it already made, shown (clipped to the scale) as such.
        expect(item.predictedRating).toBeCloseTo(Math.min(5, item.score as number), 3);
        expect(item.score).toBeLessThanOrEqual(last);
        last = item.score as number;
      }
      if (row.items.length === 0) expect(row.note).toMatch(/is predicted 4 or more for you$/);
    }
    expect(gems).toBeGreaterThan(0);
  });

  it('applies the genre and year filters to every row', async () => {
    const answer = await svc.engine.sections(8, { n: 5, genre: 'drama', yearFrom: 1960, yearTo: 2000 });
    let shown = 0;
    for (const section of answer.sections) {
      for (const item of section.items) {
        shown++;
        expect(item.genres).toContain('Drama');
        expect(item.year).toBeGreaterThanOrEqual(1960);
        expect(item.year).toBeLessThanOrEqual(2000);
      }
    }
    expect(shown).toBeGreaterThan(10);
  });

  it('answers empty rows, each saying why, when the filter matches nothing', async () => {
    for (const filter of [{ genre: 'no-such-genre' }, { yearFrom: 1800, yearTo: 1801 }]) {
      const answer = await svc.engine.sections(9, { n: 5, ...filter });
      expect(answer.sections.map((s) => s.id)).toEqual(IDS);
      for (const section of answer.sections) {
        expect(section.items).toEqual([]);
        expect(section.note).toMatch(/^no movie: the filter \((genre 'no-such-genre'|years 1800–1801)\)/);
      }
    }
  });

  it('serves a new user Top in your genres as the cold-start row', async () => {
    const liked = 17;
    await svc.engine.rate(20_001, liked, 4.5);
    const answer = await svc.engine.sections(20_001, { n: 10 });
    expect(answer).toMatchObject({ coldStart: true, ratingCount: 1 });
    expect(answer.sections[0].items).toEqual([]);
    expect(answer.sections[0].note).toMatch(/^1 rating: personalised rows start at 5/);
    const top = answer.sections[4];
    const genres = [...svc.engine.snapshot.catalog.get(liked)!.genres].sort().slice(0, 3);
    expect(top).toMatchObject({
      id: 'top-in-genres',
      genres,
      title: `Top in your genres: ${genres.join(', ')}`,
    });
    // By hand: the rated movies of those genres by weighted rating, less earlier rows.
    const model = popularity().model as Popularity;
    const skip = takenBefore(answer, 'top-in-genres', [liked]);
    const expected = [...svc.engine.snapshot.catalog.movies()]
      .map((m) => ({ m, i: popularity().items.index(m.movieId) }))
      .filter(
        ({ m, i }) => model.counts[i] > 0 && !skip.has(m.movieId) && m.genres.some((g) => genres.includes(g)),
      )
      .sort((a, b) => model.weighted[b.i] - model.weighted[a.i] || a.i - b.i)
      .slice(0, 10)
      .map(({ m }) => m.movieId);
    expect(top.items.map((m) => m.movieId)).toEqual(expected);

    // No liked movie: the overall weighted rating.
    await svc.engine.rate(20_002, liked, 2);
    const overall = (await svc.engine.sections(20_002, { n: 10 })).sections[4];
    expect(overall).toMatchObject({ title: 'Top rated', genres: [] });
    expect(overall.items).toHaveLength(10);
    for (let k = 1; k < 10; k++)
      expect(overall.items[k].score).toBeLessThanOrEqual(overall.items[k - 1].score!);
  });

  it('changes after the user posts a rating', async () => {
    const userId = 10;
    const first = await svc.engine.sections(userId, { n: 10 });
    const top = ids(first, 'for-you')[0];
    await svc.engine.rate(userId, top, 5);
    const next = await svc.engine.sections(userId, { n: 10 });
    expect(next.ratingCount).toBe(first.ratingCount + 1);
    for (const section of next.sections) expect(section.items.map((m) => m.movieId)).not.toContain(top);
    // Just rated 5: the latest liked movie.
    expect(next.sections[1].basedOn?.movieId).toBe(top);
  });

  it('answers 404 for an unknown user and 400 for a bad n', async () => {
    const missing = await svc.engine.sections(424_242).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ServiceError);
    expect(missing).toMatchObject({ code: 'not_found', message: 'unknown user 424242' });
    const bad = await svc.engine.sections(1, { n: 0 }).catch((e: unknown) => e);
    expect(bad).toMatchObject({ code: 'bad_request', message: 'n must be an integer from 1 to 100, got 0' });
  });

  it('For you prefers a served twostage model', async () => {
    // Any ranking model stands in for the two-stage pipeline: the row reads it by name.
    const als = svc.engine.snapshot.model('als')!;
    svc.engine.install({ ...als, run: { ...als.run, id: 9_999, algorithm: 'twostage' } });
    const answer = await svc.engine.sections(11, { n: 5 });
    expect(answer.sections[0]).toMatchObject({
      model: 'twostage',
      reason: 'ranked for you by twostage, then als',
    });
    for (const item of answer.sections[0].items) expect(item).toMatchObject({ source: 'twostage' });
  });
});
