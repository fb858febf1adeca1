// End-to-end tests of the `cinerec` CLI, run in-process through runCli (one child process checks
// the real exit code). Each test gets its own CINEREC_HOME; MovieLens data comes from the shared
// offline datasets (../shared/datasets), so those tests are skipped where it is absent.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../src/cli/main.js';
import { DATASET_NAMES, findSharedDatasets } from '../src/data/index.js';
import { PROTOCOLS } from '../src/eval/index.js';
import { modelEntry, modelNames } from '../src/models/index.js';

const root = resolve(import.meta.dirname, '..');
const shared = findSharedDatasets();
const savedEnv = { home: process.env.CINEREC_HOME, mirror: process.env.CINEREC_DATA_MIRROR };
let home = '';

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'cinerec-cli-'));
  process.env.CINEREC_HOME = home;
  delete process.env.CINEREC_DATA_MIRROR; // the CLI then takes ../shared/datasets as its mirror
});

afterEach(() => {
  restoreEnv('CINEREC_HOME', savedEnv.home);
  restoreEnv('CINEREC_DATA_MIRROR', savedEnv.mirror);
  process.exitCode = undefined;
  rmSync(home, { recursive: true, force: true });
});

function restoreEnv(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `cinerec …args` in-process, with stdout and stderr captured. */
async function cli(...args: string[]): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const text = (chunk: unknown) =>
    typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString();
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
    out.push(text(chunk));
    return true;
  });
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: unknown) => {
    err.push(text(chunk));
    return true;
  });
  process.exitCode = undefined;
  try {
    await runCli(['node', 'cinerec', ...args]);
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = undefined;
  return { code, stdout: out.join(''), stderr: err.join('') };
}

/**
 * A bad-input run: non-zero exit, nothing on stdout, and on stderr exactly one line, `cinerec: …`
 * or commander's `error: …`, matching `message`, with no stack trace.
 */
function expectRefused(run: Run, message: RegExp | string): void {
  expect(run.stderr).not.toContain('    at ');
  const lines = run.stderr.trimEnd().split('\n');
  expect(lines, run.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^(cinerec|error): /);
  if (typeof message === 'string') expect(lines[0]).toContain(message);
  else expect(lines[0]).toMatch(message);
  expect(run.code).not.toBe(0);
  expect(run.stdout).toBe('');
}

/** Writes `content` to `name` under the test's home and returns the path. */
function file(name: string, content: string | Buffer): string {
  const path = join(home, 'in', name);
  mkdirSync(join(home, 'in'), { recursive: true });
  writeFileSync(path, content);
  return path;
}

/** 24 users × 10 of 30 films each, string ids, ratings 1–10 on a `;`-separated file. */
function ownRatings(): string {
  const rows = ['who;what;score;when'];
  for (let u = 0; u < 24; u++) {
    for (let k = 0; k < 10; k++) {
      const film = (u * 7 + k * 3) % 30;
      rows.push(`user-${u};film-${film};${1 + ((u + film) % 10)};${1_700_000_000 + u * 100 + k}`);
    }
  }
  return `${rows.join('\n')}\n`;
}

async function importOwn(name = 'mine'): Promise<void> {
  const run = await cli(
    'import',
    '--ratings',
    file('mine.csv', ownRatings()),
    '--map',
    'user=who,item=what,rating=score,time=when',
    '--name',
    name,
  );
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  expect(run.stdout).toContain(`${name}: 240 ratings, 24 users, 30 movies\nrating scale 1–10, step 1\n`);
  expect(run.stdout).toContain(`saved as '${name}'`);
}

