/**
 * Quality benchmark: every model on the standard MovieLens protocols, printed beside published
 * figures. `npm run bench:quality` (all), or `npm run bench:quality -- ml-100k-kfold` (one case).
 * Writes bench/out/quality.json and bench/out/quality.md.
 */
import { writeFileSync } from 'node:fs';
import { loadSettings } from '../src/config.js';
import { findSharedDatasets, loadDatasetByName } from '../src/data/index.js';
import { type EvaluationReport, evaluate, formatTable, type Protocol } from '../src/eval/index.js';
import { modelEntry, modelNames } from '../src/models/index.js';

interface Case {
  id: string;
  dataset: string;
  protocol: Protocol;
  models: string[];
  relevance: 'all' | { minRating: number };
  /** Published figures printed beside ours (source in `sources`). */
  references: Record<string, Record<string, number>>;
  targets: { metric: string; best: 'min' | 'max'; value: number; models?: string[] }[];
}

/**
 * Every single model in every table, as the registry lists them. The learned blends built from
 * them (ensemble, hybrid, twostage) and the neural model have their own tables in bench:ranking,
 * which fits each member once per fold instead of once per model here.
 */
const LEARNED = ['ensemble', 'hybrid', 'twostage', 'neural'];
const allModels = modelNames().filter((name) => !LEARNED.includes(name));

const cases: Case[] = [
  {
    id: 'ml-100k-kfold',
    dataset: 'ml-100k',
    protocol: 'kfold',
    models: allModels,
    relevance: { minRating: 4 },
    references: {
      'Surprise SVD': { rmse: 0.934, mae: 0.737 },
      'Surprise SVD++': { rmse: 0.919, mae: 0.721 },
      'Surprise KNNBaseline': { rmse: 0.931, mae: 0.733 },
      'Surprise BaselineOnly': { rmse: 0.944, mae: 0.748 },
    },
    targets: [
      { metric: 'rmse', best: 'min', value: 0.935, models: ['svd'] },
      { metric: 'rmse', best: 'min', value: 0.91 },
    ],
  },
  {
    id: 'ml-100k-u-folds',
    dataset: 'ml-100k',
    protocol: 'u-folds',
    models: allModels,
    relevance: { minRating: 4 },
    references: {},
    targets: [],
  },
  {
    id: 'ml-latest-small-random',
    dataset: 'ml-latest-small',
    protocol: 'random',
    models: allModels,
    relevance: { minRating: 4 },
    references: {},
    targets: [{ metric: 'rmse', best: 'min', value: 0.86 }],
  },
  {
    id: 'ml-100k-stratified',
    dataset: 'ml-100k',
    protocol: 'stratified',
    models: allModels,
    relevance: 'all',
    references: {
      'MS Recommenders BiVAE': { 'precision@10': 0.412, 'ndcg@10': 0.475, 'recall@10': 0.219 },
      'MS Recommenders BPR': { 'precision@10': 0.388, 'ndcg@10': 0.442, 'recall@10': 0.213 },
      'MS Recommenders LightGCN': { 'precision@10': 0.363, 'ndcg@10': 0.42, 'recall@10': 0.188 },
      'MS Recommenders SAR': { 'precision@10': 0.331, 'ndcg@10': 0.382, 'recall@10': 0.176 },
    },
    targets: [
      { metric: 'precision@10', best: 'max', value: 0.42 },
      { metric: 'ndcg@10', best: 'max', value: 0.48 },
    ],
  },
];

const sources = [
  'Surprise figures: surprise.readthedocs.io / README benchmark, ml-100k, 5-fold CV.',
  'Microsoft Recommenders figures: its benchmark notebook, ml-100k, python_stratified_split 75/25, k=10 (their MAP divides by all relevant items, ours by min(k, relevant), so MAP is not compared).',
];

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const selected = only.length > 0 ? cases.filter((c) => only.includes(c.id)) : cases;
  if (selected.length === 0) throw new Error(`unknown case; known: ${cases.map((c) => c.id).join(', ')}`);
  const settings = loadSettings();
  settings.dataMirror ??= findSharedDatasets() ?? undefined;
  const reports: { case: Case; report: EvaluationReport; verdicts: string[] }[] = [];
  let markdown = `# Quality benchmark\n\n${sources.map((s) => `- ${s}`).join('\n')}\n`;
  for (const c of selected) {
    const dataset = await loadDatasetByName(c.dataset, settings);
    const started = performance.now();
    const report = await evaluate(dataset, {
      protocol: c.protocol,
      models: c.models.map((name) => ({ name })),
      k: 10,
      seed: 42,
      relevance: c.relevance,
    });
    const seconds = (performance.now() - started) / 1000;
    const table = formatTable(report, { references: c.references });
    const verdicts = c.targets.map((t) => verdict(report, t));
    const text = `\n## ${c.id} (${seconds.toFixed(0)} s)\n\n\`\`\`\n${table}\n\`\`\`\n${verdicts.map((v) => `- ${v}`).join('\n')}\n`;
    process.stdout.write(text);
    markdown += text;
    reports.push({ case: c, report, verdicts });
  }
  writeFileSync(
    'bench/out/quality.json',
    `${JSON.stringify(
      reports.map((r) => ({
        id: r.case.id,
        ...r.report,
        references: r.case.references,
        verdicts: r.verdicts,
      })),
      null,
      2,
    )}\n`,
  );
  writeFileSync('bench/out/quality.md', markdown);
}

function verdict(report: EvaluationReport, target: Case['targets'][number]): string {
  const rows = report.results.filter(
    (r) =>
      (target.models === undefined || target.models.includes(r.model)) &&
      Number.isFinite(r.metrics[target.metric]) &&
      (target.metric !== 'rmse' || modelEntry(r.model).kind === 'rating'),
  );
  if (rows.length === 0) return `${target.metric}: no model reported it`;
  const best = rows.reduce((a, b) =>
    (
      target.best === 'min'
        ? b.metrics[target.metric] < a.metrics[target.metric]
        : b.metrics[target.metric] > a.metrics[target.metric]
    )
      ? b
      : a,
  );
  const value = best.metrics[target.metric];
  const met = target.best === 'min' ? value <= target.value : value >= target.value;
  const who = target.models ? target.models.join('/') : 'best model';
  return `${met ? 'MET' : 'MISSED'}: ${who} ${target.metric} ${value.toFixed(4)} (${best.model}) — target ${target.best === 'min' ? '≤' : '≥'} ${target.value}`;
}

main().catch((error: unknown) => {
  console.error(`bench:quality: ${(error as Error).message}`);
  process.exit(1);
});
