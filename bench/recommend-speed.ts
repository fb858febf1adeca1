/**
 * Model speed: SVD training time on one ml-100k fold (100 factors, 20 epochs; target < 1 s) and
 * the latency of one user's top-10 over a 10k-movie catalog (target < 1 ms), with the dense scoring
 * kernel alone (TypeScript vs WebAssembly, GFLOP/s). Writes bench/out/recommend-speed.json.
 *
 *   npx tsx bench/recommend-speed.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findSharedDatasets, generateSynthetic, loadMovieLens } from '../src/data/index.js';
import { Rng } from '../src/math/random.js';
import { DenseScorer, wasmUnavailableReason } from '../src/math/scoring.js';
import { createModel } from '../src/models/index.js';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

const rows: Record<string, unknown>[] = [];

const shared = findSharedDatasets();
if (shared === null) {
  console.log('ml-100k not found (../shared/datasets): skipping the SVD fit timing');
} else {
  const dataset = await loadMovieLens(join(shared, 'ml-100k'));
  const u1 = dataset.predefinedSplits?.find((s) => s.name === 'u1');
  if (u1 === undefined) throw new Error('ml-100k has no u1 split');
  for (const name of ['svd', 'svdpp']) {
    const times: number[] = [];
    for (let run = 0; run < 3; run++) {
      const model = createModel(name, { factors: 100, epochs: 20, seed: run + 1 });
      const started = performance.now();
      await model.fit(u1.train);
      times.push((performance.now() - started) / 1000);
    }
    const row = {
      case: `${name} fit, ml-100k u1.base (80k ratings), 100 factors, 20 epochs`,
      seconds: median(times),
      runs: times,
    };
    rows.push(row);
    console.log(`${row.case}: ${row.seconds.toFixed(3)} s (median of 3)`);
  }
}

// The dense kernel alone, 10k items × 100 factors (f32): 2·n·k flops per call.
{
  const n = 10_000;
  const k = 100;
  const rng = new Rng(1);
  const q = Float32Array.from({ length: n * k }, () => rng.normal());
  const v = Float32Array.from({ length: k }, () => rng.normal());
  const out = new Float32Array(n);
  const row: Record<string, unknown> = { case: `dense scoring kernel, ${n} × ${k} f32` };
  const parts: string[] = [];
  for (const [label, wasm] of [
    ['ts', false],
    ['wasm', true],
  ] as const) {
    const scorer = new DenseScorer(q, k, { wasm });
    if (wasm && !scorer.usesWasm) {
      parts.push(`wasm unavailable (${wasmUnavailableReason})`);
      continue;
    }
    for (let r = 0; r < 200; r++) scorer.scoreInto(v, out); // warm-up (JIT)
    const times: number[] = [];
    for (let r = 0; r < 1000; r++) {
      const started = performance.now();
      scorer.scoreInto(v, out);
      times.push(performance.now() - started);
    }
    const ms = median(times);
    row[`${label}Ms`] = ms;
    row[`${label}Gflops`] = (2 * n * k) / (ms * 1e6);
    parts.push(`${label} ${ms.toFixed(3)} ms (${((2 * n * k) / (ms * 1e6)).toFixed(1)} GFLOP/s)`);
  }
  rows.push(row);
  console.log(`${row.case}: ${parts.join(', ')} (median of 1000)`);
}

// A 10k-movie catalog: one user's full scoring, seen-filtering and top-10 selection.
const synthetic = generateSynthetic({ users: 5000, items: 10_000, ratings: 500_000, seed: 7 });
for (const [name, params] of [
  ['svd', { factors: 100, epochs: 5 }],
  ['als', { factors: 64, iterations: 3 }],
  ['itemknn', {}],
] as const) {
  const model = createModel(name, params);
  await model.fit(synthetic.ratings);
  const rng = new Rng(3);
  const latencies: number[] = [];
  for (let k = 0; k < 200; k++) model.recommend(rng.int(5000), { n: 10 }); // warm-up (JIT)
  for (let k = 0; k < 2000; k++) {
    const user = rng.int(5000);
    const started = performance.now();
    model.recommend(user, { n: 10 });
    latencies.push(performance.now() - started);
  }
  const row = {
    case: `${name} top-10 for one user over ${synthetic.ratings.nItems} movies`,
    p50ms: median(latencies),
    p99ms: quantile(latencies, 0.99),
  };
  rows.push(row);
  console.log(`${row.case}: p50 ${row.p50ms.toFixed(3)} ms, p99 ${row.p99ms.toFixed(3)} ms`);
}

mkdirSync('bench/out', { recursive: true });
writeFileSync(
  'bench/out/recommend-speed.json',
  `${JSON.stringify({ date: new Date().toISOString(), node: process.version, rows }, null, 2)}\n`,
);
