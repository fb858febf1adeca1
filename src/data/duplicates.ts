import { countingOrder } from './interactions.js';

/** Rating columns as loaders build them: parallel arrays over dense user and item indices. */
export interface RatingColumns {
  users: Int32Array;
  items: Int32Array;
  ratings: Float32Array;
  timestamps: Float64Array;
}

/**
 * How rows for the same (user, item) pair become one: `latest` keeps the rating with the latest
 * time (on a tie, the later row); `sum` adds the values (implicit events: the count) and keeps the
 * latest time. Either way the merged row sits where the latest row was, so file order is kept.
 */
export type DuplicatePolicy = 'latest' | 'sum';

/**
 * Merges repeated (user, item) rows by `policy`. Two stable counting sorts (by item, then user) put
 * a pair's rows side by side in file order: O(n) time, about three Int32Arrays of n extra memory.
 * Returns the input unchanged when there are no repeats.
 */
export function mergeDuplicates(
  columns: RatingColumns,
  policy: DuplicatePolicy,
): { columns: RatingColumns; merged: number } {
  const { users, items, ratings, timestamps } = columns;
  const n = users.length;
  if (n < 2) return { columns, merged: 0 };
  const order = countingOrder(users, countingOrder(items));
  let keep: Uint8Array | undefined;
  let values: Float32Array | undefined;
  let merged = 0;
  let j = 0;
  while (j < n) {
    const first = order[j];
    let end = j + 1;
    while (end < n && users[order[end]] === users[first] && items[order[end]] === items[first]) end++;
    if (end - j > 1) {
      keep ??= new Uint8Array(n).fill(1);
      values ??= ratings.slice();
      let best = first;
      let sum = ratings[first];
      for (let p = j + 1; p < end; p++) {
        const row = order[p];
        sum += ratings[row];
        if (timestamps[row] >= timestamps[best]) best = row;
      }
      for (let p = j; p < end; p++) keep[order[p]] = 0;
      keep[best] = 1;
      if (policy === 'sum') values[best] = sum;
      merged += end - j - 1;
    }
    j = end;
  }
  if (keep === undefined || values === undefined) return { columns, merged: 0 };
  const size = n - merged;
  const out: RatingColumns = {
    users: new Int32Array(size),
    items: new Int32Array(size),
    ratings: new Float32Array(size),
    timestamps: new Float64Array(size),
  };
  let k = 0;
  for (let row = 0; row < n; row++) {
    if (keep[row] === 0) continue;
    out.users[k] = users[row];
    out.items[k] = items[row];
    out.ratings[k] = values[row];
    out.timestamps[k] = timestamps[row];
    k++;
  }
  return { columns: out, merged };
}
