import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { apiKeySecurity } from '../plugins/app/auth.js';
import { errorReplies } from '../schemas/common.js';
import { UserParams } from '../schemas/recommendations.js';
import { SectionsAnswer, SectionsQuery } from '../schemas/sections.js';
import { checkYears } from './recommendations.js';

export default async function sectionRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/recommendations/:userId/sections',
    {
      config: { access: 'user' },
      schema: {
        tags: ['recommendations'],
        security: apiKeySecurity,
        summary:
          'Rows for a user: For you, Because you liked X, Trending, Hidden gems, Top in your genres; each movie once, with a reason',
        description:
          'Rows run in the order listed and a movie appears in the first row that wants it only; no row shows a movie the user rated. `n` is per row; the genre and year filters apply to every row, and a row they leave empty says why in `note`.',
        params: UserParams,
        querystring: SectionsQuery,
        response: { 200: SectionsAnswer, ...errorReplies },
      },
    },
    async (request) => {
      checkYears(request.query);
      return app.engine.sections(request.params.userId, request.query);
    },
  );
}
