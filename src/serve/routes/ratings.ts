import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { apiKeySecurity } from '../plugins/app/auth.js';
import { bodyErrorReplies, errorReplies } from '../schemas/common.js';
import { RatingAnswer, RatingBody, RatingParams } from '../schemas/ratings.js';

const tags = ['ratings'];

export default async function ratingRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.post(
    '/ratings',
    {
      config: { access: 'write' },
      schema: {
        tags,
        security: apiKeySecurity,
        summary:
          "Rate a movie (new users welcome); durable before the answer, folded into the user's next recommendations",
        body: RatingBody,
        response: { 200: RatingAnswer, 201: RatingAnswer, ...bodyErrorReplies },
      },
    },
    async (request, reply) => {
      const { userId, movieId, rating } = request.body;
      const { created, rating: stored } = await app.engine.rate(userId, movieId, rating);
      return reply.code(created ? 201 : 200).send({ ...stored, created });
    },
  );

  app.delete(
    '/ratings/:userId/:movieId',
    {
      config: { access: 'write' },
      schema: {
        tags,
        security: apiKeySecurity,
        summary: 'Remove one rating',
        params: RatingParams,
        response: { 204: Type.Null(), ...errorReplies },
      },
    },
    async (request, reply) => {
      await app.engine.deleteRating(request.params.userId, request.params.movieId);
      return reply.code(204).send(null);
    },
  );
}
