// Catalog edits outlive the process: a content model loaded from its artifact (a restart, a
// rollback) is reconciled with the catalog on install, so films added or edited since its training
// are found by their current text without retraining, and films the catalog lacks never appear.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContentModel } from '../models/content.js';
import { MemoryStore } from '../store/memory.js';
import type { MovieRecord, Store } from '../store/types.js';
import type { Engine } from './engine.js';
import { startTestService, type TestService } from './service.fixture.js';
import type { ServedModel } from './snapshot.js';

const OLD = 'A lighthouse keeper guards a rocky coast through winter storms.';
const NEW = 'A zeppelin pilot smuggles orchids across the desert to a sultan.';
const ADDED = 'A submarine crew drills beneath a glacier to reach a buried volcano.';
const GONE = 'A clockmaker builds a brass automaton that learns to waltz.';

const home = mkdtempSync(join(tmpdir(), 'cinerec-reconcile-'));
const store = new MemoryStore();
let first: TestService;
/** Content runs: R0 from the first start (titles and genres only), R1 after the overviews below. */
let r0: number;
let r1: number;
/** Edited after R1 (OLD → NEW), added after R1, and given GONE before R1. */
const EDITED = 11;
const NEW_ID = 100_001;
const DELETED = 12;

const newMovie: MovieRecord = {
  movieId: NEW_ID,
  title: 'Under the Ice',
  year: 2024,
  genres: ['Adventure'],
  tmdbId: null,
  imdbId: null,
  overview: ADDED,
  tagline: null,
  keywords: ['submarine', 'glacier'],
  tags: [],
  voteAverage: null,
  voteCount: null,
  popularity: null,
  runtime: null,
  releaseDate: null,
};

async function semanticIds(engine: Engine, q: string, n = 10): Promise<number[]> {
  const answer = await engine.search(q, n);
  if (answer.mode !== 'semantic') throw new Error(`'${q}' matched a title`);
  return answer.results.map((r) => r.movieId);
}

/** `store` with movie `hidden` gone from its catalog (as if deleted), everything else shared. */
function withoutMovie(target: Store, hidden: number): Store {
  return new Proxy(target, {
    get(t, name) {
      if (name === 'allMovies') return async () => (await t.allMovies()).filter((m) => m.movieId !== hidden);
      if (name === 'getMovie') return async (id: number) => (id === hidden ? undefined : t.getMovie(id));
      const value = Reflect.get(t, name, t);
      return typeof value === 'function' ? value.bind(t) : value;
    },
  });
}

beforeAll(async () => {
  first = await startTestService({ store, home });
  r0 = first.engine.snapshot.model('content')?.run.id as number;
  await first.engine.updateMovie(EDITED, { overview: OLD });
  await first.engine.updateMovie(DELETED, { overview: GONE });
  r1 = (await first.engine.train('content', { promote: true, skipMetrics: true })).id;
  await first.engine.updateMovie(EDITED, { overview: NEW });
  await first.engine.addMovie(newMovie);
}, 120_000);

afterAll(async () => {
  await first?.dispose();
  rmSync(home, { recursive: true, force: true });
});

