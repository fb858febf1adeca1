/**
 * Data loading benchmark: `npx tsx bench/data-load.ts` times ml-latest-small (tags, links, TMDB)
 * and ml-100k from the shared datasets; `--big` also writes a 32M-row synthetic ratings.csv in the
 * ml-32m layout to the temp folder and loads it in a child process, measuring time and peak memory
 * (RSS sampled every 50 ms, and the kernel's maxRSS). Writes bench/out/data-load.json.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  findSharedDatasets,
  loadMovieLens,
  type MovieLensOptions,
  writeSyntheticCsv,
} from '../src/data/index.js';

interface Row {
  case: string;
  ms: number;
  /** All runs, ms; `ms` is their median. */
  runs?: number[];
  ratings: number;
  peakRssMb?: number;
  maxRssMb?: number;
  note?: string;
}

const BIG = { users: 200_000, items: 80_000, ratings: 32_000_000, seed: 32 };
const here = dirname(fileURLToPath(import.meta.url));

async function timeLoad(name: string, dir: string, options: MovieLensOptions, runs = 5): Promise<Row> {
  const times: number[] = [];
  let ratings = 0;
  for (let k = 0; k < runs; k++) {
    const started = performance.now();
    const data = await loadMovieLens(dir, options);
    times.push(performance.now() - started);
    ratings = data.ratings.size;
  }
  const sorted = [...times].sort((a, b) => a - b);
  return {
    case: name,
    ms: Math.round(sorted[sorted.length >> 1]),
    runs: times.map(Math.round),
    ratings,
    note: `first run ${Math.round(times[0])} ms`,
  };
}

/** Child-process mode: load one folder and print time and memory as JSON. */
async function measureLoad(dir: string): Promise<void> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
  const started = performance.now();
  const data = await loadMovieLens(dir, { name: 'synthetic-32m' });
  const ms = performance.now() - started;
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  const result = {
    ms: Math.round(ms),
    ratings: data.ratings.size,
    users: data.users.size,
    items: data.items.size,
    peakRssMb: Math.round(peak / 2 ** 20),
    maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

async function big(): Promise<Row[]> {
  const dir = join(tmpdir(), 'cinerec-bench-32m');
  const marker = join(dir, 'complete.json');
  const rows: Row[] = [];
  if (!existsSync(marker) || readFileSync(marker, 'utf8') !== JSON.stringify(BIG)) {
    const started = performance.now();
    const written = await writeSyntheticCsv(dir, BIG);
    writeFileSync(marker, JSON.stringify(BIG));
    const mb = statSync(written.ratingsFile).size / 2 ** 20;
    rows.push({
      case: 'write synthetic ratings.csv (32M rows)',
      ms: Math.round(performance.now() - started),
      ratings: written.rows,
      note: `${mb.toFixed(0)} MB`,
    });
  }
  const child = spawnSync(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(import.meta.url), '--measure-load', dir],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
      env: { ...process.env, CINEREC_LOG_LEVEL: 'error' },
    },
  );
  if (child.status !== 0) throw new Error(`load child failed (${child.status}): ${child.stderr}`);
  const result = JSON.parse(child.stdout.trim().split('\n').pop()!);
  rows.push({
    case: 'load synthetic ml-32m layout (child process)',
    ms: result.ms,
    ratings: result.ratings,
    peakRssMb: result.peakRssMb,
    maxRssMb: result.maxRssMb,
    note: `${result.users} users, ${result.items} items`,
  });
  return rows;
}

function printTable(rows: Row[]): void {
  const lines = [['case', 'ms', 'ratings', 'peak RSS MB', 'maxRSS MB', 'note']];
  for (const r of rows) {
    lines.push([
      r.case,
      String(r.ms),
      String(r.ratings),
      String(r.peakRssMb ?? ''),
      String(r.maxRssMb ?? ''),
      r.note ?? '',
    ]);
  }
  const widths = lines[0].map((_, c) => Math.max(...lines.map((l) => l[c].length)));
  for (const l of lines) process.stdout.write(`${l.map((cell, c) => cell.padEnd(widths[c])).join('  ')}\n`);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const measure = args.indexOf('--measure-load');
  if (measure >= 0) return measureLoad(args[measure + 1]);
  const rows: Row[] = [];
  const shared = findSharedDatasets();
  if (shared === null) {
    process.stdout.write('shared datasets not found beside the repository; skipping the MovieLens cases\n');
  } else {
    const tmdbDir = join(shared, 'tmdb');
    const small = join(shared, 'ml-latest-small');
    const ml100k = join(shared, 'ml-100k');
    rows.push(await timeLoad('ml-latest-small (tags, links)', small, {}));
    rows.push(await timeLoad('ml-latest-small (ratings only)', small, { withTags: false, withLinks: false }));
    rows.push(await timeLoad('ml-latest-small + TMDB', small, { tmdbDir }));
    rows.push(await timeLoad('ml-100k (with 7 predefined splits)', ml100k, {}));
    rows.push(await timeLoad('ml-100k (no splits)', ml100k, { withSplits: false }));
    rows.push(await timeLoad('ml-100k + TMDB title match', ml100k, { tmdbDir }));
  }
  if (args.includes('--big')) rows.push(...(await big()));
  printTable(rows);
  const outDir = join(here, 'out');
  mkdirSync(outDir, { recursive: true });
  const out = { date: new Date().toISOString(), node: process.version, cpus: 2, rows };
  writeFileSync(join(outDir, 'data-load.json'), `${JSON.stringify(out, null, 2)}\n`);
}

await main();
