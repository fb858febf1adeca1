/**
 * Bounded Damerau–Levenshtein distance (optimal string alignment: insertions, deletions,
 * substitutions and transpositions of adjacent characters, each substring edited once). Typed
 * queries mostly hold single slips ("godfater", "teh"), which this counts as one edit each.
 */

// Three rolling rows reused across calls: the matcher compares thousands of short word pairs per
// query, and allocating per call would dominate.
let prev2 = new Int32Array(64);
let prev = new Int32Array(64);
let cur = new Int32Array(64);

/**
 * The edit distance between `a` and `b`, or `max + 1` as soon as it must exceed `max` (the
 * caller only cares whether a word is within its typo budget, so long mismatches stop early).
 */
export function boundedDamerau(a: string, b: string, max: number): number {
  if (a === b) return 0;
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > max) return max + 1;
  if (la === 0 || lb === 0) return Math.max(la, lb) <= max ? Math.max(la, lb) : max + 1;
  if (lb + 1 > cur.length) {
    const size = Math.max(lb + 1, cur.length * 2);
    prev2 = new Int32Array(size);
    prev = new Int32Array(size);
    cur = new Int32Array(size);
  }
  for (let j = 0; j <= lb; j++) prev[j] = j;
  let prevMin = 0;
  for (let i = 1; i <= la; i++) {
    cur[0] = i;
    let rowMin = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= lb; j++) {
      const cb = b.charCodeAt(j - 1);
      const cost = ca === cb ? 0 : 1;
      let d = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && ca === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === cb) {
        d = Math.min(d, prev2[j - 2] + 1);
      }
      cur[j] = d;
      if (d < rowMin) rowMin = d;
    }
    // A row builds on the previous row (+0 or +1) and, by transposition, the one before (+1):
    // once both are past the bound, every later row is too.
    if (rowMin > max && prevMin >= max) return max + 1;
    prevMin = rowMin;
    const t = prev2;
    prev2 = prev;
    prev = cur;
    cur = t;
  }
  const d = prev[lb];
  return d <= max ? d : max + 1;
}