describe('content index after a restart', () => {
  it('the running service finds the edits through its overlay', async () => {
    expect(r1).not.toBe(r0);
    expect((await semanticIds(first.engine, 'zeppelin pilot smuggling orchids'))[0]).toBe(EDITED);
    expect((await semanticIds(first.engine, 'submarine under a glacier'))[0]).toBe(NEW_ID);
  });

  it('a restart on the same store, without training, finds the added and the edited film by their new text', async () => {
    const runs = (await first.registry.list()).length;
    const again = await startTestService({ store, home });
    try {
      expect((await again.registry.list()).length).toBe(runs);
      expect(again.engine.snapshot.model('content')?.run.id).toBe(r1);
      expect((await semanticIds(again.engine, 'zeppelin pilot smuggling orchids'))[0]).toBe(EDITED);
      expect((await semanticIds(again.engine, 'submarine under a glacier'))[0]).toBe(NEW_ID);
      // The old text is gone from the index: no word of it finds the edited film lexically.
      const old = await again.engine.search('lighthouse keeper rocky coast winter storms', 20);
      if (old.mode !== 'semantic') throw new Error('expected a semantic answer');
      expect(old.results.find((r) => r.movieId === EDITED)?.bm25 ?? null).toBeNull();
      // The added film has a content key: more like it by content works.
      const like = await again.engine.similar(NEW_ID, 5, 'content');
      expect(like.items).toHaveLength(5);
      expect(like.items.map((m) => m.movieId)).not.toContain(NEW_ID);
    } finally {
      await again.dispose();
    }
  });

  it('install reports exactly the added and the changed film, and a second install of the same model nothing', async () => {
    const again = await startTestService({ store, home });
    try {
      const run = await again.registry.get(r1);
      const served = await again.registry.load(run);
      // The artifact carries the fingerprints of the model as it was trained, in memory.
      const trained = (first.engine.snapshot.model('content') as ServedModel).model as ContentModel;
      expect(trained.documentFingerprints()?.length).toBe(served.items.size);
      expect((served.model as ContentModel).documentFingerprints()).toEqual(trained.documentFingerprints());
      expect(await again.engine.install(served)).toEqual({ added: 1, changed: 1, removed: 0 });
      // Its overlay now holds both: installing it again re-indexes nothing.
      expect(await again.engine.install(served)).toEqual({ added: 0, changed: 0, removed: 0 });
      // A non-content model installs without a reconcile.
      const popularity = again.engine.snapshot.model('popularity');
      expect(popularity && (await again.engine.install(popularity))).toBeNull();
    } finally {
      await again.dispose();
    }
  });

  it('an artifact without fingerprints (older than them) gets the added film only', async () => {
    const again = await startTestService({ store, home });
    try {
      const served = await again.registry.load(await again.registry.get(r1));
      const model = served.model as ContentModel;
      const { 'content.fingerprints': _, ...arrays } = model.state().arrays;
      const older = new ContentModel(model.params);
      older.restore({ ...model.state(), arrays }, model.trainData);
      expect(older.documentFingerprints()).toBeNull();
      expect(await again.engine.install({ ...served, model: older })).toEqual({
        added: 1,
        changed: 0,
        removed: 0,
      });
      expect((await semanticIds(again.engine, 'submarine under a glacier'))[0]).toBe(NEW_ID);
      // The edit is not seen: the film is still found by its trained text.
      expect((await semanticIds(again.engine, 'lighthouse keeper rocky coast winter storms'))[0]).toBe(
        EDITED,
      );
    } finally {
      await again.dispose();
    }
  });

  it('an index that the reconcile grows past exactUpTo is rebuilt as HNSW off the request path', async () => {
    const again = await startTestService({ store, home });
    try {
      const served = await again.registry.load(await again.registry.get(r1));
      const model = served.model as ContentModel;
      const state = model.state();
      // The trained index holds exactly exactUpTo films: the added one crosses the threshold.
      const index = { ...(state.meta.index as Record<string, unknown>), exactUpTo: served.items.size };
      const small = new ContentModel(model.params);
      small.restore({ ...state, meta: { ...state.meta, index } }, model.trainData);
      expect(small.search.index.kind).toBe('exact');
      expect(await again.engine.install({ ...served, model: small })).toEqual({
        added: 1,
        changed: 1,
        removed: 0,
      });
      const exact = small.search.index;
      expect(exact.size).toBe(served.items.size + 1);
      expect(small.search.rebuilding).not.toBeNull();
      // Requests are answered while the worker builds the graph.
      expect((await semanticIds(again.engine, 'submarine under a glacier'))[0]).toBe(NEW_ID);
      await small.search.rebuilding;
      expect(small.search.index.kind).toBe('hnsw');
      expect(small.search.index.size).toBe(exact.size);
      expect((await semanticIds(again.engine, 'submarine under a glacier'))[0]).toBe(NEW_ID);
      expect((await semanticIds(again.engine, 'zeppelin pilot smuggling orchids'))[0]).toBe(EDITED);
      const like = await again.engine.similar(NEW_ID, 5, 'content');
      expect(like.items).toHaveLength(5);
    } finally {
      await again.dispose();
    }
  });

  it('a rollback to the earlier content run finds both too', async () => {
    const again = await startTestService({ store, home });
    try {
      const back = await again.engine.rollback('content');
      expect(back.id).toBe(r0);
      expect(again.engine.snapshot.model('content')?.run.id).toBe(r0);
      expect((await semanticIds(again.engine, 'zeppelin pilot smuggling orchids'))[0]).toBe(EDITED);
      expect((await semanticIds(again.engine, 'submarine under a glacier'))[0]).toBe(NEW_ID);
      // R0 predates every overview: the clockmaker film (edited before R1) is re-indexed as well.
      expect((await semanticIds(again.engine, 'brass clockmaker automaton waltz'))[0]).toBe(DELETED);
      await again.engine.promote(r1); // leave R1 promoted for the other tests
    } finally {
      await again.dispose();
    }
  });

  it('a film the catalog no longer has never appears, though the model was trained on it', async () => {
    const again = await startTestService({ store: withoutMovie(store, DELETED), home });
    try {
      const served = again.engine.snapshot.model('content');
      expect(served?.run.id).toBe(r1);
      expect(served?.items.index(DELETED)).toBeGreaterThanOrEqual(0);
      expect(again.engine.snapshot.catalog.has(DELETED)).toBe(false);
      const found = await semanticIds(again.engine, 'brass clockmaker automaton waltz', 50);
      expect(found).not.toContain(DELETED);
      const catalog = again.engine.snapshot.catalog;
      for (const id of found) expect(catalog.has(id)).toBe(true);
      for (const id of [1, 2, 3, EDITED, NEW_ID]) {
        const like = await again.engine.similar(id, 50, 'hybrid');
        expect(like.items.map((m) => m.movieId)).not.toContain(DELETED);
      }
      // The reconcile dropped it from the index itself, not only from the answers.
      const model = served?.model as ContentModel;
      expect(model.search.index.has(served?.items.index(DELETED) as number)).toBe(false);
      await expect(again.engine.similar(DELETED, 5, 'content')).rejects.toThrow(/movie 12/);
    } finally {
      await again.dispose();
    }
  });
});
