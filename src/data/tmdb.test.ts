import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fieldCoverage } from './coverage.js';
import { loadMovieLens } from './movielens.js';
import { joinTmdb } from './tmdb.js';

const shared = resolve(import.meta.dirname, '../../../shared/datasets');
const tmp = mkdtempSync(join(tmpdir(), 'cinerec-tmdb-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const HEADER =
  'budget,genres,homepage,id,keywords,original_language,original_title,overview,popularity,production_companies,production_countries,release_date,revenue,runtime,spoken_languages,status,tagline,title,vote_average,vote_count';

function tmdbRow(id: number, title: string, date: string, overview: string, keywords: string[]): string {
  const json = (names: string[]) =>
    `"${JSON.stringify(names.map((name, k) => ({ id: k, name }))).replaceAll('"', '""')}"`;
  const quoted = `"${overview.replaceAll('"', '""')}"`;
  return `0,${json(['Drama'])},,${id},${json(keywords)},en,"${title}",${quoted},12.5,[],[],${date},0,101,[],Released,,"${title}",7.1,321`;
}

function write(dir: string, files: Record<string, string>): string {
  mkdirSync(dir, { recursive: true });
  for (const [file, content] of Object.entries(files)) writeFileSync(join(dir, file), content);
  return dir;
}

describe('joinTmdb on hand-made files', () => {
  const tmdbDir = write(join(tmp, 'tmdb'), {
    'tmdb_5000_movies.csv': `${[
      HEADER,
      tmdbRow(603, 'The Matrix', '1999-03-30', 'A hacker, "Neo", learns the truth.', ['hacker']),
      tmdbRow(807, 'Se7en', '1995-09-22', 'Two detectives.', []),
      tmdbRow(808, 'Seven', '1979-01-01', 'Another Seven, too old to match.', []),
    ].join('\n')}\n`,
    'keywords.csv': `id,keywords\n603,"[{'id': 1, 'name': 'simulation'}, {'id': 2, 'name': ""philosopher's stone""}]"\n807,[]\n900,"[{'id': 3, 'name': 'unlinked'}]"\n`,
    'links.csv': 'movieId,imdbId,tmdbId\n5,0133093,603\n',
  });

  it('joins by MovieLens links and merges both keyword sources', async () => {
    const ml = write(join(tmp, 'ml'), {
      'movies.csv': 'movieId,title,genres\n5,"Matrix, The (1999)",Action\n6,Nothing (2001),Drama\n',
      'ratings.csv': 'userId,movieId,rating,timestamp\n1,5,4,1\n',
    });
    const data = await loadMovieLens(ml, { tmdbDir });
    expect(data.movies[0]).toMatchObject({
      tmdbId: 603,
      overview: 'A hacker, "Neo", learns the truth.',
      keywords: ['hacker', 'simulation', "philosopher's stone"],
      tmdbGenres: ['Drama'],
      voteAverage: 7.1,
      voteCount: 321,
      runtime: 101,
      releaseDate: '1999-03-30',
    });
    expect(data.movies[0].tagline).toBeUndefined();
    const coverage = fieldCoverage(data);
    expect(coverage).toMatchObject({
      movies: 2,
      overview: 0.5,
      keywords: 0.5,
      tagline: 0,
      titleAndGenresOnly: 0.5,
    });
  });

  it('matches titles by normalised name and year within one year', async () => {
    const movies = [
      { movieId: 1, title: 'Seven (Se7en)', year: 1995, genres: [] },
      { movieId: 2, title: 'Matrix, The', year: 2000, genres: [] },
      { movieId: 3, title: 'Seven', year: 1990, genres: [] },
    ];
    const report = await joinTmdb({ movies } as never, tmdbDir, { movieLensIds: false });
    expect(movies.map((m) => (m as { tmdbId?: number }).tmdbId)).toEqual([807, 603, undefined]);
    expect(report).toMatchObject({ titleCandidates: 3, titleMatched: 2, withDetails: 2, linked: 2 });
    expect(report.titleMatchRate).toBeCloseTo(2 / 3);
  });

  it('refuses a folder without TMDB files', async () => {
    await expect(joinTmdb({ movies: [] } as never, tmp)).rejects.toThrow(
      /neither tmdb_5000_movies\.csv nor keywords\.csv/,
    );
  });
});

describe.skipIf(!existsSync(shared))('TMDB on the shared datasets', () => {
  it('covers ml-latest-small as documented', async () => {
    const data = await loadMovieLens(join(shared, 'ml-latest-small'), { tmdbDir: join(shared, 'tmdb') });
    const coverage = fieldCoverage(data);
    expect(coverage.overview).toBeGreaterThan(0.33);
    expect(coverage.overview).toBeLessThan(0.39);
    expect(coverage.keywords).toBeGreaterThan(0.86);
    expect(coverage.keywords).toBeLessThan(0.92);
    expect(coverage.tags).toBeGreaterThan(0.13);
    expect(coverage.tags).toBeLessThan(0.19);
    expect(coverage.tmdbId).toBeGreaterThan(0.99);
  });

  it('matches a share of ml-100k titles and reports the rate', async () => {
    const data = await loadMovieLens(join(shared, 'ml-100k'), { tmdbDir: join(shared, 'tmdb') });
    const coverage = fieldCoverage(data);
    expect(coverage.tmdbId).toBeGreaterThan(0.25);
    expect(data.warnings?.some((w) => /matched by title and year \(\d+\.\d%\)/.test(w))).toBe(true);
    expect(data.movies[0]).toMatchObject({ title: 'Toy Story', tmdbId: 862 });
  });
});
