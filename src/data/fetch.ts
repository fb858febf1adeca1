import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { datasetCacheDir, type Settings } from '../config.js';
import { log } from '../util/log.js';
import { datasetProblems, type KnownDataset, knownDataset } from './known-datasets.js';
import { archiveRoot, md5File, type ProgressCallback, parseMd5File, unpackZip } from './unzip.js';

export const GROUPLENS_BASE_URL = 'https://files.grouplens.org/datasets/movielens';

export interface FetchOptions {
  /** Progress in bytes: `(done, total, 'download' | 'unpack')`; total is 0 when unknown. */
  onProgress?: ProgressCallback;
  /** Base URL serving `<name>.zip` and `<name>.zip.md5`; overrides GroupLens and a URL mirror. */
  baseUrl?: string;
  /** How long to wait for a server to answer before calling it unreachable, ms. Default 5000. */
  connectTimeoutMs?: number;
}

/**
 * Makes dataset `name` available and returns its folder. In order: the cache
 * `<home>/datasets/<name>/` if complete; with `settings.dataMirror` a folder, its `<name>/`
 * (checked against the published file list and row counts, used in place) or `<name>.zip` (checked
 * against `<name>.zip.md5` when present, else only by the unpacked files' names and row counts, with
 * a warning; unpacked into the cache); otherwise a download from the mirror URL or GroupLens,
 * verified against the `.zip.md5` published beside it. Archives unpack into a temporary folder that
 * is renamed into place only when complete.
 *
 * A mirror folder's row counts are checked once: the sizes and mtimes of its files are then kept
 * in `<home>/datasets/.verified/<name>.json` (the mirror may be read-only), and later calls only
 * stat the files, recounting when any has changed.
 *
 * @throws Error for an unknown name (listing known ones), a checksum mismatch, a mirror lacking the
 *   dataset, or no network (naming CINEREC_DATA_MIRROR).
 */
