import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Prometheus metrics at `GET /metrics`: requests by route and status, their latency, and the
 * promoted run id of every algorithm. One registry per app, so several apps (tests) never clash.
 */
export default fp(
  async (fastify: FastifyInstance) => {
    const register = new Registry();
    collectDefaultMetrics({ register, prefix: 'cinerec_' });
    const requests = new Counter({
      name: 'cinerec_http_requests_total',
      help: 'HTTP requests by method, route and status',
      labelNames: ['method', 'route', 'status'],
      registers: [register],
    });
    const latency = new Histogram({
      name: 'cinerec_http_request_duration_seconds',
      help: 'HTTP request latency by method and route',
      labelNames: ['method', 'route'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [register],
    });
    new Gauge({
      name: 'cinerec_model_run_id',
      help: 'Promoted model run id per algorithm (changes on promotion and rollback)',
      labelNames: ['algorithm'],
      registers: [register],
      collect() {
        this.reset();
        const service = fastify.slot.service;
        if (service === undefined) return;
        for (const [algorithm, id] of Object.entries(service.engine.snapshot.versions())) {
          this.set({ algorithm }, id);
        }
      },
    });
    fastify.addHook('onResponse', async (request, reply) => {
      const route = request.routeOptions.url ?? 'unmatched';
      if (route === '/metrics') return;
      requests.inc({ method: request.method, route, status: String(reply.statusCode) });
      latency.observe({ method: request.method, route }, reply.elapsedTime / 1000);
    });
    fastify.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
      reply.type(register.contentType);
      return register.metrics();
    });
  },
  { name: 'cinerec-metrics', dependencies: ['cinerec-service'] },
);
