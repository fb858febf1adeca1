import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/** OpenAPI from the routes' TypeBox schemas: `/openapi.json`, and Swagger UI at `/docs`. */
export default fp(
  async (fastify: FastifyInstance) => {
    await fastify.register(swagger, {
      openapi: {
        openapi: '3.0.3',
        info: {
          title: 'cinerec',
          description:
            'Movie recommendations: personalised top-N with cold-start fallback, newcomers from a list of liked movies, rating predictions, similar movies, the catalog and ratings. Every error answers `{error, message, details}`.',
          version: '0.1.0',
        },
        tags: [
          { name: 'recommendations' },
          { name: 'movies' },
          { name: 'ratings' },
          { name: 'users' },
          { name: 'models' },
          { name: 'health' },
        ],
        components: {
          securitySchemes: { apiKey: { type: 'apiKey', name: 'X-API-Key', in: 'header' } },
        },
      },
    });
    await fastify.register(swaggerUi, { routePrefix: '/docs' });
    fastify.get('/openapi.json', { schema: { hide: true } }, async () => fastify.swagger());
  },
  { name: 'cinerec-swagger' },
);
