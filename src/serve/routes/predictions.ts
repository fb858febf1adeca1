import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { badRequest, ServiceError } from '../../service/errors.js';
import { apiKeySecurity } from '../plugins/app/auth.js';
import { bodyErrorReplies, ErrorReply } from '../schemas/common.js';
import { PredictionAnswer, PredictionBody } from '../schemas/recommendations.js';

export default async function predictionRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.post(
    '/predictions',
    {
      config: { access: 'user' },
      schema: {
        tags: ['recommendations'],
        security: apiKeySecurity,
        summary: "A user's predicted rating of a movie, naming the model that made it",
        body: PredictionBody,
        response: { 200: PredictionAnswer, ...bodyErrorReplies, 501: ErrorReply },
      },
    },
    async (request) => {
      const { userId, movieId, movie } = request.body;
      if (movie !== undefined && movieId !== undefined) {
        throw badRequest("give either 'movieId' or 'movie', not both", { field: 'movie' });
      }
      if (movie !== undefined) {
        throw new ServiceError(
          'not_implemented',
          "predicting for a movie described by its content ('movie') arrives with the text issue; send a 'movieId' for now",
          { field: 'movie' },
        );
      }
      if (movieId === undefined) throw badRequest("'movieId' is required", { field: 'movieId' });
      const answer = await app.engine.predict(userId, movieId);
      return { ...answer, movieId };
    },
  );
}
