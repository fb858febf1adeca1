import { describe, expect, it } from 'vitest';
import { Rng } from '../math/random.js';
import {
  buildVectorIndex,
  rebuildVectorIndex,
  restoreVectorIndex,
  type VectorIndex,
} from './vector-index.js';

/** n random Gaussian rows of `dim` (not normalised: the index normalises). */
function randomRows(n: number, dim: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n * dim }, () => rng.normal());
}

function range(n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => i);
}

/** Brute force over the raw rows: cosine in double precision, best first, ties by lower key. */
function bruteForce(keys: Int32Array, rows: Float32Array, dim: number, q: Float32Array, n: number): number[] {
  const norm = (a: Float32Array) => Math.sqrt(a.reduce((s, x) => s + x * x, 0));
  const nq = norm(q);
  const scored = Array.from(keys, (key, i) => {
    const row = rows.subarray(i * dim, (i + 1) * dim);
    let dot = 0;
    for (let f = 0; f < dim; f++) dot += row[f] * q[f];
    return { key, score: dot / (norm(row) * nq) };
  });
  scored.sort((a, b) => b.score - a.score || a.key - b.key);
  return scored.slice(0, n).map((s) => s.key);
}

const v = (...xs: number[]) => Float32Array.from(xs);
const kinds = [
  { kind: 'exact', exactUpTo: undefined },
  { kind: 'hnsw', exactUpTo: 0 },
] as const;

/** Hand-made rows with sparse keys: 0→x, 1→(x+y)/√2, 2→z, 3→−x, 5→(0.6, 0.8, 0). */
function handIndex(exactUpTo?: number): VectorIndex {
  const keys = Int32Array.from([0, 1, 2, 3, 5]);
  const rows = Float32Array.from([1, 0, 0, 1, 1, 0, 0, 0, 2, -1, 0, 0, 3, 4, 0]);
  return buildVectorIndex(keys, rows, { dim: 3, exactUpTo });
}

