import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { log } from '../util/log.js';
import { loadDatasetByName } from './by-name.js';
import { fetchDataset } from './fetch.js';
import { findSharedDatasets } from './known-datasets.js';

const shared = resolve(import.meta.dirname, '../../../shared/datasets');
const tmp = mkdtempSync(join(tmpdir(), 'cinerec-fetch-'));

/** A tiny dataset in ml-latest's layout (the one release with no published row counts). */
function latestZip(topFolder: string): Uint8Array {
  const files = {
    'movies.csv': 'movieId,title,genres\n1,Toy Story (1995),Animation\n2,Heat (1995),Action\n',
    'ratings.csv': 'userId,movieId,rating,timestamp\n1,1,4.0,10\n1,2,3.5,11\n2,2,5.0,12\n',
    'tags.csv': 'userId,movieId,tag,timestamp\n1,1,pixar,10\n',
    'links.csv': 'movieId,imdbId,tmdbId\n1,0114709,862\n',
    'genome-scores.csv': 'movieId,tagId,relevance\n',
    'genome-tags.csv': 'tagId,tag\n',
  };
  const entries: Record<string, Uint8Array> = {};
  for (const [name, text] of Object.entries(files)) entries[`${topFolder}${name}`] = strToU8(text);
  return zipSync(entries);
}

/** ml-100k's files with `dataRows` rows in u.data and the published counts elsewhere. */
function ml100kFiles(dataRows: number): Record<string, string> {
  return {
    'u.data': '1\t1\t1\t1\n'.repeat(dataRows),
    'u.item': '1|A|||\n'.repeat(1682),
    'u.user': '1|2|M|x|1\n'.repeat(943),
    'u.genre': 'unknown|0\n',
  };
}

const toU8 = (files: Record<string, string>) =>
  Object.fromEntries(Object.entries(files).map(([name, text]) => [name, strToU8(text)]));

const md5 = (data: Uint8Array) => createHash('md5').update(data).digest('hex');
const goodZip = latestZip('ml-latest/');
const routes = new Map<string, Buffer | string>();
const requests: string[] = [];
let server: Server;
let base = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(req.url ?? '');
    if (req.url === '/hang/ml-latest.zip.md5') return; // never answers
    const body = routes.get(req.url ?? '');
    if (body === undefined) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-length': Buffer.byteLength(body) }).end(body);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  routes.set('/good/ml-latest.zip', Buffer.from(goodZip));
  // GroupLens's .md5 files hold the bare digest; md5sum's "digest  name" format works too.
  routes.set('/good/ml-latest.zip.md5', `${md5(goodZip)}  ml-latest.zip\n`);
  routes.set('/corrupt/ml-latest.zip', Buffer.from(goodZip));
  routes.set('/corrupt/ml-latest.zip.md5', `${'0'.repeat(32)}\n`);
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((ok) => server.close(ok));
  rmSync(tmp, { recursive: true, force: true });
});

describe('fetchDataset over HTTP', () => {
  it('downloads, verifies, unpacks without the top folder, then serves the cache', async () => {
    const home = join(tmp, 'home-good');
    const progress: string[] = [];
    const dir = await fetchDataset(
      'ml-latest',
      { home },
      {
        baseUrl: `${base}/good`,
        onProgress: (_done, _total, label) => progress.push(label),
      },
    );
    expect(dir).toBe(join(home, 'datasets', 'ml-latest'));
    expect(readFileSync(join(dir, 'tags.csv'), 'utf8')).toContain('pixar');
    expect(progress).toContain('download');
    expect(progress).toContain('unpack');
    expect(readdirSync(join(home, 'datasets'))).toEqual(['ml-latest']);
    const before = requests.length;
    expect(await fetchDataset('ml-latest', { home }, { baseUrl: `${base}/good` })).toBe(dir);
    expect(requests.length).toBe(before); // cache hit: no request
    const data = await loadDatasetByName('ml-latest', { home });
    expect([data.ratings.size, data.movies.length, data.name]).toEqual([3, 2, 'ml-latest']);
  });

  it('refuses a checksum mismatch and leaves nothing half-unpacked', async () => {
    const home = join(tmp, 'home-corrupt');
    await expect(fetchDataset('ml-latest', { home }, { baseUrl: `${base}/corrupt` })).rejects.toThrow(
      /ml-latest\.zip: md5 checksum mismatch \(got [0-9a-f]{32}, .*ml-latest\.zip\.md5 says 0{32}\)/,
    );
    expect(readdirSync(join(home, 'datasets'))).toEqual([]);
  });

  it('fails fast with a hint at CINEREC_DATA_MIRROR when nothing answers', async () => {
    const home = join(tmp, 'home-offline');
    const closed = createServer();
    await new Promise<void>((ok) => closed.listen(0, '127.0.0.1', ok));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((ok) => closed.close(ok));
    await expect(
      fetchDataset('ml-latest', { home }, { baseUrl: `http://127.0.0.1:${port}` }),
    ).rejects.toThrow(
      /cannot download http:\/\/127\.0\.0\.1:\d+\/ml-latest\.zip\.md5 \(ECONNREFUSED\).*CINEREC_DATA_MIRROR to a folder holding ml-latest\/ or ml-latest\.zip/,
    );
    await expect(
      fetchDataset('ml-latest', { home }, { baseUrl: `${base}/hang`, connectTimeoutMs: 300 }),
    ).rejects.toThrow(/no answer within 300 ms.*CINEREC_DATA_MIRROR/); // the timeout fired, not a hang
    await expect(fetchDataset('ml-latest', { home }, { baseUrl: `${base}/missing` })).rejects.toThrow(
      /HTTP 404/,
    );
  });

  it('uses a URL mirror from the settings', async () => {
    const home = join(tmp, 'home-url-mirror');
    const dir = await fetchDataset('ml-latest', { home, dataMirror: `${base}/good/` });
    expect(existsSync(join(dir, 'movies.csv'))).toBe(true);
  });
});

