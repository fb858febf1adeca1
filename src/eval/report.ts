import { barChart, escapeHtml, PALETTE, scatterChart } from './charts.js';
import { type EvaluationReport, metricKeys } from './evaluate.js';

/** Published figures by row name (e.g. "Surprise SVD"), then by metric key (e.g. "rmse"). */
export type References = Record<string, Record<string, number>>;

/** Options of `formatTable` and `renderHtml`. */
export interface ReportOptions {
  /** Published figures shown as extra rows, marked "published" in the source column. */
  references?: References;
}

/** Metrics where lower is better; every other accuracy metric is higher-is-better. */
const LOWER_IS_BETTER = new Set(['rmse', 'mae', 'fitSeconds', 'predictSeconds']);

interface Row {
  name: string;
  source: 'cinerec' | 'published';
  metrics: Record<string, number>;
}

function rowsOf(report: EvaluationReport, references: References = {}): Row[] {
  return [
    ...report.results.map((r) => ({ name: r.model, source: 'cinerec' as const, metrics: r.metrics })),
    ...Object.entries(references).map(([name, metrics]) => ({ name, source: 'published' as const, metrics })),
  ];
}

/** The report's metric keys that at least one row has a finite value for, in table order. */
function columnsOf(report: EvaluationReport, rows: Row[]): string[] {
  const known = metricKeys(report.k);
  const extra = new Set<string>();
  for (const row of rows)
    for (const key of Object.keys(row.metrics)) if (!known.includes(key)) extra.add(key);
  return [...known, ...extra].filter((key) => rows.some((row) => Number.isFinite(row.metrics[key])));
}

/** The best measured value of a quality metric, when at least two models compete for it. */
function bestOf(report: EvaluationReport, key: string): number | undefined {
  if (
    key === 'fitSeconds' ||
    key === 'predictSeconds' ||
    ['coverage', 'novelty', 'diversity'].includes(key)
  ) {
    return undefined; // speed and beyond-accuracy metrics are trade-offs, not contests
  }
  const values = report.results.map((r) => r.metrics[key]).filter(Number.isFinite);
  if (values.length < 2) return undefined;
  return LOWER_IS_BETTER.has(key) ? Math.min(...values) : Math.max(...values);
}

function cell(key: string, value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '-';
  return key.endsWith('Seconds') ? value.toFixed(3) : value.toFixed(4);
}

function describe(report: EvaluationReport): string {
  const relevant =
    report.relevance === 'all' ? 'all test ratings' : `test ratings >= ${report.relevance.minRating}`;
  const folds = report.folds.length === 1 ? report.folds[0] : `${report.folds.length} folds`;
  return `${report.dataset} | protocol ${report.protocol} (${folds}) | k=${report.k} | seed ${report.seed} | relevant: ${relevant}`;
}

/**
 * Plain-text comparison table for the terminal: one row per model (and per published reference),
 * one column per metric that any row reports, numbers right-aligned, the best measured accuracy
 * value per column starred.
 */
export function formatTable(report: EvaluationReport, options: ReportOptions = {}): string {
  const rows = rowsOf(report, options.references);
  const columns = columnsOf(report, rows);
  const withSource = options.references !== undefined && Object.keys(options.references).length > 0;
  const header = ['model', ...(withSource ? ['source'] : []), ...columns];
  const best = new Map(columns.map((key) => [key, bestOf(report, key)]));
  const body = rows.map((row) => [
    row.name,
    ...(withSource ? [row.source] : []),
    ...columns.map((key) => {
      const value = row.metrics[key];
      const star = row.source === 'cinerec' && best.get(key) === value && Number.isFinite(value) ? '*' : ' ';
      return cell(key, value) + star;
    }),
  ]);
  const textColumns = withSource ? 2 : 1;
  const widths = header.map((h, c) =>
    Math.max(h.length + (c >= textColumns ? 1 : 0), ...body.map((r) => r[c].length)),
  );
  const line = (cells: string[]): string =>
    cells
      .map((text, c) => (c < textColumns ? text.padEnd(widths[c]) : text.padStart(widths[c])))
      .join('  ')
      .trimEnd();
  const out = [describe(report), '', line(header.map((h, c) => (c >= textColumns ? `${h} ` : h)))];
  out.push(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of body) out.push(line(r));
  const notes = ['* best measured value; - not reported'];
  const impossible = report.results.filter((r) => r.impossibleRate > 0);
  if (impossible.length > 0) {
    const parts = impossible.map((r) => `${r.model} ${(100 * r.impossibleRate).toFixed(2)}%`);
    notes.push(`predictions replaced by the train mean: ${parts.join(', ')}`);
  }
  return [...out, '', ...notes].join('\n');
}

