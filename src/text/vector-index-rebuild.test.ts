// An exact index that upserts grow past exactUpTo is rebuilt as HNSW on a worker thread and swapped
// in, with the writes made during the rebuild replayed on it.
import { describe, expect, it } from 'vitest';
import type { Movie } from '../data/dataset.js';
import { buildTextSearch } from './build.js';
import { buildVectorIndex, outgrown } from './vector-index.js';
import { rebuildOffThread } from './vector-index-rebuild.js';

const movies: Movie[] = [
  'a shark hunts swimmers off a beach',
  'robots rebel on a space station',
  'a vampire hides in a castle',
  'an accountant audits an office',
].map((overview, i) => ({ movieId: i + 1, title: `Film ${i + 1}`, year: 2000, genres: ['Drama'], overview }));

function unit(values: number[]): Float32Array {
  const v = Float32Array.from(values);
  const norm = Math.hypot(...values);
  return v.map((x) => x / norm);
}

describe('rebuildOffThread', () => {
  it('builds the same rows as HNSW once past exactUpTo, and keeps an index within it exact', async () => {
    const dim = 3;
    const keys = Int32Array.of(4, 9, 2, 7);
    const rows = Float32Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 0);
    const small = buildVectorIndex(keys, rows, { dim, exactUpTo: 4 });
    expect(outgrown(small)).toBe(false);
    small.upsert(11, Float32Array.of(1, 1, 1));
    expect(small.kind).toBe('exact');
    expect(outgrown(small)).toBe(true);
    const rebuilt = await rebuildOffThread(small);
    expect(rebuilt.kind).toBe('hnsw');
    expect(outgrown(rebuilt)).toBe(false);
    for (const key of [4, 9, 2, 7, 11]) expect(rebuilt.vector(key)).toEqual(small.vector(key));
    // [1, 1, 0]/√2 is nearest itself (cosine 1), then [1, 1, 1]/√3 (2/√6), then 4 and 9 (1/√2).
    const found = rebuilt.search(Float32Array.of(1, 1, 0), 4);
    expect(Array.from(found.ids)).toEqual([7, 11, 4, 9]);
    expect(found.scores[1]).toBeCloseTo(2 / Math.sqrt(6), 6);
    const within = await rebuildOffThread(buildVectorIndex(keys, rows, { dim, exactUpTo: 10 }));
    expect(within.kind).toBe('exact');
  });
});

describe('TextSearch.rebuildIndex', () => {
  it('swaps the rebuilt index in, with the writes made meanwhile replayed on it', async () => {
    const search = buildTextSearch(movies, { exactUpTo: 4, encoder: { lsaDims: 2 } });
    const dim = search.index.dim;
    search.upsert(4, [{ field: 'overview', text: 'a shark circles a boat', weight: 1 }]);
    expect(outgrown(search.index)).toBe(true);
    const before = search.index;
    const run = search.rebuildIndex(rebuildOffThread);
    expect(search.rebuilding).toBe(run);
    expect(search.rebuildIndex(rebuildOffThread)).toBe(run); // one at a time
    // Written while the worker builds: seen at once by the index in use, and replayed later.
    const late = unit(Array.from({ length: dim }, (_, c) => c + 1));
    search.upsert(5, [{ field: 'overview', text: 'a robot on a space station', weight: 1 }], late);
    search.remove(2);
    expect(search.index).toBe(before);
    expect(before.has(5) && !before.has(2)).toBe(true);
    await run;
    expect(search.rebuilding).toBeNull();
    const after = search.index;
    expect(after).not.toBe(before);
    expect(after.kind).toBe('hnsw');
    expect(after.size).toBe(5); // keys 0, 1, 3, 4, 5
    expect(after.has(2)).toBe(false);
    for (const key of [0, 1, 3, 4]) expect(after.vector(key)).toEqual(before.vector(key));
    const row = after.vector(5) as Float32Array;
    for (let c = 0; c < dim; c++) expect(row[c]).toBeCloseTo(late[c], 6);
    // The text side never changed: the edited film is still found by its new words.
    expect(search.search('shark boat', 1, { mode: 'lexical' })[0]?.item).toBe(4);
  });

  it('keeps the index in use when the rebuild fails', async () => {
    const search = buildTextSearch(movies, { exactUpTo: 2, encoder: { lsaDims: 2 } });
    const before = search.index;
    await expect(search.rebuildIndex(async () => Promise.reject(new Error('no worker')))).rejects.toThrow(
      'no worker',
    );
    expect(search.index).toBe(before);
    expect(search.rebuilding).toBeNull();
  });
});
