// The in-process `cinerec` harness shared by the CLI tests: runCli with stdout, stderr and the
// exit code captured, the one-line refusal check, a temporary CINEREC_HOME per test, and the
// small imported dataset (`mine`) and cached MovieLens folder the tests build in it.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, vi } from 'vitest';
import { runCli } from '../src/cli/main.js';

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `cinerec …args` in-process, with stdout and stderr captured. */
export async function cli(...args: string[]): Promise<Run> {
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
export function expectRefused(run: Run, message: RegExp | string): void {
  expect(run.stderr).not.toContain('    at ');
  const lines = run.stderr.trimEnd().split('\n');
  expect(lines, run.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^(cinerec|error): /);
  if (typeof message === 'string') expect(lines[0]).toContain(message);
  else expect(lines[0]).toMatch(message);
  expect(run.code).not.toBe(0);
  expect(run.stdout).toBe('');
}

let current = '';

/** The running test's CINEREC_HOME (see useTempHome). */
export function home(): string {
  return current;
}

/**
 * Gives each test of the calling file its own temporary CINEREC_HOME, with CINEREC_DATA_MIRROR
 * unset (the CLI then takes ../shared/datasets as its mirror); both are restored afterwards.
 */
export function useTempHome(): void {
  const saved = { home: process.env.CINEREC_HOME, mirror: process.env.CINEREC_DATA_MIRROR };
  beforeEach(() => {
    current = mkdtempSync(join(tmpdir(), 'cinerec-cli-'));
    process.env.CINEREC_HOME = current;
    delete process.env.CINEREC_DATA_MIRROR;
  });
  afterEach(() => {
    restoreEnv('CINEREC_HOME', saved.home);
    restoreEnv('CINEREC_DATA_MIRROR', saved.mirror);
    process.exitCode = undefined;
    rmSync(current, { recursive: true, force: true });
  });
}

function restoreEnv(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

/** Writes `content` to `name` under the test's home and returns the path. */
export function file(name: string, content: string | Buffer): string {
  const path = join(current, 'in', name);
  mkdirSync(join(current, 'in'), { recursive: true });
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

/** Imports ownRatings() as dataset `name` and checks the import's summary. */
export async function importOwn(name = 'mine'): Promise<void> {
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
export function cachedMovieLens(ratings: string): string {
  const dir = join(current, 'datasets', 'ml-latest-small');
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
