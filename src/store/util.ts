/** Small helpers shared by the SQL and memory stores. */
import type { MovieQuery } from './types.js';

/**
 * Rows per multi-row INSERT. Far below both parameter limits (SQLite 32,766, PostgreSQL 65,535)
 * at ≤ 16 columns, and large enough that statement overhead is negligible: ml-latest-small's
 * 100,836 ratings are ~100 statements.
 */
export const ROWS_PER_INSERT = 1000;

export function* chunks<T>(items: T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

/** Makes %, _ and \ literal under `like … escape '\'`. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Shared with the memory store so both refuse the same pages. */
export function checkPage(query: Pick<MovieQuery, 'page' | 'pageSize'>): void {
  if (!Number.isInteger(query.page) || query.page < 1)
    throw new RangeError(`page must be ≥ 1, got ${query.page}`);
  if (!Number.isInteger(query.pageSize) || query.pageSize < 1) {
    throw new RangeError(`pageSize must be ≥ 1, got ${query.pageSize}`);
  }
}
