// End-to-end tests of the `cinerec` CLI's happy paths, run in-process through runCli. Each test
// gets its own CINEREC_HOME; MovieLens data comes from the shared offline datasets
// (../shared/datasets), so those tests are skipped where it is absent.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findSharedDatasets } from '../src/data/index.js';
import { modelEntry, modelNames } from '../src/models/index.js';
import { cli, expectRefused, home, importOwn, type Run, useTempHome } from './cli-harness.js';

const shared = findSharedDatasets();
useTempHome();

/** Imports `mine`, evaluates `models` on it with the random protocol, and checks it succeeded. */
async function evaluateMine(models: string, ...extra: string[]): Promise<Run> {
  await importOwn();
  const run = await cli(
    'evaluate',
    '--dataset',
    'mine',
    '--protocol',
    'random',
    '--models',
    models,
    ...extra,
  );
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return run;
}

describe('cinerec happy paths', () => {
  it('models lists every registered model with its parameters', async () => {
    const run = await cli('models');
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const names = modelNames();
    expect(names).toEqual(expect.arrayContaining(['popularity', 'baseline', 'itemknn']));
    const listed = run.stdout.split('\n').filter((line) => /^\S/.test(line));
    expect(listed.map((line) => line.split(' ')[0])).toEqual(names);
    for (const name of names) {
      const entry = modelEntry(name);
      expect(run.stdout).toContain(`${name} (${entry.kind}): ${entry.description}\n`);
      for (const param of Object.keys(entry.schema))
        expect(run.stdout).toMatch(new RegExp(`^ {4}${param} = `, 'm'));
    }
  });

  it('--help and --version print to stdout and succeed', async () => {
    const help = await cli('evaluate', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--protocol <protocol>');
    const version = await cli('--version');
    expect([version.code, version.stdout]).toEqual([0, '0.1.0\n']);
  });

  it.skipIf(!shared)('data info ml-latest-small prints counts, scale and coverage', async () => {
    const run = await cli('data', 'info', 'ml-latest-small');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^ml-latest-small: 100836 ratings, 610 users, 9742 movies\nrating scale 0\.5–5, step 0\.5\ncoverage per field:\n/,
    );
    expect(run.stdout).toMatch(/^ {2}year +99\.9%$/m);
    expect(run.stdout).toMatch(/^ {2}imdbId +100\.0%$/m);
    expect(run.stdout).toMatch(/^ {2}tags +16\.1%$/m);
    const coverage = run.stdout.split('coverage per field:\n')[1].trimEnd().split('\n');
    expect(coverage.length).toBeGreaterThan(5);
    for (const line of coverage) expect(line).toMatch(/^ {2}\w+ +\d{1,3}\.\d%$/);
  });

  it('imports string ids on a 1–10 scale, evaluates them and writes the documented JSON', async () => {
    const json = join(home(), 'out.json');
    const run = await evaluateMine('baseline,popularity', '--json', json);
    expect(run.stdout).toMatch(/^mine \| protocol random/);
    expect(run.stdout).toMatch(/^baseline +\d/m);
    expect(run.stdout).toMatch(/^popularity +\d/m);
    const report = JSON.parse(readFileSync(json, 'utf8'));
    expect(report).toMatchObject({ dataset: 'mine', protocol: 'random', k: 10, seed: 42 });
    expect(report.results.map((r: { model: string }) => r.model)).toEqual(['baseline', 'popularity']);
    expect(report.results[0].params).toEqual({ epochs: 10, regUser: 15, regItem: 10 });
    for (const result of report.results) {
      expect(typeof result.params).toBe('object');
      for (const key of [
        'rmse',
        'mae',
        'precision@10',
        'recall@10',
        'ndcg@10',
        'map@10',
        'hit@10',
        'mrr@10',
      ]) {
        expect(typeof result.metrics[key], key).toBe('number');
        expect(Number.isFinite(result.metrics[key]), key).toBe(true);
      }
    }
    // RMSE on a 1–10 scale: the imported scale was used, not MovieLens'.
    expect(report.results[0].metrics.rmse).toBeGreaterThan(0);
    expect(report.results[0].metrics.rmse).toBeLessThan(9);
  });

  it('evaluate --html writes a self-contained page', async () => {
    const html = join(home(), 'report.html');
    await evaluateMine('baseline', '--html', html);
    const page = readFileSync(html, 'utf8');
    expect(page).toMatch(/^<!doctype html>/i);
    expect(page).toContain('<svg');
    expect(page).toContain('baseline');
    expect(page).not.toMatch(/<script|<link|<img|src=|https?:\/\//i);
  });

  it('trains on an import and recommends for a string user id', async () => {
    await importOwn();
    const artifact = join(home(), 'mine.cinerec');
    const train = await cli('train', '--dataset', 'mine', '--model', 'popularity', '--out', artifact);
    expect(train.stderr).toBe('');
    expect(train.code).toBe(0);
    const run = await cli('recommend', '--artifact', artifact, '--user', 'user-3', '--n', '3');
    expect(run.stderr).toBe('');
    expect(run.stdout.trimEnd().split('\n')).toHaveLength(3);
    expect(run.stdout).toMatch(/^ {2}1\. +[\d.-]+ {2}film-\d+ \[\]$/m);
  });

  it.skipIf(!shared)(
    'trains baseline on ml-100k, recommends 5 movies, refuses a corrupted artifact',
    async () => {
      const artifact = join(home(), 'baseline.cinerec');
      const train = await cli('train', '--dataset', 'ml-100k', '--model', 'baseline', '--out', artifact);
      expect(train.stderr).toBe('');
      expect(train.code).toBe(0);
      expect(JSON.parse(train.stdout)).toMatchObject({
        model: 'baseline',
        artifact,
        sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      });

      const run = await cli('recommend', '--artifact', artifact, '--user', '1', '--n', '5');
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const lines = run.stdout.trimEnd().split('\n');
      expect(lines).toHaveLength(5);
      for (const [k, line] of lines.entries()) {
        expect(line).toMatch(new RegExp(`^ {2}${k + 1}\\. +\\d+\\.\\d{3} {2}\\S.* \\[.*\\]$`));
      }

      const bytes = readFileSync(artifact);
      bytes[bytes.length - 100] ^= 0xff;
      const corrupt = join(home(), 'corrupt.cinerec');
      writeFileSync(corrupt, bytes);
      expectRefused(
        await cli('recommend', '--artifact', corrupt, '--user', '1'),
        /^cinerec: artifact .*corrupt\.cinerec: checksum mismatch/,
      );
      const truncated = join(home(), 'truncated.cinerec');
      writeFileSync(truncated, bytes.subarray(0, bytes.length >> 1));
      expectRefused(await cli('recommend', '--artifact', truncated, '--user', '1'), 'truncated.cinerec');
      expectRefused(
        await cli('recommend', '--artifact', join(home(), 'none.cinerec'), '--user', '1'),
        'none.cinerec',
      );
      expectRefused(
        await cli('recommend', '--artifact', artifact, '--user', '99999'),
        "unknown user '99999' in ml-100k",
      );
      expectRefused(
        await cli('recommend', '--artifact', artifact, '--user', '1', '--n', '0'),
        "error: option '--n <n>'",
      );

      // A newcomer known by liked movies: the proxy user is the one who rated most of them.
      const liked = await cli(
        'recommend',
        '--artifact',
        artifact,
        '--liked',
        '50,181,172',
        '--method',
        'proxy-user',
        '--n',
        '4',
      );
      expect(liked.code).toBe(0);
      const [proxyLine, ...movies] = liked.stdout.trimEnd().split('\n');
      expect(proxyLine).toMatch(/^proxy user \d+: rated 3 of the movies, mean \d\.\d{2}$/);
      expect(movies).toHaveLength(4);
      for (const title of ['Star Wars', 'Return of the Jedi', 'Empire Strikes Back']) {
        expect(liked.stdout).not.toContain(title);
      }
      const folded = await cli('recommend', '--artifact', artifact, '--liked', '50,181', '--n', '3');
      expect(folded.stdout.trimEnd().split('\n')).toHaveLength(3);
      expectRefused(
        await cli('recommend', '--artifact', artifact, '--liked', '50,999999'),
        "unknown movie id '999999'",
      );
      expectRefused(
        await cli(
          'recommend',
          '--artifact',
          artifact,
          '--liked',
          Array.from({ length: 21 }, (_, k) => k + 1).join(','),
        ),
        '--liked takes 1 to 20 movie ids, got 21',
      );
      expectRefused(await cli('recommend', '--artifact', artifact), 'give exactly one of --user and --liked');
    },
  );
});
