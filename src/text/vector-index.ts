import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import hnswlib, { type HierarchicalNSW } from 'hnswlib-node';
import { DenseScorer } from '../math/scoring.js';
import { heapDrain, heapPush } from '../math/topk.js';
import type { Ranked } from '../models/types.js';

/**
 * Nearest-neighbour search over unit-normalised embedding rows (cosine = dot product), keyed by
 * dense item index. One row store (slot-major Float32Array, removal by swap-with-last) backs both
 * kinds: 'exact' scans it with the DenseScorer kernel; 'hnsw' adds an hnswlib graph whose labels
 * are the keys. The store is what `vector()` reads, what final scores are computed from (so both
 * kinds report the same score for the same pair) and what a graph is rebuilt from.
 *
 * hnswlib is used with allowReplaceDeleted = false: with it on, re-adding a deleted label can take
 * another tombstone's slot, and reusing the old slot later drops the live label from the lookup
 * (it keeps being returned but can no longer be deleted), and `replaceDeleted` on a live label
 * leaves a stale duplicate. Instead re-upserting a deleted key revives its slot in place, and the
 * graph is rebuilt from the store once tombstones outnumber live rows.
 *
 * The kind is chosen when an index is built (or restored), never by an upsert: crossing
 * `exactUpTo` would otherwise stall that one upsert for a full graph build (about a minute for
 * 100k × 64 on two cores), while an exact scan only slows linearly as it grows. Owners that see
 * `kind === 'exact' && size > exactUpTo` (`outgrown`) call `rebuildVectorIndex` when a pause is
 * acceptable (e.g. with the next model fit), or build off the thread from `rebuildInputs`
 * (vector-index-rebuild.ts, which the service uses when upserts cross the threshold).
 */

export interface VectorIndexOptions {
  dim: number;
  /** Largest size built as an exact index (default 100,000); larger builds get HNSW. */
  exactUpTo?: number;
  /** HNSW links per node (default 16). */
  m?: number;
  /** HNSW build beam width (default 200). */
  efConstruction?: number;
  /** HNSW search beam width, raised to n when n is larger (default 100). */
  efSearch?: number;
  /** HNSW level-assignment seed (default 100). */
  seed?: number;
}

export interface VectorSearchOptions {
  /**
   * Keys never returned. Exact: asked only about would-be entries. HNSW: asked during the graph
   * walk, so a filter that rejects most keys can return fewer than n (use `only` for small sets).
   */
  exclude?: (key: number) => boolean;
  /** Rank only these keys: always scored exactly (O(|only|·dim)), for both kinds. */
  only?: Int32Array;
}

export type VectorIndexArrays = Record<string, Float32Array | Int32Array | Uint8Array>;
export interface VectorIndexState {
  meta: Record<string, unknown>;
  arrays: VectorIndexArrays;
}

export interface VectorIndex {
  readonly kind: 'exact' | 'hnsw';
  readonly dim: number;
  /** Live vectors (zero vectors included). */
  readonly size: number;
  has(key: number): boolean;
  /** A copy of the stored (normalised) row. */
  vector(key: number): Float32Array | undefined;
  /** Add or replace; stores a normalised copy. Zero vectors are stored but never returned. */
  upsert(key: number, vector: Float32Array): void;
  remove(key: number): void;
  /** Best n keys by cosine, best first (ties: lower key first). HNSW answers are approximate. */
  search(query: Float32Array, n: number, options?: VectorSearchOptions): Ranked;
  /** Named typed arrays (keys, rows, and for HNSW the graph bytes) plus JSON-able meta. */
  toState(): VectorIndexState;
}

const FORMAT = 1;
const DEFAULTS = { exactUpTo: 100_000, m: 16, efConstruction: 200, efSearch: 100, seed: 100 };
type Settings = typeof DEFAULTS & { dim: number };

function settings(o: Partial<Settings>): Settings {
  // An explicit `undefined` (an unset CLI flag, say) means the default, not a value.
  const given = Object.entries(o).filter(([, x]) => x !== undefined);
  const s = { ...DEFAULTS, ...Object.fromEntries(given) } as Settings;
  const mins = [
    ['dim', 1],
    ['exactUpTo', 0],
    ['m', 2],
    ['efConstruction', 1],
    ['efSearch', 1],
    ['seed', 0],
  ];
  for (const [name, min] of mins as [keyof Settings, number][]) {
    if (!Number.isSafeInteger(s[name]) || s[name] < min)
      throw new RangeError(`vector index: ${name} must be an integer ≥ ${min}, got ${s[name]}`);
  }
  return s;
}

