import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { apiKeySecurity } from '../plugins/app/auth.js';
import { bodyErrorReplies, errorReplies } from '../schemas/common.js';
import { DeletedUser, UserRatings } from '../schemas/ratings.js';
import { MatchAnswer, MatchBody, UserParams } from '../schemas/recommendations.js';

const tags = ['users'];

export default async function userRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.post(
    '/users/match',
    {
      schema: {
        tags,
        summary: 'The existing user who rated the most of 1–20 movies (mean rating breaks ties)',
        body: MatchBody,
        response: { 200: MatchAnswer, ...bodyErrorReplies },
      },
    },
    async (request) => ({ match: await app.engine.matchUser(request.body.movieIds) }),
  );

  app.get(
    '/users/:userId/ratings',
    {
      config: { access: 'user' },
      schema: {
        tags,
        security: apiKeySecurity,
        summary: "A user's ratings",
        params: UserParams,
        response: { 200: UserRatings, ...errorReplies },
      },
    },
    async (request) => ({
      userId: request.params.userId,
      ratings: await app.engine.userRatings(request.params.userId),
    }),
  );

  app.delete(
    '/users/:userId',
    {
      config: { access: 'write' },
      schema: {
        tags,
        security: apiKeySecurity,
        summary: 'Erase a user and every rating they gave',
        params: UserParams,
        response: { 200: DeletedUser, ...errorReplies },
      },
    },
    async (request) => ({
      userId: request.params.userId,
      deletedRatings: await app.engine.deleteUser(request.params.userId),
    }),
  );
}
