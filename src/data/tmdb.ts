import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readDelimited, requireColumn } from './csv.js';
import type { Dataset, Movie } from './dataset.js';
import { namesFromList } from './pyliteral.js';
import { titleKeys } from './titles.js';

/** One row of TMDB 5000's tmdb_5000_movies.csv, the fields the catalog keeps. */
export interface TmdbMovie {
  id: number;
  title: string;
  originalTitle: string;
  year: number | null;
  overview: string;
  tagline: string;
  genres: string[];
  keywords: string[];
  voteAverage: number;
  voteCount: number;
  popularity: number;
  runtime: number;
  releaseDate: string;
}

export interface TmdbJoinOptions {
  /**
   * Whether the dataset's movie ids are MovieLens ids (every release but ml-100k), so that the
   * TMDB folder's links.csv can give a tmdbId to movies the dataset has no link for. Default true.
   */
  movieLensIds?: boolean;
  /** Match movies still without a tmdbId by normalised title and year (±1). Default true. */
  byTitle?: boolean;
}

export interface TmdbJoinReport {
  movies: number;
  /** Movies with a tmdbId after the join, whatever gave it. */
  linked: number;
  /** Of those, given by the TMDB folder's links.csv. */
  linkedByTmdbLinks: number;
  /** Movies that needed a title match, and how many found one. */
  titleCandidates: number;
  titleMatched: number;
  /** titleMatched / titleCandidates (1 when none were needed). */
  titleMatchRate: number;
  /** Movies joined to a TMDB 5000 row (overview, votes, …). */
  withDetails: number;
  withKeywords: number;
  warning?: string;
}

/**
 * Joins TMDB metadata into `dataset.movies` in place. A movie's tmdbId comes from the dataset's
 * links.csv, else (for MovieLens ids) the TMDB folder's links.csv, else a title + year match
 * against TMDB 5000 (how ml-100k, which has no links, gets any). Then tmdb_5000_movies.csv gives
 * overview, tagline, genres, keywords, votes, popularity, runtime and release date, and The Movies
 * Dataset's keywords.csv adds keywords; either file may be absent.
 *
 * @throws Error naming the folder when it holds neither TMDB file.
 */
export async function joinTmdb(
  dataset: Dataset,
  tmdbDir: string,
  options: TmdbJoinOptions = {},
): Promise<TmdbJoinReport> {
  const detailsFile = join(tmdbDir, 'tmdb_5000_movies.csv');
  const keywordsFile = join(tmdbDir, 'keywords.csv');
  if (!existsSync(detailsFile) && !existsSync(keywordsFile)) {
    throw new Error(`TMDB folder ${tmdbDir} has neither tmdb_5000_movies.csv nor keywords.csv`);
  }
  const movies = dataset.movies;
  const details = existsSync(detailsFile) ? await readTmdbMovies(detailsFile) : new Map<number, TmdbMovie>();

  let linkedByTmdbLinks = 0;
  const linksFile = join(tmdbDir, 'links.csv');
  if ((options.movieLensIds ?? true) && existsSync(linksFile) && movies.some((m) => m.tmdbId === undefined)) {
    const byMovieId = await readTmdbLinks(linksFile);
    for (const movie of movies) {
      if (movie.tmdbId !== undefined) continue;
      const tmdbId = byMovieId.get(Number(movie.movieId));
      if (tmdbId !== undefined) {
        movie.tmdbId = tmdbId;
        linkedByTmdbLinks++;
      }
    }
  }

  const unlinked = movies.filter((m) => m.tmdbId === undefined);
  let titleMatched = 0;
  if ((options.byTitle ?? true) && unlinked.length > 0 && details.size > 0) {
    titleMatched = matchByTitle(unlinked, details);
  }

  let withDetails = 0;
  for (const movie of movies) {
    const row = movie.tmdbId === undefined ? undefined : details.get(movie.tmdbId);
    if (row === undefined) continue;
    withDetails++;
    applyDetails(movie, row);
  }
  if (existsSync(keywordsFile)) await addKeywords(keywordsFile, movies);

  const titleCandidates = options.byTitle === false ? 0 : unlinked.length;
  const titleMatchRate = titleCandidates === 0 ? 1 : titleMatched / titleCandidates;
  const report: TmdbJoinReport = {
    movies: movies.length,
    linked: movies.filter((m) => m.tmdbId !== undefined).length,
    linkedByTmdbLinks,
    titleCandidates,
    titleMatched,
    titleMatchRate,
    withDetails,
    withKeywords: movies.filter((m) => (m.keywords?.length ?? 0) > 0).length,
  };
  if (titleCandidates > 0) {
    report.warning = `TMDB: ${titleMatched} of ${titleCandidates} movies without a link matched by title and year (${(100 * titleMatchRate).toFixed(1)}%)`;
  }
  return report;
}

