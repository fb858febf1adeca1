import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Live, Ready } from '../schemas/health.js';

export default async function healthRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/health/live',
    { schema: { tags: ['health'], summary: 'The process answers', response: { 200: Live } } },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/health/ready',
    {
      schema: {
        tags: ['health'],
        summary: 'Models loaded and the store reachable (503 until then)',
        response: { 200: Ready, 503: Ready },
      },
    },
    async (_request, reply) => {
      const { service, error } = app.slot;
      if (service === undefined) {
        const message = error ? `start-up failed: ${error.message}` : 'models are loading';
        return reply.code(503).send({ ready: false, store: false, models: {}, missing: [], message });
      }
      const store = await service.store.ping().catch(() => false);
      const { ready, missing, versions } = service.engine.readiness();
      const ok = ready && store;
      return reply.code(ok ? 200 : 503).send({
        ready: ok,
        store,
        models: versions,
        missing,
        ...(store ? {} : { message: 'the store does not answer' }),
      });
    },
  );
}
