/** Compressed sparse rows: row r holds `indices[indptr[r]..indptr[r+1]]`, sorted ascending, with `values`. */
export interface Csr {
  readonly indptr: Int32Array;
  readonly indices: Int32Array;
  readonly values: Float32Array;
}

/** A CSR built from COO arrays, remembering where each entry came from. */
export interface OrderedCsr extends Csr {
  /** For each entry, its position in the COO arrays (to carry other columns, such as time, along). */
  readonly order: Int32Array;
}

/** A day in the timestamps' unit (Unix seconds), for half-lives and ages given in days. */
export const SECONDS_PER_DAY = 86_400;

/**
 * Ratings or implicit events as parallel typed arrays over dense user and item indices (COO),
 * with lazily built CSR (by user) and CSC (by item) views. Train and test splits keep the full
 * `nUsers` × `nItems` shape so that indices mean the same thing in both.
 */
export class Interactions {
  private csrCache?: OrderedCsr;
  private cscCache?: OrderedCsr;

  constructor(
    readonly nUsers: number,
    readonly nItems: number,
    readonly users: Int32Array,
    readonly items: Int32Array,
    readonly ratings: Float32Array,
    readonly timestamps: Float64Array,
  ) {
    const n = users.length;
    if (items.length !== n || ratings.length !== n || timestamps.length !== n) {
      throw new Error(
        `Interactions: column lengths differ (users ${n}, items ${items.length}, ratings ${ratings.length}, timestamps ${timestamps.length})`,
      );
    }
    // Out-of-range indices would corrupt every CSR built from these arrays, and one NaN rating
    // every mean: refuse them here, once, naming the row.
    for (let k = 0; k < n; k++) {
      const u = users[k];
      const i = items[k];
      if (u < 0 || u >= nUsers)
        throw new RangeError(`Interactions: row ${k} has user ${u}, outside 0..${nUsers - 1}`);
      if (i < 0 || i >= nItems)
        throw new RangeError(`Interactions: row ${k} has item ${i}, outside 0..${nItems - 1}`);
      if (!Number.isFinite(ratings[k]))
        throw new RangeError(`Interactions: row ${k} has rating ${ratings[k]}`);
    }
  }

  get size(): number {
    return this.users.length;
  }

  /** Rows by user; within a row, items ascend. */
  byUser(): OrderedCsr {
    this.csrCache ??= buildCsr(this.nUsers, this.users, this.items, this.ratings);
    return this.csrCache;
  }

  /** Rows by item; within a row, users ascend. */
  byItem(): OrderedCsr {
    this.cscCache ??= buildCsr(this.nItems, this.items, this.users, this.ratings);
    return this.cscCache;
  }

  /** The interactions at `rows` (positions into the COO arrays), same shape. */
  subset(rows: ArrayLike<number>): Interactions {
    const n = rows.length;
    const users = new Int32Array(n);
    const items = new Int32Array(n);
    const ratings = new Float32Array(n);
    const timestamps = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      const r = rows[k];
      users[k] = this.users[r];
      items[k] = this.items[r];
      ratings[k] = this.ratings[r];
      timestamps[k] = this.timestamps[r];
    }
    return new Interactions(this.nUsers, this.nItems, users, items, ratings, timestamps);
  }

  globalMean(): number {
    let sum = 0;
    for (let k = 0; k < this.ratings.length; k++) sum += this.ratings[k];
    return this.ratings.length > 0 ? sum / this.ratings.length : 0;
  }

  /** Lowest and highest rating, [lo, hi]: the range rating models clamp predictions to. */
  ratingRange(): [number, number] {
    if (this.ratings.length === 0) throw new Error('ratingRange: no ratings');
    let lo = this.ratings[0];
    let hi = lo;
    for (let k = 1; k < this.ratings.length; k++) {
      const r = this.ratings[k];
      if (r < lo) lo = r;
      if (r > hi) hi = r;
    }
    return [lo, hi];
  }

  /** Per-user count of interactions. */
  userCounts(): Int32Array {
    const counts = new Int32Array(this.nUsers);
    for (let k = 0; k < this.users.length; k++) counts[this.users[k]]++;
    return counts;
  }

  /** Per-item count of interactions. */
  itemCounts(): Int32Array {
    const counts = new Int32Array(this.nItems);
    for (let k = 0; k < this.items.length; k++) counts[this.items[k]]++;
    return counts;
  }

  /** Per-item count of interactions and mean rating (NaN for items with none); fresh arrays. */
  itemStats(): { counts: Int32Array; means: Float64Array } {
    const counts = this.itemCounts();
    const means = new Float64Array(this.nItems);
    for (let k = 0; k < this.items.length; k++) means[this.items[k]] += this.ratings[k];
    for (let i = 0; i < this.nItems; i++) means[i] = counts[i] > 0 ? means[i] / counts[i] : Number.NaN;
    return { counts, means };
  }
}

/** Counting sort into CSR; duplicate (row, col) pairs are kept as given. */
export function buildCsr(
  nRows: number,
  rows: Int32Array,
  cols: Int32Array,
  values: Float32Array,
): OrderedCsr {
  const n = rows.length;
  const indptr = new Int32Array(nRows + 1);
  for (let k = 0; k < n; k++) indptr[rows[k] + 1]++;
  for (let r = 0; r < nRows; r++) indptr[r + 1] += indptr[r];
  // Sorting by column first, then a stable counting sort by row, leaves each row's columns ascending.
  const order = countingOrder(cols);
  const next = indptr.slice(0, nRows);
  const indices = new Int32Array(n);
  const out = new Float32Array(n);
  const positions = new Int32Array(n);
  for (let j = 0; j < n; j++) {
    const k = order[j];
    const pos = next[rows[k]]++;
    indices[pos] = cols[k];
    out[pos] = values[k];
    positions[pos] = k;
  }
  return { indptr, indices, values: out, order: positions };
}

/**
 * Positions 0..n-1 (or `input`'s order) stably sorted by `keys` (non-negative integers): one
 * counting-sort pass, O(n + max key).
 */
export function countingOrder(keys: Int32Array, input: Int32Array | null = null): Int32Array {
  const n = keys.length;
  let max = 0;
  for (let k = 0; k < n; k++) if (keys[k] > max) max = keys[k];
  const start = new Int32Array(max + 2);
  for (let k = 0; k < n; k++) start[keys[k] + 1]++;
  for (let c = 0; c <= max; c++) start[c + 1] += start[c];
  const order = new Int32Array(n);
  for (let j = 0; j < n; j++) {
    const row = input === null ? j : input[j];
    order[start[keys[row]]++] = row;
  }
  return order;
}
