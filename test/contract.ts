import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Interactions } from '../src/data/interactions.js';
import type { Recommender } from '../src/models/base.js';
import { NotFittedError } from '../src/models/base.js';
import { loadModel, saveModel } from '../src/models/index.js';
import type { Estimate, FoldedUser, Ranked } from '../src/models/types.js';

/**
 * Two taste groups of 20 users and 10 items each. Every user rates all items of their own group
 * highly except one withheld item (index within group mod 10), and three items of the other group
 * at 1 star. A personalised model must rank the withheld in-group item first (implicit's
 * "checkerboard" test, made explicit so rating models see the contrast too).
 */
export function checkerboard(): { train: Interactions; withheld: Int32Array } {
  const users: number[] = [];
  const items: number[] = [];
  const ratings: number[] = [];
  const withheld = new Int32Array(40);
  for (let u = 0; u < 40; u++) {
    const group = u < 20 ? 0 : 1;
    const j = u % 20;
    withheld[u] = group * 10 + (j % 10);
    for (let k = 0; k < 10; k++) {
      if (k === j % 10) continue;
      users.push(u);
      items.push(group * 10 + k);
      ratings.push(4 + ((u + k) % 2));
    }
    for (let k = 0; k < 3; k++) {
      users.push(u);
      items.push((1 - group) * 10 + ((j + k * 3) % 10));
      ratings.push(1);
    }
  }
  const n = users.length;
  const timestamps = new Float64Array(n);
  for (let k = 0; k < n; k++) timestamps[k] = 1_000_000 + k;
  return {
    train: new Interactions(
      40,
      20,
      Int32Array.from(users),
      Int32Array.from(items),
      Float32Array.from(ratings),
      timestamps,
    ),
    withheld,
  };
}

export interface ContractOptions {
  /** Ranks per user (false for popularity-like models, which skip the checkerboard top-1 check). */
  personalised?: boolean;
  /** Predicts ratings on the training scale (checked to be finite and near the 1–5 range). */
  rating?: boolean;
  /** Has an item-item similarity (similarItems returns in-group neighbours). */
  itemSimilarity?: boolean;
  /**
   * Scores every item for everyone even when fitted on no data (a prior such as the global mean);
   * without it, a model fitted on an empty matrix must return empty lists.
   */
  scoresEveryone?: boolean;
}

/** Ratings 5 for six group-1 items: a newcomer from the second taste group. */
function likedGroupOne(): { items: Int32Array; ratings: Float32Array } {
  const items = Int32Array.from([10, 11, 12, 13, 14, 15]);
  return { items, ratings: new Float32Array(items.length).fill(5) };
}

/** The first taste group's users only (same shape): fits to something else entirely. */
function firstGroupOnly(train: Interactions): Interactions {
  const rows = Int32Array.from({ length: train.size }, (_, k) => k).filter((k) => train.users[k] < 20);
  return new Interactions(
    train.nUsers,
    train.nItems,
    Int32Array.from(rows, (k) => train.users[k]),
    Int32Array.from(rows, (k) => train.items[k]),
    Float32Array.from(rows, (k) => train.ratings[k]),
    Float64Array.from(rows, (k) => train.timestamps[k]),
  );
}

/** Everything a caller can observe of a fitted model on the checkerboard. */
function observe(model: Recommender): {
  predictions: Estimate[];
  lists: Ranked[];
  similar: Ranked[];
  folded: Ranked[];
} {
  const users = Int32Array.from({ length: 40 }, (_, u) => u);
  const predictions: Estimate[] = [];
  for (let u = 0; u < 40; u++) for (let i = 0; i < 20; i++) predictions.push(model.predict(u, i));
  const similar = Array.from({ length: 20 }, (_, i) => model.similarItems(i, 5));
  const folded = model.recommend([model.foldIn(likedGroupOne())], { n: 5 });
  return { predictions, lists: model.recommend(users, { n: 5 }), similar, folded };
}

