// The near-valid property check (see near-valid.*.test.ts): each route gets a valid request with
// one field dropped, added, retyped or pushed out of range (and valid boundary values), from a
// seeded generator. Every answer must be below 500, documented in the route's OpenAPI responses,
// the status the mutation calls for ({error, message, details} naming the field or id when
// refused), and a refused request (or any read) must leave the store as it was.
// NEAR_VALID_SEED=n replays another sequence.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBatch } from '../service/batch.js';
import { SMALL_PARAMS } from '../service/service.fixture.js';
import { startTestApp, type TestApp } from './app.fixture.js';
import {
  hash,
  mutations,
  RawSegment,
  type Req,
  Rng,
  type RouteSpec,
  toInject,
} from './near-valid.generator.js';

const SEED = Number(process.env.NEAR_VALID_SEED ?? 20_240_601);
const PER_ROUTE = 200;
export const UNKNOWN_USER = 199_999;
export const UNKNOWN_MOVIE = 31_337;

export interface NearValidFixture {
  t: TestApp;
  /** Documented statuses per 'method path', from /openapi.json. */
  documented: Map<string, Set<number>>;
  users: number[];
  movieIds: number[];
  genres: string[];
  svdRuns: number[];
}

/** The test file's app and what it holds, filled in by describeNearValid's beforeAll. */
export const fx = {} as NearValidFixture;

const isId = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) > 0;

/** The user and movie ids a request names, to snapshot their rows. */
function touched(...reqs: Req[]): { userIds: number[]; movieIds: number[] } {
  const u = new Set<number>();
  const m = new Set<number>();
  const visit = (obj: unknown) => {
    if (typeof obj !== 'object' || obj === null) return;
    for (const [key, v] of Object.entries(obj)) {
      const n = typeof v === 'string' && /^\d{1,10}$/.test(v) ? Number(v) : v;
      if (key === 'userId' && isId(n)) u.add(n);
      if (key === 'movieId' && isId(n)) m.add(n);
      if (key === 'movieIds' && Array.isArray(v)) for (const id of v.slice(0, 30)) if (isId(id)) m.add(id);
    }
  };
  for (const req of reqs) for (const part of [req.params, req.body]) visit(part);
  return { userIds: [...u], movieIds: [...m] };
}

async function snapshot(ids: { userIds: number[]; movieIds: number[] }) {
  const { store, engine } = fx.t.svc;
  const snap = engine.snapshot;
  return {
    counts: await store.counts(),
    ratings: await Promise.all(ids.userIds.map((u) => store.userRatings(u))),
    batch: await Promise.all(ids.userIds.map((u) => store.getBatchRecommendation(u))),
    movies: await Promise.all(ids.movieIds.map((m) => store.getMovie(m))),
    catalog: ids.movieIds.map((m) => structuredClone(snap.catalog.get(m)) ?? null),
    runs: (await store.listModelRuns()).map((run) => [run.id, run.status, run.promotedAt]),
    served: snap.algorithms().map((a) => [a, snap.model(a)?.run.id]),
  };
}

