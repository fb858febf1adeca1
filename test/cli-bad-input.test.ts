// End-to-end tests of how the `cinerec` CLI refuses bad input, run in-process through runCli (one
// child process checks the real exit code). Each test gets its own CINEREC_HOME; MovieLens data
// comes from the shared offline datasets (../shared/datasets), where present.
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { DATASET_NAMES, findSharedDatasets } from '../src/data/index.js';
import { PROTOCOLS } from '../src/eval/index.js';
import { modelNames } from '../src/models/index.js';
import { cachedMovieLens, cli, expectRefused, file, home, importOwn, useTempHome } from './cli-harness.js';

const root = resolve(import.meta.dirname, '..');
const shared = findSharedDatasets();
useTempHome();

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
      await cli('import', '--ratings', join(home(), 'none.csv'), ...map),
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
      await cli(...evaluate, '--json', join(home(), 'no', 'such', 'dir', 'out.json')),
      /^error: option '--json <file>' argument .* is invalid. folder .* does not exist/,
    );
    expectRefused(
      await cli('train', '--dataset', 'nope', '--model', 'baseline', '--out', join(home(), 'no', 'x')),
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
    const env = { ...process.env, CINEREC_HOME: home() };
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
