import { intFrom, listFrom, type ServiceSettings, serviceSettings } from '../service/settings.js';

/** HTTP settings on top of the service's; each has an env var and a `cinerec serve` flag. */
export interface ServerSettings extends ServiceSettings {
  /** `PORT` (8000). */
  port: number;
  /** `HOST` (127.0.0.1; 0.0.0.0 in a container). */
  host: string;
  /** `CINEREC_API_KEYS`, comma-separated; empty = no key needed anywhere. */
  apiKeys: string[];
  /** Requests per IP per minute (`CINEREC_RATE_LIMIT_READS` / `_WRITES`); 0 = no limit. */
  rateLimitReads: number;
  rateLimitWrites: number;
  /** `CINEREC_CORS_ORIGINS`, comma-separated; empty = no CORS headers. */
  corsOrigins: string[];
  /** Seconds between checks for runs promoted by another process (`CINEREC_MODEL_POLL_SECONDS`, 10; 0 = never). */
  modelPollSeconds: number;
}

export function serverSettings(
  overrides: Partial<ServerSettings> = {},
  env: NodeJS.ProcessEnv = process.env,
): ServerSettings {
  const { port, host, apiKeys, rateLimitReads, rateLimitWrites, corsOrigins, modelPollSeconds, ...service } =
    overrides;
  return {
    ...serviceSettings(service, env),
    port: port ?? intFrom(env, 'PORT', 8000),
    host: host ?? (env.HOST || '127.0.0.1'),
    apiKeys: apiKeys ?? listFrom(env.CINEREC_API_KEYS),
    rateLimitReads: rateLimitReads ?? intFrom(env, 'CINEREC_RATE_LIMIT_READS', 0),
    rateLimitWrites: rateLimitWrites ?? intFrom(env, 'CINEREC_RATE_LIMIT_WRITES', 0),
    corsOrigins: corsOrigins ?? listFrom(env.CINEREC_CORS_ORIGINS),
    modelPollSeconds: modelPollSeconds ?? intFrom(env, 'CINEREC_MODEL_POLL_SECONDS', 10),
  };
}
