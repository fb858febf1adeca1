import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { badRequest } from '../../service/errors.js';
import { apiKeySecurity } from '../plugins/app/auth.js';
import { BatchAnswer } from '../schemas/admin.js';
import { bodyErrorReplies, ErrorReply, errorReplies } from '../schemas/common.js';
import {
  Recommendations,
  RecommendQuery,
  ScoreAnswer,
  ScoreBody,
  SelectionAnswer,
  SelectionBody,
  UserParams,
} from '../schemas/recommendations.js';

const tags = ['recommendations'];

/** yearFrom after yearTo can match nothing: say so instead of answering an empty list. */
export function checkYears(filter: { yearFrom?: number; yearTo?: number }): void {
  if (filter.yearFrom !== undefined && filter.yearTo !== undefined && filter.yearFrom > filter.yearTo) {
    throw badRequest(`yearFrom ${filter.yearFrom} is after yearTo ${filter.yearTo}`, { field: 'yearFrom' });
  }
}

export default async function recommendationRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/recommendations/:userId',
    {
      config: { access: 'user' },
      schema: {
        tags,
        security: apiKeySecurity,
        summary: "Top-N movies for a user, excluding what they rated; names each movie's source",
        params: UserParams,
        querystring: RecommendQuery,
        response: { 200: Recommendations, ...errorReplies },
      },
    },
    async (request) => {
      checkYears(request.query);
      const { userId } = request.params;
      return { userId, ...(await app.engine.recommend(userId, request.query)) };
    },
  );

  app.get(
    '/recommendations/:userId/batch',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: "The user's precomputed top-N, written by `cinerec batch`",
        security: apiKeySecurity,
        params: UserParams,
        response: { 200: BatchAnswer, ...errorReplies },
      },
    },
    async (request) => app.engine.batchRecommendations(request.params.userId),
  );

  app.post(
    '/recommendations/from-selection',
    {
      schema: {
        tags,
        summary: 'Top-N movies for someone known only by 1–20 movies they like',
        body: SelectionBody,
        response: { 200: SelectionAnswer, ...bodyErrorReplies },
      },
    },
    async (request) => {
      checkYears(request.body);
      return app.engine.fromSelection(request.body);
    },
  );

  app.post(
    '/recommendations/score',
    {
      config: { access: 'user' },
      schema: {
        tags,
        security: apiKeySecurity,
        summary: "A user's score and predicted rating for each given movie",
        body: ScoreBody,
        response: { 200: ScoreAnswer, ...bodyErrorReplies, 422: ErrorReply },
      },
    },
    async (request) => app.engine.score(request.body.userId, request.body.movieIds),
  );
}