/** The shared contract every model must honour; call once per model from its own test file. */
export function describeRecommender(
  label: string,
  factory: () => Recommender,
  options: ContractOptions = {},
): void {
  const { personalised = true, rating = true, itemSimilarity = false, scoresEveryone = false } = options;
  describe(`${label} (recommender contract)`, () => {
    const { train, withheld } = checkerboard();
    const dir = mkdtempSync(join(tmpdir(), 'cinerec-contract-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('refuses to answer before fit', () => {
      expect(() => factory().recommend([0])).toThrow(NotFittedError);
    });

    it('rejects unknown parameters', () => {
      const model = factory();
      const create = model.constructor as new (params: Record<string, unknown>) => Recommender;
      expect(() => new create({ noSuchParameter: 1 })).toThrow(/unknown parameter 'noSuchParameter'/);
    });

    if (personalised) {
      it('ranks the withheld in-group item first for every user (checkerboard)', async () => {
        const model = await factory().fit(train);
        const users = Int32Array.from({ length: 40 }, (_, u) => u);
        const lists = model.recommend(users, { n: 1 });
        const hits = lists.filter((list, u) => list.ids[0] === withheld[u]).length;
        expect(hits).toBe(40);
      });

      it('folds in a new user and recommends from their taste group, never what they rated', async () => {
        const model = await factory().fit(train);
        const folded = model.foldIn(likedGroupOne());
        const [list] = model.recommend([folded], { n: 3 });
        expect(list.ids.length).toBe(3);
        for (const id of list.ids) {
          expect(id).toBeGreaterThanOrEqual(16);
          expect(id).toBeLessThan(20);
        }
      });
    }

    it('folds in a new user to finite scores, personalised or not, never recommending what they rated', async () => {
      const model = await factory().fit(train);
      const liked = likedGroupOne();
      const folded = model.foldIn(liked);
      expect(folded.model).toBe(model.name);
      const [list] = model.recommend([folded], { n: 20 });
      expect(list.ids.length).toBeGreaterThan(0);
      for (const s of list.scores) expect(Number.isFinite(s)).toBe(true);
      for (const id of list.ids) expect(Array.from(liked.items)).not.toContain(id);
      let scored = 0;
      for (let i = 0; i < 20; i++) {
        const estimate = model.predict(folded, i);
        if (!estimate.ok) continue;
        expect(Number.isFinite(estimate.value)).toBe(true);
        scored++;
      }
      expect(scored).toBeGreaterThan(0);
    });

    it('rejects fold-in input of unequal lengths, unknown items or non-finite ratings, naming foldIn', async () => {
      const model = await factory().fit(train);
      const bad = (items: number[], ratings: number[]) => () =>
        model.foldIn({ items: Int32Array.from(items), ratings: Float32Array.from(ratings) });
      expect(bad([1, 2], [5])).toThrow(/foldIn.*length/);
      expect(bad([1, 99], [5, 5])).toThrow(/foldIn.*99/);
      expect(bad([1, -1], [5, 5])).toThrow(/foldIn.*-1/);
      expect(bad([1, 2], [5, Number.NaN])).toThrow(/foldIn.*NaN/);
      expect(bad([1, 2], [Number.POSITIVE_INFINITY, 4])).toThrow(/foldIn.*Infinity/);
    });

    it('refuses a folded-in user made by another model', async () => {
      const model = await factory().fit(train);
      const foreign: FoldedUser = { ...model.foldIn(likedGroupOne()), model: 'some-other-model' };
      const estimate = model.predict(foreign, 0);
      expect(estimate.ok).toBe(false);
      if (!estimate.ok) expect(estimate.reason).toMatch(/some-other-model/);
      let message = '';
      try {
        model.recommend([foreign]);
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toMatch(/some-other-model/);
      expect(message).toContain(model.name);
      expect(() => model.scoreAll(foreign)).toThrow(/some-other-model/);
    });

    it('returns the same lists in a batch as one user at a time', async () => {
      const model = await factory().fit(train);
      const users = Int32Array.from([3, 17, 25, 39]);
      const batch = model.recommend(users, { n: 5 });
      users.forEach((u, k) => {
        const [single] = model.recommend(u, { n: 5 });
        expect(Array.from(single.ids)).toEqual(Array.from(batch[k].ids));
        expect(Array.from(single.scores)).toEqual(Array.from(batch[k].scores));
      });
    });

    it('answers after a refit as a fresh model fitted on the new data (no stale caches)', async () => {
      // The same matrix with item ids mirrored: every cached per-item structure is now wrong.
      const mirrored = new Interactions(
        train.nUsers,
        train.nItems,
        train.users,
        Int32Array.from(train.items, (i) => train.nItems - 1 - i),
        train.ratings,
        train.timestamps,
      );
      const users = Int32Array.from({ length: 40 }, (_, u) => u);
      const model = await factory().fit(train);
      model.recommend(users, { n: 5 });
      await model.fit(mirrored);
      const fresh = await factory().fit(mirrored);
      expect(model.recommend(users, { n: 5 })).toEqual(fresh.recommend(users, { n: 5 }));
    });

    it('keeps its previous fit exactly when a refit is aborted before it starts', async () => {
      const model = await factory().fit(train);
      const before = observe(model);
      const controller = new AbortController();
      controller.abort();
      await expect(model.fit(firstGroupOnly(train), { signal: controller.signal })).rejects.toThrow(/cancel/);
      expect(model.trainData).toBe(train);
      expect(observe(model)).toEqual(before);
    });

    it('keeps its previous fit exactly when a refit is aborted midway', async () => {
      const model = await factory().fit(train);
      const before = observe(model);
      const controller = new AbortController();
      let calls = 0;
      const onProgress = () => {
        calls++;
        controller.abort();
      };
      await expect(
        model.fit(firstGroupOnly(train), { signal: controller.signal, onProgress }),
      ).rejects.toThrow(/cancel/);
      expect(calls).toBeGreaterThan(0);
      expect(model.trainData).toBe(train);
      expect(observe(model)).toEqual(before);
    });

    it('stays unfitted when its first fit is aborted midway', async () => {
      const model = factory();
      const controller = new AbortController();
      const onProgress = () => controller.abort();
      await expect(model.fit(train, { signal: controller.signal, onProgress })).rejects.toThrow(/cancel/);
      expect(model.fitted).toBe(false);
      expect(() => model.recommend([0])).toThrow(NotFittedError);
    });

    it('filters seen items, honours exclude and only, and rejects both at once', async () => {
      const model = await factory().fit(train);
      const seen = new Set(Array.from(train.byUser().indices.subarray(0, train.byUser().indptr[1])));
      const [all] = model.recommend(0, { n: 20 });
      expect(all.ids.length).toBe(20 - seen.size);
      for (const id of all.ids) expect(seen.has(id)).toBe(false);
      const [unfiltered] = model.recommend(0, { n: 20, filterSeen: false });
      expect(unfiltered.ids.length).toBe(20);
      const [excluded] = model.recommend(0, { n: 20, exclude: Int32Array.from([all.ids[0]]) });
      expect(Array.from(excluded.ids)).not.toContain(all.ids[0]);
      const [only] = model.recommend(0, { n: 20, filterSeen: false, only: Int32Array.from([2, 7, 19]) });
      expect(Array.from(only.ids).sort((a, b) => a - b)).toEqual([2, 7, 19]);
      expect(() => model.recommend(0, { only: Int32Array.from([1]), exclude: Int32Array.from([2]) })).toThrow(
        /conflict/,
      );
      for (let k = 1; k < all.scores.length; k++)
        expect(all.scores[k]).toBeLessThanOrEqual(all.scores[k - 1]);
    });

    it('answers "cannot score" for unknown items and users instead of throwing', async () => {
      const model = await factory().fit(train);
      expect(model.predict(0, 999).ok).toBe(false);
      expect(model.predict(999, 0).ok).toBe(false);
      expect(model.predict(0, -1).ok).toBe(false);
      expect(model.predict(-1, 0).ok).toBe(false);
      expect(model.predict(0, 0.5).ok).toBe(false);
      expect(model.predict(1.5, 0).ok).toBe(false);
      expect(model.recommend([999])[0].ids.length).toBe(0);
      expect(model.recommend([1.5])[0].ids.length).toBe(0);
    });

    if (rating) {
      it('predicts finite ratings near the training scale', async () => {
        const model = await factory().fit(train);
        for (let u = 0; u < 40; u += 7) {
          for (let i = 0; i < 20; i += 3) {
            const estimate = model.predict(u, i);
            expect(estimate.ok).toBe(true);
            if (estimate.ok) {
              expect(Number.isFinite(estimate.value)).toBe(true);
              expect(estimate.value).toBeGreaterThan(-1);
              expect(estimate.value).toBeLessThan(7);
            }
          }
        }
      });
    }

    if (itemSimilarity) {
      it('finds neighbours of an item inside its own group', async () => {
        const model = await factory().fit(train);
        const similar = model.similarItems(2, 5);
        expect(similar.ids.length).toBe(5);
        for (const id of similar.ids) expect(id).toBeLessThan(10);
        expect(Array.from(similar.ids)).not.toContain(2);
      });
    }

    it('answers bit-identically after save and load', async () => {
      const model = await factory().fit(train);
      const path = join(dir, `${label}.cinerec`);
      await saveModel(model, path);
      const loaded = await loadModel(path);
      const users = Int32Array.from({ length: 40 }, (_, u) => u);
      expect(loaded.recommend(users, { n: 5 })).toEqual(model.recommend(users, { n: 5 }));
      for (let i = 0; i < 20; i++) expect(loaded.predict(5, i)).toEqual(model.predict(5, i));
      for (let i = 0; i < 20; i++) expect(loaded.similarItems(i, 5)).toEqual(model.similarItems(i, 5));
      const foldedLoaded = loaded.foldIn(likedGroupOne());
      const folded = model.foldIn(likedGroupOne());
      expect(foldedLoaded).toEqual(folded);
      expect(loaded.recommend([foldedLoaded], { n: 5 })).toEqual(model.recommend([folded], { n: 5 }));
      expect(observe(loaded)).toEqual(observe(model));
    });

    it(`fits an empty matrix without crashing and then ${scoresEveryone ? 'scores everyone by its prior' : 'cannot score anyone'}`, async () => {
      const empty = new Interactions(
        3,
        4,
        new Int32Array(0),
        new Int32Array(0),
        new Float32Array(0),
        new Float64Array(0),
      );
      let model: Recommender | undefined;
      try {
        model = await factory().fit(empty);
      } catch (error) {
        expect((error as Error).message).toMatch(/empty|no interactions|no ratings/i);
        return;
      }
      const lists = model.recommend([0, 1, 2], { n: 4 });
      if (scoresEveryone) {
        for (const list of lists) {
          expect(list.ids.length).toBe(4);
          for (const s of list.scores) expect(Number.isFinite(s)).toBe(true);
        }
      } else {
        for (const list of lists) expect(list.ids.length).toBe(0);
        for (let i = 0; i < 4; i++) expect(model.predict(0, i).ok).toBe(false);
      }
    });

    it('stops a fit when its signal is aborted', async () => {
      const controller = new AbortController();
      controller.abort();
      await expect(factory().fit(train, { signal: controller.signal })).rejects.toThrow(/cancel/);
    });
  });
}
