/**
 * Vector index speed and memory: exact (DenseScorer scan) against HNSW (hnswlib-node) on random
 * Gaussian vectors (normalised by the index). Each (kind, size) runs in a child process of its own
 * so its RSS growth is not blurred by the previous run's garbage. Columns: build time; p50/p99 of
 * a top-10 query; recall@10 against exact; p50 of an upsert followed by a query (the exact kind
 * re-copies its rows into the scorer after every change); RSS growth of the built index (without
 * the input rows); size of `toState()`. HNSW is measured at each `--ef` (restored from its state).
 * I.i.d. random vectors have no low-dimensional structure: the worst case for HNSW recall.
 *
 *   npx tsx bench/vector-index.ts [--sizes 10000,100000] [--dim 64] [--queries 500] [--ef 100,400]
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Rng } from '../src/math/random.js';
import { buildVectorIndex, restoreVectorIndex, type VectorIndex } from '../src/text/vector-index.js';

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && at + 1 < process.argv.length ? process.argv[at + 1] : fallback;
}

const dim = Number(option('dim', '64'));
const queries = Number(option('queries', '500'));

function randomRows(n: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n * dim }, () => rng.normal());
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

function rssMb(): number {
  globalThis.gc?.();
  return process.memoryUsage().rss / 2 ** 20;
}

/** Top-10 latencies (ms, sorted) and the ids found, for every query. */
function timeQueries(index: VectorIndex, qs: Float32Array): { times: number[]; found: Int32Array[] } {
  const times: number[] = [];
  const found: Int32Array[] = [];
  index.search(qs.subarray(0, dim), 10);
  for (let i = 0; i < queries; i++) {
    const t = performance.now();
    found.push(index.search(qs.subarray(i * dim, (i + 1) * dim), 10).ids);
    times.push(performance.now() - t);
  }
  return { times: times.sort((a, b) => a - b), found };
}

/** One (kind, size): a JSON line per efSearch (one line for exact), for the parent. */
function child(kind: 'exact' | 'hnsw', size: number, efs: number[]): void {
  const keys = Int32Array.from({ length: size }, (_, i) => i);
  const rows = randomRows(size, 1);
  const qs = randomRows(queries, 2);
  const before = rssMb();
  let t = performance.now();
  const index = buildVectorIndex(keys, rows, {
    dim,
    exactUpTo: kind === 'exact' ? size : 0,
    efSearch: efs[0],
  });
  const buildMs = performance.now() - t;
  const first = timeQueries(index, qs);
  const memMb = rssMb() - before;
  const state = index.toState();
  const stateMb = Object.values(state.arrays).reduce((s, a) => s + a.byteLength, 0) / 2 ** 20;
  const exact = kind === 'exact' ? index : buildVectorIndex(keys, rows, { dim, exactUpTo: size });
  const truth = kind === 'exact' ? first.found : timeQueries(exact, qs).found;
  for (const ef of kind === 'exact' ? [0] : efs) {
    const { times, found } =
      ef === efs[0] || kind === 'exact'
        ? first
        : timeQueries(
            restoreVectorIndex({ meta: { ...state.meta, efSearch: ef }, arrays: state.arrays }),
            qs,
          );
    let hits = 0;
    for (let i = 0; i < queries; i++) {
      const want = new Set(truth[i]);
      for (const id of found[i]) hits += want.has(id) ? 1 : 0;
    }
    const p50 = percentile(times, 0.5);
    const p99 = percentile(times, 0.99);
    const recall = hits / (10 * queries);
    console.log(JSON.stringify({ kind, size, ef, buildMs, p50, p99, recall, memMb, stateMb }));
  }
  // Incremental updates: the exact kind re-copies its rows into the scorer after each change.
  const churn: number[] = [];
  const fresh = randomRows(50, 3);
  for (let i = 0; i < 50; i++) {
    t = performance.now();
    index.upsert(size + i, fresh.subarray(i * dim, (i + 1) * dim));
    index.search(qs.subarray(i * dim, (i + 1) * dim), 10);
    churn.push(performance.now() - t);
  }
  console.log(
    JSON.stringify({
      churn: percentile(
        churn.sort((a, b) => a - b),
        0.5,
      ),
    }),
  );
}

const efs = option('ef', '100,400').split(',').map(Number);
if (process.argv[2] === '--child') {
  child(process.argv[3] as 'exact' | 'hnsw', Number(process.argv[4]), efs);
} else {
  const sizes = option('sizes', '10000,100000').split(',').map(Number);
  const self = fileURLToPath(import.meta.url);
  const table: Record<string, string | number>[] = [];
  for (const size of sizes) {
    for (const kind of ['exact', 'hnsw']) {
      const flags = ['--dim', String(dim), '--queries', String(queries), '--ef', efs.join(',')];
      const args = [...process.execArgv, '--expose-gc', self, '--child', kind, String(size), ...flags];
      const lines = execFileSync(process.execPath, args).toString().trim().split('\n');
      const parsed = lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
      const churn = parsed.find((r) => 'churn' in r).churn;
      for (const r of parsed.filter((x) => 'kind' in x)) {
        table.push({
          index: r.kind === 'exact' ? 'exact' : `hnsw ef ${r.ef}`,
          items: r.size,
          'build s': r.buildMs / 1000,
          'p50 ms': r.p50,
          'p99 ms': r.p99,
          'recall@10': r.recall,
          'upsert+query ms': r.ef === efs[0] || r.kind === 'exact' ? churn : '',
          'RSS +MB': r.memMb,
          'state MB': r.stateMb,
        });
      }
    }
  }
  const fmt = (x: string | number) =>
    typeof x === 'number' && !Number.isInteger(x) ? x.toFixed(3) : String(x);
  const cols = Object.keys(table[0]);
  console.log(`dim ${dim}, ${queries} top-10 queries, m 16, efConstruction 200 (RSS/state: built index)`);
  console.log(`| ${cols.join(' | ')} |\n|${cols.map(() => '---').join('|')}|`);
  for (const r of table) console.log(`| ${cols.map((c) => fmt(r[c])).join(' | ')} |`);
}
