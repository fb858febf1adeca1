import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Service } from '../service/startup.js';
import { expectError, startTestApp, type TestApp } from './app.fixture.js';
import { buildApp } from './app.js';
import { serverSettings } from './settings.js';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});

afterAll(async () => {
  await t.close();
});

describe('health, OpenAPI and the error shape', () => {
  it('is live, and ready with the promoted model versions', async () => {
    expect((await t.app.inject('/health/live')).json()).toEqual({ status: 'ok' });
    const ready = await t.app.inject('/health/ready');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({
      ready: true,
      store: true,
      models: t.svc.engine.snapshot.versions(),
      missing: [],
    });
  });

  it('answers 503 until the models are loaded, on readiness and on every engine route', async () => {
    let finish: (service: Service) => void = () => {};
    const pending = new Promise<Service>((resolve) => {
      finish = resolve;
    });
    const app = await buildApp({ service: pending, settings: serverSettings({}, {}) });
    const ready = await app.inject('/health/ready');
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({ ready: false, message: 'models are loading' });
    expectError(await app.inject('/recommendations/1'), 503, 'the service is starting: models are loading');
    expect((await app.inject('/health/live')).statusCode).toBe(200);
    finish(t.svc);
    await pending;
    expect((await app.inject('/health/ready')).statusCode).toBe(200);
    expect((await app.inject('/recommendations/1?n=2')).statusCode).toBe(200);
    await app.close();
  });

  it('publishes OpenAPI for every route at /openapi.json and Swagger UI at /docs', async () => {
    const spec = (await t.app.inject('/openapi.json')).json();
    expect(spec.openapi).toMatch(/^3\./);
    expect(Object.keys(spec.paths).sort()).toEqual([
      '/health/live',
      '/health/ready',
      '/models',
      '/models/{algorithm}/rollback',
      '/models/{id}/promote',
      '/movies',
      '/movies/{movieId}',
      '/movies/{movieId}/similar',
      '/predictions',
      '/ratings',
      '/ratings/{userId}/{movieId}',
      '/recommendations/from-selection',
      '/recommendations/score',
      '/recommendations/{userId}',
      '/recommendations/{userId}/batch',
      '/recommendations/{userId}/sections',
      '/search',
      '/users/match',
      '/users/{userId}',
      '/users/{userId}/ratings',
    ]);
    const rate = spec.paths['/ratings'].post;
    expect(rate.requestBody.content['application/json'].schema.properties.rating).toMatchObject({
      minimum: 0.5,
      maximum: 5,
      multipleOf: 0.5,
    });
    expect(Object.keys(rate.responses)).toEqual(
      expect.arrayContaining(['200', '201', '400', '401', '404', '415']),
    );
    // A public read documents no 401, and a route without a body no 415.
    expect(Object.keys(spec.paths['/movies/{movieId}'].get.responses)).not.toContain('401');
    expect(Object.keys(spec.paths['/ratings/{userId}/{movieId}'].delete.responses)).toEqual(
      expect.arrayContaining(['401']),
    );
    expect(Object.keys(spec.paths['/ratings/{userId}/{movieId}'].delete.responses)).not.toContain('415');
    const docs = await t.app.inject('/docs');
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toContain('Swagger UI');
  });

  it('answers an unknown route with the same error shape', async () => {
    expectError(await t.app.inject('/nope'), 404, 'no route GET /nope');
  });
});