async function exercise(spec: RouteSpec): Promise<{ sent: number; failures: string[]; statuses: string }> {
  const label = spec.label ?? `${spec.method} ${spec.path}`;
  const r = new Rng(SEED ^ hash(label));
  const all = mutations(spec);
  const allowed = fx.documented.get(`${spec.method.toLowerCase()} ${spec.path}`);
  if (allowed === undefined) throw new Error(`${label} is not in /openapi.json`);
  const failures: string[] = [];
  const statuses = new Map<number, number>();
  const total = Math.max(PER_ROUTE, all.length);
  for (let k = 0; k < total; k++) {
    // Each mutation once, then random ones (a quarter of them plain valid requests).
    const mutation = k < all.length ? all[k] : r.chance(0.25) ? all[0] : r.pick(all);
    const base = await spec.base(r);
    const req = structuredClone(base);
    for (const [key, v] of Object.entries(base.params)) if (v instanceof RawSegment) req.params[key] = v;
    mutation.apply(req, r);
    const want = mutation.want ?? (await spec.refine?.(req)) ?? { status: spec.success };
    const ids = touched(base, req);
    const before = await snapshot(ids);
    const options = toInject(spec, req);
    const res = await fx.t.app.inject(options);
    const status = res.statusCode;
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
    const problems: string[] = [];
    if (status >= 500 && status !== spec.documented5xx) problems.push('5xx');
    if (!allowed.has(status)) problems.push(`undocumented ${status}`);
    if (!want.status.includes(status)) problems.push(`want ${want.status.join('|')}`);
    if (status >= 400) {
      let body: Record<string, unknown> | undefined;
      try {
        body = res.json();
      } catch {
        problems.push('error body is not JSON');
      }
      if (body !== undefined) {
        const keys = Object.keys(body).sort().join(',');
        if (keys !== 'details,error,message') problems.push(`error shape {${keys}}`);
        const message = String(body.message ?? '');
        if (want.names !== undefined && !message.toLowerCase().includes(want.names.toLowerCase()))
          problems.push(`message does not name '${want.names}'`);
      }
    }
    if (status >= 400 || !spec.writes) {
      const after = await snapshot(ids);
      try {
        expect(after).toEqual(before);
      } catch {
        problems.push('the store changed');
      }
    }
    if (problems.length > 0) {
      const payload = typeof options.payload === 'string' ? ` ${options.payload.slice(0, 120)}` : '';
      failures.push(
        `${mutation.label}: ${options.method} ${String(options.url).slice(0, 120)}${payload} → ${status} ${res.body.slice(0, 200)} [${problems.join('; ')}]`,
      );
    }
  }
  const summary = [...statuses].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`);
  return { sent: total, failures, statuses: summary.join(' ') };
}

/**
 * The property test for `routes`, on an app of its own: the small service plus a second, promoted
 * svd run (promote and rollback then have somewhere to go) and a batch of recommendations.
 */
export function describeNearValid(group: string, routes: RouteSpec[]): void {
  beforeAll(async () => {
    fx.t = await startTestApp();
    const openapi = (await fx.t.app.inject('/openapi.json')).json() as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    };
    fx.documented = new Map();
    for (const [path, operations] of Object.entries(openapi.paths))
      for (const [method, operation] of Object.entries(operations))
        fx.documented.set(`${method} ${path}`, new Set(Object.keys(operation.responses).map(Number)));
    const catalog = await fx.t.svc.store.allMovies();
    fx.movieIds = catalog.map((m) => m.movieId);
    fx.genres = [...new Set(catalog.flatMap((m) => m.genres))];
    fx.users = [];
    for (let u = 1; u <= 200; u++) if ((await fx.t.svc.store.userRatings(u)).length > 0) fx.users.push(u);
    // A second svd run, promoted: promote and rollback then have somewhere to go.
    const run = await fx.t.svc.registry.train('svd', { params: SMALL_PARAMS.svd, skipMetrics: true });
    await fx.t.svc.engine.promote(run.id);
    fx.svdRuns = (await fx.t.svc.store.listModelRuns()).filter((r) => r.algorithm === 'svd').map((r) => r.id);
    await runBatch(fx.t.svc.engine, { n: 5 });
  });

  afterAll(async () => {
    await fx.t?.close();
  });

  describe(`near-valid requests, ${group}: no 5xx, the documented status, nothing written when refused`, () => {
    it('has the fixture it needs', () => {
      expect(fx.users.length).toBeGreaterThan(100);
      expect(fx.movieIds).not.toContain(UNKNOWN_MOVIE);
      expect(fx.users).not.toContain(UNKNOWN_USER);
      expect(fx.svdRuns.length).toBe(2);
    });

    for (const spec of routes) {
      it(spec.label ?? `${spec.method} ${spec.path}`, async () => {
        const { sent, failures, statuses } = await exercise(spec);
        expect(sent).toBeGreaterThanOrEqual(PER_ROUTE);
        expect(failures, `${failures.length} of ${sent} failed (statuses ${statuses})`).toEqual([]);
      });
    }
  });
}
