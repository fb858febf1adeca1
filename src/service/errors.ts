/**
 * What goes wrong in a request, as values the HTTP layer maps to one status each. The engine never
 * imports Fastify: it throws these, and `src/serve` turns them into `{error, message, details}`.
 */
export type ServiceErrorCode =
  | 'not_found'
  | 'bad_request'
  | 'unprocessable'
  | 'conflict'
  | 'not_ready'
  | 'not_implemented';

export class ServiceError extends Error {
  constructor(
    readonly code: ServiceErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

/** "unknown user 42": the id is named in the message and in `details`. */
export function notFound(what: 'user' | 'movie' | 'model run' | 'rating', id: unknown): ServiceError {
  const key = what === 'model run' ? 'runId' : `${what}Id`;
  return new ServiceError('not_found', `unknown ${what} ${String(id)}`, { [key]: id });
}

export function badRequest(message: string, details: Record<string, unknown> = {}): ServiceError {
  return new ServiceError('bad_request', message, details);
}