describe('fetchDataset from a mirror folder', () => {
  it('unpacks <name>.zip after checking its .md5, and refuses an unknown name', async () => {
    const mirror = join(tmp, 'mirror');
    mkdirSync(mirror, { recursive: true });
    writeFileSync(join(mirror, 'ml-latest.zip'), latestZip(''));
    writeFileSync(join(mirror, 'ml-latest.zip.md5'), md5(latestZip('')));
    const home = join(tmp, 'home-mirror');
    const dir = await fetchDataset('ml-latest', { home, dataMirror: mirror });
    expect(dir).toBe(join(home, 'datasets', 'ml-latest'));
    expect(existsSync(join(dir, 'links.csv'))).toBe(true);
    await expect(fetchDataset('ml-100k', { home, dataMirror: mirror })).rejects.toThrow(
      /CINEREC_DATA_MIRROR .*mirror holds neither ml-100k\/ nor ml-100k\.zip/,
    );
    await expect(fetchDataset('ml-5m', { home })).rejects.toThrow(
      "unknown dataset 'ml-5m'; known datasets: ml-latest-small, ml-100k, ml-1m",
    );
  });

  it('unpacks a <name>.zip without .md5 with a warning, checking names and row counts', async () => {
    const mirror = join(tmp, 'mirror-no-md5');
    mkdirSync(mirror, { recursive: true });
    writeFileSync(join(mirror, 'ml-latest.zip'), latestZip(''));
    const short = ml100kFiles(1);
    delete short['u.genre'];
    writeFileSync(join(mirror, 'ml-100k.zip'), zipSync(toU8(short)));
    const warn = vi.spyOn(log, 'warn');
    try {
      const home = join(tmp, 'home-no-md5');
      expect(await fetchDataset('ml-latest', { home, dataMirror: mirror })).toBe(
        join(home, 'datasets', 'ml-latest'),
      );
      expect(warn).toHaveBeenCalledWith(
        { dataset: 'ml-latest' },
        expect.stringMatching(/ml-latest\.zip has no ml-latest\.zip\.md5 beside it/),
      );
      await expect(fetchDataset('ml-100k', { home, dataMirror: mirror })).rejects.toThrow(
        /ml-100k\.zip: not a complete ml-100k: .*u\.genre is missing/,
      );
    } finally {
      warn.mockRestore();
    }
  });

  it("counts a mirror folder's rows once, then only stats its files until one changes", async () => {
    const mirror = join(tmp, 'mirror-verified');
    mkdirSync(join(mirror, 'ml-100k'), { recursive: true });
    for (const [f, text] of Object.entries(ml100kFiles(100000)))
      writeFileSync(join(mirror, 'ml-100k', f), text);
    const home = join(tmp, 'home-verified');
    const folder = join(mirror, 'ml-100k');
    const data = join(folder, 'u.data');
    const mtime = new Date('2024-01-01T00:00:00Z'); // whole ms, so utimes can set it back exactly
    utimesSync(data, mtime, mtime);
    expect(await fetchDataset('ml-100k', { home, dataMirror: mirror })).toBe(folder);
    expect(existsSync(join(home, 'datasets', '.verified', 'ml-100k.json'))).toBe(true);
    // Same size and mtime, wrong row count: not recounted, so still accepted.
    writeFileSync(data, readFileSync(data, 'utf8').replace('1\t1\t1\t1\n1', '1\t1\t1\t1 1'));
    utimesSync(data, mtime, mtime);
    expect(await fetchDataset('ml-100k', { home, dataMirror: mirror })).toBe(folder);
    // A touched file is counted again.
    utimesSync(data, mtime, new Date(mtime.getTime() + 5000));
    await expect(fetchDataset('ml-100k', { home, dataMirror: mirror })).rejects.toThrow(
      /ml-100k is incomplete: .*u\.data has 99999 rows, ml-100k has 100000/,
    );
  });

  it('checks the row counts of an unpacked release', async () => {
    const mirror = join(tmp, 'mirror-bad');
    mkdirSync(join(mirror, 'ml-100k'), { recursive: true });
    for (const f of ['u.data', 'u.item', 'u.user', 'u.genre'])
      writeFileSync(join(mirror, 'ml-100k', f), '1\t1\t1\t1\n');
    await expect(fetchDataset('ml-100k', { home: join(tmp, 'h'), dataMirror: mirror })).rejects.toThrow(
      /ml-100k is incomplete: .*u\.data has 1 rows, ml-100k has 100000/,
    );
  });
});

describe.skipIf(!existsSync(shared))('the shared datasets as a mirror', () => {
  it('are found beside the repository and used in place', async () => {
    expect(findSharedDatasets()).toBe(shared);
    const home = join(tmp, 'home-shared');
    expect(await fetchDataset('ml-latest-small', { home, dataMirror: shared })).toBe(
      join(shared, 'ml-latest-small'),
    );
    const data = await loadDatasetByName('ml-100k', { home, dataMirror: shared });
    expect(data.ratings.size).toBe(100000);
    await expect(loadDatasetByName('ml-1m', { home, dataMirror: shared })).rejects.toThrow(
      /ml-1m is incomplete: .*ml-1m\/ratings\.dat is missing/,
    );
    await expect(loadDatasetByName('movielens', { home })).rejects.toThrow(/known datasets: ml-latest-small/);
    const withTmdb = await loadDatasetByName(
      'ml-latest-small',
      { home, dataMirror: shared },
      { withTmdb: true },
    );
    expect(withTmdb.movies[0].overview).toContain('Woody');
  });
});
