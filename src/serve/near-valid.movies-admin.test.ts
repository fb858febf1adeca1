// Near-valid requests to the movies and admin routes: GET /movies, /movies/{movieId} and its
// similar list, POST and PATCH /movies. 200 seeded requests per route; see near-valid.harness.ts.
import {
  count,
  fresh,
  INT32,
  knownMovie,
  movieFields,
  movieIdField,
  someMovieFields,
} from './near-valid.fields.js';
import { bad, gen, type RouteSpec, root, UNICODE } from './near-valid.generator.js';
import { describeNearValid, fx } from './near-valid.harness.js';

const routes: RouteSpec[] = [
  {
    method: 'GET',
    path: '/movies/{movieId}/similar',
    writes: false,
    success: [200],
    query: true,
    fields: [
      movieIdField('params'),
      count('query', 100),
      {
        path: 'by',
        part: 'query',
        type: 'string',
        bad: ['', 'RATINGS', 'Content', 'hybrid ', 'text', 'ratings,content', UNICODE],
        edge: ['ratings', 'content', 'hybrid'],
      },
    ],
    base: (r) => ({
      params: { movieId: knownMovie(r) },
      query: {
        ...(r.chance() ? { n: String(r.int(1, 100)) } : {}),
        ...(r.chance(0.5) ? { by: r.pick(['ratings', 'content', 'hybrid']) } : {}),
      },
    }),
  },
  {
    method: 'GET',
    path: '/movies',
    writes: false,
    success: [200],
    query: true,
    fields: [
      {
        path: 'query',
        part: 'query',
        type: 'string',
        bad: ['', 'x'.repeat(201)],
        edge: ['x', 'x'.repeat(200), UNICODE, '%_*', "'; DROP TABLE movies; --"],
      },
      {
        path: 'genre',
        part: 'query',
        type: 'string',
        bad: ['', 'x'.repeat(41)],
        edge: ['x'.repeat(40), 'sci-fi'],
      },
      { path: 'year', part: 'query', type: 'int', bad: ['1799', '2201', '1999.5'], edge: ['1800', '2200'] },
      { path: 'page', part: 'query', type: 'int', bad: ['0', '-1', '100001', '1.5'], edge: ['1', '100000'] },
      { path: 'pageSize', part: 'query', type: 'int', bad: ['0', '101', '2.5'], edge: ['1', '100'] },
    ],
    base: (r) => {
      const query: Record<string, unknown> = {};
      if (r.chance(0.4)) query.query = r.pick(['movie', 'Synthetic', '1', 'zzz']);
      if (r.chance(0.3)) query.genre = r.pick(fx.genres);
      if (r.chance(0.2)) query.year = String(r.int(1950, 2020));
      if (r.chance(0.3)) query.page = String(r.int(1, 5));
      if (r.chance(0.3)) query.pageSize = String(r.int(1, 100));
      return { params: {}, query };
    },
  },
  {
    method: 'GET',
    path: '/movies/{movieId}',
    writes: false,
    success: [200],
    fields: [movieIdField('params')],
    base: (r) => ({ params: { movieId: knownMovie(r) }, query: {} }),
  },
  {
    method: 'POST',
    path: '/movies',
    writes: true,
    success: [201],
    body: true,
    fields: [movieIdField('body', [], [gen('1 (exists)', () => 1), INT32]), ...movieFields(true)],
    base: (r) => ({
      params: {},
      query: {},
      body: { movieId: fresh.movie++, title: `Near Valid ${r.int(1, 1e6)}`, ...someMovieFields(r, 0) },
    }),
    // A taken id is a conflict naming it.
    refine: (req) => {
      const id = (req.body as { movieId: number }).movieId;
      return fx.t.svc.engine.snapshot.catalog.has(id) ? { status: [409], names: String(id) } : undefined;
    },
  },
  {
    method: 'PATCH',
    path: '/movies/{movieId}',
    writes: true,
    success: [200],
    body: true,
    fields: [movieIdField('params'), ...movieFields(false)],
    base: (r) => ({ params: { movieId: r.int(250, 300) }, query: {}, body: someMovieFields(r, 1) }),
    // At least one field.
    refine: (req) => (Object.keys(req.body as object).length === 0 ? bad('body') : undefined),
    extra: [
      { label: 'empty patch', apply: (req) => (req.body = {}), want: bad('body') },
      { label: 'patch movieId', apply: (req) => (root(req, 'body').movieId = 3), want: bad('movieId') },
    ],
  },
];

describeNearValid('movies and admin', routes);
