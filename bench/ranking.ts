/**
 * Ranking benchmark of the two-stage pipeline: `npm run bench:ranking` (`-- --quick` for a short
 * development run: ml-100k only, no k-fold). Writes bench/out/ranking.json and bench/out/ranking.md.
 *
 * - temporal-user on ml-100k and ml-latest-small (each user's latest 20% by time is test; relevant
 *   = test rating ≥ 4; full ranking over every unseen item): P@10, nDCG@10 and coverage for
 *   popularity, each generator alone, the α hybrid (when registered) and twostage; the paired
 *   bootstrap of twostage minus the best single generator.
 * - cold users: the same split with a seeded 10% of the users who have a relevant test item held
 *   out of train entirely (no training rating); every method refitted and scored on them.
 * - ml-100k kfold RMSE/MAE of the rating models (neural and ensemble when registered).
 */
import { writeFileSync } from 'node:fs';
import { loadSettings } from '../src/config.js';
import type { Dataset } from '../src/data/dataset.js';
import { findSharedDatasets, loadDatasetByName } from '../src/data/index.js';
import type { Interactions } from '../src/data/interactions.js';
import { evaluate } from '../src/eval/evaluate.js';
import { encodeGenres } from '../src/eval/metrics.js';
import { type PairedComparison, pairedBootstrap } from '../src/eval/paired.js';
import { scoreRanking, usersWithRelevant } from '../src/eval/scoring.js';
import { type Fold, splitFolds } from '../src/eval/splits.js';
import { Rng } from '../src/math/random.js';
import { Recommender } from '../src/models/base.js';
import { createModel, modelEntry, modelNames } from '../src/models/index.js';
import type { TwoStage } from '../src/models/twostage.js';
import type { FitOptions, FoldedUser, ModelState, UserRef } from '../src/models/types.js';
import { FEATURES } from '../src/rank/features.js';
import { GENERATORS, type GeneratorName, type GeneratorSet } from '../src/rank/generators.js';
import { historyOf, labelWindowSplit } from '../src/rank/pipeline.js';

const quick = process.argv.includes('--quick');
const K = 10;
const RELEVANCE = { minRating: 4 };
const COLD_SHARE = 0.1;
const SEED = 42;

/** One generator of a fitted twostage, ranking alone (evaluation only: not registered). */
class GeneratorRanker extends Recommender {
  readonly name: string;
  constructor(
    private readonly set: GeneratorSet,
    private readonly generator: GeneratorName,
  ) {
    super({}, `generator:${generator}`);
    this.name = `generator:${generator}`;
    this.train = set.requireTrain();
  }
  async fit(_train: Interactions, _options?: FitOptions): Promise<this> {
    throw new Error(`${this.name}: fitted through twostage`);
  }
  protected estimate(): { ok: false; reason: string } {
    return { ok: false, reason: `${this.name}: ranks only` };
  }
  protected scoreInto(user: UserRef, out: Float32Array): boolean {
    if (typeof user !== 'number') return false;
    const history = historyOf(this.requireTrain(), user);
    if (history.items.length === 0) return false;
    out.set(this.set.generatorScores(this.generator, history));
    return true;
  }
  protected foldInImpl(): Omit<FoldedUser, 'model'> {
    throw new Error(`${this.name}: no fold-in`);
  }
  state(): ModelState {
    throw new Error(`${this.name}: not saved`);
  }
  restore(): void {
    throw new Error(`${this.name}: not saved`);
  }
}

interface Row {
  method: string;
  precision: number;
  ndcg: number;
  coverage: number;
  fitSeconds: number;
  perUser: Float64Array;
  users: Int32Array;
}

