import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { badRequest } from '../../service/errors.js';
import { apiKeySecurity } from '../plugins/app/auth.js';
import { bodyErrorReplies } from '../schemas/common.js';
import { ContentPredictionAnswer, PredictionAnswer, PredictionBody } from '../schemas/recommendations.js';

export default async function predictionRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.post(
    '/predictions',
    {
      config: { access: 'user' },
      schema: {
        tags: ['recommendations'],
        security: apiKeySecurity,
        summary:
          "A user's predicted rating of a catalog movie (movieId), or of a movie known only by its content (movie)",
        body: PredictionBody,
        response: { 200: Type.Union([PredictionAnswer, ContentPredictionAnswer]), ...bodyErrorReplies },
      },
    },
    async (request) => {
      const { userId, movieId, movie } = request.body;
      if (movie !== undefined && movieId !== undefined) {
        throw badRequest("give either 'movieId' or 'movie', not both", { field: 'movie' });
      }
      if (movie !== undefined) return app.engine.predictMovie(userId, movie);
      if (movieId === undefined) throw badRequest("'movieId' is required", { field: 'movieId' });
      const answer = await app.engine.predict(userId, movieId);
      return { ...answer, movieId };
    },
  );
}
