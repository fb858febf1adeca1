import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { datasetFingerprint } from './fingerprint.js';
import { detectLayout, loadMovieLens } from './movielens.js';

const shared = resolve(import.meta.dirname, '../../../shared/datasets');
const tmp = mkdtempSync(join(tmpdir(), 'cinerec-ml-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function folder(name: string, files: Record<string, string | Buffer>): string {
  const dir = join(tmp, name);
  mkdirSync(dir, { recursive: true });
  for (const [file, content] of Object.entries(files)) writeFileSync(join(dir, file), content);
  return dir;
}

describe('loadMovieLens on hand-made folders', () => {
  it('reads the CSV layout, catalogues unknown movies and warns about them', async () => {
    const dir = folder('csv', {
      'movies.csv':
        'movieId,title,genres\r\n1,Toy Story (1995),Adventure|Animation\r\n2,"Matrix, The (1999)",Action\r\n3,Empty (2000),(no genres listed)\r\n',
      'ratings.csv': 'userId,movieId,rating,timestamp\r\n7,2,4.5,100\r\n7,9,3.0,200\r\n5,1,0.5,300\r\n',
      'tags.csv':
        'userId,movieId,tag,timestamp\n7,2,Cyberpunk,1\n5,2,cyberpunk ,2\n5,2,"philosophy, sort of",3\n5,99,lost,4\n',
      'links.csv': 'movieId,imdbId,tmdbId\n1,0114709,862\n2,0133093,603\n3,0000001,\n',
    });
    expect(detectLayout(dir)).toBe('csv');
    const data = await loadMovieLens(dir);
    expect(data.name).toBe('csv');
    expect(data.movies.map((m) => m.title)).toEqual(['Toy Story', 'Matrix, The', 'Empty', 'Unknown 9']);
    expect(data.movies[1]).toMatchObject({ year: 1999, genres: ['Action'], imdbId: '0133093', tmdbId: 603 });
    expect(data.movies[1].tags).toEqual(['cyberpunk', 'philosophy, sort of']);
    expect(data.movies[2].genres).toEqual([]);
    expect(data.movies[2].tmdbId).toBeUndefined();
    expect(data.warnings).toEqual([
      expect.stringContaining('1 movie ids (1 ratings) are not in the catalog'),
    ]);
    expect(data.users.rawIds()).toEqual([7, 5]);
    const r = data.ratings;
    expect([r.nUsers, r.nItems, r.size]).toEqual([2, 4, 3]);
    expect(Array.from(r.items)).toEqual([1, 3, 0]);
    expect(Array.from(r.ratings)).toEqual([4.5, 3, 0.5]);
    expect(Array.from(r.timestamps)).toEqual([100, 200, 300]);
    expect(data.scale).toEqual({ min: 0.5, max: 5, step: 0.5, implicit: false });
    const lean = await loadMovieLens(dir, { withTags: false, withLinks: false, name: 'lean' });
    expect(lean.movies[1].tags).toBeUndefined();
    expect(lean.movies[1].tmdbId).toBeUndefined();
    expect(datasetFingerprint(lean)).not.toBe(datasetFingerprint(data)); // names differ
    expect(datasetFingerprint({ ...lean, name: 'csv' })).toBe(datasetFingerprint(data));
  });

  it('reads the genome as an item × tag matrix when asked', async () => {
    const dir = folder('genome', {
      'movies.csv': 'movieId,title,genres\n1,A (2000),Drama\n2,B (2001),Drama\n',
      'ratings.csv': 'userId,movieId,rating,timestamp\n1,1,4,1\n',
      'genome-tags.csv': 'tagId,tag\n1,dark\n2,funny\n',
      'genome-scores.csv': 'movieId,tagId,relevance\n2,1,0.25\n2,2,0.75\n',
    });
    expect((await loadMovieLens(dir)).genome).toBeUndefined();
    const genome = (await loadMovieLens(dir, { withGenome: true })).genome!;
    expect(genome.tags).toEqual(['dark', 'funny']);
    expect(Array.from(genome.relevance)).toEqual([0, 0, 0.25, 0.75]);
    expect(Array.from(genome.present)).toEqual([0, 1]);
  });

  it('reads the ::-separated latin-1 layout with half stars and tags.dat', async () => {
    const dir = folder('ml-10m-like', {
      'movies.dat': Buffer.from(
        '1::Cité des enfants perdus, La (1995)::Fantasy|Sci-Fi\n2::"Great" Cats (1998)::Musical\n',
        'latin1',
      ),
      'ratings.dat': '1::2::3.5::10\n1::1::5::11\n2::1::1::12\n',
      'tags.dat': '1::1::Steampunk::5\n',
    });
    expect(detectLayout(dir)).toBe('dat');
    const data = await loadMovieLens(dir);
    expect(data.movies[0]).toMatchObject({
      title: 'Cité des enfants perdus, La',
      year: 1995,
      tags: ['steampunk'],
    });
    expect(data.movies[1].title).toBe('"Great" Cats');
    expect(data.scale.step).toBe(0.5);
    expect(Array.from(data.ratings.items)).toEqual([1, 0, 0]);
  });

  it('names the missing file of an incomplete folder', async () => {
    const dir = folder('no-ratings', {
      'movies.dat': '1::A (2000)::Drama\n',
      'users.dat': '1::F::1::10::48067\n',
    });
    await expect(loadMovieLens(dir, { name: 'ml-1m' })).rejects.toThrow(
      /ml-1m dataset in .* is missing ratings\.dat/,
    );
    await expect(loadMovieLens(join(tmp, 'nowhere'))).rejects.toThrow(/does not exist/);
    const empty = folder('empty', { 'README.txt': 'hi' });
    await expect(loadMovieLens(empty)).rejects.toThrow(/no MovieLens files .* found: README\.txt/);
    const bad = folder('bad', {
      'movies.csv': 'movieId,title,genres\n1,A,B\n',
      'ratings.csv': 'userId,movieId,rating,timestamp\n1,1,x,5\n',
    });
    await expect(loadMovieLens(bad)).rejects.toThrow(`${join(bad, 'ratings.csv')}:2: expected numeric`);
  });

  it('refuses a rating off the release scale with file:line', async () => {
    const movies = 'movieId,title,genres\n1,A (2000),Drama\n';
    for (const [rating, line] of [
      ['7', 3],
      ['-1', 3],
      ['0', 3],
      ['3.7', 3],
    ] as const) {
      const dir = folder(`scale-${rating}`, {
        'movies.csv': movies,
        'ratings.csv': `userId,movieId,rating,timestamp\n1,1,4.5,1\n1,1,${rating},2\n`,
      });
      await expect(loadMovieLens(dir)).rejects.toThrow(
        `${join(dir, 'ratings.csv')}:${line}: rating ${rating} is outside the scale 0.5–5 in steps of 0.5`,
      );
    }
    const whole = folder('scale-100k', {
      'u.item': '1|A (2000)|01-Jan-2000||x|0\n',
      'u.data': '1\t1\t4.5\t9\n',
    });
    await expect(loadMovieLens(whole)).rejects.toThrow(
      `${join(whole, 'u.data')}:1: rating 4.5 is outside the scale 1–5`,
    );
    const dat = folder('scale-dat', { 'movies.dat': '1::A (2000)::Drama\n', 'ratings.dat': '1::1::6::10\n' });
    await expect(loadMovieLens(dat)).rejects.toThrow(`${join(dat, 'ratings.dat')}:1: rating 6 is outside`);
  });
});

describe('loadMovieLens: repeated ratings and bad ids', () => {
  it('keeps the latest of a repeated (user, movie) rating and warns, in any row order', async () => {
    const grouped = folder('dup-csv', {
      'movies.csv': 'movieId,title,genres\n1,A (2000),Drama\n2,B (2001),Drama\n',
      'ratings.csv': 'userId,movieId,rating,timestamp\n1,1,4.0,20\n1,2,3.0,5\n1,1,2.0,10\n2,1,5.0,1\n',
    });
    const data = await loadMovieLens(grouped);
    expect(Array.from(data.ratings.ratings)).toEqual([4, 3, 5]);
    expect(Array.from(data.ratings.timestamps)).toEqual([20, 5, 1]);
    expect(data.warnings).toEqual([
      `${join(grouped, 'ratings.csv')}: 1 repeated (user, movie) ratings dropped, keeping each pair's latest by timestamp`,
    ]);
    // ml-100k's u.data is not grouped by user: a repeat far apart is found too.
    const scattered = folder('dup-100k', {
      'u.item': '1|A (2000)|01-Jan-2000||x|0\n2|B (2000)|01-Jan-2000||x|0\n',
      'u.data': '1\t1\t3\t10\n2\t1\t4\t11\n1\t2\t4\t12\n1\t1\t5\t13\n',
    });
    const legacy = await loadMovieLens(scattered, { withSplits: false });
    expect(Array.from(legacy.ratings.ratings)).toEqual([4, 4, 5]);
    expect(legacy.warnings).toEqual([
      expect.stringContaining('u.data: 1 repeated (user, movie) ratings dropped'),
    ]);
  });

  it('refuses non-integer ids with file:line', async () => {
    const item = '1|A (2000)|01-Jan-2000||x|0\n';
    const cases: [string, Record<string, string>, string][] = [
      [
        'u-item',
        { 'u.item': `${item}x|B (2000)|01-Jan-2000||x|0\n`, 'u.data': '1\t1\t3\t1\n' },
        'u.item:2: movie id "x" is not an integer',
      ],
      [
        'u-user',
        { 'u.item': item, 'u.user': '1|24|M|x|1\nbad|1|F|x|1\n', 'u.data': '1\t1\t3\t1\n' },
        'u.user:2: user id "bad" is not an integer',
      ],
      [
        'u-genre',
        { 'u.item': item, 'u.genre': 'unknown|0\nAction|one\n', 'u.data': '1\t1\t3\t1\n' },
        'u.genre:2: genre number "one" is not an integer',
      ],
      [
        'movies-dat',
        { 'movies.dat': '1::A (2000)::Drama\n2.5::B (2000)::Drama\n', 'ratings.dat': '1::1::3::1\n' },
        'movies.dat:2: movie id "2.5" is not an integer',
      ],
      [
        'movies-csv',
        {
          'movies.csv': 'movieId,title,genres\n1.5,A (2000),Drama\n',
          'ratings.csv': 'userId,movieId,rating,timestamp\n1,1,3,1\n',
        },
        'movies.csv:2: movieId "1.5" is not an integer',
      ],
      [
        'ratings-csv',
        {
          'movies.csv': 'movieId,title,genres\n1,A (2000),Drama\n',
          'ratings.csv': 'userId,movieId,rating,timestamp\n1,1,3,1\n1.5,1,3,1\n',
        },
        'ratings.csv:3: user and movie ids must be integers, got user "1.5", movie "1"',
      ],
    ];
    for (const [name, files, message] of cases) {
      const dir = folder(`bad-id-${name}`, files);
      await expect(loadMovieLens(dir)).rejects.toThrow(`${dir}/${message}`);
    }
  });
});

describe.skipIf(!existsSync(shared))('loadMovieLens on the shared datasets', () => {
  it('loads ml-latest-small with the published counts', async () => {
    const data = await loadMovieLens(join(shared, 'ml-latest-small'));
    expect(data.ratings.size).toBe(100836);
    expect(data.movies).toHaveLength(9742);
    expect(data.users.size).toBe(610);
    expect(data.warnings).toEqual([]);
    expect(data.movies.filter((m) => m.tags !== undefined)).toHaveLength(1572);
    expect(data.movies.filter((m) => m.tmdbId !== undefined)).toHaveLength(9734);
    expect(data.ratings.globalMean()).toBeCloseTo(3.5016, 3);
    const matrix = data.movies[data.items.index(2571)];
    expect(matrix).toMatchObject({ title: 'Matrix, The', year: 1999 });
  });

  it('loads ml-100k with its predefined splits on the same indices', async () => {
    const data = await loadMovieLens(join(shared, 'ml-100k'));
    expect([data.ratings.size, data.users.size, data.items.size]).toEqual([100000, 943, 1682]);
    expect(data.scale).toEqual({ min: 1, max: 5, step: 1, implicit: false });
    expect(data.movies[0]).toMatchObject({
      title: 'Toy Story',
      year: 1995,
      genres: ['Animation', "Children's", 'Comedy'],
    });
    expect(data.movies[266]).toMatchObject({ title: 'unknown', genres: [] });
    const splits = data.predefinedSplits!;
    expect(splits.map((s) => s.name)).toEqual(['u1', 'u2', 'u3', 'u4', 'u5', 'ua', 'ub']);
    expect(splits.map((s) => [s.train.size, s.test.size])).toEqual([
      ...Array(5).fill([80000, 20000]),
      [90570, 9430],
      [90570, 9430],
    ]);
    const key = (u: number, i: number) => u * 2000 + i;
    const all = new Map<number, number>();
    for (let k = 0; k < data.ratings.size; k++)
      all.set(key(data.ratings.users[k], data.ratings.items[k]), data.ratings.ratings[k]);
    for (const split of splits) {
      expect([split.train.nUsers, split.train.nItems, split.test.nUsers, split.test.nItems]).toEqual([
        943, 1682, 943, 1682,
      ]);
      for (let k = 0; k < split.test.size; k += 97) {
        expect(all.get(key(split.test.users[k], split.test.items[k]))).toBe(split.test.ratings[k]);
      }
    }
  });

  it('reports the missing ratings.dat of the shared ml-1m', async () => {
    await expect(loadMovieLens(join(shared, 'ml-1m'))).rejects.toThrow(
      /ml-1m dataset in .*ml-1m is missing ratings\.dat \(found: README, movies\.dat, users\.dat\)/,
    );
  });
});
