// Near-valid requests to the recommendations and users routes: GET /recommendations/{userId}, its
// sections and its batch, POST /recommendations/from-selection, POST /users/match, GET /users/{userId}/ratings.
// 200 seeded requests per route; see near-valid.harness.ts.
import {
  count,
  filterFields,
  knownUser,
  movieIdList,
  someFilters,
  userIdField,
  yearOrder,
} from './near-valid.fields.js';
import { type RouteSpec, UNICODE } from './near-valid.generator.js';
import { describeNearValid, fx } from './near-valid.harness.js';

const routes: RouteSpec[] = [
  {
    method: 'GET',
    path: '/recommendations/{userId}',
    writes: false,
    success: [200],
    query: true,
    fields: [userIdField('params'), count('query', 100), ...filterFields('query')],
    base: (r) => ({
      params: { userId: knownUser(r) },
      query: { ...(r.chance() ? { n: String(r.int(1, 100)) } : {}), ...someFilters(r, 'query') },
    }),
    refine: (req) => yearOrder(req.query),
  },
  {
    method: 'GET',
    path: '/recommendations/{userId}/sections',
    writes: false,
    success: [200],
    query: true,
    // The genre and year filters of /recommendations, not its model.
    fields: [
      userIdField('params'),
      count('query', 100),
      ...filterFields('query').filter((f) => f.path !== 'model'),
    ],
    base: (r) => {
      const { model: _, ...filters } = someFilters(r, 'query');
      return {
        params: { userId: knownUser(r) },
        query: { ...(r.chance() ? { n: String(r.int(1, 100)) } : {}), ...filters },
      };
    },
    refine: (req) => yearOrder(req.query),
  },
  {
    method: 'GET',
    path: '/recommendations/{userId}/batch',
    writes: false,
    success: [200],
    fields: [userIdField('params')],
    base: (r) => ({ params: { userId: knownUser(r) }, query: {} }),
  },
  {
    method: 'POST',
    path: '/recommendations/from-selection',
    writes: false,
    success: [200],
    body: true,
    fields: [
      movieIdList(20),
      count('body', 100),
      {
        path: 'method',
        part: 'body',
        type: 'string',
        bad: ['', 'fold_in', 'FOLD-IN', 'proxy', UNICODE],
        edge: ['fold-in', 'proxy-user'],
      },
      ...filterFields('body'),
    ],
    base: (r) => ({
      params: {},
      query: {},
      body: {
        movieIds: r.sample(fx.movieIds, r.int(1, 20)),
        ...(r.chance() ? { n: r.int(1, 100) } : {}),
        ...(r.chance() ? { method: r.pick(['fold-in', 'proxy-user']) } : {}),
        ...someFilters(r, 'body'),
      },
    }),
    refine: (req) => yearOrder(req.body as Record<string, unknown>),
  },
  {
    method: 'POST',
    path: '/users/match',
    writes: false,
    success: [200],
    body: true,
    fields: [movieIdList(20)],
    base: (r) => ({ params: {}, query: {}, body: { movieIds: r.sample(fx.movieIds, r.int(1, 20)) } }),
  },
  {
    method: 'GET',
    path: '/users/{userId}/ratings',
    writes: false,
    success: [200],
    fields: [userIdField('params')],
    base: (r) => ({ params: { userId: knownUser(r) }, query: {} }),
  },
];

describeNearValid('recommendations and users', routes);