class Index implements VectorIndex {
  kind: 'exact' | 'hnsw' = 'exact';
  size = 0;
  private nonzero = 0;
  private keys: Int32Array;
  private rows: Float32Array;
  private zero: Uint8Array;
  private readonly slotOf = new Map<number, number>();
  /** Exact kind: the scorer of the current rows, dropped on every change and rebuilt on search. */
  private scorer?: { kernel: DenseScorer; out: Float32Array };
  private graph?: HierarchicalNSW;

  constructor(
    readonly settings: Settings,
    capacity: number,
  ) {
    const cap = Math.max(16, capacity);
    this.keys = new Int32Array(cap);
    this.rows = new Float32Array(cap * settings.dim);
    this.zero = new Uint8Array(cap);
  }

  get dim(): number {
    return this.settings.dim;
  }

  has(key: number): boolean {
    return this.slotOf.has(key);
  }

  vector(key: number): Float32Array | undefined {
    const slot = this.slotOf.get(key);
    return slot === undefined ? undefined : this.rows.slice(slot * this.dim, (slot + 1) * this.dim);
  }

  upsert(key: number, vector: Float32Array): void {
    this.put(key, vector);
    this.compactIfNeeded();
  }

  /** Validates first: a bad key or row leaves the index untouched. */
  put(key: number, vector: Float32Array): void {
    if (!Number.isInteger(key) || key < 0 || key > 0x7fffffff)
      throw new RangeError(`vector index: key must be a non-negative int32, got ${key}`);
    const row = this.normalised(vector, `vector for key ${key}`);
    const isZero = row === null;
    let slot = this.slotOf.get(key);
    const wasLive = slot !== undefined && this.zero[slot] === 0;
    // Allocate before the graph changes, so a failed allocation leaves both as they were.
    if (slot === undefined && this.size === this.keys.length) this.grow();
    if (this.graph !== undefined) {
      if (row !== null) this.graphAdd(this.graph, key, row);
      else if (wasLive) this.graph.markDelete(key);
    }
    if (slot === undefined) {
      slot = this.size++;
      this.keys[slot] = key;
      this.slotOf.set(key, slot);
    }
    if (row !== null) this.rows.set(row, slot * this.dim);
    else this.rows.fill(0, slot * this.dim, (slot + 1) * this.dim);
    this.zero[slot] = isZero ? 1 : 0;
    this.nonzero += (isZero ? 0 : 1) - (wasLive ? 1 : 0);
    this.scorer = undefined;
  }

  remove(key: number): void {
    const slot = this.slotOf.get(key);
    if (slot === undefined) return;
    if (this.zero[slot] === 0) {
      this.graph?.markDelete(key);
      this.nonzero--;
    }
    const last = --this.size;
    if (slot !== last) {
      this.keys[slot] = this.keys[last];
      this.zero[slot] = this.zero[last];
      this.rows.copyWithin(slot * this.dim, last * this.dim, (last + 1) * this.dim);
      this.slotOf.set(this.keys[slot], slot);
    }
    this.slotOf.delete(key);
    this.scorer = undefined;
    this.compactIfNeeded();
  }

  search(query: Float32Array, n: number, options: VectorSearchOptions = {}): Ranked {
    if (!Number.isInteger(n) || n < 0)
      throw new RangeError(`vector index: n must be an integer ≥ 0, got ${n}`);
    const q = this.normalised(query, 'query');
    const cap = Math.min(n, this.nonzero);
    if (q === null || cap === 0) return { ids: new Int32Array(0), scores: new Float32Array(0) };
    const { exclude, only } = options;
    if (only !== undefined) {
      const live = (k: number) => this.slotOf.has(k) && this.zero[this.slotOf.get(k)!] === 0;
      return this.rescore(q, new Int32Array(new Set(only.filter((k) => live(k) && !exclude?.(k)))), n);
    }
    if (this.graph === undefined) return this.rescore(q, this.scan(q, cap, exclude), n);
    let failure: { error: unknown } | undefined;
    // hnswlib calls the filter from C++; an exception must not cross it, so it is rethrown here.
    const filter =
      exclude &&
      ((label: number): boolean => {
        if (failure !== undefined) return false;
        try {
          return !exclude(label);
        } catch (error) {
          failure = { error };
          return false;
        }
      });
    const found = this.graph.searchKnn(Array.from(q), cap, filter);
    if (failure !== undefined) throw failure.error;
    return this.rescore(q, Int32Array.from(found.neighbors), n);
  }

