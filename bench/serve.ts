/**
 * `npm run bench:serve`: the HTTP service under load from this separate process (autocannon on
 * loopback), with the same start-up and default model `npm start` serves, rate limits off.
 * Measures cold start (empty store → ready) and warm start, GET /recommendations/{userId} for
 * random ml-latest-small users, the same with 10% POST /ratings mixed in, GET /search with the
 * judged prompts and titles of test/data (the search box end to end: HTTP, validation, the title
 * matcher, the fused search), and POST /ratings alone on SQLite and on PostgreSQL. Writes bench/out/serve.json. `-- --seconds 10` sets each run's length.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';

const seconds = Number(process.argv[process.argv.indexOf('--seconds') + 1]) || 10;
const PG_URL = process.env.CINEREC_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const USERS = 610; // ml-latest-small's users are 1..610
const MOVIES = [1, 2, 3, 6, 10, 32, 47, 50, 110, 150, 260, 296, 318, 356, 480, 527, 589, 593, 1196, 2571];

interface Server {
  child: ChildProcess;
  url: string;
  readySeconds: number;
}

async function startServer(home: string, port: number, env: Record<string, string> = {}): Promise<Server> {
  const started = performance.now();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli/run.ts', 'serve', '--port', String(port)],
    {
      env: {
        ...process.env,
        CINEREC_HOME: home,
        CINEREC_RATE_LIMIT_READS: '0',
        CINEREC_RATE_LIMIT_WRITES: '0',
        CINEREC_LOG_LEVEL: 'warn',
        // The learned models would train in the background during the load runs; the figures are
        // of the core service, as every start before they are promoted serves it.
        CINEREC_BACKGROUND_MODELS: '',
        ...env,
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with code ${child.exitCode}`);
    try {
      const response = await fetch(`${url}/health/ready`);
      if (response.status === 200) break;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { child, url, readySeconds: (performance.now() - started) / 1000 };
}

async function stop(server: Server): Promise<void> {
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  server.child.kill('SIGTERM');
  await exited;
}

const random = (n: number) => Math.floor(Math.random() * n);
const readRequest = {
  method: 'GET' as const,
  setupRequest: (req: { path?: string }) => ({ ...req, path: `/recommendations/${1 + random(USERS)}?n=10` }),
};
const writeRequest = {
  method: 'POST' as const,
  headers: { 'content-type': 'application/json' },
  setupRequest: (req: object) => ({
    ...req,
    path: '/ratings',
    body: JSON.stringify({
      userId: 1 + random(USERS),
      movieId: MOVIES[random(MOVIES.length)],
      rating: (1 + random(10)) / 2,
    }),
  }),
};

// What people type in the search box: every judged prompt and title query, dev and test alike
// (nothing here is scored, so the split does not matter).
const searchTexts: string[] = [
  ...JSON.parse(readFileSync('test/data/search-prompts.json', 'utf8')).prompts.map(
    (p: { query: string }) => p.query,
  ),
  ...JSON.parse(readFileSync('test/data/search-titles.json', 'utf8')).queries.map(
    (t: { query: string }) => t.query,
  ),
];
const searchRequest = {
  method: 'GET' as const,
  setupRequest: (req: object) => ({
    ...req,
    path: `/search?n=10&q=${encodeURIComponent(searchTexts[random(searchTexts.length)])}`,
  }),
};

async function load(label: string, url: string, requests: object[], connections: number) {
  const result = await autocannon({ url, connections, duration: seconds, requests: requests as never });
  const row = {
    case: label,
    connections,
    requestsPerSecond: Math.round(result.requests.average),
    p50ms: result.latency.p50,
    p99ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
  console.log(
    `${label}: ${row.requestsPerSecond} req/s, p50 ${row.p50ms} ms, p99 ${row.p99ms} ms, non-2xx ${row.non2xx}, errors ${row.errors}`,
  );
  return row;
}

const rows: Record<string, unknown>[] = [];
const home = mkdtempSync(join(tmpdir(), 'cinerec-bench-serve-'));
try {
  let server = await startServer(home, 8765);
  console.log(`cold start (empty store → ready, SQLite): ${server.readySeconds.toFixed(1)} s`);
  rows.push({ case: 'cold start, SQLite', seconds: server.readySeconds });
  await stop(server);
  server = await startServer(home, 8765);
  console.log(`warm start: ${server.readySeconds.toFixed(2)} s`);
  rows.push({ case: 'warm start, SQLite', seconds: server.readySeconds });
  // Throughput and tail latency trade off with concurrency: report a moderate and a heavy load.
  rows.push(await load('GET /recommendations/{userId}, 10 connections', server.url, [readRequest], 10));
  rows.push(await load('GET /recommendations/{userId}, 32 connections', server.url, [readRequest], 32));
  rows.push(
    await load(
      'GET /recommendations with 10% POST /ratings, 10 connections',
      server.url,
      [...Array(9).fill(readRequest), writeRequest],
      10,
    ),
  );
  rows.push(
    await load('GET /search?q= (judged prompts and titles), 10 connections', server.url, [searchRequest], 10),
  );
  rows.push(await load('POST /ratings alone, SQLite', server.url, [writeRequest], 8));
  await stop(server);

  const schema = `cinerec_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  try {
    const pgHome = mkdtempSync(join(tmpdir(), 'cinerec-bench-pg-'));
    server = await startServer(pgHome, 8766, { DATABASE_URL: `${PG_URL}?schema=${schema}` });
    console.log(`cold start (empty store → ready, PostgreSQL): ${server.readySeconds.toFixed(1)} s`);
    rows.push({ case: 'cold start, PostgreSQL', seconds: server.readySeconds });
    rows.push(await load('POST /ratings alone, PostgreSQL', server.url, [writeRequest], 8));
    await stop(server);
    rmSync(pgHome, { recursive: true, force: true });
  } finally {
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.end();
  }
} finally {
  rmSync(home, { recursive: true, force: true });
}
mkdirSync('bench/out', { recursive: true });
writeFileSync(
  'bench/out/serve.json',
  `${JSON.stringify({ date: new Date().toISOString(), seconds, rows }, null, 2)}\n`,
);