describe.each(kinds)('vector index ($kind)', ({ kind, exactUpTo }) => {
  it('ranks hand-made vectors by cosine', () => {
    const index = handIndex(exactUpTo);
    expect(index.kind).toBe(kind);
    expect(index.size).toBe(5);
    const r = index.search(v(2, 0, 0), 5);
    expect(Array.from(r.ids)).toEqual([0, 1, 5, 2, 3]);
    const expected = [1, Math.SQRT1_2, 0.6, 0, -1];
    for (const [i, s] of expected.entries()) expect(r.scores[i]).toBeCloseTo(s, 6);
    // Ties (0, 2 and 3 all score 0 against y) come lower key first.
    expect(Array.from(index.search(v(0, 1, 0), 5).ids)).toEqual([5, 1, 0, 2, 3]);
    expect(Array.from(index.search(v(0, 1, 0), 2).scores)).toEqual([
      Math.fround(0.8),
      Math.fround(Math.SQRT1_2),
    ]);
    expect(Array.from(index.vector(5)!)).toEqual([Math.fround(0.6), Math.fround(0.8), 0]);
    expect(index.vector(4)).toBeUndefined();
  });

  it('upsert replaces, remove drops, exclude and only filter', () => {
    const index = handIndex(exactUpTo);
    index.upsert(3, v(1, 0, 0.1));
    expect(Array.from(index.search(v(1, 0, 0), 2).ids)).toEqual([0, 3]);
    index.remove(0);
    index.remove(42);
    expect(index.has(0)).toBe(false);
    expect(index.size).toBe(4);
    expect(Array.from(index.search(v(1, 0, 0), 5).ids)).toEqual([3, 1, 5, 2]);
    expect(Array.from(index.search(v(1, 0, 0), 5, { exclude: (k) => k % 2 === 1 }).ids)).toEqual([2]);
    const only = Int32Array.from([2, 5, 0, 5, 9]);
    expect(Array.from(index.search(v(1, 0, 0), 5, { only }).ids)).toEqual([5, 2]);
    index.upsert(0, v(0, 0, -1));
    expect(Array.from(index.search(v(0, 0, -1), 1).ids)).toEqual([0]);
  });

  it('stores zero vectors but never returns them; a zero query finds nothing', () => {
    const index = handIndex(exactUpTo);
    index.upsert(7, v(0, 0, 0));
    index.upsert(1, v(0, 0, 0));
    expect(index.has(7) && index.has(1)).toBe(true);
    expect(index.size).toBe(6);
    expect(Array.from(index.vector(7)!)).toEqual([0, 0, 0]);
    expect(Array.from(index.search(v(1, 1, 0), 10).ids)).toEqual([5, 0, 2, 3]);
    expect(index.search(v(0, 0, 0), 10).ids.length).toBe(0);
    index.upsert(7, v(1, 1, 0));
    expect(index.search(v(1, 1, 0), 1).ids[0]).toBe(7);
    index.remove(1);
    expect(index.size).toBe(5);
  });

  it('rejects a wrong dimension or a non-finite entry and stays intact', () => {
    const index = handIndex(exactUpTo);
    const before = index.search(v(1, 1, 1), 5);
    expect(() => index.upsert(9, v(1, 0))).toThrow(/expected 3/);
    expect(() => index.upsert(1, v(1, Number.NaN, 0))).toThrow(/non-finite/);
    expect(() => index.upsert(1, v(1, Number.POSITIVE_INFINITY, 0))).toThrow(/non-finite/);
    expect(() => index.upsert(-1, v(1, 0, 0))).toThrow(/key/);
    expect(() => index.search(v(1, 0), 3)).toThrow(/expected 3/);
    expect(() => index.search(v(Number.NaN, 0, 0), 3)).toThrow(/non-finite/);
    expect(index.size).toBe(5);
    expect(index.has(9)).toBe(false);
    expect(index.search(v(1, 1, 1), 5)).toEqual(before);
  });

  it('round-trips through toState (typed arrays + JSON meta) with identical results', () => {
    const dim = 16;
    const rows = randomRows(600, dim, 7);
    const index = buildVectorIndex(range(600), rows, { dim, exactUpTo });
    for (let k = 0; k < 40; k++) index.remove(k * 3);
    index.upsert(1000, randomRows(1, dim, 8));
    index.upsert(1, randomRows(1, dim, 9));
    const state = index.toState();
    for (const a of Object.values(state.arrays))
      expect([Float32Array, Int32Array, Uint8Array].some((t) => a instanceof t)).toBe(true);
    const meta = JSON.parse(JSON.stringify(state.meta));
    expect(meta).toEqual(state.meta);
    const restored = restoreVectorIndex({ meta, arrays: state.arrays });
    expect(restored.kind).toBe(kind);
    expect(restored.size).toBe(index.size);
    const queries = randomRows(20, dim, 10);
    for (let i = 0; i < 20; i++) {
      const q = queries.subarray(i * dim, (i + 1) * dim);
      expect(restored.search(q, 10)).toEqual(index.search(q, 10));
    }
    expect(restored.vector(1000)).toEqual(index.vector(1000));
  });

  it('grows past its initial capacity through upserts', () => {
    const dim = 8;
    const index = buildVectorIndex(range(10), randomRows(10, dim, 1), { dim, exactUpTo });
    const extra = randomRows(500, dim, 2);
    for (let i = 0; i < 500; i++) index.upsert(100 + 2 * i, extra.subarray(i * dim, (i + 1) * dim));
    expect(index.size).toBe(510);
    for (let i = 0; i < 500; i += 37) {
      expect(index.search(extra.subarray(i * dim, (i + 1) * dim), 1).ids[0]).toBe(100 + 2 * i);
    }
  });
});