/** tmdb_5000_movies.csv by TMDB id. */
export async function readTmdbMovies(path: string): Promise<Map<number, TmdbMovie>> {
  const out = new Map<number, TmdbMovie>();
  const col: Record<string, number> = {};
  const names = [
    'id',
    'title',
    'original_title',
    'overview',
    'tagline',
    'genres',
    'keywords',
    'release_date',
  ];
  const numbers = ['vote_average', 'vote_count', 'popularity', 'runtime'];
  await readDelimited(
    path,
    (r) => {
      const id = r.number(col.id);
      if (!Number.isInteger(id)) return undefined;
      const releaseDate = r.text(col.release_date).trim();
      let genres: string[];
      let keywords: string[];
      try {
        genres = namesFromList(r.text(col.genres));
        keywords = namesFromList(r.text(col.keywords));
      } catch (error) {
        throw new Error(`${r.where()}: ${(error as Error).message}`);
      }
      out.set(id, {
        id,
        title: r.text(col.title),
        originalTitle: r.text(col.original_title),
        year: /^\d{4}/.test(releaseDate) ? Number(releaseDate.slice(0, 4)) : null,
        overview: r.text(col.overview).trim(),
        tagline: r.text(col.tagline).trim(),
        genres,
        keywords,
        voteAverage: r.number(col.vote_average),
        voteCount: r.number(col.vote_count),
        popularity: r.number(col.popularity),
        runtime: r.number(col.runtime),
        releaseDate,
      });
      return undefined;
    },
    {
      header: true,
      onHeader: (header) => {
        for (const name of [...names, ...numbers]) col[name] = requireColumn(header, name, path);
      },
    },
  );
  return out;
}

function applyDetails(movie: Movie, row: TmdbMovie): void {
  if (row.overview !== '') movie.overview = row.overview;
  if (row.tagline !== '') movie.tagline = row.tagline;
  if (row.genres.length > 0) movie.tmdbGenres = row.genres;
  if (row.keywords.length > 0) movie.keywords = mergeNames(movie.keywords, row.keywords);
  if (Number.isFinite(row.voteAverage)) movie.voteAverage = row.voteAverage;
  if (Number.isFinite(row.voteCount)) movie.voteCount = row.voteCount;
  if (Number.isFinite(row.popularity)) movie.popularity = row.popularity;
  if (row.runtime > 0) movie.runtime = row.runtime;
  if (row.releaseDate !== '') movie.releaseDate = row.releaseDate;
}

/** The Movies Dataset's links.csv: MovieLens movieId → tmdbId (219 rows have none). */
async function readTmdbLinks(path: string): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  let movieColumn = 0;
  let tmdbColumn = 2;
  await readDelimited(
    path,
    (r) => {
      const tmdbId = r.number(tmdbColumn);
      if (Number.isInteger(tmdbId)) out.set(r.number(movieColumn), tmdbId);
      return undefined;
    },
    {
      header: true,
      onHeader: (header) => {
        movieColumn = requireColumn(header, 'movieId', path);
        tmdbColumn = requireColumn(header, 'tmdbId', path);
      },
    },
  );
  return out;
}

/** keywords.csv (id, Python-literal list); only rows of linked movies are parsed. */
async function addKeywords(path: string, movies: Movie[]): Promise<void> {
  const byTmdbId = new Map<number, Movie[]>();
  for (const movie of movies) {
    if (movie.tmdbId === undefined) continue;
    const list = byTmdbId.get(movie.tmdbId);
    if (list === undefined) byTmdbId.set(movie.tmdbId, [movie]);
    else list.push(movie);
  }
  let idColumn = 0;
  let keywordsColumn = 1;
  await readDelimited(
    path,
    (r) => {
      const targets = byTmdbId.get(r.number(idColumn));
      if (targets === undefined) return undefined;
      let names: string[];
      try {
        names = namesFromList(r.text(keywordsColumn));
      } catch (error) {
        throw new Error(`${r.where()}: ${(error as Error).message}`);
      }
      if (names.length === 0) return undefined;
      for (const movie of targets) movie.keywords = mergeNames(movie.keywords, names);
      return undefined;
    },
    {
      header: true,
      onHeader: (header) => {
        idColumn = requireColumn(header, 'id', path);
        keywordsColumn = requireColumn(header, 'keywords', path);
      },
    },
  );
}

/**
 * Gives `movies` the tmdbId of the TMDB 5000 row with the same normalised title (or alternate or
 * original title) released within a year of theirs; closest year first, then most votes.
 */
function matchByTitle(movies: Movie[], details: Map<number, TmdbMovie>): number {
  const index = new Map<string, TmdbMovie[]>();
  for (const row of details.values()) {
    for (const key of new Set([...titleKeys(row.title), ...titleKeys(row.originalTitle)])) {
      const list = index.get(key);
      if (list === undefined) index.set(key, [row]);
      else list.push(row);
    }
  }
  let matched = 0;
  for (const movie of movies) {
    if (movie.year === null) continue;
    let best: TmdbMovie | undefined;
    for (const key of titleKeys(movie.title)) {
      for (const row of index.get(key) ?? []) {
        if (row.year === null || Math.abs(row.year - movie.year) > 1) continue;
        if (best === undefined || isCloser(row, best, movie.year)) best = row;
      }
    }
    if (best !== undefined) {
      movie.tmdbId = best.id;
      matched++;
    }
  }
  return matched;
}

function isCloser(row: TmdbMovie, best: TmdbMovie, year: number): boolean {
  const gap = Math.abs((row.year ?? 0) - year) - Math.abs((best.year ?? 0) - year);
  return gap < 0 || (gap === 0 && row.voteCount > best.voteCount);
}

function mergeNames(existing: string[] | undefined, more: string[]): string[] {
  if (existing === undefined || existing.length === 0) return [...new Set(more)];
  return [...new Set([...existing, ...more])];
}