/** The report as indented JSON: NaN and infinities become null, typed arrays plain arrays. */
export function toJson(report: EvaluationReport): string {
  return JSON.stringify(
    report,
    (_key, value: unknown) => {
      if (typeof value === 'number' && !Number.isFinite(value)) return null;
      if (ArrayBuffer.isView(value) && !(value instanceof DataView))
        return Array.from(value as unknown as number[]);
      return value;
    },
    2,
  );
}

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:1200px;padding:0 1rem;color:#222}
h1{font-size:1.4rem;margin-bottom:.2rem}h2{font-size:1.1rem;margin-top:2rem}h3{font-size:.95rem;margin:.2rem 0}
.meta{color:#666;margin-top:0}
table{border-collapse:collapse;font-variant-numeric:tabular-nums}
th,td{padding:.25rem .6rem;border-bottom:1px solid #e4e4e4;text-align:right;white-space:nowrap}
th:first-child,td:first-child{text-align:left}
tr.published td{color:#777;font-style:italic}
td.best{font-weight:600}
.charts{display:flex;flex-wrap:wrap;gap:1.2rem}
figure{margin:0;border:1px solid #eee;border-radius:6px;padding:.6rem}
svg text{font-size:12px;fill:#333}svg .muted{fill:#888}svg .axis{stroke:#999}
`;

/**
 * One self-contained HTML page: the comparison table, a bar chart per metric (one bar per
 * model), and a scatter of RMSE against fit time. Inline CSS and SVG only: no scripts, no
 * external assets, no URLs, so it can be mailed or archived as is.
 */
export function renderHtml(report: EvaluationReport, options: ReportOptions = {}): string {
  const rows = rowsOf(report, options.references);
  const columns = columnsOf(report, rows);
  const colour = new Map(report.results.map((r, i) => [r.model, PALETTE[i % PALETTE.length]]));
  const head = `<tr><th>model</th>${columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr>`;
  const body = rows
    .map((row) => {
      const cells = columns.map((key) => {
        const value = row.metrics[key];
        const best = row.source === 'cinerec' && Number.isFinite(value) && bestOf(report, key) === value;
        return `<td${best ? ' class="best"' : ''}>${cell(key, value)}</td>`;
      });
      const name = row.source === 'published' ? `${escapeHtml(row.name)} (published)` : escapeHtml(row.name);
      return `<tr class="${row.source}"><td>${name}</td>${cells.join('')}</tr>`;
    })
    .join('\n');
  const charts = metricKeys(report.k)
    .filter((key) => report.results.some((r) => Number.isFinite(r.metrics[key])))
    .map((key) => {
      const bars = report.results.map((r) => ({
        label: r.model,
        value: r.metrics[key],
        color: colour.get(r.model)!,
      }));
      const title = `${key}${LOWER_IS_BETTER.has(key) ? ' (lower is better)' : ''}`;
      return `<figure><h3>${escapeHtml(title)}</h3>${barChart(title, bars)}</figure>`;
    });
  const points = report.results.map((r) => ({
    label: r.model,
    x: r.metrics.fitSeconds,
    y: r.metrics.rmse,
    color: colour.get(r.model)!,
  }));
  const scatter = `<figure><h3>RMSE against fit time</h3>${scatterChart('RMSE against fit time', points, 'fit seconds', 'RMSE')}</figure>`;
  const title = `cinerec evaluation: ${report.dataset}, ${report.protocol}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p class="meta">${escapeHtml(describe(report))}</p>
<h2>Results</h2>
<table>
<thead>${head}</thead>
<tbody>
${body}
</tbody>
</table>
<p class="meta">Bold: best measured value. Metrics are means over folds; - means not reported.</p>
<h2>Metrics by model</h2>
<div class="charts">
${charts.join('\n')}
</div>
<h2>Accuracy against cost</h2>
<div class="charts">
${scatter}
</div>
</body>
</html>
`;
}