  toState(): VectorIndexState {
    const { dim, exactUpTo, m, efConstruction, efSearch, seed } = this.settings;
    const meta = {
      format: FORMAT,
      kind: this.kind,
      size: this.size,
      dim,
      exactUpTo,
      m,
      efConstruction,
      efSearch,
      seed,
    };
    const arrays: VectorIndexArrays = { keys: this.keysNow(), rows: this.rowsNow() };
    if (this.graph !== undefined) {
      const graph = this.graph;
      arrays.hnsw = viaTempFile((file) => {
        graph.writeIndexSync(file);
        return new Uint8Array(readFileSync(file));
      });
    }
    return { meta, arrays };
  }

  keysNow(): Int32Array {
    return this.keys.slice(0, this.size);
  }

  rowsNow(): Float32Array {
    return this.rows.slice(0, this.size * this.dim);
  }

  /** Fill an empty index with distinct keys; `verbatim` rows (from a state) are kept bit for bit. */
  fill(keys: Int32Array, rows: Float32Array, verbatim: boolean): void {
    if (new Set(keys).size !== keys.length) throw new RangeError('vector index: duplicate keys');
    for (let i = 0; i < keys.length; i++) this.put(keys[i], rows.subarray(i * this.dim, (i + 1) * this.dim));
    if (verbatim) this.rows.set(rows);
  }

  /** Adopt a saved graph; false (caller rebuilds) if hnswlib cannot read it or it is too small. */
  adoptGraph(bytes: Uint8Array): boolean {
    const graph = new hnswlib.HierarchicalNSW('ip', this.dim);
    try {
      viaTempFile((file) => {
        writeFileSync(file, bytes);
        graph.readIndexSync(file, false);
      });
    } catch {
      return false;
    }
    if (graph.getCurrentCount() < this.nonzero) return false;
    graph.setEf(this.settings.efSearch);
    this.graph = graph;
    this.kind = 'hnsw';
    return true;
  }

  /** (Re)build the graph from the store: the switch from exact, and compaction of tombstones. */
  buildGraph(): void {
    const graph = new hnswlib.HierarchicalNSW('ip', this.dim);
    graph.initIndex(
      Math.max(16, this.keys.length),
      this.settings.m,
      this.settings.efConstruction,
      this.settings.seed,
      false,
    );
    graph.setEf(this.settings.efSearch);
    for (let slot = 0; slot < this.size; slot++) {
      if (this.zero[slot] === 0) this.graphAdd(graph, this.keys[slot], this.rowAt(slot));
    }
    this.graph = graph;
    this.kind = 'hnsw';
    this.scorer = undefined;
  }

  private graphAdd(graph: HierarchicalNSW, key: number, row: Float32Array): void {
    const max = graph.getMaxElements();
    if (graph.getCurrentCount() >= max) graph.resizeIndex(Math.ceil(max * 1.5));
    // Without replaceDeleted an existing label (live or tombstoned) is updated in its own slot.
    graph.addPoint(Array.from(row), key, false);
  }

  /**
   * Tombstones slow HNSW search and hold memory; past one per live row the graph is rebuilt. That
   * takes as long as a build, but only after more removals than there are live rows.
   */
  private compactIfNeeded(): void {
    if (this.graph !== undefined && this.graph.getCurrentCount() - this.nonzero > Math.max(64, this.nonzero))
      this.buildGraph();
  }

  /** Exact top-cap keys by f32 score; `exclude` is consulted only for would-be entries. */
  private scan(q: Float32Array, cap: number, exclude?: (key: number) => boolean): Int32Array {
    if (this.scorer === undefined) {
      const kernel = new DenseScorer(this.rows.subarray(0, this.size * this.dim), this.dim);
      this.scorer = { kernel, out: new Float32Array(this.size) };
    }
    const { kernel, out } = this.scorer;
    kernel.scoreInto(q, out);
    const hs = new Float64Array(cap);
    const hi = new Int32Array(cap);
    let filled = 0;
    for (let slot = 0; slot < this.size; slot++) {
      if (this.zero[slot] !== 0) continue;
      const s = out[slot];
      const key = this.keys[slot];
      if (filled === cap && (s < hs[0] || (s === hs[0] && key > hi[0]))) continue;
      if (exclude?.(key)) continue;
      filled = heapPush(hs, hi, filled, cap, s, key);
    }
    const ids = new Int32Array(filled);
    heapDrain(hs, hi, filled, (rank, _s, key) => {
      ids[rank] = key;
    });
    return ids;
  }

  /** Final scores from the stored rows in double precision, best first, ties by lower key. */
  private rescore(q: Float32Array, keys: Int32Array, n: number): Ranked {
    const scores = new Float64Array(keys.length);
    for (let i = 0; i < keys.length; i++) {
      const row = this.rowAt(this.slotOf.get(keys[i])!);
      let s = 0;
      for (let f = 0; f < this.dim; f++) s += q[f] * row[f];
      scores[i] = s;
    }
    const order = Array.from(keys.keys()).sort((a, b) => scores[b] - scores[a] || keys[a] - keys[b]);
    const top = order.slice(0, n);
    return { ids: Int32Array.from(top, (i) => keys[i]), scores: Float32Array.from(top, (i) => scores[i]) };
  }

