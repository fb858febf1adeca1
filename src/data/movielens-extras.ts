import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CatalogBuilder } from './catalog.js';
import { type DelimitedOptions, readDelimited, requireColumn } from './csv.js';
import type { Genome } from './dataset.js';

/**
 * links.csv (movieId,imdbId,tmdbId) into `movie.imdbId` (digits as in the file, e.g. "0114709")
 * and `movie.tmdbId`. Rows for movies outside the catalog and blank tmdbIds are skipped.
 */
export async function readLinks(path: string, catalog: CatalogBuilder): Promise<void> {
  let movieColumn = 0;
  let imdbColumn = 1;
  let tmdbColumn = 2;
  await readDelimited(
    path,
    (record) => {
      const movie = catalog.movie(record.number(movieColumn));
      if (movie === undefined) return undefined;
      if (!record.isEmpty(imdbColumn)) movie.imdbId = record.text(imdbColumn).trim();
      const tmdbId = record.number(tmdbColumn);
      if (Number.isInteger(tmdbId)) movie.tmdbId = tmdbId;
      return undefined;
    },
    {
      header: true,
      onHeader: (names) => {
        movieColumn = requireColumn(names, 'movieId', path);
        imdbColumn = requireColumn(names, 'imdbId', path);
        tmdbColumn = requireColumn(names, 'tmdbId', path);
      },
    },
  );
}

export interface TagFileSpec extends DelimitedOptions {
  /** Column of the movie id: a header name, or an index for files without a header. */
  movieColumn: string | number;
  tagColumn: string | number;
}

/**
 * User tags (tags.csv, ml-10m's tags.dat) into `movie.tags`: trimmed, lower-cased, de-duplicated
 * in first-seen order. Tags of movies outside the catalog are dropped; returns how many were read.
 */
export async function readTags(path: string, catalog: CatalogBuilder, spec: TagFileSpec): Promise<number> {
  let movieColumn = typeof spec.movieColumn === 'number' ? spec.movieColumn : -1;
  let tagColumn = typeof spec.tagColumn === 'number' ? spec.tagColumn : -1;
  const byMovie = new Map<number, Set<string>>();
  const summary = await readDelimited(
    path,
    (record) => {
      const index = catalog.items.lookup(record.number(movieColumn));
      if (index < 0) return undefined;
      const tag = record.text(tagColumn).trim().toLowerCase();
      if (tag.length === 0) return undefined;
      let tags = byMovie.get(index);
      if (tags === undefined) {
        tags = new Set();
        byMovie.set(index, tags);
      }
      tags.add(tag);
      return undefined;
    },
    {
      ...spec,
      onHeader: (names) => {
        if (typeof spec.movieColumn === 'string') movieColumn = requireColumn(names, spec.movieColumn, path);
        if (typeof spec.tagColumn === 'string') tagColumn = requireColumn(names, spec.tagColumn, path);
      },
    },
  );
  for (const [index, tags] of byMovie) catalog.movies[index].tags = [...tags];
  return summary.records;
}

/**
 * The tag genome (genome-tags.csv, genome-scores.csv) as a dense item × tag matrix, or undefined
 * when the folder has no genome files.
 */
export async function readGenome(dir: string, catalog: CatalogBuilder): Promise<Genome | undefined> {
  const tagsFile = join(dir, 'genome-tags.csv');
  const scoresFile = join(dir, 'genome-scores.csv');
  if (!existsSync(tagsFile) || !existsSync(scoresFile)) return undefined;
  const tags: string[] = [];
  const tagIndex = new Map<number, number>();
  await readDelimited(
    tagsFile,
    (record) => {
      tagIndex.set(record.number(0), tags.length);
      tags.push(record.text(1));
      return undefined;
    },
    { header: true },
  );
  const nItems = catalog.movies.length;
  const nTags = tags.length;
  const relevance = new Float32Array(nItems * nTags);
  const present = new Uint8Array(nItems);
  await readDelimited(
    scoresFile,
    (record) => {
      const item = catalog.items.lookup(record.number(0));
      const tag = tagIndex.get(record.number(1));
      if (item < 0 || tag === undefined) return undefined;
      relevance[item * nTags + tag] = record.number(2);
      present[item] = 1;
      return undefined;
    },
    { header: true },
  );
  return { tags, relevance, present };
}
