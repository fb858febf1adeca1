import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/** CORS for the listed origins only (`CINEREC_CORS_ORIGINS`); none listed, no CORS headers. */
export default fp(
  async (fastify: FastifyInstance, options: { origins: string[] }) => {
    if (options.origins.length === 0) return;
    await fastify.register(cors, {
      origin: options.origins.includes('*') ? true : options.origins,
      methods: ['GET', 'POST', 'PATCH', 'DELETE'],
      allowedHeaders: ['Content-Type', 'X-API-Key'],
    });
  },
  { name: 'cinerec-cors' },
);
