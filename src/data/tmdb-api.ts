import type { TmdbApiMovie } from './tmdb-cache.js';

export const TMDB_API_URL = 'https://api.themoviedb.org/3';

/** Where to get a key, for every message about a missing or rejected one. */
const KEY_HINT =
  'set TMDB_API_KEY to a TMDB API key or read access token (https://www.themoviedb.org/settings/api)';

/** TMDB refused the credentials (401): every further request would fail the same way. */
export class TmdbAuthError extends Error {}

/** Sleeps `ms`, or less when `signal` aborts (then resolves; callers check the signal). */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0 || signal?.aborted) return Promise.resolve();
  return new Promise((done) => {
    const timer = setTimeout(finish, ms);
    function finish() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', finish);
      done();
    }
    signal?.addEventListener('abort', finish, { once: true });
  });
}

/**
 * A token bucket shared by all requests: `rate` per second on average, bursts of at most `burst`.
 * Each call reserves a token (the count may go negative) and waits until it would have refilled,
 * so waiters are served in call order without polling. `pause` holds everyone back, for 429s.
 */
export class RateLimiter {
  private tokens: number;
  private last = Date.now();
  private pausedUntil = 0;

  constructor(
    private readonly rate: number,
    private readonly burst = Math.max(1, Math.min(rate, 10)),
  ) {
    this.tokens = this.burst;
  }

  async take(signal?: AbortSignal): Promise<void> {
    await sleep(this.pausedUntil - Date.now(), signal);
    if (!Number.isFinite(this.rate) || this.rate <= 0) return; // unlimited
    const now = Date.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.rate) / 1000);
    this.last = now;
    this.tokens -= 1;
    if (this.tokens < 0) await sleep((-this.tokens / this.rate) * 1000, signal);
  }

  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, Date.now() + ms);
  }
}

export interface TmdbClientOptions {
  /** A v3 API key (sent as `api_key`) or a v4 read access token (a JWT, "eyJ…", sent as Bearer). */
  apiKey: string;
  /** Default TMDB_API_URL. */
  baseUrl?: string;
  limiter?: RateLimiter;
  /** Attempts per movie for 429, 5xx and network errors. Default 5. */
  attempts?: number;
  /** First backoff, doubled each retry (with jitter), ms. Default 500. */
  backoffMs?: number;
  signal?: AbortSignal;
}

/** TMDB v3's movie details, with keywords and credits in the same request. */
export class TmdbClient {
  private readonly base: string;

  constructor(private readonly options: TmdbClientOptions) {
    if (options.apiKey.trim() === '') throw new Error(`no TMDB API key: ${KEY_HINT}`);
    this.base = (options.baseUrl ?? TMDB_API_URL).replace(/\/+$/, '');
  }

  /**
   * The movie `tmdbId`, or null when TMDB has none (404).
   *
   * @throws TmdbAuthError on 401; Error after the last attempt of a 429, 5xx or network failure,
   *   or for any other status.
   */
  async movie(tmdbId: number): Promise<TmdbApiMovie | null> {
    const { apiKey, limiter, signal } = this.options;
    const bearer = apiKey.startsWith('eyJ');
    const url = new URL(`${this.base}/movie/${tmdbId}`);
    url.searchParams.set('append_to_response', 'keywords,credits');
    url.searchParams.set('language', 'en-US');
    if (!bearer) url.searchParams.set('api_key', apiKey);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (bearer) headers.authorization = `Bearer ${apiKey}`;
    const attempts = this.options.attempts ?? 5;
    const backoff = this.options.backoffMs ?? 500;
    let problem = '';
    for (let attempt = 0; attempt < attempts; attempt++) {
      signal?.throwIfAborted();
      await limiter?.take(signal);
      signal?.throwIfAborted();
      let response: Response;
      try {
        response = await fetch(url, { headers, signal });
      } catch (error) {
        if (signal?.aborted) throw error;
        const cause = (error as { cause?: { code?: string } }).cause;
        problem = cause?.code ?? (error as Error).message;
        await sleep(backoff * 2 ** attempt * (0.5 + Math.random()), signal);
        continue;
      }
      if (response.ok) return parseMovie(tmdbId, await response.json());
      await response.body?.cancel(); // error bodies are not needed; free the connection
      if (response.status === 404) return null;
      if (response.status === 401) {
        throw new TmdbAuthError(`TMDB rejected the API key (HTTP 401): ${KEY_HINT}`);
      }
      problem = `HTTP ${response.status}`;
      if (response.status === 429) {
        const wait = retryAfterMs(response.headers.get('retry-after')) ?? backoff * 2 ** attempt;
        limiter?.pause(wait); // the limit is per key: everyone waits, not just this request
        await sleep(wait, signal);
      } else if (response.status >= 500) {
        await sleep(backoff * 2 ** attempt * (0.5 + Math.random()), signal);
      } else {
        break; // other 4xx will not get better by asking again
      }
    }
    throw new Error(`TMDB movie ${tmdbId}: ${problem}`);
  }
}

/** Retry-After as seconds or an HTTP date, in ms; undefined when absent or unreadable. */
function retryAfterMs(value: string | null): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

interface Named {
  name?: unknown;
}

/** How many cast names a record keeps. */
export const CAST_SIZE = 5;

/** A `/movie/{id}?append_to_response=keywords,credits` answer as a TmdbApiMovie. */
export function parseMovie(tmdbId: number, body: unknown): TmdbApiMovie {
  const json = (body ?? {}) as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');
  const num = (value: unknown) => (typeof value === 'number' ? value : Number.NaN);
  const names = (list: unknown) =>
    Array.isArray(list) ? list.map((x: Named) => text(x?.name)).filter((name) => name !== '') : [];
  const keywords = json.keywords as { keywords?: unknown } | undefined;
  const credits = (json.credits ?? {}) as { cast?: unknown; crew?: unknown };
  // Billing order is `order`, which TMDB usually but not always sends sorted.
  const order = (member: { order?: unknown }) =>
    typeof member?.order === 'number' ? member.order : Number.POSITIVE_INFINITY;
  const cast = Array.isArray(credits.cast) ? [...(credits.cast as { order?: unknown }[])] : [];
  cast.sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
  const crew = Array.isArray(credits.crew) ? (credits.crew as { job?: unknown; name?: unknown }[]) : [];
  const releaseDate = text(json.release_date);
  return {
    id: typeof json.id === 'number' ? json.id : tmdbId,
    title: text(json.title),
    originalTitle: text(json.original_title),
    year: /^\d{4}/.test(releaseDate) ? Number(releaseDate.slice(0, 4)) : null,
    overview: text(json.overview),
    tagline: text(json.tagline),
    genres: names(json.genres),
    keywords: names(keywords?.keywords),
    voteAverage: num(json.vote_average),
    voteCount: num(json.vote_count),
    popularity: num(json.popularity),
    runtime: num(json.runtime),
    releaseDate,
    cast: names(cast).slice(0, CAST_SIZE),
    director: text(crew.find((member) => member?.job === 'Director')?.name),
  };
}
