// Near-valid requests to the rating writes: POST /ratings, DELETE /ratings/{userId}/{movieId} and
// DELETE /users/{userId}. 200 seeded requests per route; see near-valid.harness.ts.
import { fresh, knownMovie, knownUser, movieIdField, userIdField } from './near-valid.fields.js';
import type { RouteSpec } from './near-valid.generator.js';
import { describeNearValid, fx } from './near-valid.harness.js';

const routes: RouteSpec[] = [
  {
    method: 'POST',
    path: '/ratings',
    writes: true,
    success: [200, 201],
    body: true,
    fields: [
      // New users are welcome: any valid id is a success.
      userIdField('body', []),
      movieIdField('body'),
      {
        path: 'rating',
        part: 'body',
        type: 'number',
        required: true,
        bad: [0, 0.25, 5.5, 3.3, 4.75, -1, 10, 1e9, -0.5],
        edge: [0.5, 5, 1, 2.5],
      },
    ],
    base: (r) => ({
      params: {},
      query: {},
      body: {
        userId: r.chance(0.7) ? knownUser(r) : fresh.user++,
        movieId: knownMovie(r),
        rating: r.int(1, 10) / 2,
      },
    }),
  },
  {
    method: 'DELETE',
    path: '/ratings/{userId}/{movieId}',
    writes: true,
    success: [204],
    fields: [userIdField('params'), movieIdField('params')],
    base: async (r) => {
      const userId = fresh.user++;
      const movieId = knownMovie(r);
      await fx.t.svc.engine.rate(userId, movieId, 4);
      return { params: { userId, movieId }, query: {} };
    },
  },
  {
    method: 'DELETE',
    path: '/users/{userId}',
    writes: true,
    success: [200],
    fields: [userIdField('params')],
    base: async (r) => {
      const userId = fresh.user++;
      for (const movieId of r.sample(fx.movieIds, r.int(1, 3)))
        await fx.t.svc.engine.rate(userId, movieId, 3.5);
      return { params: { userId }, query: {} };
    },
  },
];

describeNearValid('ratings', routes);
