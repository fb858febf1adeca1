import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyHttpOptions,
  type FastifyInstance,
  type FastifyReply,
  type RouteOptions,
} from 'fastify';
import { Type } from 'typebox';
import type { Service } from '../service/startup.js';
import auth from './plugins/app/auth.js';
import errors, { errorReply } from './plugins/app/errors.js';
import metrics from './plugins/app/metrics.js';
import service from './plugins/app/service.js';
import cors from './plugins/external/cors.js';
import rateLimit from './plugins/external/rate-limit.js';
import swagger from './plugins/external/swagger.js';
import adminRoutes from './routes/admin.js';
import healthRoutes from './routes/health.js';
import movieRoutes from './routes/movies.js';
import predictionRoutes from './routes/predictions.js';
import ratingRoutes from './routes/ratings.js';
import recommendationRoutes from './routes/recommendations.js';
import searchRoutes from './routes/search.js';
import sectionRoutes from './routes/sections.js';
import userRoutes from './routes/users.js';
import { ErrorReply } from './schemas/common.js';
import { type ServerSettings, serverSettings } from './settings.js';
import { schemaErrorFormatter, validatorCompiler } from './validation.js';

export interface AppOptions {
  /** The started service, or its start-up still running: routes answer 503 until it resolves. */
  service: Service | Promise<Service>;
  /** HTTP settings (keys, limits, CORS); the environment's by default. */
  settings?: ServerSettings;
}

const NO_QUERY = Type.Object({}, { additionalProperties: false });

/**
 * What every API route's schema says without each route repeating it: a route that takes no
 * query parameters refuses any, as the others refuse unknown ones (`DELETE /ratings/1/2?dryRun=1`
 * must not delete); a route behind a key documents its 401, and one that reads a body its 415
 * (a body that is not JSON).
 */
function completeSchema(route: RouteOptions): void {
  const schema = route.schema;
  if (schema === undefined || schema.hide === true) return;
  const response = { ...(schema.response as Record<string, unknown> | undefined) };
  if ((route.config?.access ?? 'public') !== 'public') response[401] ??= ErrorReply;
  if (schema.body !== undefined) response[415] ??= ErrorReply;
  route.schema = { ...schema, querystring: schema.querystring ?? NO_QUERY, response };
}

/** The application as a plugin: everything but listening. */
export default async function app(fastify: FastifyInstance, options: AppOptions): Promise<void> {
  const settings = options.settings ?? serverSettings();
  await fastify.register(errors);
  await fastify.register(cors, { origins: settings.corsOrigins });
  await fastify.register(swagger);
  await fastify.register(service, { service: options.service });
  await fastify.register(metrics);
  await fastify.register(auth, { keys: settings.apiKeys });
  await fastify.register(rateLimit, { reads: settings.rateLimitReads, writes: settings.rateLimitWrites });
  fastify.addHook('onRoute', completeSchema);
  await fastify.register(healthRoutes);
  await fastify.register(recommendationRoutes);
  await fastify.register(sectionRoutes);
  await fastify.register(searchRoutes);
  await fastify.register(userRoutes);
  await fastify.register(predictionRoutes);
  await fastify.register(movieRoutes);
  await fastify.register(ratingRoutes);
  await fastify.register(adminRoutes);
}

/**
 * Node's own limit on the request line and headers. Its default, 16 KiB, refused a legal `q`
 * (up to 16,384 characters) once percent-encoded: 10 KB of Japanese is 30 KB of escapes.
 */
export const MAX_HEADER_BYTES = 256 * 1024;

/**
 * What Node refuses before Fastify sees a request (headers past the limit, a malformed request
 * line), answered in the API's error shape instead of Fastify's default.
 */
function clientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || !socket.writable) return;
  const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
  const [status, text] = tooLarge ? [431, 'Request Header Fields Too Large'] : [400, 'Bad Request'];
  const body = JSON.stringify({
    error: tooLarge ? 'headers_too_large' : 'bad_request',
    message: tooLarge
      ? `the request line and headers exceed ${MAX_HEADER_BYTES / 1024} KiB: send a shorter query`
      : 'malformed HTTP request',
    details: tooLarge ? { limitBytes: MAX_HEADER_BYTES } : {},
  });
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/** Fastify options the app relies on: validation, error format, body limit; silent without a logger. */
export function fastifyOptions(logger?: FastifyBaseLogger): FastifyHttpOptions<Server> {
  return {
    ...(logger ? { loggerInstance: logger } : { logger: false }),
    bodyLimit: 64 * 1024,
    http: { maxHeaderSize: MAX_HEADER_BYTES },
    clientErrorHandler: clientError,
    schemaErrorFormatter,
    ajv: { customOptions: { removeAdditional: false } },
    // Path parameters of any length reach validation (a 400 naming the field); Node refuses URLs
    // past MAX_HEADER_BYTES before Fastify sees them (clientError).
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 16 * 1024 },
    // What the router refuses before any route (a malformed %-escape): the same error shape.
    frameworkErrors: (error, _request, reply) => {
      const [status, body] = errorReply(error);
      (reply as FastifyReply).code(status).send(body);
    },
  };
}

/** The app, not yet ready: the server adds its hooks, then listens. */
export async function createApp(options: AppOptions, logger?: FastifyBaseLogger): Promise<FastifyInstance> {
  const fastify = Fastify(fastifyOptions(logger));
  fastify.setValidatorCompiler(validatorCompiler);
  await fastify.register(app, options);
  return fastify;
}

/** A ready app for tests (`app.inject`). */
export async function buildApp(options: AppOptions, logger?: FastifyBaseLogger): Promise<FastifyInstance> {
  const fastify = await createApp(options, logger);
  await fastify.ready();
  return fastify;
}