/** A MovieLens CSV release folder in the dataset cache, under the name `ml-latest-small`. */
function cachedMovieLens(ratings: string): string {
  const dir = join(home, 'datasets', 'ml-latest-small');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'movies.csv'),
    'movieId,title,genres\n1,Toy Story (1995),Animation\n2,Heat (1995),Action\n',
  );
  writeFileSync(join(dir, 'ratings.csv'), ratings);
  writeFileSync(join(dir, 'tags.csv'), 'userId,movieId,tag,timestamp\n');
  writeFileSync(join(dir, 'links.csv'), 'movieId,imdbId,tmdbId\n');
  return join(dir, 'ratings.csv');
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
    await importOwn();
    const json = join(home, 'out.json');
    const run = await cli(
      'evaluate',
      '--dataset',
      'mine',
      '--protocol',
      'random',
      '--models',
      'baseline,popularity',
      '--json',
      json,
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
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
    await importOwn();
    const html = join(home, 'report.html');
    const run = await cli(
      'evaluate',
      '--dataset',
      'mine',
      '--protocol',
      'random',
      '--models',
      'baseline',
      '--html',
      html,
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const page = readFileSync(html, 'utf8');
    expect(page).toMatch(/^<!doctype html>/i);
    expect(page).toContain('<svg');
    expect(page).toContain('baseline');
    expect(page).not.toMatch(/<script|<link|<img|src=|https?:\/\//i);
  });

  it('trains on an import and recommends for a string user id', async () => {
    await importOwn();
    const artifact = join(home, 'mine.cinerec');
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
      const artifact = join(home, 'baseline.cinerec');
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
      const corrupt = join(home, 'corrupt.cinerec');
      writeFileSync(corrupt, bytes);
      expectRefused(
        await cli('recommend', '--artifact', corrupt, '--user', '1'),
        /^cinerec: artifact .*corrupt\.cinerec: checksum mismatch/,
      );
      const truncated = join(home, 'truncated.cinerec');
      writeFileSync(truncated, bytes.subarray(0, bytes.length >> 1));
      expectRefused(await cli('recommend', '--artifact', truncated, '--user', '1'), 'truncated.cinerec');
      expectRefused(
        await cli('recommend', '--artifact', join(home, 'none.cinerec'), '--user', '1'),
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

describe('cinerec refuses bad input with one clear line', () => {
  it('an unknown dataset, listing the known names', async () => {
    const known = `known datasets: ${DATASET_NAMES.join(', ')}`;
    expectRefused(await cli('data', 'info', 'ml-nope'), `cinerec: unknown dataset 'ml-nope'; ${known}`);
    expectRefused(await cli('evaluate', '--dataset', 'nope', '--models', 'baseline'), known);
    expectRefused(await cli('train', '--dataset', 'nope', '--model', 'baseline'), known);
  });

  it('an unknown model, listing the known ones, before any data is loaded', async () => {
    const known = `(known: ${modelNames().join(', ')})`;
    expectRefused(
      await cli('evaluate', '--dataset', 'nope', '--models', 'baseline,nope'),
      `cinerec: unknown model 'nope' ${known}`,
    );
    expectRefused(
      await cli('train', '--dataset', 'nope', '--model', 'nope'),
      `unknown model 'nope' ${known}`,
    );
  });

  it('an unknown protocol, an unknown option, a missing option (commander)', async () => {
    expectRefused(
      await cli('evaluate', '--dataset', 'ml-100k', '--models', 'baseline', '--protocol', 'foo'),
      `error: option '--protocol <protocol>' argument 'foo' is invalid. Allowed choices are ${PROTOCOLS.join(', ')}.`,
    );
    expectRefused(
      await cli('evaluate', '--dataset', 'ml-100k', '--models', 'baseline', '--frob'),
      "error: unknown option '--frob'",
    );
    expectRefused(
      await cli('evaluate', '--models', 'baseline'),
      "error: required option '--dataset <name>' not specified",
    );
    expectRefused(await cli('frobnicate'), "error: unknown command 'frobnicate'");
    expectRefused(await cli('data', 'info'), "error: missing required argument 'name'");
  });

  it('a malformed or truncated CSV, naming file:line', async () => {
    const map = ['--map', 'user=uid,item=mid,rating=stars'];
    const quote = file('quote.csv', 'uid,mid,stars\nu1,m1,4\nu2,"m2,3\nu3,m3,5\n');
    expectRefused(
      await cli('import', '--ratings', quote, ...map),
      `cinerec: ${quote}:3: quoted field is never closed`,
    );
    const wide = file('wide.csv', 'uid,mid,stars\nu1,m1,4\nu2,m2,3,9\n');
    expectRefused(
      await cli('import', '--ratings', wide, ...map),
      `${wide}:3: 4 fields, but the header has 3`,
    );
    const cut = file('cut.csv', 'uid,mid,stars\nu1,m1,4\nu2,m');
    expectRefused(await cli('import', '--ratings', cut, ...map), `${cut}:3: 2 fields, but the header has 3`);
    const text = file('text.csv', 'uid,mid,stars\nu1,m1,4\nu2,m2,abc\n');
    expectRefused(
      await cli('import', '--ratings', text, ...map),
      `${text}:3: rating "abc" in column 'stars' is not a number`,
    );
    const catalog = file('catalog.csv', 'mid,title,genres\nm1,Heat (1995),Action\nm2,Up, (2009),Animation\n');
    const good = file('good.csv', 'uid,mid,stars\nu1,m1,4\n');
    expectRefused(
      await cli('import', '--ratings', good, '--movies', catalog, ...map),
      `${catalog}:3: 4 fields, but the header has 3`,
    );
    const ratings = cachedMovieLens('userId,movieId,rating,timestamp\n1,1,4.0,964982703\n1,2,3.5');
    expectRefused(
      await cli('data', 'info', 'ml-latest-small'),
      `${ratings}:3: expected numeric user, movie, rating and timestamp`,
    );
    expectRefused(
      await cli('import', '--ratings', join(home, 'none.csv'), ...map),
      'none.csv does not exist',
    );
  });

  it('a missing or unmapped column, naming it and listing the header', async () => {
    const ratings = file('r.csv', 'uid,mid,stars,ts\nu1,m1,4,1\n');
    expectRefused(
      await cli('import', '--ratings', ratings, '--map', 'user=uid,item=movie'),
      `${ratings}: column 'movie' (map.item) is not in the header; columns: uid, mid, stars, ts`,
    );
    expectRefused(
      await cli('import', '--ratings', ratings, '--map', 'user=uid'),
      "'item=<column>' is required",
    );
    expectRefused(
      await cli('import', '--ratings', ratings, '--map', 'user=uid,item=mid,score=stars'),
      "unknown key 'score'",
    );
    const ml = cachedMovieLens('userId,movieId,stars,timestamp\n1,1,4.0,964982703\n');
    expectRefused(
      await cli('data', 'info', 'ml-latest-small'),
      `${ml}: no column 'rating'; the header has: userId, movieId, stars, timestamp`,
    );
  });

  it('a rating outside a MovieLens release scale, naming file:line', async () => {
    for (const rating of ['7', '-1', '0', '2.7']) {
      const ratings = cachedMovieLens(
        `userId,movieId,rating,timestamp\n1,1,4.0,964982703\n2,2,${rating},964982704\n`,
      );
      expectRefused(
        await cli('data', 'info', 'ml-latest-small'),
        `cinerec: ${ratings}:3: rating ${rating} is outside the scale 0.5–5 in steps of 0.5`,
      );
    }
    cachedMovieLens('userId,movieId,rating,timestamp\n1,1,0.5,964982703\n2,2,5,964982704\n');
    const ok = await cli('data', 'info', 'ml-latest-small');
    expect([ok.code, ok.stderr]).toEqual([0, '']);
    expect(ok.stdout).toMatch(/^ml-latest-small: 2 ratings, 2 users, 2 movies\n/);
  });

  it('an empty split', async () => {
    if (shared) {
      expectRefused(
        await cli(
          'evaluate',
          '--dataset',
          'ml-latest-small',
          '--protocol',
          'u-folds',
          '--models',
          'baseline',
        ),
        "protocol 'u-folds' needs the predefined splits u1..u5, but dataset 'ml-latest-small' has none",
      );
    }
    const one = file('one.csv', 'u,i\na,x\n');
    expect((await cli('import', '--ratings', one, '--map', 'user=u,item=i')).code).toBe(0);
    expectRefused(
      await cli('evaluate', '--dataset', 'one', '--protocol', 'random', '--models', 'popularity'),
      "protocol 'random' gave an empty train set",
    );
    expectRefused(
      await cli('evaluate', '--dataset', 'one', '--protocol', 'leave-last', '--models', 'popularity'),
      "protocol 'leave-last' gave an empty test set",
    );
    const empty = file('empty.csv', 'u,i,r\n');
    expectRefused(
      await cli('import', '--ratings', empty, '--map', 'user=u,item=i,rating=r'),
      `cinerec: ${empty}: no ratings below the header`,
    );
    cachedMovieLens('userId,movieId,rating,timestamp\n');
    expectRefused(
      await cli('evaluate', '--dataset', 'ml-latest-small', '--models', 'baseline'),
      "cinerec: dataset 'ml-latest-small' has no ratings",
    );
  });

  it('conflicting or invalid options, naming the option', async () => {
    const evaluate = ['evaluate', '--dataset', 'nope', '--models', 'baseline'];
    expectRefused(
      await cli(...evaluate, '--set', 'svd.factors=10'),
      "cinerec: --set names model 'svd', which is not in --models (baseline)",
    );
    expectRefused(
      await cli('train', '--dataset', 'nope', '--model', 'baseline', '--set', 'svd.factors=10'),
      "cinerec: --set names model 'svd', which is not in --model (baseline)",
    );
    expectRefused(
      await cli(...evaluate, '--k', '0'),
      "error: option '--k <k>' argument '0' is invalid. --k must be a positive integer",
    );
    expectRefused(
      await cli(...evaluate, '--seed', '1.5'),
      "error: option '--seed <seed>' argument '1.5' is invalid",
    );
    expectRefused(
      await cli(...evaluate, '--relevant', 'abc'),
      "cinerec: --relevant must be 'all' or a number, got 'abc'",
    );
    expectRefused(
      await cli(...evaluate, '--set', 'bogus'),
      "error: option '--set <model.param=value>' argument 'bogus' is invalid",
    );
    expectRefused(
      await cli('evaluate', '--dataset', 'nope', '--models', 'baseline,baseline'),
      "'baseline' is named twice",
    );
    expectRefused(await cli('evaluate', '--dataset', 'nope', '--models', ','), 'name at least one model');
    expectRefused(
      await cli(...evaluate, '--json', join(home, 'no', 'such', 'dir', 'out.json')),
      /^error: option '--json <file>' argument .* is invalid. folder .* does not exist/,
    );
    expectRefused(
      await cli('train', '--dataset', 'nope', '--model', 'baseline', '--out', join(home, 'no', 'x')),
      "error: option '--out <file>'",
    );
    expectRefused(await cli(...evaluate, '--set', 'baseline.nope=3'), "baseline: unknown parameter 'nope'");
    expectRefused(
      await cli(...evaluate, '--set', 'baseline.epochs=-3'),
      "parameter 'epochs' = -3 is outside",
    );

    await importOwn();
    expectRefused(
      await cli('evaluate', '--dataset', 'mine', '--models', 'baseline', '--relevant', '11'),
      "cinerec: --relevant 11 leaves no test rating relevant in 'mine': its ratings go up to 10",
    );
    expectRefused(
      await cli(
        'import',
        '--ratings',
        file('ml.csv', 'u,i\na,x\n'),
        '--map',
        'user=u,item=i',
        '--name',
        'ml-100k',
      ),
      "'ml-100k' is a MovieLens release name",
    );
  });

  it('as a child process: exit code 1 and one line, no stack trace', async () => {
    const run = promisify(execFile);
    const tsx = join(root, 'node_modules', '.bin', 'tsx');
    const env = { ...process.env, CINEREC_HOME: home };
    for (const [args, message] of [
      [
        ['evaluate', '--dataset', 'ml-100k', '--models', 'baseline', '--protocol', 'foo'],
        /^error: option '--protocol/,
      ],
      [['data', 'info', 'ml-nope'], /^cinerec: unknown dataset 'ml-nope'/],
    ] as const) {
      const failure = await run(tsx, ['src/cli/run.ts', ...args], { cwd: root, env }).then(
        () => undefined,
        (error: { code: number; stdout: string; stderr: string }) => error,
      );
      expect(failure, args.join(' ')).toBeDefined();
      expect(failure!.code).toBe(1);
      expect(failure!.stdout).toBe('');
      expect(failure!.stderr).not.toContain('    at ');
      expect(failure!.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(failure!.stderr).toMatch(message);
    }
  });
});
