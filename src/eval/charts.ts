/**
 * Inline SVG charts for the HTML report, drawn as strings: no chart library, no scripts, no
 * external references, so the report stays one self-contained file that opens anywhere.
 */

/** Tableau 10: distinguishable, colour-blind-aware, and the same model keeps its colour in every chart. */
export const PALETTE = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
];

/** Escape text for HTML and SVG content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Compact number text for labels: 4 significant digits, no exponent for everyday magnitudes. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return '–';
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e6)) return value.toExponential(2);
  return Number(value.toPrecision(4)).toString();
}

/** One bar: a model's value for a metric. Non-finite values are drawn as "n/a" without a bar. */
export interface Bar {
  label: string;
  value: number;
  color: string;
}

/** Horizontal bar chart, one bar per model, axis from 0 (or from the minimum when values go negative). */
export function barChart(title: string, bars: readonly Bar[]): string {
  const width = 560;
  const left = 150;
  const right = 70;
  const rowHeight = 22;
  const top = 8;
  const height = top * 2 + rowHeight * bars.length;
  const finite = bars.map((b) => b.value).filter(Number.isFinite);
  const max = Math.max(0, ...finite);
  const min = Math.min(0, ...finite);
  const span = max - min || 1;
  const scale = (v: number): number => left + ((v - min) / span) * (width - left - right);
  const rows = bars.map((bar, i) => {
    const y = top + i * rowHeight;
    const label = `<text x="${left - 8}" y="${y + 15}" text-anchor="end">${escapeHtml(bar.label)}</text>`;
    if (!Number.isFinite(bar.value)) {
      return `${label}<text x="${left + 4}" y="${y + 15}" class="muted">n/a</text>`;
    }
    const x0 = scale(Math.min(0, bar.value));
    const w = Math.max(1, Math.abs(scale(bar.value) - scale(0)));
    return (
      `${label}<rect x="${x0.toFixed(1)}" y="${y + 3}" width="${w.toFixed(1)}" height="${rowHeight - 6}" fill="${bar.color}">` +
      `<title>${escapeHtml(`${bar.label}: ${formatNumber(bar.value)}`)}</title></rect>` +
      `<text x="${(x0 + w + 4).toFixed(1)}" y="${y + 15}">${formatNumber(bar.value)}</text>`
    );
  });
  return svg(width, height, title, rows.join(''));
}

/** One labelled point of a scatter chart. */
export interface Point {
  label: string;
  x: number;
  y: number;
  color: string;
}

/**
 * Scatter of labelled points. The x axis turns logarithmic when x spans more than a factor of 20,
 * because fit times of simple and heavy models differ by orders of magnitude.
 */
export function scatterChart(
  title: string,
  points: readonly Point[],
  xLabel: string,
  yLabel: string,
): string {
  const width = 560;
  const height = 340;
  const m = { left: 64, right: 110, top: 16, bottom: 48 };
  const usable = points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  if (usable.length === 0) {
    return svg(
      width,
      60,
      title,
      `<text x="12" y="34" class="muted">no model reports both ${escapeHtml(yLabel)} and ${escapeHtml(xLabel)}</text>`,
    );
  }
  const xs = usable.map((p) => p.x);
  const ys = usable.map((p) => p.y);
  const log = Math.min(...xs) > 0 && Math.max(...xs) / Math.min(...xs) > 20;
  const tx = (v: number): number => (log ? Math.log10(v) : v);
  const [x0, x1] = padRange(Math.min(...xs.map(tx)), Math.max(...xs.map(tx)));
  const [y0, y1] = padRange(Math.min(...ys), Math.max(...ys));
  const px = (v: number): number => m.left + ((tx(v) - x0) / (x1 - x0)) * (width - m.left - m.right);
  const py = (v: number): number => height - m.bottom - ((v - y0) / (y1 - y0)) * (height - m.top - m.bottom);
  const parts: string[] = [];
  const axisY = height - m.bottom;
  parts.push(`<line x1="${m.left}" y1="${axisY}" x2="${width - m.right}" y2="${axisY}" class="axis"/>`);
  parts.push(`<line x1="${m.left}" y1="${m.top}" x2="${m.left}" y2="${axisY}" class="axis"/>`);
  for (const t of ticks(x0, x1)) {
    const x = m.left + ((t - x0) / (x1 - x0)) * (width - m.left - m.right);
    const text = formatNumber(log ? 10 ** t : t);
    parts.push(
      `<text x="${x.toFixed(1)}" y="${axisY + 16}" text-anchor="middle" class="muted">${text}</text>`,
    );
  }
  for (const t of ticks(y0, y1)) {
    const y = height - m.bottom - ((t - y0) / (y1 - y0)) * (height - m.top - m.bottom);
    parts.push(
      `<text x="${m.left - 6}" y="${(y + 4).toFixed(1)}" text-anchor="end" class="muted">${formatNumber(t)}</text>`,
    );
  }
  const xTitle = `${xLabel}${log ? ' (log scale)' : ''}`;
  parts.push(
    `<text x="${(m.left + width - m.right) / 2}" y="${height - 10}" text-anchor="middle">${escapeHtml(xTitle)}</text>`,
  );
  parts.push(
    `<text x="14" y="${(m.top + axisY) / 2}" text-anchor="middle" transform="rotate(-90 14 ${(m.top + axisY) / 2})">${escapeHtml(yLabel)}</text>`,
  );
  for (const p of usable) {
    const cx = px(p.x).toFixed(1);
    const cy = py(p.y).toFixed(1);
    parts.push(
      `<circle cx="${cx}" cy="${cy}" r="5" fill="${p.color}"><title>${escapeHtml(`${p.label}: ${yLabel} ${formatNumber(p.y)}, ${xLabel} ${formatNumber(p.x)}`)}</title></circle>`,
    );
    parts.push(
      `<text x="${(Number(cx) + 8).toFixed(1)}" y="${(Number(cy) + 4).toFixed(1)}">${escapeHtml(p.label)}</text>`,
    );
  }
  return svg(width, height, title, parts.join(''));
}

/** Widen a range by 8% each side (or ±0.5 when flat) so points never sit on the axes. */
function padRange(lo: number, hi: number): [number, number] {
  if (hi - lo < 1e-12) return [lo - 0.5, hi + 0.5];
  const pad = (hi - lo) * 0.08;
  return [lo - pad, hi + pad];
}

/** About five round tick values inside [lo, hi]. */
export function ticks(lo: number, hi: number): number[] {
  const raw = (hi - lo) / 5;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((f) => f * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + 1e-12; t += step) out.push(Number(t.toPrecision(12)));
  return out;
}

function svg(width: number, height: number, title: string, body: string): string {
  // No xmlns: inline SVG in HTML does not need one, and the report must not contain any URL.
  return `<svg viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(title)}">${body}</svg>`;
}
