import { describe, expect, it } from 'vitest';
import { ticks } from './charts.js';
import { type EvaluationReport, metricKeys } from './evaluate.js';
import { formatTable, renderHtml, toJson } from './report.js';

function metrics(values: Partial<Record<string, number>>): Record<string, number> {
  return Object.fromEntries(metricKeys(10).map((key) => [key, values[key] ?? Number.NaN]));
}

const report: EvaluationReport = {
  dataset: 'ml-100k',
  protocol: 'kfold',
  k: 10,
  seed: 42,
  relevance: { minRating: 4 },
  folds: ['fold1', 'fold2'],
  results: [
    {
      model: 'svd',
      params: { factors: 100 },
      metrics: metrics({ rmse: 0.9351, mae: 0.7372, 'precision@10': 0.1, 'ndcg@10': 0.12, fitSeconds: 2.5 }),
      folds: [],
      impossibleRate: 0.0012,
    },
    {
      model: 'baseline',
      params: {},
      metrics: metrics({ rmse: 0.944, mae: 0.748, 'precision@10': 0.05, 'ndcg@10': 0.07, fitSeconds: 0.02 }),
      folds: [],
      impossibleRate: 0,
    },
    {
      model: 'a<b>&"c"',
      params: {},
      metrics: metrics({ 'precision@10': 0.3, 'ndcg@10': 0.35, fitSeconds: 40 }),
      folds: [],
      impossibleRate: Number.NaN,
      perUser: [
        { users: Int32Array.from([1, 2]), values: { ndcg: Float64Array.from([0.5, 0.25]) } as never },
      ],
    },
  ],
};

describe('formatTable', () => {
  const table = formatTable(report, { references: { 'Surprise SVD': { rmse: 0.934, mae: 0.737 } } });
  const lines = table.split('\n');

  it('has a row per model and reference, and only the columns someone reports', () => {
    expect(lines[0]).toBe(
      'ml-100k | protocol kfold (2 folds) | k=10 | seed 42 | relevant: test ratings >= 4',
    );
    const header = lines[2];
    expect(header.split(/\s+/)).toEqual([
      'model',
      'source',
      'rmse',
      'mae',
      'precision@10',
      'ndcg@10',
      'fitSeconds',
    ]);
    const row = (name: string) => lines.find((l) => l.startsWith(name))!.split(/\s{2,}/);
    expect(row('svd')).toEqual(['svd', 'cinerec', '0.9351*', '0.7372*', '0.1000', '0.1200', '2.500']);
    expect(row('baseline')).toEqual(['baseline', 'cinerec', '0.9440', '0.7480', '0.0500', '0.0700', '0.020']);
    expect(row('a<b>')).toEqual(['a<b>&"c"', 'cinerec', '-', '-', '0.3000*', '0.3500*', '40.000']);
    expect(row('Surprise SVD')).toEqual(['Surprise SVD', 'published', '0.9340', '0.7370', '-', '-', '-']);
  });

  it('aligns the columns', () => {
    const rows = lines.slice(2, 7);
    const end = (line: string, text: string) => line.indexOf(text) + text.length;
    const rmseEnd = end(rows[0], 'rmse');
    expect(end(rows[2], '0.9351')).toBe(rmseEnd);
    expect(end(rows[3], '0.9440')).toBe(rmseEnd);
    expect(end(rows[4], '-')).toBe(rmseEnd); // a<b> has no RMSE: its "-" sits under the digits
  });

  it('notes predictions replaced by the mean, and leaves out the source column without references', () => {
    expect(table).toContain('predictions replaced by the train mean: svd 0.12%');
    expect(formatTable(report).split('\n')[2].split(/\s+/)[1]).toBe('rmse');
  });
});

describe('toJson', () => {
  it('writes NaN as null and typed arrays as arrays', () => {
    const parsed = JSON.parse(toJson(report));
    expect(parsed.results[2].metrics.rmse).toBeNull();
    expect(parsed.results[0].metrics.rmse).toBe(0.9351);
    expect(parsed.results[2].perUser[0].users).toEqual([1, 2]);
    expect(parsed.results[2].perUser[0].values.ndcg).toEqual([0.5, 0.25]);
    expect(parsed.relevance).toEqual({ minRating: 4 });
  });
});

describe('renderHtml', () => {
  const html = renderHtml(report, { references: { 'Surprise SVD': { rmse: 0.934 } } });

  it('draws one svg per reported metric plus the RMSE/fit-time scatter', () => {
    const charted = metricKeys(10).filter((key) =>
      report.results.some((r) => Number.isFinite(r.metrics[key])),
    );
    expect(charted).toEqual(['rmse', 'mae', 'precision@10', 'ndcg@10', 'fitSeconds']);
    expect(html.match(/<svg /g)).toHaveLength(charted.length + 1);
    // A bar per model in each metric chart: 3 rects in every one.
    const bars = html.split('<svg ').slice(1, -1);
    for (const svg of bars) expect(svg.match(/<rect /g)?.length ?? 0).toBe(svg.includes('n/a') ? 2 : 3);
    // Scatter: the two rating models have both RMSE and fit time.
    expect(
      html
        .split('<svg ')
        .at(-1)!
        .match(/<circle /g),
    ).toHaveLength(2);
    expect(html).toContain('fit seconds (log scale)');
  });

  it('names every model, escaped, and includes the references in the table', () => {
    expect(html).toContain('<td>svd</td>');
    expect(html).toContain('<td>baseline</td>');
    expect(html).toContain('a&lt;b&gt;&amp;&quot;c&quot;');
    expect(html).not.toContain('a<b>');
    expect(html).toContain('Surprise SVD (published)');
  });

  it('is self-contained: no URLs, scripts or external assets', () => {
    expect(html).not.toMatch(/https?:/i);
    expect(html).not.toMatch(/<script|<link|<img|src=|@import|url\(/i);
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<style>');
  });

  it('says so when no model has an RMSE to plot', () => {
    const rankingOnly = { ...report, results: [report.results[2]] };
    const page = renderHtml(rankingOnly);
    expect(page).toContain('no model reports both RMSE and fit seconds');
    expect(page.match(/<svg /g)).toHaveLength(3 + 1); // precision, ndcg, fitSeconds + scatter
  });
});

describe('ticks', () => {
  it('picks round steps inside the range', () => {
    expect(ticks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(ticks(0.87, 0.96)).toEqual([0.88, 0.9, 0.92, 0.94, 0.96]);
    expect(ticks(-1.3, 2.1)).toEqual([-1, 0, 1, 2]);
  });
});
