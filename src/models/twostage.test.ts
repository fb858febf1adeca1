import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeRecommender } from '../../test/contract.js';
import { Interactions } from '../data/interactions.js';
import { generateSynthetic } from '../data/synthetic.js';
import { Rng } from '../math/random.js';
import { FEATURES, featureColumn, N_FEATURES, requireFiniteFeatures } from '../rank/features.js';
import { GeneratorSet, type GeneratorSettings } from '../rank/generators.js';
import { LambdaMart } from '../rank/lambdamart.js';
import { historyOf, labelWindowSplit, rerankerTrainingData } from '../rank/pipeline.js';
import { loadModel, saveModel } from './index.js';
import { Popularity } from './popularity.js';
import { importanceReport, TwoStage } from './twostage.js';

const small = { alsFactors: 8, alsIterations: 5, svdFactors: 4, svdEpochs: 5, trees: 20, minLeaf: 2 };

describeRecommender('twostage', () => new TwoStage(small), { rating: false });

const DAY = 86_400;

function settings(overrides: Partial<GeneratorSettings> = {}): GeneratorSettings {
  return {
    candidates: 20,
    alsFactors: 4,
    alsIterations: 3,
    svdFactors: 4,
    svdEpochs: 3,
    content: false,
    neural: false,
    trendHalfLifeDays: 1,
    genresPerUser: 1,
    seed: 1,
    ...overrides,
  };
}

function interactions(
  nUsers: number,
  nItems: number,
  rows: [number, number, number, number][],
): Interactions {
  return new Interactions(
    nUsers,
    nItems,
    Int32Array.from(rows, (r) => r[0]),
    Int32Array.from(rows, (r) => r[1]),
    Float32Array.from(rows, (r) => r[2]),
    Float64Array.from(rows, (r) => r[3]),
  );
}

const world = generateSynthetic({ users: 150, items: 120, ratings: 9000, seed: 7 });
const worldOptions = { itemGenres: world.movies.map((m) => m.genres), movies: world.movies };