/** Fit each registered model on `fold.train` and score it on the users given; twostage returned too. */
async function runMethods(
  dataset: Dataset,
  fold: Fold,
  users: Int32Array,
  names: string[],
): Promise<{ rows: Row[]; twostage: TwoStage }> {
  const genres = encodeGenres(dataset.movies.map((m) => m.genres));
  const popularity = fold.train.itemCounts();
  const options: FitOptions = { itemGenres: dataset.movies.map((m) => m.genres), movies: dataset.movies };
  const rows: Row[] = [];
  let twostage: TwoStage | undefined;
  const score = (method: string, model: Recommender, fitSeconds: number) => {
    const r = scoreRanking(model, fold.test, users, (u) => u, K, RELEVANCE, popularity, genres);
    rows.push({
      method,
      precision: r.precision,
      ndcg: r.ndcg,
      coverage: r.coverage,
      fitSeconds,
      perUser: r.perUser.values.ndcg,
      users: r.perUser.users,
    });
    process.stderr.write(`  ${method}: nDCG@10 ${r.ndcg.toFixed(4)} (${fitSeconds.toFixed(1)} s fit)\n`);
  };
  for (const name of names) {
    const started = performance.now();
    const params = 'seed' in modelEntry(name).schema ? { seed: SEED } : {};
    const model = await createModel(name, params).fit(fold.train, options);
    const seconds = (performance.now() - started) / 1000;
    score(name, model, seconds);
    if (name === 'twostage') {
      twostage = model as TwoStage;
      for (const g of GENERATORS) score(`generator: ${g}`, new GeneratorRanker(twostage.generatorSet, g), 0);
    }
  }
  if (twostage === undefined) throw new Error('bench:ranking: twostage was not run');
  return { rows, twostage };
}

/** The fold with a seeded share of the users who have a relevant test item made cold (no train). */
function coldFold(fold: Fold): { fold: Fold; cold: Int32Array } {
  const candidates = usersWithRelevant(fold.test, RELEVANCE);
  const picked = new Rng(SEED).shuffle(candidates.slice());
  const cold = picked.subarray(0, Math.round(COLD_SHARE * picked.length)).sort();
  const isCold = new Uint8Array(fold.train.nUsers);
  for (const u of cold) isCold[u] = 1;
  const keep: number[] = [];
  for (let k = 0; k < fold.train.size; k++) if (isCold[fold.train.users[k]] === 0) keep.push(k);
  return { fold: { name: 'temporal-user-cold', train: fold.train.subset(keep), test: fold.test }, cold };
}

interface DatasetResult {
  dataset: string;
  users: number;
  rows: Omit<Row, 'perUser' | 'users'>[];
  cold: { users: number; ndcg: Record<string, number> };
  bestGenerator: string;
  comparison: PairedComparison & { relativeLift: number };
  importance: { name: string; share: number }[];
  fit: unknown;
}

async function rankingCase(name: string): Promise<DatasetResult> {
  const dataset = await load(name);
  const [fold] = splitFolds(dataset, 'temporal-user', { seed: SEED });
  const users = usersWithRelevant(fold.test, RELEVANCE);
  const registered = modelNames();
  const names = ['popularity', 'als', 'itemknn', 'content', 'hybrid', 'twostage'].filter((n) =>
    registered.includes(n),
  );
  process.stderr.write(`${name}: temporal-user, ${users.length} users with a relevant test item\n`);
  const { rows, twostage } = await runMethods(dataset, fold, users, names);
  const ours = rows.find((r) => r.method === 'twostage') as Row;
  const generators = rows.filter((r) => r.method.startsWith('generator: '));
  const best = generators.reduce((a, b) => (b.ndcg > a.ndcg ? b : a));
  const paired = pairedBootstrap(ours.perUser, best.perUser, { seed: SEED });
  process.stderr.write(`${name}: cold users\n`);
  const cold = coldFold(fold);
  const coldRun = await runMethods(dataset, cold.fold, cold.cold, names);
  return {
    dataset: name,
    users: users.length,
    rows: rows.map(({ perUser: _p, users: _u, ...rest }) => rest),
    cold: {
      users: cold.cold.length,
      ndcg: Object.fromEntries(coldRun.rows.map((r) => [r.method, r.ndcg])),
    },
    bestGenerator: best.method,
    comparison: { ...paired, relativeLift: paired.meanDiff / best.ndcg },
    importance: twostage.featureImportance().map(({ name: feature, share }) => ({ name: feature, share })),
    fit: twostage.report,
  };
}