export async function fetchDataset(
  name: string,
  settings: Settings,
  options: FetchOptions = {},
): Promise<string> {
  const known = knownDataset(name);
  const cacheRoot = datasetCacheDir(settings);
  const cached = join(cacheRoot, name);
  if (existsSync(cached) && (await datasetProblems(cached, known, false)).length === 0) return cached;

  const mirror = settings.dataMirror;
  const mirrorIsUrl = mirror !== undefined && /^https?:\/\//i.test(mirror);
  if (mirror !== undefined && !mirrorIsUrl && options.baseUrl === undefined) {
    return fromMirrorFolder(mirror, known, cacheRoot, options);
  }
  const base = (options.baseUrl ?? (mirrorIsUrl ? mirror : GROUPLENS_BASE_URL)).replace(/\/+$/, '');
  await mkdir(cacheRoot, { recursive: true });
  const work = await mkdtemp(join(cacheRoot, `.fetch-${name}-`));
  try {
    const zipUrl = `${base}/${name}.zip`;
    // The checksum first: a small request that fails fast when the machine is offline.
    const expected = parseMd5File(await downloadText(`${zipUrl}.md5`, name, options), `${zipUrl}.md5`);
    const zipPath = join(work, `${name}.zip`);
    const actual = await download(zipUrl, name, zipPath, options);
    if (actual !== expected) {
      throw new Error(`${zipUrl}: md5 checksum mismatch (got ${actual}, ${zipUrl}.md5 says ${expected})`);
    }
    return await unpackIntoCache(zipPath, known, cacheRoot, work, options);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function fromMirrorFolder(
  mirror: string,
  known: KnownDataset,
  cacheRoot: string,
  options: FetchOptions,
): Promise<string> {
  const folder = join(mirror, known.name);
  if (existsSync(folder) && statSync(folder).isDirectory()) {
    const marker = join(cacheRoot, '.verified', `${known.name}.json`);
    const stamp = fileStamp(folder, known);
    if (stamp !== undefined && (await readMarker(marker)) === stamp) return folder;
    const problems = await datasetProblems(folder, known, true);
    if (problems.length > 0) {
      throw new Error(`CINEREC_DATA_MIRROR ${mirror}: ${known.name} is incomplete: ${problems.join('; ')}`);
    }
    if (stamp !== undefined) await writeMarker(marker, stamp);
    return folder;
  }
  const zipPath = join(mirror, `${known.name}.zip`);
  if (!existsSync(zipPath)) {
    throw new Error(`CINEREC_DATA_MIRROR ${mirror} holds neither ${known.name}/ nor ${known.name}.zip`);
  }
  if (existsSync(`${zipPath}.md5`)) {
    const expected = parseMd5File(await readFile(`${zipPath}.md5`, 'utf8'), `${zipPath}.md5`);
    const actual = await md5File(zipPath);
    if (actual !== expected) {
      throw new Error(`${zipPath}: md5 checksum mismatch (got ${actual}, ${zipPath}.md5 says ${expected})`);
    }
  } else {
    log.warn(
      { dataset: known.name },
      `${zipPath} has no ${known.name}.zip.md5 beside it: the archive is checked only by its unpacked files' names and row counts`,
    );
  }
  await mkdir(cacheRoot, { recursive: true });
  const work = await mkdtemp(join(cacheRoot, `.fetch-${known.name}-`));
  try {
    return await unpackIntoCache(zipPath, known, cacheRoot, work, options);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * What the verification of a mirror folder depends on, as JSON: its path and the size and mtime of
 * each file the release must have. Undefined when a file is missing (the full check then reports it).
 */
function fileStamp(folder: string, known: KnownDataset): string | undefined {
  const files: Record<string, [number, number]> = {};
  for (const file of [...new Set([...known.files, ...Object.keys(known.rows)])].sort()) {
    const path = join(folder, file);
    if (!existsSync(path)) return undefined;
    const stat = statSync(path);
    files[file] = [stat.size, stat.mtimeMs];
  }
  return JSON.stringify({ folder: resolve(folder), files });
}

async function readMarker(path: string): Promise<string | undefined> {
  try {
    return JSON.stringify(JSON.parse(await readFile(path, 'utf8')));
  } catch {
    return undefined; // absent or damaged: verify again
  }
}

/** Best effort: a home that cannot be written only means the next load verifies again. */
async function writeMarker(path: string, stamp: string): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`;
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(temp, `${stamp}\n`);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    log.debug({ marker: path, error: (error as Error).message }, 'cannot record the mirror verification');
  }
}

/** Unpacks into `work`, checks the result, then renames it to `<cacheRoot>/<name>`. */
async function unpackIntoCache(
  zipPath: string,
  known: KnownDataset,
  cacheRoot: string,
  work: string,
  options: FetchOptions,
): Promise<string> {
  const unpacked = join(work, 'unpacked');
  await unpackZip(zipPath, unpacked, options.onProgress);
  const root = archiveRoot(unpacked);
  const problems = await datasetProblems(root, known, true);
  if (problems.length > 0)
    throw new Error(`${zipPath}: not a complete ${known.name}: ${problems.join('; ')}`);
  const target = join(cacheRoot, known.name);
  await rm(target, { recursive: true, force: true }); // an incomplete earlier copy
  try {
    await rename(root, target);
  } catch (error) {
    // Another process may have finished the same fetch first; its copy is as good as ours.
    if ((await datasetProblems(target, known, false)).length > 0) throw error;
  }
  return target;
}

async function request(url: string, name: string, options: FetchOptions): Promise<Response> {
  const timeoutMs = options.connectTimeoutMs ?? 5000;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  let response: Response;
  try {
    response = await fetch(url, { signal: controller.signal });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const reason = controller.signal.aborted
      ? `no answer within ${timeoutMs} ms`
      : (cause?.code ?? cause?.message ?? (error as Error).message);
    throw new Error(
      `cannot download ${url} (${reason}). This machine may be offline: set CINEREC_DATA_MIRROR to a folder holding ${name}/ or ${name}.zip, or to a URL serving ${name}.zip`,
    );
  } finally {
    clearTimeout(timer); // the timeout guards the connection only; big bodies take as long as they take
  }
  if (!response.ok) throw new Error(`cannot download ${url}: HTTP ${response.status} ${response.statusText}`);
  return response;
}

async function downloadText(url: string, name: string, options: FetchOptions): Promise<string> {
  return (await request(url, name, options)).text();
}

/** Streams `url` to `path`; returns the md5 of what was written. */
async function download(url: string, name: string, path: string, options: FetchOptions): Promise<string> {
  const response = await request(url, name, options);
  const total = Number(response.headers.get('content-length') ?? 0);
  const hash = createHash('md5');
  const out = createWriteStream(path);
  let done = 0;
  try {
    if (response.body === null) throw new Error(`${url}: empty response`);
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
      hash.update(chunk);
      done += chunk.length;
      if (!out.write(chunk)) await new Promise<void>((ok) => out.once('drain', () => ok()));
      options.onProgress?.(done, total, 'download');
    }
  } finally {
    await new Promise<void>((ok, fail) => out.end((error?: Error | null) => (error ? fail(error) : ok())));
  }
  if (total > 0 && done !== total) throw new Error(`${url}: download ended after ${done} of ${total} bytes`);
  return hash.digest('hex');
}
