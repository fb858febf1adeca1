// Field vocabularies for the near-valid property tests: ids drawn from the fixture's catalog,
// refused and boundary values per field, and the filters and movie fields several routes share.

import {
  bad,
  type Field,
  gen,
  type Part,
  RawSegment,
  type Rng,
  UNICODE,
  unknown,
  type Want,
} from './near-valid.generator.js';
import { fx, UNKNOWN_MOVIE, UNKNOWN_USER } from './near-valid.harness.js';

export const INT32 = 2_147_483_647;

export const knownUser = (r: Rng) => r.pick(fx.users);
export const knownMovie = (r: Rng) => r.pick(fx.movieIds);
export const ids = (k: number) => gen(`${k} ids`, (r) => r.sample(fx.movieIds, k));

export const idBad = [0, -1, -7, 2_147_483_648, 1e20, 1.5];
export const urlIdBad = [
  '0',
  '-1',
  '2147483648',
  '1.5',
  '1e400',
  '99999999999999999999',
  'Infinity',
  UNICODE,
];
/** A malformed %-escape: the router refuses it, naming the path. */
export const BAD_ESCAPE = '%E0%A4%A';
export const badEscape: [unknown, Want] = [new RawSegment(BAD_ESCAPE), bad(BAD_ESCAPE)];

export const userIdField = (
  part: Part,
  special: [unknown, Want][] = [[UNKNOWN_USER, unknown(UNKNOWN_USER)]],
): Field => ({
  path: 'userId',
  part,
  type: 'int',
  required: true,
  bad: part === 'body' ? idBad : urlIdBad,
  special: part === 'body' ? special : [...special, badEscape],
});
export const movieIdField = (
  part: Part,
  special: [unknown, Want][] = [[UNKNOWN_MOVIE, unknown(UNKNOWN_MOVIE)]],
  edge: unknown[] = [],
): Field => ({
  path: 'movieId',
  part,
  type: 'int',
  required: true,
  bad: part === 'body' ? idBad : urlIdBad,
  special: part === 'body' ? special : [...special, badEscape],
  edge,
});

export const withUnknownMovie = gen('ids + unknown', (r) => [
  ...r.sample(fx.movieIds, r.int(0, 5)),
  UNKNOWN_MOVIE,
]);
export const movieIdList = (max: number): Field => ({
  path: 'movieIds',
  part: 'body',
  type: 'array',
  required: true,
  bad: [
    [],
    ids(max + 1),
    gen('ids + 0', (r) => [...r.sample(fx.movieIds, 2), 0]),
    gen('ids + -1', (r) => [-1, ...r.sample(fx.movieIds, 2)]),
    gen('ids + 1.5', (r) => [...r.sample(fx.movieIds, 2), 1.5]),
    gen('ids + "1"', (r) => [...r.sample(fx.movieIds, 2), '1']),
    gen('ids + null', (r) => [r.pick(fx.movieIds), null]),
    gen('ids + 2^31', (r) => [r.pick(fx.movieIds), 2_147_483_648]),
    gen('ids + [1]', (r) => [r.pick(fx.movieIds), [1]]),
    gen('ids + {}', (r) => [r.pick(fx.movieIds), {}]),
    gen('ids as strings', (r) => r.sample(fx.movieIds, 3).map(String)),
  ],
  edge: [ids(1), ids(max), gen('duplicates', (r) => Array(3).fill(r.pick(fx.movieIds)))],
  special: [
    [withUnknownMovie, unknown(UNKNOWN_MOVIE)],
    [
      gen('ids × 20000', (r) => Array.from({ length: 20_000 }, () => r.pick(fx.movieIds))),
      { status: [400], names: 'body' },
    ],
  ],
});

export const count = (part: Part, max: number): Field => ({
  path: 'n',
  part,
  type: 'int',
  bad: part === 'body' ? [0, max + 1, -1, 1.5, 1e9] : ['0', String(max + 1), '-1', '1.5', '1e9'],
  edge: part === 'body' ? [1, max] : ['1', String(max)],
});

export const str = (part: Part, v: number) => (part === 'body' ? v : String(v));

export const filterFields = (part: Part): Field[] => [
  {
    path: 'model',
    part,
    type: 'string',
    bad: ['', 'ALS', 'als ', 'x'.repeat(41), UNICODE, 'nope', 'a/b'],
    edge: ['als', 'svd', 'itemknn', 'popularity'],
  },
  {
    path: 'genre',
    part,
    type: 'string',
    bad: ['', 'x'.repeat(41)],
    edge: ['x'.repeat(40), gen('GENRE', (r) => r.pick(fx.genres).toUpperCase()), 'Comédie', '🎬'],
  },
  {
    path: 'yearFrom',
    part,
    type: 'int',
    bad: [1799, 2201, 1999.5].map((y) => str(part, y)),
    edge: [1800, 2200].map((y) => str(part, y)),
  },
  {
    path: 'yearTo',
    part,
    type: 'int',
    bad: [1799, 2201, 1999.5].map((y) => str(part, y)),
    edge: [1800, 2200].map((y) => str(part, y)),
  },
];

