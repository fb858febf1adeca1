import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { MovieRecord } from '../../store/types.js';
import { apiKeySecurity } from '../plugins/app/auth.js';
import { AlgorithmParams, ModelRun, MoviePatch, NewMovie, RunParams } from '../schemas/admin.js';
import { bodyErrorReplies, ErrorReply, errorReplies, Movie } from '../schemas/common.js';
import { MovieParams } from '../schemas/movies.js';

const admin = { access: 'admin' as const };
const withConflicts = { ...errorReplies, 401: ErrorReply, 409: ErrorReply, 422: ErrorReply };
const bodyWithConflicts = { ...withConflicts, ...bodyErrorReplies };

/** Catalog edits and the model registry: admin routes (an API key when keys are configured). */
export default async function adminRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.post(
    '/movies',
    {
      config: admin,
      schema: {
        tags: ['movies'],
        summary: 'Add a movie (admin); models learn it at their next training',
        security: apiKeySecurity,
        body: NewMovie,
        response: { 201: Movie, ...bodyWithConflicts },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const movie: MovieRecord = {
        movieId: body.movieId,
        title: body.title,
        year: body.year ?? null,
        genres: body.genres ?? [],
        tmdbId: body.tmdbId ?? null,
        imdbId: body.imdbId ?? null,
        overview: body.overview ?? null,
        tagline: body.tagline ?? null,
        keywords: body.keywords ?? [],
        tags: [],
        voteAverage: null,
        voteCount: null,
        popularity: null,
        runtime: body.runtime ?? null,
        releaseDate: body.releaseDate ?? null,
      };
      return reply.code(201).send(await app.engine.addMovie(movie));
    },
  );

  app.patch(
    '/movies/:movieId',
    {
      config: admin,
      schema: {
        tags: ['movies'],
        summary: 'Change some fields of a movie (admin)',
        security: apiKeySecurity,
        params: MovieParams,
        body: MoviePatch,
        response: { 200: Movie, ...bodyWithConflicts },
      },
    },
    async (request) => app.engine.updateMovie(request.params.movieId, request.body),
  );

  app.get(
    '/models',
    {
      config: admin,
      schema: {
        tags: ['models'],
        summary: 'Every model run in the registry, newest first (admin)',
        security: apiKeySecurity,
        response: { 200: Type.Object({ runs: Type.Array(ModelRun) }), ...withConflicts },
      },
    },
    async () => ({ runs: (await app.engine.registry.list()).sort((a, b) => b.id - a.id) }),
  );

  app.post(
    '/models/:id/promote',
    {
      config: admin,
      schema: {
        tags: ['models'],
        summary: 'Verify a run’s artifact and serve it (admin); a refused artifact changes nothing',
        security: apiKeySecurity,
        params: RunParams,
        response: { 200: ModelRun, ...withConflicts },
      },
    },
    async (request) => app.engine.promote(request.params.id),
  );

  app.post(
    '/models/:algorithm/rollback',
    {
      config: admin,
      schema: {
        tags: ['models'],
        summary: 'Serve the run of the algorithm promoted before the current one (admin)',
        security: apiKeySecurity,
        params: AlgorithmParams,
        response: { 200: ModelRun, ...withConflicts },
      },
    },
    async (request) => app.engine.rollback(request.params.algorithm),
  );
}
