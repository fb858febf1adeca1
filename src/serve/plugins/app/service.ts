import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Engine } from '../../../service/engine.js';
import { ServiceError } from '../../../service/errors.js';
import type { Service } from '../../../service/startup.js';

/** The service as routes see it: present once start-up finished, or the reason it is not. */
export interface ServiceSlot {
  service?: Service;
  error?: Error;
}

declare module 'fastify' {
  interface FastifyInstance {
    slot: ServiceSlot;
    /** The engine; a 503 `not_ready` error while models load. */
    readonly engine: Engine;
  }
}

export interface ServicePluginOptions {
  /** The started service, or its start-up still running (the server listens meanwhile). */
  service: Service | Promise<Service>;
}

/** Decorates the app with the service; routes depend on it by name. */
export default fp(
  async (fastify: FastifyInstance, options: ServicePluginOptions) => {
    const slot: ServiceSlot = {};
    if (options.service instanceof Promise) {
      options.service.then(
        (service) => {
          slot.service = service;
        },
        (error: Error) => {
          slot.error = error;
          fastify.log.error({ err: error }, 'service start-up failed');
        },
      );
    } else {
      slot.service = options.service;
    }
    fastify.decorate('slot', slot);
    fastify.decorate('engine', {
      getter(this: FastifyInstance): Engine {
        const { service, error } = this.slot;
        if (service !== undefined) return service.engine;
        throw new ServiceError(
          'not_ready',
          error
            ? `the service failed to start: ${error.message}`
            : 'the service is starting: models are loading',
        );
      },
    });
  },
  { name: 'cinerec-service' },
);
