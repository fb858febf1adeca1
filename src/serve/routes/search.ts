import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { errorReplies } from '../schemas/common.js';
import { SearchAnswer, SearchQuery } from '../schemas/search.js';

export default async function searchRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/search',
    {
      schema: {
        tags: ['movies'],
        summary: 'One box for a title or a prompt: a title match with more like it, or a semantic search',
        querystring: SearchQuery,
        response: { 200: SearchAnswer, ...errorReplies },
      },
    },
    async (request) => app.engine.search(request.query.q, request.query.n ?? 10),
  );
}