describe('two-stage features and generators', () => {
  it('documents at least 25 features, each named once with a one-line meaning', () => {
    expect(N_FEATURES).toBeGreaterThanOrEqual(25);
    expect(new Set(FEATURES.map((f) => f.name)).size).toBe(N_FEATURES);
    for (const f of FEATURES) expect(f.meaning.length).toBeGreaterThan(10);
    expect(featureColumn('als_score')).toBe(0);
    expect(() => featureColumn('nope')).toThrow(/unknown feature 'nope'/);
  });

  it('rejects a non-finite feature, naming the feature and the item', () => {
    const rows = new Float32Array(2 * N_FEATURES);
    rows[N_FEATURES + featureColumn('svd_rating')] = Number.NaN;
    expect(() => requireFiniteFeatures(rows, [7, 9])).toThrow(/svd_rating of item 9 is NaN/);
    rows[N_FEATURES + featureColumn('svd_rating')] = Number.POSITIVE_INFINITY;
    expect(() => requireFiniteFeatures(rows)).toThrow(/svd_rating of row 1 is Infinity/);
  });

  it("puts each user's latest 20% by time in the label window (rounded like temporal-user)", () => {
    // User 0: 10 ratings in scrambled time order; user 1: 3 ratings (round(2.4) = 2 stay in fit).
    const times = [5, 1, 9, 3, 7, 0, 8, 2, 6, 4];
    const rows = times.map((t, i): [number, number, number, number] => [0, i, 4, t * DAY]);
    rows.push([1, 0, 3, 0], [1, 1, 3, DAY], [1, 2, 3, 2 * DAY]);
    const { fit, label } = labelWindowSplit(interactions(2, 10, rows), 0.2);
    const labelled = (u: number) => Array.from(label.items.filter((_, k) => label.users[k] === u)).sort();
    expect(labelled(0)).toEqual([2, 6]); // times 9 and 8
    expect(labelled(1)).toEqual([2]);
    expect(fit.size).toBe(10);
  });

  it('counts trending activity only up to the moment, halving per half-life', async () => {
    const train = interactions(3, 2, [
      [0, 0, 4, 0],
      [1, 0, 4, DAY],
      [2, 0, 4, 2 * DAY],
      [0, 1, 4, 2 * DAY],
    ]);
    const set = new GeneratorSet(settings({ trendHalfLifeDays: 1 }));
    await set.fit(train, {}, () => {});
    const out = new Float32Array(2);
    set.trendingInto(DAY, out);
    expect(out[0]).toBeCloseTo(0.5 + 1, 6); // the day-2 rating is in the future
    expect(out[1]).toBe(0);
    set.trendingInto(2 * DAY, out);
    expect(out[0]).toBeCloseTo(0.25 + 0.5 + 1, 6);
    expect(out[1]).toBeCloseTo(1, 6);
  });

  it("proposes only films of the user's favourite genre by weighted rating", async () => {
    const set = new GeneratorSet(settings({ genresPerUser: 1 }));
    await set.fit(world.ratings, worldOptions, () => {});
    const history = historyOf(world.ratings, 3);
    const scores = set.generatorScores('genre', history);
    const prefs = new Float64Array(set.nGenres);
    set.genrePreferences(history, prefs);
    const favourite = prefs.indexOf(Math.max(...prefs));
    const weighted = set.popularity.weighted;
    for (let i = 0; i < world.ratings.nItems; i++) {
      const inGenre = set.itemGenres[i * set.nGenres + favourite] === 1;
      if (inGenre) expect(scores[i]).toBeCloseTo(weighted[i], 5);
      else expect(Number.isNaN(scores[i])).toBe(true);
    }
  });

  it("builds label-window features from the early part alone (changing the window's ratings changes labels, not features)", async () => {
    const train = world.ratings;
    const { label } = labelWindowSplit(train, 0.2);
    const inLabel = new Set<string>();
    for (let k = 0; k < label.size; k++) inLabel.add(`${label.users[k]}:${label.items[k]}`);
    // Swap 4 ↔ 5 (relevance kept, grades changed) and push times later in every label-window rating.
    const ratings = Float32Array.from(train.ratings);
    const times = Float64Array.from(train.timestamps);
    for (let k = 0; k < train.size; k++) {
      if (!inLabel.has(`${train.users[k]}:${train.items[k]}`)) continue;
      if (ratings[k] === 4) ratings[k] = 5;
      else if (ratings[k] === 5) ratings[k] = 4;
      times[k] += 30 * DAY;
    }
    const perturbed = new Interactions(train.nUsers, train.nItems, train.users, train.items, ratings, times);
    const opts = { labelFraction: 0.2, minRating: 4, validFraction: 0.2, seed: 3 };
    const a = await rerankerTrainingData(train, settings(), opts, worldOptions, () => {});
    const b = await rerankerTrainingData(perturbed, settings(), opts, worldOptions, () => {});
    expect(a.train.labels.length).toBeGreaterThan(100);
    expect(b.train.features).toEqual(a.train.features);
    expect(b.valid.features).toEqual(a.valid.features);
    expect(b.train.labels).not.toEqual(a.train.labels);
    // And no user's early part holds a rating at or after their label window starts.
    const { fit } = labelWindowSplit(train, 0.2);
    const lastFit = new Float64Array(train.nUsers).fill(Number.NEGATIVE_INFINITY);
    const firstLabel = new Float64Array(train.nUsers).fill(Number.POSITIVE_INFINITY);
    for (let k = 0; k < fit.size; k++)
      lastFit[fit.users[k]] = Math.max(lastFit[fit.users[k]], fit.timestamps[k]);
    for (let k = 0; k < label.size; k++)
      firstLabel[label.users[k]] = Math.min(firstLabel[label.users[k]], label.timestamps[k]);
    for (let u = 0; u < train.nUsers; u++) expect(lastFit[u]).toBeLessThan(firstLabel[u]);
  });

  it("reports the one feature that decides the labels as the reranker's most important", () => {
    const rng = new Rng(11);
    const groups = 60;
    const perGroup = 30;
    const n = groups * perGroup;
    const features = Float32Array.from({ length: n * N_FEATURES }, () => rng.next());
    const decisive = featureColumn('itemknn_rank');
    const labels = Float32Array.from({ length: n }, (_, r) =>
      features[r * N_FEATURES + decisive] > 0.8 ? 2 : 0,
    );
    const data = {
      features,
      nFeatures: N_FEATURES,
      labels,
      groups: Int32Array.from({ length: groups + 1 }, (_, g) => g * perGroup),
    };
    const model = new LambdaMart({ trees: 30, leaves: 8, minLeaf: 5 }).fit(data);
    const report = importanceReport(model.importance());
    expect(report[0].name).toBe('itemknn_rank');
    expect(report[0].share).toBeGreaterThan(0.5);
    expect(report.reduce((s, f) => s + f.share, 0)).toBeCloseTo(1, 6);
    expect(() => importanceReport([1, 2])).toThrow(/2 importances for/);
  });
});

