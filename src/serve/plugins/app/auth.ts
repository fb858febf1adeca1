import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

/**
 * Who may call a route: anyone, or a caller with an API key for per-user reads ('user'), writes
 * ('write') and administration ('admin'). Routes declare it in `config.access`.
 */
export type Access = 'public' | 'user' | 'write' | 'admin';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
}

export function accessOf(request: FastifyRequest): Access {
  return request.routeOptions.config?.access ?? 'public';
}

/** OpenAPI `security` for a protected route's schema. */
export const apiKeySecurity = [{ apiKey: [] as string[] }];

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * With `CINEREC_API_KEYS` set, every non-public route needs `X-API-Key` holding one of them
 * (compared in constant time); without keys, nothing is checked.
 */
export default fp(
  async (fastify: FastifyInstance, options: { keys: string[] }) => {
    if (options.keys.length === 0) return;
    const keys = options.keys.map(digest);
    fastify.addHook('onRequest', async (request) => {
      if (accessOf(request) === 'public') return;
      const given = request.headers['x-api-key'];
      const ok = typeof given === 'string' && keys.some((key) => timingSafeEqual(key, digest(given)));
      if (!ok) {
        const error = new Error(
          typeof given === 'string'
            ? 'the X-API-Key header holds no valid key'
            : 'this route needs an X-API-Key header',
        );
        throw Object.assign(error, { statusCode: 401, code: 'CINEREC_UNAUTHORIZED' });
      }
    });
  },
  { name: 'cinerec-auth' },
);
