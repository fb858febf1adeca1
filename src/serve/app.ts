import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Service } from '../service/startup.js';
import errors from './plugins/app/errors.js';
import service from './plugins/app/service.js';
import swagger from './plugins/external/swagger.js';
import healthRoutes from './routes/health.js';
import movieRoutes from './routes/movies.js';
import predictionRoutes from './routes/predictions.js';
import ratingRoutes from './routes/ratings.js';
import recommendationRoutes from './routes/recommendations.js';
import userRoutes from './routes/users.js';
import { type ServerSettings, serverSettings } from './settings.js';
import { schemaErrorFormatter, validatorCompiler } from './validation.js';

export interface AppOptions {
  /** The started service, or its start-up still running: routes answer 503 until it resolves. */
  service: Service | Promise<Service>;
  /** HTTP settings (keys, limits, CORS); the environment's by default. */
  settings?: ServerSettings;
}

/** The application as a plugin: everything but listening. */
export default async function app(fastify: FastifyInstance, options: AppOptions): Promise<void> {
  await fastify.register(errors);
  await fastify.register(swagger);
  await fastify.register(service, { service: options.service });
  await fastify.register(healthRoutes);
  await fastify.register(recommendationRoutes);
  await fastify.register(userRoutes);
  await fastify.register(predictionRoutes);
  await fastify.register(movieRoutes);
  await fastify.register(ratingRoutes);
}

/** Fastify options the app relies on: validation, error format, body limit; silent without a logger. */
export function fastifyOptions(logger?: FastifyBaseLogger): FastifyServerOptions {
  return {
    ...(logger ? { loggerInstance: logger } : { logger: false }),
    bodyLimit: 64 * 1024,
    schemaErrorFormatter,
    ajv: { customOptions: { removeAdditional: false } },
    routerOptions: { ignoreTrailingSlash: true },
  };
}

/** The app, not yet ready: the server adds its hooks, then listens. */
export async function createApp(options: AppOptions, logger?: FastifyBaseLogger): Promise<FastifyInstance> {
  const fastify = Fastify(fastifyOptions(logger));
  fastify.setValidatorCompiler(validatorCompiler);
  await fastify.register(app, { settings: serverSettings(), ...options });
  return fastify;
}

/** A ready app for tests (`app.inject`). */
export async function buildApp(options: AppOptions, logger?: FastifyBaseLogger): Promise<FastifyInstance> {
  const fastify = await createApp(options, logger);
  await fastify.ready();
  return fastify;
}