  private rowAt(slot: number): Float32Array {
    return this.rows.subarray(slot * this.dim, (slot + 1) * this.dim);
  }

  /** A normalised copy, or null for a zero vector; throws on a wrong length or a non-finite entry. */
  private normalised(v: Float32Array, what: string): Float32Array | null {
    if (v.length !== this.dim)
      throw new RangeError(`vector index: ${what} has ${v.length} entries, expected ${this.dim}`);
    let sum = 0;
    for (let f = 0; f < v.length; f++) {
      if (!Number.isFinite(v[f]))
        throw new RangeError(`vector index: ${what} has a non-finite entry at ${f}`);
      sum += v[f] * v[f];
    }
    if (sum === 0) return null;
    const scale = 1 / Math.sqrt(sum);
    return Float32Array.from(v, (x) => x * scale);
  }

  private grow(): void {
    const cap = Math.ceil(this.keys.length * 1.5);
    const keys = new Int32Array(cap);
    keys.set(this.keys);
    const rows = new Float32Array(cap * this.dim);
    rows.set(this.rows);
    const zero = new Uint8Array(cap);
    zero.set(this.zero);
    this.keys = keys;
    this.rows = rows;
    this.zero = zero;
  }
}

/** hnswlib only reads and writes files: stage the bytes in a private temp dir, always removed. */
function viaTempFile<T>(use: (file: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'cinerec-hnsw-'));
  try {
    return use(join(dir, 'index.bin'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Index `rows` (row i belongs to keys[i]); HNSW when there are more than `exactUpTo` keys. */
export function buildVectorIndex(
  keys: Int32Array,
  rows: Float32Array,
  options: VectorIndexOptions,
): VectorIndex {
  const s = settings(options);
  if (rows.length !== keys.length * s.dim)
    throw new RangeError(`vector index: ${rows.length} values is not ${keys.length} rows of ${s.dim}`);
  const index = new Index(s, keys.length);
  index.fill(keys, rows, false);
  // The graph is built once, from the finished store.
  if (index.size > s.exactUpTo) index.buildGraph();
  return index;
}

/** Rebuild an index from `toState()`; a graph hnswlib cannot read is rebuilt from the stored rows. */
export function restoreVectorIndex(state: {
  meta: Record<string, unknown>;
  arrays: Record<string, Float32Array | Float64Array | Int32Array | Uint8Array>;
}): VectorIndex {
  const { meta, arrays } = state;
  if (meta.format !== FORMAT)
    throw new Error(`vector index: unsupported state format ${String(meta.format)}`);
  const { dim, exactUpTo, m, efConstruction, efSearch, seed } = meta as Partial<Settings>;
  const s = settings({ dim, exactUpTo, m, efConstruction, efSearch, seed });
  const { keys, rows, hnsw } = arrays;
  if (!(keys instanceof Int32Array) || !(rows instanceof Float32Array) || rows.length !== keys.length * s.dim)
    throw new Error('vector index: state needs Int32Array keys and Float32Array rows of keys × dim');
  const index = new Index(s, keys.length);
  index.fill(keys, rows, true);
  if (meta.kind === 'hnsw' && !(hnsw instanceof Uint8Array && index.adoptGraph(hnsw))) index.buildGraph();
  return index;
}

/** A fresh index from `index`'s rows, its kind chosen again by size (options default to its own). */
export function rebuildVectorIndex(
  index: VectorIndex,
  options: Partial<VectorIndexOptions> = {},
): VectorIndex {
  if (!(index instanceof Index)) throw new TypeError('vector index: rebuild needs an index made here');
  return buildVectorIndex(index.keysNow(), index.rowsNow(), { ...index.settings, ...options });
}

/** True when an exact index has grown past `exactUpTo` through upserts: a rebuild makes it HNSW. */
export function outgrown(index: VectorIndex): boolean {
  return index instanceof Index && index.kind === 'exact' && index.size > index.settings.exactUpTo;
}

/** What `buildVectorIndex` needs to rebuild `index` elsewhere (a worker): copies, taken now. */
export function rebuildInputs(index: VectorIndex): {
  keys: Int32Array;
  rows: Float32Array;
  options: VectorIndexOptions;
} {
  if (!(index instanceof Index)) throw new TypeError('vector index: rebuild needs an index made here');
  return { keys: index.keysNow(), rows: index.rowsNow(), options: { ...index.settings } };
}
