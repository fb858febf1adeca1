import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { errorReplies, Movie } from '../schemas/common.js';
import { MoviePage, MovieParams, MovieSearchQuery, SimilarAnswer, SimilarQuery } from '../schemas/movies.js';

const tags = ['movies'];

export default async function movieRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/movies',
    {
      schema: {
        tags,
        summary: 'Search the catalog by title, genre and year, a page at a time',
        querystring: MovieSearchQuery,
        response: { 200: MoviePage, ...errorReplies },
      },
    },
    async (request) => {
      const { page = 1, pageSize = 20, ...criteria } = request.query;
      const { movies, total } = await app.engine.searchMovies({ ...criteria, page, pageSize });
      return { movies, total, page, pageSize };
    },
  );

  app.get(
    '/movies/:movieId',
    {
      schema: { tags, summary: 'One movie', params: MovieParams, response: { 200: Movie, ...errorReplies } },
    },
    async (request) => app.engine.movie(request.params.movieId),
  );

  app.get(
    '/movies/:movieId/similar',
    {
      schema: {
        tags,
        summary: 'Movies most like this one by co-ratings, by content, or both (hybrid)',
        params: MovieParams,
        querystring: SimilarQuery,
        response: { 200: SimilarAnswer, ...errorReplies },
      },
    },
    async (request) =>
      app.engine.similar(request.params.movieId, request.query.n ?? 10, request.query.by ?? 'ratings'),
  );
}
