// End to end on real MovieLens data (ml-latest-small from ../shared/datasets; skipped without it):
// a new user rates five horror films 5★ through the API and gets mostly horror back.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findSharedDatasets, loadDataset } from '../data/index.js';
import '../models/index.js';
import { serviceSettings } from '../service/settings.js';
import { type Service, startService } from '../service/startup.js';
import { MemoryStore } from '../store/memory.js';
import { post } from './app.fixture.js';
import { buildApp } from './app.js';
import { serverSettings } from './settings.js';

const shared = findSharedDatasets();
let home = '';
let service: Service;
let app: FastifyInstance;

interface MovieJson {
  movieId: number;
  title: string;
  genres: string[];
  ratingCount?: number;
}

describe.skipIf(!shared)('a new user on ml-latest-small, through HTTP', () => {
  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'cinerec-e2e-'));
    const settings = serviceSettings({ home, dataMirror: shared ?? undefined }, {});
    const dataset = await loadDataset('ml-latest-small', { settings });
    service = await startService(settings, {
      store: new MemoryStore(),
      dataset,
      skipMetrics: true,
      params: {
        als: { factors: 32, iterations: 8 },
        svd: { factors: 20, epochs: 5 },
        itemknn: { neighbours: 40 },
      },
    });
    app = await buildApp({ service, settings: serverSettings({}, {}) });
  });

  afterAll(async () => {
    await app?.close();
    await service?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('rates five horror films 5★ and gets mostly horror, none of the five', async () => {
    // The five most rated films that are horror and little else.
    const others = ['Thriller', 'Drama', 'Sci-Fi', 'Crime', 'Comedy', 'Action'];
    const page = (await app.inject('/movies?genre=Horror&pageSize=100')).json();
    const pages = [page.movies as MovieJson[]];
    for (let p = 2; p <= Math.ceil(page.total / 100); p++) {
      pages.push((await app.inject(`/movies?genre=Horror&pageSize=100&page=${p}`)).json().movies);
    }
    const horror = pages
      .flat()
      .filter((m) => !m.genres.some((g) => others.includes(g)))
      .sort((a, b) => (b.ratingCount ?? 0) - (a.ratingCount ?? 0))
      .slice(0, 5);
    expect(horror).toHaveLength(5);

    const user = 900_001;
    expect((await app.inject(`/recommendations/${user}`)).statusCode).toBe(404);
    for (const movie of horror) {
      const res = await app.inject(post('/ratings', { userId: user, movieId: movie.movieId, rating: 5 }));
      expect(res.statusCode).toBe(201);
    }
    const res = await app.inject(`/recommendations/${user}?n=10`);
    expect(res.statusCode).toBe(200);
    const answer = res.json();
    expect(answer).toMatchObject({ coldStart: false, source: 'collaborative/als' });
    const items = answer.items as MovieJson[];
    expect(items).toHaveLength(10);
    const rated = new Set(horror.map((m) => m.movieId));
    for (const item of items) expect(rated.has(item.movieId)).toBe(false);
    const horrorShare = items.filter((m) => m.genres.includes('Horror')).length / items.length;
    expect(horrorShare).toBeGreaterThanOrEqual(0.6);

    // A sixth rating changes the answer at once, without retraining.
    const sixth = items[0].movieId;
    await app.inject(post('/ratings', { userId: user, movieId: sixth, rating: 1 }));
    const next = (await app.inject(`/recommendations/${user}?n=10`)).json();
    expect(next.modelRunId).toBe(answer.modelRunId);
    expect(next.items.map((m: MovieJson) => m.movieId)).not.toContain(sixth);
  });
});
