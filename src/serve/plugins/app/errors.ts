import { STATUS_CODES } from 'node:http';
import type { ErrorObject } from 'ajv';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ServiceError, type ServiceErrorCode } from '../../../service/errors.js';
import { StoreError } from '../../../store/types.js';
import { describeIssues } from '../../validation.js';

const STATUS: Record<ServiceErrorCode, number> = {
  bad_request: 400,
  not_found: 404,
  conflict: 409,
  unprocessable: 422,
  not_implemented: 501,
  not_ready: 503,
};

/** snake_case code of a status: 413 → payload_too_large. */
function codeOf(status: number): string {
  if (status === 500) return 'internal';
  if (status === 503) return 'not_ready';
  if (status === 429) return 'rate_limited';
  return (STATUS_CODES[status] ?? 'error').toLowerCase().replace(/[^a-z]+/g, '_');
}

export interface ErrorBody {
  error: string;
  message: string;
  details: Record<string, unknown>;
}

/** Any error as `[status, {error, message, details}]`; 5xx messages never leak internals. */
export function errorReply(error: FastifyError | Error): [number, ErrorBody] {
  if (error instanceof ServiceError) {
    return [STATUS[error.code], { error: error.code, message: error.message, details: error.details }];
  }
  if (error instanceof StoreError) {
    const status = error.code === 'not_found' ? 404 : 409;
    return [status, { error: codeOf(status), message: error.message, details: {} }];
  }
  const fastifyError = error as FastifyError;
  if (fastifyError.validation !== undefined) {
    const part = fastifyError.validationContext ?? 'request';
    const issues = describeIssues(fastifyError.validation as ErrorObject[]);
    return [
      400,
      {
        error: 'bad_request',
        message: `${part}: ${issues[0]?.message ?? 'is invalid'}`,
        details: { location: part, field: issues[0]?.field ?? '', issues },
      },
    ];
  }
  if (fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    // The issue's contract: an oversized body is a 400 naming the field at fault, the body itself.
    return [
      400,
      {
        error: 'payload_too_large',
        message: `body: ${fastifyError.message.toLowerCase()}`,
        details: { location: 'body', field: 'body', code: fastifyError.code },
      },
    ];
  }
  const status = fastifyError.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    return [
      status,
      { error: codeOf(status), message: fastifyError.message, details: { code: fastifyError.code } },
    ];
  }
  return [
    status,
    { error: codeOf(status), message: 'internal error; the server log has the details', details: {} },
  ];
}

/** One error shape for every 4xx and 5xx: the error handler and the 404 handler. */
export default fp(
  async (fastify: FastifyInstance) => {
    fastify.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      const [status, body] = errorReply(error);
      if (status >= 500 && !(error instanceof ServiceError))
        request.log.error({ err: error }, 'request failed');
      return reply.code(status).send(body);
    });
    fastify.setNotFoundHandler((request, reply) =>
      reply.code(404).send({
        error: 'not_found',
        message: `no route ${request.method} ${request.url.split('?')[0]}`,
        details: { method: request.method },
      }),
    );
  },
  { name: 'cinerec-errors' },
);
