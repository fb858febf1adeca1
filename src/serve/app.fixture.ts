// An app over the small test service, for `inject` tests.
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { startTestService, type TestService } from '../service/service.fixture.js';
import { buildApp } from './app.js';
import { type ServerSettings, serverSettings } from './settings.js';

export interface TestApp {
  app: FastifyInstance;
  svc: TestService;
  close(): Promise<void>;
}

/** The small service behind an app; `settings` as given, the environment ignored. */
export async function startTestApp(settings: Partial<ServerSettings> = {}): Promise<TestApp> {
  const svc = await startTestService();
  const app = await buildApp({ service: svc, settings: serverSettings(settings, {}) });
  return {
    app,
    svc,
    close: async () => {
      await app.close();
      await svc.dispose();
    },
  };
}

/** Expect the one error shape, the status, and a message matching `message`. */
export function expectError(
  res: LightMyRequestResponse,
  status: number,
  message: string | RegExp,
): { error: string; message: string; details: Record<string, unknown> } {
  expect(res.statusCode, res.body).toBe(status);
  const body = res.json();
  expect(Object.keys(body).sort()).toEqual(['details', 'error', 'message']);
  if (typeof message === 'string') expect(body.message).toBe(message);
  else expect(body.message).toMatch(message);
  return body;
}

export function post(url: string, payload: unknown): InjectOptions {
  return { method: 'POST', url, payload: payload as InjectOptions['payload'] };
}
