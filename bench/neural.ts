/**
 * Neural hybrid benchmark (`npm run bench:neural`): RMSE of `neural` on ml-latest-small, `random`
 * protocol (seed 42, 20% test) through the evaluation harness; seconds per epoch on one and two
 * threads; and the same architecture in PyTorch on the same split (bench/neural_torch.py, run
 * with Debian's python3-torch when `/usr/bin/python3 -c 'import torch'` works). Writes
 * bench/out/neural.json and bench/out/neural.md.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSettings } from '../src/config.js';
import type { Dataset } from '../src/data/dataset.js';
import { findSharedDatasets, loadDatasetByName } from '../src/data/index.js';
import { evaluate, splitFolds } from '../src/eval/index.js';
import { Rng } from '../src/math/random.js';
import { NeuralModel } from '../src/models/index.js';
import { splitValidation } from '../src/models/neural.js';
import { fitFeatureSpace, itemFeatures } from '../src/models/neural-features.js';
import { neuralSchema } from '../src/models/neural-schema.js';
import type { Rows } from '../src/models/neural-train.js';

const TIMING_EPOCHS = Number(process.env.NEURAL_TIMING_EPOCHS ?? 3);

async function loadData(): Promise<{ dataset: Dataset; tmdb: boolean }> {
  const settings = loadSettings();
  settings.dataMirror ??= findSharedDatasets() ?? undefined;
  try {
    return { dataset: await loadDatasetByName('ml-latest-small', settings, { withTmdb: true }), tmdb: true };
  } catch (error) {
    console.error(`no TMDB metadata (${(error as Error).message}); numeric features will all be missing`);
    return { dataset: await loadDatasetByName('ml-latest-small', settings), tmdb: false };
  }
}

/**
 * RMSE on the test split of the default model fitted on the training part, predicting every pair
 * twice: as usual, and from the movie's content alone (`predictContent`, the path a film without
 * ratings takes).
 */
async function contentOnly(
  dataset: Dataset,
): Promise<{ rmse: number; contentRmse: number; baselineRmse: number }> {
  const [fold] = splitFolds(dataset, 'random', { seed: 42 });
  const model = await new NeuralModel().fit(fold.train, {
    movies: dataset.movies,
    itemGenres: dataset.movies.map((m) => m.genres),
  });
  const test = fold.test;
  const mu = fold.train.globalMean();
  let sse = 0;
  let sseContent = 0;
  let sseMean = 0;
  for (let k = 0; k < test.size; k++) {
    const full = model.predict(test.users[k], test.items[k]);
    const content = model.predictContent(test.users[k], dataset.movies[test.items[k]]);
    sse += ((full.ok ? full.value : mu) - test.ratings[k]) ** 2;
    sseContent += ((content.ok ? content.value : mu) - test.ratings[k]) ** 2;
    sseMean += (mu - test.ratings[k]) ** 2;
  }
  const r = (x: number) => Math.sqrt(x / test.size);
  return { rmse: r(sse), contentRmse: r(sseContent), baselineRmse: r(sseMean) };
}

/** Seconds per epoch of a fixed number of epochs (no early stop) on `threads` threads. */
async function epochSeconds(dataset: Dataset, threads: number): Promise<number[]> {
  const [fold] = splitFolds(dataset, 'random', { seed: 42 });
  const model = new NeuralModel({ threads, epochs: TIMING_EPOCHS, patience: 0 });
  await model.fit(fold.train, { movies: dataset.movies, itemGenres: dataset.movies.map((m) => m.genres) });
  return model.lastFit?.epochSeconds ?? [];
}

function writeRows(path: string, rows: Rows): void {
  const out = new Int32Array(rows.ratings.length * 3);
  const f = new Float32Array(out.buffer);
  for (let k = 0; k < rows.ratings.length; k++) {
    out[3 * k] = rows.users[k];
    out[3 * k + 1] = rows.items[k];
    f[3 * k + 2] = rows.ratings[k];
  }
  writeFileSync(path, out);
}

/** The split, the items' feature rows and the settings the PyTorch script trains on. */
function exportForTorch(dataset: Dataset, dir: string): void {
  const [fold] = splitFolds(dataset, 'random', { seed: 42 });
  const p = new NeuralModel().params;
  const train = fold.train;
  const { fit, validation } = splitValidation(train, p.validationFraction, new Rng(p.seed));
  writeRows(join(dir, 'fit.bin'), fit);
  writeRows(join(dir, 'valid.bin'), validation);
  writeRows(join(dir, 'test.bin'), {
    users: fold.test.users,
    items: fold.test.items,
    ratings: fold.test.ratings,
  });
  const itemGenres = dataset.movies.map((m) => m.genres);
  const space = fitFeatureSpace(train, dataset.movies, itemGenres);
  const features = itemFeatures(space, train.nItems, dataset.movies, itemGenres);
  const rows = new Float32Array(train.nItems * (features.genreWidth + 10));
  for (let i = 0; i < train.nItems; i++) {
    rows.set(
      features.genres.subarray(i * features.genreWidth, (i + 1) * features.genreWidth),
      i * (features.genreWidth + 10),
    );
    rows.set(
      features.numeric.subarray(i * 10, (i + 1) * 10),
      i * (features.genreWidth + 10) + features.genreWidth,
    );
  }
  writeFileSync(join(dir, 'items.bin'), rows);
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  let sum = 0;
  for (const r of fit.ratings) sum += r;
  for (const r of train.ratings) {
    lo = Math.min(lo, r);
    hi = Math.max(hi, r);
  }
  const config = {
    ...p,
    nUsers: train.nUsers,
    nItems: train.nItems,
    hidden: [p.layer1, p.layer2].filter((w) => w > 0),
    mu: sum / fit.ratings.length,
    clamp: [lo, hi],
    threads: 2,
  };
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
}

