import { HALF_STAR_SCALE } from '../data/catalog.js';
import type { Dataset, Movie } from '../data/dataset.js';
import { datasetFingerprint } from '../data/fingerprint.js';
import { IdMap } from '../data/idmap.js';
import { Interactions } from '../data/interactions.js';
import type { MovieRecord, Store } from '../store/types.js';

/** Criteria every recommendation source honours. */
export interface MovieFilter {
  genre?: string;
  yearFrom?: number;
  yearTo?: number;
}

/**
 * The movies the service knows, by raw MovieLens id. Immutable: an edit makes a new catalog, so a
 * request holding a snapshot sees one consistent catalog from start to end.
 */
export class Catalog {
  private constructor(private readonly byId: ReadonlyMap<number, MovieRecord>) {}

  static of(movies: Iterable<MovieRecord>): Catalog {
    const byId = new Map<number, MovieRecord>();
    for (const movie of movies) byId.set(movie.movieId, movie);
    return new Catalog(byId);
  }

  static async load(store: Store): Promise<Catalog> {
    return Catalog.of(await store.allMovies());
  }

  get size(): number {
    return this.byId.size;
  }

  get(movieId: number): MovieRecord | undefined {
    return this.byId.get(movieId);
  }

  has(movieId: number): boolean {
    return this.byId.has(movieId);
  }

  /** A new catalog with `movies` added or replaced. */
  with(movies: MovieRecord[]): Catalog {
    const byId = new Map(this.byId);
    for (const movie of movies) byId.set(movie.movieId, movie);
    return new Catalog(byId);
  }

  /** The predicate a filter means (undefined when it filters nothing). */
  static predicate(filter: MovieFilter): ((movie: MovieRecord) => boolean) | undefined {
    const genre = filter.genre?.toLowerCase();
    const { yearFrom, yearTo } = filter;
    if (genre === undefined && yearFrom === undefined && yearTo === undefined) return undefined;
    return (movie) => {
      if (genre !== undefined && !movie.genres.some((g) => g.toLowerCase() === genre)) return false;
      if (yearFrom !== undefined && (movie.year === null || movie.year < yearFrom)) return false;
      if (yearTo !== undefined && (movie.year === null || movie.year > yearTo)) return false;
      return true;
    };
  }

  movies(): IterableIterator<MovieRecord> {
    return this.byId.values();
  }
}

/** The store's current ratings as a Dataset: every catalog movie an item (ascending ids), users ascending. */
export interface StoreDataset {
  dataset: Dataset;
  fingerprint: string;
}

export async function loadStoreDataset(store: Store, name = 'store'): Promise<StoreDataset> {
  const records = (await store.allMovies()).sort((a, b) => a.movieId - b.movieId);
  const items = IdMap.from(records.map((m) => m.movieId));
  const movies: Movie[] = records.map(recordToMovie);
  const userIds = new Set<number>();
  const rows: { user: number; item: number; rating: number; time: number }[] = [];
  for await (const page of store.allRatings(50_000)) {
    for (const r of page) {
      const item = items.index(r.movieId);
      if (item < 0) continue; // the store's foreign key makes this impossible; be safe anyway
      userIds.add(r.userId);
      rows.push({ user: r.userId, item, rating: r.rating, time: r.timestamp });
    }
  }
  const users = IdMap.from([...userIds].sort((a, b) => a - b));
  const n = rows.length;
  const u = new Int32Array(n);
  const i = new Int32Array(n);
  const v = new Float32Array(n);
  const t = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const row = rows[k];
    u[k] = users.index(row.user);
    i[k] = row.item;
    v[k] = row.rating;
    t[k] = row.time;
  }
  const dataset: Dataset = {
    name,
    ratings: new Interactions(users.size, items.size, u, i, v, t),
    users,
    items,
    movies,
    scale: { ...HALF_STAR_SCALE },
  };
  return { dataset, fingerprint: datasetFingerprint(dataset) };
}

/** A stored movie as the models read it (content fields only where present). */
export function recordToMovie(m: MovieRecord): Movie {
  const movie: Movie = { movieId: m.movieId, title: m.title, year: m.year, genres: m.genres };
  if (m.overview !== null) movie.overview = m.overview;
  if (m.tagline !== null) movie.tagline = m.tagline;
  if (m.keywords.length > 0) movie.keywords = m.keywords;
  if (m.tags.length > 0) movie.tags = m.tags;
  if (m.voteAverage !== null) movie.voteAverage = m.voteAverage;
  if (m.voteCount !== null) movie.voteCount = m.voteCount;
  if (m.popularity !== null) movie.popularity = m.popularity;
  if (m.runtime !== null) movie.runtime = m.runtime;
  return movie;
}
