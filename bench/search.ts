/**
 * `npm run bench:search`: the search box on ml-latest-small with its TMDB content, scored against
 * the judged sets in test/data (written before any tuning; "dev" may be tuned on, "test" is what
 * the README reports): hit@10, precision@10 and MRR of BM25 alone, the fitted encoder alone and
 * their fusion; top-1 accuracy of the title matcher on misspelled, partial and article-moved
 * titles; query latency, index build time and memory. Writes bench/out/search.{json,md}.
 * `--split dev` scores only the dev prompts, per prompt, and writes nothing (the tuning loop);
 * BENCH_FUSION and BENCH_PARAMS (JSON) override fusion settings and content-model parameters.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { findSharedDatasets } from '../src/data/index.js';
import { loadMovieLens } from '../src/data/movielens.js';
import { quantile } from '../src/math/stats.js';
import { ContentModel } from '../src/models/content.js';
import type { SearchMode } from '../src/text/search.js';
import { TitleMatcher } from '../src/text/title-match.js';

interface Prompt {
  id: string;
  split: string;
  query: string;
  relevant: { movieId: number }[];
}
interface TitleQuery {
  query: string;
  split: string;
  kind: string;
  movieId: number;
}

// `--split dev` scores the dev prompts only, per prompt, and writes nothing: the tuning loop. The
// full run (no flag) reports both splits and writes bench/out.
const splitArg = process.argv.indexOf('--split');
const only = splitArg >= 0 ? process.argv[splitArg + 1] : undefined;
if (only !== undefined && only !== 'dev')
  throw new Error('bench:search --split takes only "dev": test figures come from the full run');
const shared = findSharedDatasets();
if (shared === null) throw new Error('bench:search needs ../shared/datasets (ml-latest-small and tmdb)');
const prompts: Prompt[] = JSON.parse(readFileSync('test/data/search-prompts.json', 'utf8')).prompts;
const titles: TitleQuery[] = JSON.parse(readFileSync('test/data/search-titles.json', 'utf8')).queries;

// Model settings to try on the dev prompts, e.g. BENCH_PARAMS='{"cfWeight":0.5}'.
const modelParams = JSON.parse(process.env.BENCH_PARAMS ?? '{}');
const dataset = await loadMovieLens(`${shared}/ml-latest-small`, { tmdbDir: `${shared}/tmdb` });
let started = performance.now();
const model = await new ContentModel(modelParams).fit(dataset.ratings, { movies: dataset.movies });
const buildSeconds = (performance.now() - started) / 1000;
// The index's own arrays (what its artifact stores) and the process's resident size after the build:
// a heap delta would mostly measure when the collector last ran.
const indexMb = Object.values(model.state().arrays).reduce((sum, a) => sum + a.byteLength, 0) / 2 ** 20;
const rssMb = process.memoryUsage().rss / 2 ** 20;
// Fusion settings to try on the dev prompts, e.g. BENCH_FUSION='{"popularityWeight":1}'.
Object.assign(model.search.fusion, JSON.parse(process.env.BENCH_FUSION ?? '{}'));

const item = (movieId: number) => dataset.items.index(movieId);

type Scores = { prompts: number; hit10: number; p10: number; mrr: number };
const results: Record<string, Record<SearchMode, Scores>> = {};
for (const split of only === undefined ? ['dev', 'test'] : [only]) {
  const set = prompts.filter((p) => p.split === split);
  results[split] = {} as Record<SearchMode, Scores>;
  for (const mode of ['lexical', 'dense', 'fusion'] as const) {
    let hit = 0;
    let precision = 0;
    let mrr = 0;
    for (const prompt of set) {
      const relevant = new Set(prompt.relevant.map((r) => item(r.movieId)));
      const hits = await model.searchText(prompt.query, 10, { mode });
      const ranks = hits.map((h, r) => (relevant.has(h.item) ? r + 1 : 0)).filter((r) => r > 0);
      if (only !== undefined && mode === 'fusion')
        console.log(`  ${prompt.id.padEnd(24)} ${ranks.length}/10 first ${ranks[0] ?? '-'}`);
      if (ranks.length > 0) hit++;
      precision += ranks.length / 10;
      mrr += ranks.length > 0 ? 1 / ranks[0] : 0;
    }
    const n = set.length;
    results[split][mode] = { prompts: n, hit10: hit / n, p10: precision / n, mrr: mrr / n };
  }
}

if (only !== undefined) {
  for (const mode of ['lexical', 'dense', 'fusion'] as const) {
    const r = results[only][mode];
    console.log(
      `${only} ${mode.padEnd(8)} hit@10 ${(100 * r.hit10).toFixed(1)}% P@10 ${r.p10.toFixed(3)} MRR ${r.mrr.toFixed(3)}`,
    );
  }
  process.exit(0);
}

const counts = dataset.ratings.itemCounts();
started = performance.now();
const matcher = new TitleMatcher(
  dataset.movies.map((m, i) => ({ key: i, title: m.title, year: m.year, popularity: counts[i] })),
);
const titleBuildSeconds = (performance.now() - started) / 1000;
const titleResults: Record<string, { queries: number; top1: number; byKind: Record<string, string> }> = {};
for (const split of ['dev', 'test']) {
  const set = titles.filter((t) => t.split === split);
  const kinds: Record<string, [number, number]> = {};
  let right = 0;
  for (const t of set) {
    const ok = matcher.resolve(t.query).match?.key === item(t.movieId);
    if (ok) right++;
    else if (split === 'test')
      console.log(`  title miss: "${t.query}" → ${matcher.candidates(t.query, 1)[0]?.matched ?? 'none'}`);
    const [r, n] = kinds[t.kind] ?? [0, 0];
    kinds[t.kind] = [r + (ok ? 1 : 0), n + 1];
  }
  titleResults[split] = {
    queries: set.length,
    top1: right / set.length,
    byKind: Object.fromEntries(Object.entries(kinds).map(([k, [r, n]]) => [k, `${r}/${n}`])),
  };
}

// Latency: every prompt and title query, five rounds after one warm-up round.
const latency = async (queries: string[], run: (q: string) => Promise<unknown> | unknown) => {
  for (const q of queries) await run(q);
  const times: number[] = [];
  for (let round = 0; round < 5; round++) {
    for (const q of queries) {
      const t0 = performance.now();
      await run(q);
      times.push(performance.now() - t0);
    }
  }
  times.sort((a, b) => a - b);
  return { p50: quantile(times, 0.5), p99: quantile(times, 0.99), samples: times.length };
};
const promptTexts = prompts.map((p) => p.query);
const timing = {
  fusion: await latency(promptTexts, (q) => model.searchText(q, 10)),
  lexical: await latency(promptTexts, (q) => model.searchText(q, 10, { mode: 'lexical' })),
  dense: await latency(promptTexts, (q) => model.searchText(q, 10, { mode: 'dense' })),
  title: await latency(
    titles.map((t) => t.query),
    (q) => matcher.resolve(q),
  ),
};

const out = {
  date: new Date().toISOString(),
  node: process.version,
  catalog: dataset.movies.length,
  vectorIndex: model.search.index.kind,
  dims: model.search.index.dim,
  fusion: model.search.fusion,
  encoder: model.search.encoder.state.params,
  buildSeconds,
  titleBuildSeconds,
  indexMb,
  rssMb,
  prompts: results,
  titles: titleResults,
  latencyMs: timing,
};
writeFileSync('bench/out/search.json', `${JSON.stringify(out, null, 2)}\n`);
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const f3 = (x: number) => x.toFixed(3);
const lines = [
  `Search on ml-latest-small (${out.catalog} movies, ${out.vectorIndex} index, ${out.dims} dims); index build ${buildSeconds.toFixed(1)} s; index arrays ${indexMb.toFixed(0)} MB, process RSS ${rssMb.toFixed(0)} MB`,
  '',
  '| prompts | mode | hit@10 | P@10 | MRR |',
  '|---|---|---:|---:|---:|',
  ...['test', 'dev'].flatMap((split) =>
    (['lexical', 'dense', 'fusion'] as const).map((mode) => {
      const r = results[split][mode];
      const label = mode === 'lexical' ? 'BM25' : mode === 'dense' ? 'fitted encoder' : 'fusion';
      return `| ${split} (${r.prompts}) | ${label} | ${pct(r.hit10)} | ${f3(r.p10)} | ${f3(r.mrr)} |`;
    }),
  ),
  '',
  '| titles | top-1 | by kind |',
  '|---|---:|---|',
  ...['test', 'dev'].map((split) => {
    const r = titleResults[split];
    return `| ${split} (${r.queries}) | ${pct(r.top1)} | ${Object.entries(r.byKind)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')} |`;
  }),
  '',
  '| query latency | p50 ms | p99 ms |',
  '|---|---:|---:|',
  ...Object.entries(timing).map(([k, t]) => `| ${k} | ${t.p50.toFixed(2)} | ${t.p99.toFixed(2)} |`),
];
writeFileSync('bench/out/search.md', `${lines.join('\n')}\n`);
console.log(lines.join('\n'));