function torchAvailable(): boolean {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

async function main(): Promise<void> {
  const loadBefore = loadavg();
  const { dataset, tmdb } = await loadData();
  const started = performance.now();
  const report = await evaluate(dataset, { protocol: 'random', seed: 42, models: [{ name: 'neural' }] });
  const evalSeconds = (performance.now() - started) / 1000;
  const result = report.results[0];
  console.log(`neural on ml-latest-small random (seed 42): RMSE ${result.metrics.rmse.toFixed(4)}`);
  const content = await contentOnly(dataset);
  console.log(
    `content only (movie embedding off): RMSE ${content.contentRmse.toFixed(4)} (with it ${content.rmse.toFixed(4)}, global mean ${content.baselineRmse.toFixed(4)})`,
  );
  const one = await epochSeconds(dataset, 1);
  const two = await epochSeconds(dataset, 2);
  console.log(`seconds per epoch: 1 thread ${mean(one).toFixed(2)}, 2 threads ${mean(two).toFixed(2)}`);
  const torchRuns: Record<string, unknown>[] = [];
  if (process.env.NEURAL_SKIP_TORCH === '1') {
    console.log('PyTorch comparison skipped: NEURAL_SKIP_TORCH=1');
  } else if (torchAvailable()) {
    const dir = mkdtempSync(join(tmpdir(), 'cinerec-neural-torch-'));
    try {
      exportForTorch(dataset, dir);
      for (const variant of ['dense', 'sparse']) {
        const out = execFileSync('/usr/bin/python3', ['bench/neural_torch.py', dir, variant], {
          encoding: 'utf8',
        });
        const run = JSON.parse(out.trim().split('\n').at(-1) as string);
        console.log(`PyTorch (${variant}): ${JSON.stringify(run)}`);
        torchRuns.push(run);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  } else {
    console.log(
      "PyTorch comparison skipped: /usr/bin/python3 -c 'import torch' fails (apt-get install python3-torch)",
    );
  }
  const defaults = Object.fromEntries(Object.entries(neuralSchema).map(([k, s]) => [k, s.default]));
  const out = {
    dataset: 'ml-latest-small',
    protocol: 'random',
    seed: 42,
    tmdb,
    rmse: result.metrics.rmse,
    mae: result.metrics.mae,
    fitSeconds: result.metrics.fitSeconds,
    evaluateSeconds: evalSeconds,
    contentOnly: content,
    epochSeconds: { oneThread: one, twoThreads: two, timingEpochs: TIMING_EPOCHS },
    torch: torchRuns,
    params: defaults,
    machine: { cpus: cpus().length, loadavgBefore: loadBefore, loadavgAfter: loadavg() },
  };
  mkdirSync('bench/out', { recursive: true });
  writeFileSync('bench/out/neural.json', `${JSON.stringify(out, null, 2)}\n`);
  const torchRows =
    torchRuns.length === 0
      ? ['| PyTorch (same architecture) | skipped: no torch | | |']
      : torchRuns.map(
          (torch) =>
            `| PyTorch ${torch.torch} (same architecture, ${torch.variant} embeddings, ${torch.threads} threads) | ${Number(torch.testRmse).toFixed(4)} | ${Number(torch.secondsPerEpoch).toFixed(2)} (fastest ${Math.min(...(torch.epochSeconds as number[])).toFixed(2)}) | ${torch.bestEpoch} of ${torch.epochs} |`,
        );
  const md = [
    '# neural: ml-latest-small, `random` protocol (seed 42, 20% test)',
    '',
    `TMDB features: ${tmdb ? 'yes' : 'no'}. Load average before / after: ${loadBefore.map((x) => x.toFixed(2)).join(' ')} / ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')} on ${cpus().length} cores.`,
    '',
    '| what | test RMSE | s / epoch | best epoch |',
    '|---|---:|---:|---:|',
    `| cinerec \`neural\` (evaluation harness, default threads) | ${result.metrics.rmse.toFixed(4)} | | |`,
    `| cinerec \`neural\`, 1 thread (${TIMING_EPOCHS} epochs) | | ${mean(one).toFixed(2)} | |`,
    `| cinerec \`neural\`, 2 threads (${TIMING_EPOCHS} epochs) | | ${mean(two).toFixed(2)} | |`,
    ...torchRows,
    '',
    `Content only (every test pair predicted by \`predictContent\`, the movie embedding and bias off): RMSE ${content.contentRmse.toFixed(4)}; with the embedding ${content.rmse.toFixed(4)}; the global mean ${content.baselineRmse.toFixed(4)}.`,
    '',
  ].join('\n');
  writeFileSync('bench/out/neural.md', md);
  process.stdout.write(`\n${md}`);
}

await main();