function rankingMarkdown(r: DatasetResult): string {
  const lines = [
    `### ${r.dataset}, temporal-user (${r.users} users with a relevant test item)`,
    '',
    '| method | P@10 | nDCG@10 | coverage | fit s | cold users nDCG@10 |',
    '|---|---:|---:|---:|---:|---:|',
  ];
  for (const row of r.rows) {
    const cold = r.cold.ndcg[row.method];
    lines.push(
      `| ${row.method} | ${row.precision.toFixed(4)} | ${row.ndcg.toFixed(4)} | ${row.coverage.toFixed(3)} | ${row.method.startsWith('generator') ? '' : row.fitSeconds.toFixed(1)} | ${cold === undefined ? '' : cold.toFixed(4)} |`,
    );
  }
  const c = r.comparison;
  const met = c.relativeLift >= 0.05 && c.low > 0;
  lines.push(
    '',
    `twostage − ${r.bestGenerator} (best single generator), nDCG@10: ${c.meanDiff.toFixed(4)}, 95% CI [${c.low.toFixed(4)}, ${c.high.toFixed(4)}] (paired bootstrap, ${c.n} users), relative lift ${(100 * c.relativeLift).toFixed(1)}% — ${met ? 'MET' : 'MISSED'} (target ≥ 5% with the CI above 0).`,
    `Cold users: ${r.cold.users} users (a seeded 10% of those with a relevant test item) with every training rating removed; every method refitted.`,
    `Reranker training data: ${JSON.stringify(r.fit)}`,
    '',
  );
  return lines.join('\n');
}

async function ratingCase(): Promise<{
  rows: { model: string; rmse: number; mae: number; fitSeconds: number }[];
}> {
  const settings = loadSettings();
  settings.dataMirror ??= findSharedDatasets() ?? undefined;
  const dataset = await loadDatasetByName('ml-100k', settings);
  const registered = modelNames();
  const models = ['baseline', 'itemknn', 'svd', 'svdpp', 'neural', 'ensemble'].filter((n) =>
    registered.includes(n),
  );
  const report = await evaluate(dataset, {
    protocol: 'kfold',
    models: models.map((name) => ({ name })),
    seed: SEED,
    relevance: RELEVANCE,
    onProgress: (done, total, label) => process.stderr.write(`  kfold ${done}/${total} ${label}\n`),
  });
  return {
    rows: report.results.map((r) => ({
      model: r.model,
      rmse: r.metrics.rmse,
      mae: r.metrics.mae,
      fitSeconds: r.metrics.fitSeconds,
    })),
  };
}

/**
 * `--tune`: twostage settings compared on validation carved from training only. Each dataset's
 * temporal-user train is split again per user by time (latest 20% = validation, the split the
 * pipeline itself uses); every configuration is fitted on the rest and ranked on the validation
 * ratings. The test split is never read.
 */
