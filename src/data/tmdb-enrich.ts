import { log } from '../util/log.js';
import type { Dataset } from './dataset.js';
import { RateLimiter, TmdbAuthError, TmdbClient } from './tmdb-api.js';
import { readTmdbCache, type TmdbApiMovie, TmdbCacheWriter } from './tmdb-cache.js';
import type { ProgressCallback } from './unzip.js';

export interface EnrichOptions {
  /** TMDB v3 API key or v4 read access token; only needed when something is left to fetch. */
  apiKey?: string;
  /** Default TMDB_API_URL (https://api.themoviedb.org/3). */
  baseUrl?: string;
  /** The JSONL cache to resume from and append to (see `tmdbApiCacheFile`). */
  cacheFile: string;
  /** Requests per second on average. Default 20, half of what TMDB tolerates. */
  rate?: number;
  /** Requests in flight at most. Default 4. */
  concurrency?: number;
  /** Fetch at most this many ids the cache does not hold yet (to try it out, or to go in steps). */
  limit?: number;
  /** Stops starting requests and cancels those in flight; the run then returns `aborted`. */
  signal?: AbortSignal;
  /** `(done, total, 'tmdb')` over the dataset's distinct tmdbIds, cached ones counted as done. */
  onProgress?: ProgressCallback;
  /** Attempts per id and first backoff in ms (see TmdbClientOptions). */
  attempts?: number;
  backoffMs?: number;
  /** Give up after this many failures in a row, rather than hammer a failing server. Default 10. */
  maxConsecutiveFailures?: number;
}

export interface EnrichReport {
  /** Distinct tmdbIds in the dataset. */
  ids: number;
  /** Found in the cache, so not requested (movies and not-founds alike). */
  cached: number;
  /** Requested this run and found / answered 404 (both now cached). */
  fetched: number;
  notFound: number;
  /** Requested this run and failed after the retries; not cached, so a rerun tries them again. */
  failed: number;
  /** Ids still missing from the cache (failed, beyond `limit`, or not reached before an abort). */
  remaining: number;
  aborted: boolean;
  /** Everything the cache holds after the run, for `fillFromTmdbApi`. */
  records: Map<number, TmdbApiMovie | null>;
}

/**
 * Fetches from the TMDB API every tmdbId of `dataset.movies` that the cache does not hold yet,
 * appending each answer (404s too) to the cache as it arrives, so a rerun, or a run after a kill
 * or an abort, requests only what is still missing. At most `concurrency` requests are in flight
 * and at most `rate` start per second; 429s and 5xx are retried (see TmdbClient).
 *
 * @throws Error saying to set TMDB_API_KEY when there is something to fetch and no key;
 *   TmdbAuthError as soon as TMDB answers 401 (the other requests are cancelled); Error after
 *   `maxConsecutiveFailures` failures in a row. What was fetched before stays cached.
 */
export async function enrichFromTmdb(
  dataset: Pick<Dataset, 'movies'>,
  options: EnrichOptions,
): Promise<EnrichReport> {
  const ids = [...new Set(dataset.movies.flatMap((m) => (m.tmdbId === undefined ? [] : [m.tmdbId])))];
  if (ids.length === 0) throw new Error('no movie has a tmdbId to look up (they come from links.csv)');
  const records = await readTmdbCache(options.cacheFile);
  const missing = ids.filter((id) => !records.has(id));
  const todo = options.limit === undefined ? missing : missing.slice(0, options.limit);
  const report: EnrichReport = {
    ids: ids.length,
    cached: ids.length - missing.length,
    fetched: 0,
    notFound: 0,
    failed: 0,
    remaining: missing.length,
    aborted: false,
    records,
  };
  const total = ids.length;
  const progress = () =>
    options.onProgress?.(report.cached + report.fetched + report.notFound + report.failed, total, 'tmdb');
  progress();
  if (todo.length === 0) return report;
  if ((options.apiKey ?? '').trim() === '') {
    throw new Error(
      `${todo.length} movies are not in the TMDB cache yet: set TMDB_API_KEY to a TMDB API key or read access token (https://www.themoviedb.org/settings/api)`,
    );
  }

  // One controller for the whole run: the caller's abort and our own stop (401, too many
  // failures) both cancel the requests in flight.
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) stop.abort();
  const client = new TmdbClient({
    apiKey: options.apiKey ?? '',
    baseUrl: options.baseUrl,
    limiter: new RateLimiter(options.rate ?? 20),
    attempts: options.attempts,
    backoffMs: options.backoffMs,
    signal: stop.signal,
  });
  const maxFailures = options.maxConsecutiveFailures ?? 10;
  let fatal: Error | undefined;
  let inARow = 0;
  let next = 0;
  const writer = await TmdbCacheWriter.open(options.cacheFile);

  const worker = async (): Promise<void> => {
    while (!stop.signal.aborted && next < todo.length) {
      const id = todo[next++];
      try {
        const movie = await client.movie(id);
        writer.append(id, movie);
        records.set(id, movie);
        if (movie === null) report.notFound++;
        else report.fetched++;
        report.remaining--;
        inARow = 0;
      } catch (error) {
        if (stop.signal.aborted) return; // cancelled, not failed: a rerun asks again
        if (error instanceof TmdbAuthError) {
          fatal ??= error;
          stop.abort();
          return;
        }
        report.failed++;
        log.warn({ tmdbId: id }, (error as Error).message);
        if (++inARow >= maxFailures) {
          fatal ??= new Error(
            `TMDB: ${inARow} requests in a row failed (last: ${(error as Error).message}); stopped, rerun later to resume`,
          );
          stop.abort();
          return;
        }
      }
      progress();
    }
  };

  try {
    const concurrency = Math.max(1, Math.min(options.concurrency ?? 4, todo.length));
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    writer.close();
    options.signal?.removeEventListener('abort', onAbort);
  }
  if (fatal !== undefined) throw fatal;
  report.aborted = options.signal?.aborted === true;
  return report;
}
