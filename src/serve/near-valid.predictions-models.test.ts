// Near-valid requests to POST /recommendations/score, POST /predictions (by movie id and by
// content) and the model promote and rollback routes. 200 seeded requests per route; see
// near-valid.harness.ts.
import {
  badEscape,
  INT32,
  knownMovie,
  knownUser,
  movieIdField,
  movieIdList,
  urlIdBad,
  userIdField,
} from './near-valid.fields.js';
import { bad, gen, type RouteSpec, root, setPath, UNICODE, unknown } from './near-valid.generator.js';
import { describeNearValid, fx } from './near-valid.harness.js';

interface MovieText {
  title?: string;
  overview?: string;
  genres?: string[];
  keywords?: string[];
}

const written = (text: unknown) => typeof text === 'string' && text.trim().length > 0;

/** Whether a movie described by its content has any text: a title, an overview, a genre or a keyword. */
function hasContent(movie: MovieText): boolean {
  return (
    written(movie.title) ||
    written(movie.overview) ||
    (movie.genres ?? []).some(written) ||
    (movie.keywords ?? []).some(written)
  );
}

const routes: RouteSpec[] = [
  {
    method: 'POST',
    path: '/recommendations/score',
    writes: false,
    success: [200],
    body: true,
    fields: [userIdField('body'), movieIdList(100)],
    base: (r) => ({
      params: {},
      query: {},
      body: { userId: knownUser(r), movieIds: r.sample(fx.movieIds, r.int(1, 30)) },
    }),
  },
  {
    method: 'POST',
    path: '/predictions',
    label: 'POST /predictions {userId, movieId}',
    writes: false,
    success: [200],
    body: true,
    fields: [userIdField('body'), movieIdField('body')],
    base: (r) => ({ params: {}, query: {}, body: { userId: knownUser(r), movieId: knownMovie(r) } }),
    extra: [
      {
        label: 'both movieId and movie',
        apply: (req) => (root(req, 'body').movie = { title: 'x' }),
        want: bad('movie'),
      },
    ],
  },
  {
    method: 'POST',
    path: '/predictions',
    label: 'POST /predictions {userId, movie}',
    writes: false,
    // A movie known by its content: predicted by the content model (200) when it has any text; the
    // user is looked up first (an unknown one is a 404 whatever the movie).
    success: [200],
    body: true,
    fields: [
      userIdField('body'),
      { path: 'movie', part: 'body', type: 'object', required: true, dropped: bad('movieId') },
      {
        path: 'movie.title',
        part: 'body',
        type: 'string',
        bad: ['x'.repeat(301)],
        edge: [
          '',
          '   ',
          'x'.repeat(300),
          UNICODE,
          gen('a catalog title', (r) => `Synthetic Movie ${r.int(1, 300)}`),
        ],
      },
      {
        path: 'movie.year',
        part: 'body',
        type: 'int',
        bad: [1799, 2201, 1999.5],
        edge: [1800, 2200],
      },
      {
        path: 'movie.overview',
        part: 'body',
        type: 'string',
        bad: ['x'.repeat(5001)],
        edge: ['', '   ', UNICODE, 'x'.repeat(5000)],
      },
      {
        path: 'movie.genres',
        part: 'body',
        type: 'array',
        bad: [Array(21).fill('Drama'), ['x'.repeat(41)], [1], [null]],
        edge: [[], Array(20).fill('Drama'), [''], ['Sci-Fi', 'Film-Noir']],
      },
      {
        path: 'movie.keywords',
        part: 'body',
        type: 'array',
        bad: [Array(101).fill('k'), ['x'.repeat(101)], [1], [null]],
        edge: [[], [''], ['', UNICODE], Array(100).fill('k'), ['x'.repeat(100)]],
      },
    ],
    base: (r) => {
      const movie: Record<string, unknown> = {};
      if (r.chance()) movie.title = `Some Film ${r.int(1, 999)}`;
      if (r.chance(0.3)) movie.year = r.int(1900, 2030);
      if (r.chance()) movie.overview = 'Two strangers meet on a train.';
      if (r.chance()) movie.genres = r.sample(fx.genres, r.int(0, 3));
      if (r.chance(0.3)) movie.keywords = r.sample(['train', 'strangers', 'murder', 'heist'], r.int(0, 2));
      return { params: {}, query: {}, body: { userId: knownUser(r), movie } };
    },
    // A movie with no text at all (a year alone, blank strings, empty lists) gives nothing to predict from.
    refine: (req) => (hasContent((req.body as { movie?: MovieText }).movie ?? {}) ? undefined : bad('movie')),
    extra: [
      { label: 'movie + zzz', apply: (req) => setPath(req, 'body', 'movie.zzz', 1), want: bad('movie.zzz') },
      {
        label: 'movie + movieId',
        apply: (req, r) => setPath(req, 'body', 'movie.movieId', knownMovie(r)),
        want: bad('movie.movieId'),
      },
      {
        label: 'both movie and movieId',
        apply: (req, r) => (root(req, 'body').movieId = knownMovie(r)),
        want: bad('movie'),
      },
    ],
  },
  {
    method: 'POST',
    path: '/models/{id}/promote',
    writes: true,
    success: [200],
    fields: [
      {
        path: 'id',
        part: 'params',
        type: 'int',
        required: true,
        bad: urlIdBad,
        special: [['999', unknown(999)], [String(INT32), unknown(INT32)], badEscape],
      },
    ],
    base: (r) => ({ params: { id: String(r.pick(fx.svdRuns)) }, query: {} }),
  },
  {
    method: 'POST',
    path: '/models/{algorithm}/rollback',
    writes: true,
    success: [200],
    fields: [
      {
        path: 'algorithm',
        part: 'params',
        type: 'string',
        required: true,
        bad: ['SVD', 'a b', 'x'.repeat(41), UNICODE, 'svd.'],
        special: [
          badEscape,
          ['nope', bad('nope')],
          ['als', { status: [409], names: 'als' }],
          ['popularity', { status: [409], names: 'popularity' }],
        ],
      },
    ],
    base: () => ({ params: { algorithm: 'svd' }, query: {} }),
  },
];

describeNearValid('predictions, score and models', routes);