async function tune(): Promise<void> {
  const grid: Record<string, unknown>[] = [
    {},
    { candidates: 100 },
    { leaves: 15 },
    { learningRate: 0.1 },
    { minLeaf: 50 },
    { featureFraction: 0.5 },
    { leaves: 7 },
    { leaves: 15, candidates: 100 },
    { leaves: 15, featureFraction: 0.5 },
    { leaves: 15, earlyStopping: 60 },
    { leaves: 15, validFraction: 0.3 },
  ];
  const only = process.argv.find((a) => a.startsWith('--grid='));
  const configs =
    only === undefined
      ? grid
      : only
          .slice(7)
          .split(';')
          .map((c) => JSON.parse(c));
  let md = '# twostage settings on validation carved from training (`npm run bench:ranking -- --tune`)\n\n';
  md +=
    '| dataset | settings | validation nDCG@10 | P@10 | fit s | reranker |\n|---|---|---:|---:|---:|---|\n';
  for (const name of quick ? ['ml-100k'] : ['ml-100k', 'ml-latest-small']) {
    const dataset = await load(name);
    const [outer] = splitFolds(dataset, 'temporal-user', { seed: SEED });
    const { fit, label } = labelWindowSplit(outer.train, 0.2);
    const fold: Fold = { name: 'validation', train: fit, test: label };
    const users = usersWithRelevant(label, RELEVANCE);
    const genres = encodeGenres(dataset.movies.map((m) => m.genres));
    const options: FitOptions = { itemGenres: dataset.movies.map((m) => m.genres), movies: dataset.movies };
    const als = await createModel('als', { seed: SEED }).fit(fold.train, options);
    const alsScores = scoreRanking(als, label, users, (u) => u, K, RELEVANCE, fit.itemCounts(), genres);
    md += `| ${name} | als alone (reference) | ${alsScores.ndcg.toFixed(4)} | ${alsScores.precision.toFixed(4)} | | |\n`;
    process.stderr.write(`${name} als alone: ${alsScores.ndcg.toFixed(4)}\n`);
    for (const params of configs) {
      const started = performance.now();
      const model = (await createModel('twostage', params).fit(fold.train, options)) as TwoStage;
      const seconds = (performance.now() - started) / 1000;
      const r = scoreRanking(model, label, users, (u) => u, K, RELEVANCE, fit.itemCounts(), genres);
      const line = `| ${name} | ${JSON.stringify(params)} | ${r.ndcg.toFixed(4)} | ${r.precision.toFixed(4)} | ${seconds.toFixed(0)} | ${JSON.stringify(model.report)} |`;
      process.stderr.write(`${line}\n`);
      md += `${line}\n`;
    }
  }
  writeFileSync(`bench/out/ranking-tune${quick ? '-quick' : ''}.md`, md);
}

async function load(name: string): Promise<Dataset> {
  const settings = loadSettings();
  settings.dataMirror ??= findSharedDatasets() ?? undefined;
  try {
    return await loadDatasetByName(name, settings, { withTmdb: name === 'ml-latest-small' });
  } catch {
    return await loadDatasetByName(name, settings);
  }
}

async function main(): Promise<void> {
  if (process.argv.includes('--tune')) return tune();
  const started = performance.now();
  const datasets = quick ? ['ml-100k'] : ['ml-100k', 'ml-latest-small'];
  const ranking: DatasetResult[] = [];
  for (const name of datasets) ranking.push(await rankingCase(name));
  const rating = quick ? null : await ratingCase();
  let md = '# Ranking benchmark (`npm run bench:ranking`)\n\n';
  md += 'Relevant = test rating ≥ 4; every unseen item ranked; seed 42.\n\n';
  for (const r of ranking) md += `${rankingMarkdown(r)}\n`;
  for (const r of ranking) {
    md += `### Feature importance (${r.dataset}): share of the reranker's split gain\n\n| feature | share |\n|---|---:|\n`;
    for (const f of r.importance) md += `| ${f.name} | ${(100 * f.share).toFixed(1)}% |\n`;
    md += '\n';
  }
  if (rating !== null) {
    md +=
      '### ml-100k, kfold (5 folds), rating models\n\n| model | RMSE | MAE | fit s |\n|---|---:|---:|---:|\n';
    for (const r of rating.rows)
      md += `| ${r.model} | ${r.rmse.toFixed(4)} | ${r.mae.toFixed(4)} | ${r.fitSeconds.toFixed(2)} |\n`;
  }
  md += `\nTotal ${((performance.now() - started) / 1000).toFixed(0)} s on this machine.\n`;
  process.stdout.write(md);
  const suffix = quick ? '-quick' : '';
  writeFileSync(
    `bench/out/ranking${suffix}.json`,
    `${JSON.stringify({ ranking, rating, features: FEATURES }, null, 2)}\n`,
  );
  writeFileSync(`bench/out/ranking${suffix}.md`, md);
}

await main();
