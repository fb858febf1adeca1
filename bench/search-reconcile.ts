// What keeping the content index in line with the catalog costs on ml-latest-small (with TMDB
// text): the fingerprint pass a reconcile makes over the whole catalog on every content install,
// re-indexing edited films into the overlay, and rebuilding the dense index as HNSW on a worker
// (the longest stall of the service's own thread while it runs). Prints a small table; run with
// `npx tsx bench/search-reconcile.ts`.
import { findSharedDatasets } from '../src/data/index.js';
import { loadMovieLens } from '../src/data/movielens.js';
import { quantile } from '../src/math/stats.js';
import { ContentModel, documentFingerprint } from '../src/models/content.js';
import { restoreTextSearch, textSearchState } from '../src/text/build.js';
import { movieDocument } from '../src/text/document.js';
import { rebuildOffThread } from '../src/text/vector-index-rebuild.js';

const shared = findSharedDatasets();
if (shared === null)
  throw new Error('bench/search-reconcile needs ../shared/datasets (ml-latest-small, tmdb)');
const dataset = await loadMovieLens(`${shared}/ml-latest-small`, { tmdbDir: `${shared}/tmdb` });
const model = await new ContentModel().fit(dataset.ratings, { movies: dataset.movies });
const n = dataset.movies.length;

const passes: number[] = [];
for (let k = 0; k < 5; k++) {
  const started = performance.now();
  let mix = 0;
  for (const movie of dataset.movies) mix ^= documentFingerprint(movie);
  passes.push(performance.now() - started + (mix === 0.5 ? 1 : 0));
}

const edits = 200;
let started = performance.now();
for (let i = 0; i < edits; i++) {
  const movie = { ...dataset.movies[i], overview: `${dataset.movies[i].overview ?? ''} edited` };
  model.search.upsert(i, movieDocument(movie), await model.encodeMovie(movie));
}
const upsertMs = (performance.now() - started) / edits;
const query = 'a heist crew plans one last job';
const queryMs: number[] = [];
for (let k = 0; k < 30; k++) {
  const t = performance.now();
  model.search.search(query, 10);
  queryMs.push(performance.now() - t);
}

// The same index, its threshold lowered so that it counts as outgrown.
const state = textSearchState(model.search);
const search = restoreTextSearch(
  { ...state.meta, index: { ...(state.meta.index as object), exactUpTo: n - 1 } },
  state.arrays,
);
let worst = 0;
let last = performance.now();
const timer = setInterval(() => {
  const now = performance.now();
  worst = Math.max(worst, now - last);
  last = now;
}, 5);
started = performance.now();
await search.rebuildIndex(rebuildOffThread);
const rebuildS = (performance.now() - started) / 1000;
clearInterval(timer);

const row = (name: string, value: string) => console.log(`| ${name} | ${value} |`);
console.log(`ml-latest-small + TMDB: ${n} films, dense dim ${model.search.index.dim}\n`);
console.log('| measure | value |\n|---|---|');
row(
  'fingerprint pass over the catalog (a reconcile with no edit), median of 5',
  `${quantile(Float64Array.from(passes), 0.5).toFixed(1)} ms`,
);
row(`re-index one edited film (encode + overlay upsert), mean of ${edits}`, `${upsertMs.toFixed(2)} ms`);
row(
  `fusion query p50 with ${edits} films in the overlay`,
  `${quantile(Float64Array.from(queryMs), 0.5).toFixed(1)} ms`,
);
row(`HNSW rebuild on a worker (${n} rows), wall`, `${rebuildS.toFixed(2)} s`);
row('longest stall of the main thread during it (5 ms timer)', `${worst.toFixed(0)} ms`);
row('kind after the rebuild', search.index.kind);