describe('TwoStage on a synthetic world', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cinerec-twostage-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('trains a reranker, scores only candidates and the seen items, and reloads bit-identically', async () => {
    const model = await new TwoStage({ ...small, candidates: 15, content: false }).fit(
      world.ratings,
      worldOptions,
    );
    expect(model.report?.reranker).toBe('lambdamart');
    expect(model.report?.trainGroups).toBeGreaterThanOrEqual(10);
    const importance = model.featureImportance();
    expect(importance).toHaveLength(N_FEATURES);
    const scores = model.scoreAll(0) as Float32Array;
    const scored = scores.filter((s) => !Number.isNaN(s)).length;
    const seen = world.ratings.byUser().indptr[1] - world.ratings.byUser().indptr[0];
    // At most 5 generators × 15 candidates, plus the user's own items.
    expect(scored).toBeGreaterThan(seen);
    expect(scored).toBeLessThanOrEqual(seen + 5 * 15);
    const path = join(dir, 'twostage.cinerec');
    await saveModel(model, path);
    const loaded = await loadModel(path);
    const users = Int32Array.from({ length: 30 }, (_, u) => u);
    expect(loaded.recommend(users, { n: 10 })).toEqual(model.recommend(users, { n: 10 }));
    // An artifact from another feature table is refused rather than fed misaligned columns.
    const state = model.state();
    const renamed = { ...state, meta: { ...state.meta, features: ['als_score'] } };
    expect(() => new TwoStage().restore(renamed, world.ratings)).toThrow(/another feature table/);
  });

  it('refuses a minRating that would grade the top rating past what LambdaMART takes', async () => {
    const hundred = new Interactions(
      2,
      2,
      Int32Array.from([0, 1]),
      Int32Array.from([0, 1]),
      Float32Array.from([10, 100]),
      Float64Array.from([0, 1]),
    );
    await expect(new TwoStage({ ...small, minRating: 50 }).fit(hundred)).rejects.toThrow(
      /minRating 50 grades this scale's top rating 51; LambdaMART takes labels up to 31/,
    );
  });

  it('ranks a user with no training ratings by the weighted rating (the cold-start fallback)', async () => {
    const rows = Int32Array.from({ length: world.ratings.size }, (_, k) => k).filter(
      (k) => world.ratings.users[k] !== 5,
    );
    const train = world.ratings.subset(rows);
    const model = await new TwoStage({ ...small, content: false }).fit(train, worldOptions);
    const popularity = await new Popularity().fit(train);
    const [cold] = model.recommend(5, { n: 10 });
    const [expected] = popularity.recommend(5, { n: 10 });
    expect(Array.from(cold.ids)).toEqual(Array.from(expected.ids));
  });
});