/** Some of the optional filters, valid together. */
export function someFilters(r: Rng, part: Part): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (r.chance(0.3)) out.model = r.pick(['als', 'svd']);
  if (r.chance(0.3)) out.genre = r.pick(fx.genres);
  if (r.chance(0.3)) {
    const from = r.int(1900, 2010);
    out.yearFrom = str(part, from);
    if (r.chance()) out.yearTo = str(part, r.int(from, 2020));
  } else if (r.chance(0.2)) out.yearTo = str(part, r.int(1950, 2020));
  return out;
}

/** yearFrom after yearTo: 400 naming yearFrom. */
export function yearOrder(fields: Record<string, unknown>): Want | undefined {
  const from = Number(fields.yearFrom);
  const to = Number(fields.yearTo);
  return fields.yearFrom !== undefined && fields.yearTo !== undefined && from > to
    ? bad('yearFrom')
    : undefined;
}

export const movieFields = (required: boolean): Field[] => [
  {
    path: 'title',
    part: 'body',
    type: 'string',
    required,
    bad: ['', 'x'.repeat(301)],
    edge: ['x', 'x'.repeat(300), UNICODE],
  },
  {
    path: 'year',
    part: 'body',
    type: 'int',
    nullable: true,
    bad: [1799, 2201, 1999.5],
    edge: [1800, 2200],
  },
  {
    path: 'genres',
    part: 'body',
    type: 'array',
    bad: [[''], ['x'.repeat(41)], [1], [null], Array(21).fill('Drama')],
    edge: [[], Array(20).fill('Drama'), ['x'.repeat(40), UNICODE]],
  },
  { path: 'tmdbId', part: 'body', type: 'int', nullable: true, bad: [0, -1, 1.5], edge: [1, INT32] },
  {
    path: 'imdbId',
    part: 'body',
    type: 'string',
    nullable: true,
    bad: ['', 'tt0114709', '12345678901', '12 34', '١٢'],
    edge: ['0', '1234567890'],
  },
  { path: 'overview', part: 'body', type: 'string', nullable: true, bad: ['x'.repeat(10_001)], edge: [''] },
  {
    path: 'tagline',
    part: 'body',
    type: 'string',
    nullable: true,
    bad: ['x'.repeat(1001)],
    edge: ['', UNICODE],
  },
  {
    path: 'keywords',
    part: 'body',
    type: 'array',
    bad: [['x'.repeat(101)], [1], Array(101).fill('k')],
    edge: [[], ['', UNICODE], Array(100).fill('k')],
  },
  { path: 'runtime', part: 'body', type: 'int', nullable: true, bad: [0, 2001, 90.5], edge: [1, 2000] },
  {
    path: 'releaseDate',
    part: 'body',
    type: 'string',
    nullable: true,
    bad: ['', '2020-13-01', '2021-02-29', '2020/01/01', '01-01-2020', '2020-01-01T00:00:00Z'],
    edge: ['2020-02-29', '1895-12-28'],
  },
];

export function someMovieFields(r: Rng, min: number): Record<string, unknown> {
  const choices: [string, () => unknown][] = [
    ['title', () => `Near Valid ${r.int(1, 1e6)}`],
    ['year', () => (r.chance(0.2) ? null : r.int(1900, 2030))],
    ['genres', () => r.sample(fx.genres, r.int(0, 3))],
    ['tmdbId', () => (r.chance(0.3) ? null : r.int(1, 1e6))],
    ['imdbId', () => (r.chance(0.3) ? null : String(r.int(1, 9_999_999)))],
    ['overview', () => 'A film.'],
    ['tagline', () => null],
    ['keywords', () => ['k1', 'k2'].slice(0, r.int(0, 2))],
    ['runtime', () => r.int(60, 200)],
    ['releaseDate', () => `20${r.int(10, 29)}-0${r.int(1, 9)}-1${r.int(0, 9)}`],
  ];
  const out: Record<string, unknown> = {};
  for (const [key, make] of r.sample(choices, r.int(min, 4))) out[key] = make();
  return out;
}

/** Ids not yet in the store, for requests that create a movie or a user. */
export const fresh = { movie: 100_000, user: 300_000 };
