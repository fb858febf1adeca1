import type { IdMap, RawId } from './idmap.js';

type TypedCtor<T> = { new (length: number): T };
type Typed = Int32Array | Float32Array | Float64Array;

/**
 * An append-only typed array that grows geometrically. Loaders push millions of ratings into these
 * instead of building arrays of objects, which would need ~10× the memory.
 */
export class Growable<T extends Typed> {
  private data: T;
  private count = 0;

  constructor(
    private readonly Ctor: TypedCtor<T>,
    initialCapacity = 1024,
  ) {
    this.data = new Ctor(Math.max(16, initialCapacity));
  }

  get length(): number {
    return this.count;
  }

  push(value: number): void {
    if (this.count === this.data.length) this.grow(this.count + 1);
    this.data[this.count++] = value;
  }

  /** Make room for `capacity` elements in total. */
  grow(capacity: number): void {
    if (capacity <= this.data.length) return;
    // Past a million elements grow by half, not double: the old and new buffers coexist while
    // copying, and that moment sets the peak memory of a big load.
    const factor = this.data.length > 1 << 20 ? 1.5 : 2;
    let next = Math.ceil(this.data.length * factor);
    while (next < capacity) next = Math.ceil(next * factor);
    const bigger = new this.Ctor(next);
    bigger.set(this.data.subarray(0, this.count) as never);
    this.data = bigger;
  }

  /**
   * The filled part. When little capacity is wasted the result is a view of the internal buffer,
   * because copying 32M ratings would briefly double the memory the load needs; otherwise a tight
   * copy so the slack is freed. Do not push after calling this.
   */
  finish(): T {
    if (this.count >= this.data.length * 0.75) return this.data.subarray(0, this.count) as T;
    return this.data.slice(0, this.count) as T;
  }
}

export const growInt32 = (capacity?: number) => new Growable(Int32Array, capacity);
export const growFloat32 = (capacity?: number) => new Growable(Float32Array, capacity);
export const growFloat64 = (capacity?: number) => new Growable(Float64Array, capacity);

/** Largest integer id served from the dense table; bigger or non-integer ids go through the IdMap. */
const DENSE_ID_LIMIT = 1 << 26;

/**
 * Translates raw ids to dense indices through an IdMap, with a fast path for small non-negative
 * integer ids (all MovieLens ids): a table indexed by the raw id, so the hot loop of a 32M-row load
 * does an array read instead of a Map lookup per field.
 */
export class IdIndexer {
  private table = new Int32Array(1024).fill(-1);

  constructor(readonly map: IdMap) {
    for (const id of map.rawIds()) if (typeof id === 'number') this.remember(id, map.index(id));
  }

  /** Index of `id`, adding it to the map when new. */
  add(id: RawId): number {
    if (typeof id === 'number' && Number.isInteger(id) && id >= 0 && id < DENSE_ID_LIMIT) {
      if (id < this.table.length) {
        const known = this.table[id];
        if (known >= 0) return known;
      }
      const index = this.map.add(id);
      this.remember(id, index);
      return index;
    }
    return this.map.add(id);
  }

  /** Index of `id`, or -1 when the map does not hold it. */
  lookup(id: RawId): number {
    if (typeof id === 'number' && id >= 0 && id < this.table.length && Number.isInteger(id)) {
      const known = this.table[id];
      if (known >= 0) return known;
    }
    return this.map.index(id);
  }

  private remember(id: number, index: number): void {
    if (!Number.isInteger(id) || id < 0 || id >= DENSE_ID_LIMIT) return;
    if (id >= this.table.length) {
      let size = this.table.length * 2;
      while (size <= id) size *= 2;
      const bigger = new Int32Array(size).fill(-1);
      bigger.set(this.table);
      this.table = bigger;
    }
    this.table[id] = index;
  }
}
