import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importRatings, inferScale, parseColumnMap } from './import.js';

const tmp = mkdtempSync(join(tmpdir(), 'cinerec-import-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function file(name: string, content: string): string {
  const path = join(tmp, name);
  writeFileSync(path, content);
  return path;
}

describe('parseColumnMap', () => {
  it('reads key=column pairs', () => {
    expect(parseColumnMap('user=uid,item=mid,rating=stars,time=ts')).toEqual({
      user: 'uid',
      item: 'mid',
      rating: 'stars',
      time: 'ts',
    });
    expect(parseColumnMap(' user = a , item=b ')).toEqual({ user: 'a', item: 'b' });
  });

  it('explains every mistake', () => {
    expect(() => parseColumnMap('user=a,item')).toThrow(/"item" is not key=column/);
    expect(() => parseColumnMap('user=a,item=b,stars=c')).toThrow(
      /unknown key 'stars'; keys are user, item, rating, time/,
    );
    expect(() => parseColumnMap('user=a,user=b,item=c')).toThrow(/'user' is given twice/);
    expect(() => parseColumnMap('user=,item=c')).toThrow(/'user' names no column/);
    expect(() => parseColumnMap('user=a')).toThrow(/'item=<column>' is required/);
  });
});

describe('importRatings', () => {
  it('imports string ids on a 1–10 scale with ISO times and a catalog', async () => {
    const ratingsFile = file(
      'mine.csv',
      'who;what;stars;when\nann;m1;7;2024-01-02T00:00:00Z\n42;m2;10;2024-01-03T00:00:00Z\n042;m1;1;1700000000\n',
    );
    const moviesFile = file(
      'catalog.csv',
      'what,title,genres\nm2,"Heat (1995)",Action|Crime\nm1,Alien (1979),Horror\nm3,Unrated (2020),\n',
    );
    const data = await importRatings({
      ratingsFile,
      moviesFile,
      map: { user: 'who', item: 'what', rating: 'stars', time: 'when' },
    });
    expect(data.name).toBe('mine');
    expect(data.users.rawIds()).toEqual(['ann', 42, '042']);
    expect(data.items.rawIds()).toEqual(['m2', 'm1', 'm3']);
    expect(data.movies[0]).toEqual({ movieId: 'm2', title: 'Heat', year: 1995, genres: ['Action', 'Crime'] });
    expect(data.movies[2].genres).toEqual([]);
    expect(Array.from(data.ratings.items)).toEqual([1, 0, 1]);
    expect(Array.from(data.ratings.timestamps)).toEqual([1704153600, 1704240000, 1700000000]);
    expect(data.scale).toEqual({ min: 1, max: 10, step: 1, implicit: false });
    expect(data.ratings.nItems).toBe(3);
  });

  it('treats a file without ratings as implicit events in file order', async () => {
    const ratingsFile = file('plays.tsv', 'user\tsong\nu1\ts1\nu2\ts1\nu1\ts2\n');
    const data = await importRatings({ ratingsFile, map: { user: 'user', item: 'song' } });
    expect(data.scale).toEqual({ min: 1, max: 1, step: 0, implicit: true });
    expect(Array.from(data.ratings.ratings)).toEqual([1, 1, 1]);
    expect(Array.from(data.ratings.timestamps)).toEqual([0, 1, 2]);
    expect(data.movies.map((m) => m.title)).toEqual(['s1', 's2']);
  });

  it('names the file, the line and the column in errors', async () => {
    const ratingsFile = file('bad.csv', 'u,i,r\n1,2,4\n1,3,five\n');
    await expect(importRatings({ ratingsFile, map: { user: 'u', item: 'i', rating: 'r' } })).rejects.toThrow(
      `${ratingsFile}:3: rating "five" in column 'r' is not a number`,
    );
    await expect(
      importRatings({ ratingsFile, map: { user: 'u', item: 'i', rating: 'stars' } }),
    ).rejects.toThrow(`${ratingsFile}: column 'stars' (map.rating) is not in the header; columns: u, i, r`);
    await expect(importRatings({ ratingsFile, map: { user: 'u', item: '' } })).rejects.toThrow(
      /map\.item is required/,
    );
    await expect(
      importRatings({ ratingsFile: join(tmp, 'nope.csv'), map: { user: 'u', item: 'i' } }),
    ).rejects.toThrow(/nope\.csv does not exist \(option ratingsFile\)/);
    const badTime = file('time.csv', 'u,i,t\n1,2,yesterday\n');
    await expect(
      importRatings({ ratingsFile: badTime, map: { user: 'u', item: 'i', time: 't' } }),
    ).rejects.toThrow(`${badTime}:2: time "yesterday" in column 't' is neither a number nor a date`);
    const ragged = file('ragged.csv', 'u,i,r\n1,2,4\n1,3,4,5\n');
    await expect(
      importRatings({ ratingsFile: ragged, map: { user: 'u', item: 'i', rating: 'r' } }),
    ).rejects.toThrow(`${ragged}:3: 4 fields, but the header has 3 (u, i, r)`);
    const short = file('short.csv', 'u,i,r\n1,2,4\n1,3\n');
    await expect(
      importRatings({ ratingsFile: short, map: { user: 'u', item: 'i', rating: 'r' } }),
    ).rejects.toThrow(`${short}:3: 2 fields, but the header has 3`);
    const headerOnly = file('header-only.csv', 'u,i,r\n\n');
    await expect(importRatings({ ratingsFile: headerOnly, map: { user: 'u', item: 'i' } })).rejects.toThrow(
      `${headerOnly}: no ratings below the header`,
    );
  });
});

describe('importRatings: repeated pairs, epoch milliseconds, catalog errors', () => {
  it('sums repeated implicit events into counts and says how many rows were merged', async () => {
    const ratingsFile = file('events.csv', 'u,i,t\na,x,5\nb,x,6\na,x,9\na,y,7\na,x,8\n');
    const data = await importRatings({ ratingsFile, map: { user: 'u', item: 'i', time: 't' } });
    const r = data.ratings;
    expect(r.size).toBe(3);
    // Kept rows stay in file order, each pair at its latest row, with that row's time.
    expect(Array.from(r.users)).toEqual([1, 0, 0]);
    expect(Array.from(r.items)).toEqual([0, 0, 1]);
    expect(Array.from(r.ratings)).toEqual([1, 3, 1]);
    expect(Array.from(r.timestamps)).toEqual([6, 9, 7]);
    expect(data.scale).toEqual({ min: 1, max: 3, step: 0, implicit: true });
    expect(data.warnings).toEqual([
      `${ratingsFile}: 2 repeated (user, item) events merged; each pair's value is its event count`,
    ]);
    const plain = await importRatings({
      ratingsFile: file('plain.csv', 'u,i\na,x\nb,x\n'),
      map: { user: 'u', item: 'i' },
    });
    expect(plain.warnings).toBeUndefined();
  });

  it('keeps the latest explicit rating of a pair by time, the later row on a tie', async () => {
    const ratingsFile = file(
      'rerated.csv',
      'u,i,r,t\n1,10,2,300\n1,10,5,100\n2,10,1,50\n1,11,3,10\n2,10,4,50\n1,10,4,300\n',
    );
    const data = await importRatings({ ratingsFile, map: { user: 'u', item: 'i', rating: 'r', time: 't' } });
    const r = data.ratings;
    const rows = Array.from(r.users, (u, k) => [
      data.users.rawId(u),
      data.items.rawId(r.items[k]),
      r.ratings[k],
      r.timestamps[k],
    ]);
    expect(rows).toEqual([
      [1, 11, 3, 10],
      [2, 10, 4, 50],
      [1, 10, 4, 300],
    ]);
    expect(data.warnings).toEqual([
      `${ratingsFile}: 3 repeated (user, item) ratings dropped, keeping each pair's latest by time`,
    ]);
    // Without a time column the file order decides: the last row wins.
    const untimed = await importRatings({
      ratingsFile: file('untimed.csv', 'u,i,r\n1,10,2\n1,10,5\n'),
      map: { user: 'u', item: 'i', rating: 'r' },
    });
    expect(Array.from(untimed.ratings.ratings)).toEqual([5]);
  });

  it('reads times that are all above 1e11 as epoch milliseconds', async () => {
    const ratingsFile = file('ms.csv', 'u,i,t\n1,1,1700000000000\n1,2,1700000001500\n');
    const data = await importRatings({ ratingsFile, map: { user: 'u', item: 'i', time: 't' } });
    expect(Array.from(data.ratings.timestamps)).toEqual([1700000000, 1700000001.5]);
    expect(data.warnings).toEqual([
      expect.stringContaining("column 't' is above 1e11, so they were read as epoch milliseconds"),
    ]);
    const seconds = file('s.csv', 'u,i,t\n1,1,1700000000\n1,2,1700000000000\n');
    const mixed = await importRatings({ ratingsFile: seconds, map: { user: 'u', item: 'i', time: 't' } });
    expect(Array.from(mixed.ratings.timestamps)).toEqual([1700000000, 1700000000000]);
    expect(mixed.warnings).toBeUndefined();
  });

  it('refuses a movies file without an id column, naming it and listing its header', async () => {
    const ratingsFile = file('r.csv', 'uid,mid\n1,7\n');
    const moviesFile = file('noid.csv', 'title,genres\nHeat (1995),Action\n');
    await expect(
      importRatings({ ratingsFile, moviesFile, map: { user: 'uid', item: 'mid' } }),
    ).rejects.toThrow(
      `movies file ${moviesFile} (option moviesFile) has no id column ('mid', movieId, itemId or id); columns: title, genres`,
    );
  });
});

describe('inferScale', () => {
  it('finds the coarsest step', () => {
    expect(inferScale(Float32Array.from([0.5, 5, 3.5]))).toEqual({
      min: 0.5,
      max: 5,
      step: 0.5,
      implicit: false,
    });
    expect(inferScale(Float32Array.from([1, 2, 5]))).toMatchObject({ step: 1 });
    expect(inferScale(Float32Array.from([0.1, 0.7, 1]))).toMatchObject({ min: 0.1, max: 1, step: 0.1 });
    expect(inferScale(Float32Array.from([0.123, 1]))).toMatchObject({ step: 0 });
  });
});