describe('vector index at scale', () => {
  const dim = 32;

  it('exact search matches brute force on 2,000 × 32', () => {
    const keys = Int32Array.from({ length: 2000 }, (_, i) => 3 * i + 1);
    const rows = randomRows(2000, dim, 11);
    const index = buildVectorIndex(keys, rows, { dim });
    expect(index.kind).toBe('exact');
    const queries = randomRows(50, dim, 12);
    for (let i = 0; i < 50; i++) {
      const q = queries.subarray(i * dim, (i + 1) * dim);
      expect(Array.from(index.search(q, 10).ids)).toEqual(bruteForce(keys, rows, dim, q, 10));
    }
  });

  it('HNSW recall@10 against exact is at least 0.95 on 5,000 × 32', () => {
    const keys = range(5000);
    const rows = randomRows(5000, dim, 21);
    const hnsw = buildVectorIndex(keys, rows, { dim, exactUpTo: 0, efSearch: 200 });
    const exact = buildVectorIndex(keys, rows, { dim });
    expect(hnsw.kind).toBe('hnsw');
    const queries = randomRows(200, dim, 22);
    let hits = 0;
    for (let i = 0; i < 200; i++) {
      const q = queries.subarray(i * dim, (i + 1) * dim);
      const truth = new Set(exact.search(q, 10).ids);
      for (const id of hnsw.search(q, 10).ids) hits += truth.has(id) ? 1 : 0;
    }
    expect(hits / 2000).toBeGreaterThanOrEqual(0.95);
  });

  it('an exact index grown past exactUpTo stays exact until rebuilt, then is HNSW', () => {
    const rows = randomRows(300, dim, 31);
    const index = buildVectorIndex(range(200), rows.subarray(0, 200 * dim), { dim, exactUpTo: 200 });
    expect(index.kind).toBe('exact');
    for (let i = 200; i < 300; i++) index.upsert(i, rows.subarray(i * dim, (i + 1) * dim));
    index.remove(7);
    expect(index.kind).toBe('exact');
    const rebuilt = rebuildVectorIndex(index);
    expect(rebuilt.kind).toBe('hnsw');
    expect(rebuilt.size).toBe(299);
    expect(rebuilt.vector(8)).toEqual(index.vector(8));
    for (let i = 0; i < 300; i += 29)
      expect(rebuilt.search(rows.subarray(i * dim, (i + 1) * dim), 1).ids[0]).toBe(i);
    expect(rebuildVectorIndex(rebuilt, { exactUpTo: 1000 }).kind).toBe('exact');
  });

  it('HNSW survives heavy removal (graph compaction) and re-adding removed keys', () => {
    const rows = randomRows(400, dim, 41);
    const index = buildVectorIndex(range(400), rows, { dim, exactUpTo: 0 });
    for (let k = 0; k < 300; k++) index.remove(k);
    expect(index.size).toBe(100);
    const q = randomRows(1, dim, 42);
    const ids = Array.from(index.search(q, 100).ids);
    expect(ids.length).toBe(100);
    expect(ids.every((k) => k >= 300)).toBe(true);
    index.upsert(5, rows.subarray(5 * dim, 6 * dim));
    index.remove(5);
    index.upsert(5, rows.subarray(5 * dim, 6 * dim));
    expect(index.search(rows.subarray(5 * dim, 6 * dim), 1).ids[0]).toBe(5);
    expect(index.search(q, 1000).ids.length).toBe(101);
  });

  it('rebuilds a graph whose bytes are missing, and rethrows from exclude', () => {
    const rows = randomRows(100, dim, 51);
    const index = buildVectorIndex(range(100), rows, { dim, exactUpTo: 0 });
    const { meta, arrays } = index.toState();
    const restored = restoreVectorIndex({ meta, arrays: { keys: arrays.keys, rows: arrays.rows } });
    expect(restored.kind).toBe('hnsw');
    expect(restored.search(rows.subarray(0, dim), 1).ids[0]).toBe(0);
    const boom = () => {
      throw new Error('boom');
    };
    expect(() => restored.search(rows.subarray(0, dim), 5, { exclude: boom })).toThrow('boom');
    expect(() => buildVectorIndex(Int32Array.from([1, 1]), new Float32Array(2 * dim), { dim })).toThrow(
      /duplicate/,
    );
  });
});
