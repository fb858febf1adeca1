import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { accessOf } from '../app/auth.js';

export interface RateLimitSettings {
  /** Requests per IP per minute; 0 = unlimited. */
  reads: number;
  writes: number;
}

const isWrite = (request: FastifyRequest) => ['write', 'admin'].includes(accessOf(request));
const exempt = (request: FastifyRequest) => {
  const url = request.routeOptions.url ?? '';
  return (
    url.startsWith('/health') || url.startsWith('/docs') || url === '/openapi.json' || url === '/metrics'
  );
};

/** Per-IP limits per minute, reads and writes counted apart; health, docs and metrics are exempt. */
export default fp(
  async (fastify: FastifyInstance, options: RateLimitSettings) => {
    if (options.reads === 0 && options.writes === 0) return;
    const limit = (request: FastifyRequest) => (isWrite(request) ? options.writes : options.reads);
    await fastify.register(rateLimit, {
      global: true,
      timeWindow: 60_000,
      max: (request) => limit(request),
      allowList: (request) => exempt(request) || limit(request) === 0,
      keyGenerator: (request) => `${request.ip}|${isWrite(request) ? 'w' : 'r'}`,
      errorResponseBuilder: (request, context) =>
        Object.assign(
          new Error(
            `rate limit of ${context.max} ${isWrite(request) ? 'writes' : 'reads'} per minute exceeded; retry in ${context.after}`,
          ),
          { statusCode: 429, code: 'CINEREC_RATE_LIMITED' },
        ),
    });
  },
  { name: 'cinerec-rate-limit' },
);
