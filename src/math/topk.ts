/**
 * Indices of the `n` largest finite entries of `scores`, best first, skipping entries where
 * `skip[i]` is non-zero. Ties keep the lower index first. A bounded min-heap: O(len · log n),
 * no allocation beyond the result.
 */
export function topK(
  scores: Float32Array | Float64Array,
  n: number,
  skip?: Uint8Array,
): { ids: Int32Array; scores: Float32Array } {
  const cap = Math.max(0, n);
  const heapIds = new Int32Array(cap);
  const heapScores = new Float64Array(cap);
  let size = 0;
  const len = scores.length;
  for (let i = 0; i < len && cap > 0; i++) {
    if (skip !== undefined && skip[i] !== 0) continue;
    const s = scores[i];
    if (!Number.isFinite(s)) continue;
    size = heapPush(heapScores, heapIds, size, cap, s, i);
  }
  const ids = new Int32Array(size);
  const out = new Float32Array(size);
  heapDrain(heapScores, heapIds, size, (k, s, i) => {
    ids[k] = i;
    out[k] = s;
  });
  return { ids, scores: out };
}

/** True when (sa, ia) ranks below (sb, ib): lower score, or equal score and higher index. */
function worse(sa: number, ia: number, sb: number, ib: number): boolean {
  return sa < sb || (sa === sb && ia > ib);
}

/**
 * Offer (s, i) to a bounded min-heap of the `cap` best pairs held in `hs`/`hi`; returns the new
 * size. The worst kept pair sits at the root, so a candidate is compared once in the common case.
 */
export function heapPush(
  hs: Float64Array,
  hi: Int32Array,
  size: number,
  cap: number,
  s: number,
  i: number,
): number {
  if (size < cap) {
    let c = size;
    while (c > 0) {
      const p = (c - 1) >> 1;
      if (!worse(s, i, hs[p], hi[p])) break;
      hs[c] = hs[p];
      hi[c] = hi[p];
      c = p;
    }
    hs[c] = s;
    hi[c] = i;
    return size + 1;
  }
  if (cap > 0 && worse(hs[0], hi[0], s, i)) siftDownReplace(hs, hi, size, s, i);
  return size;
}

/** Empty the heap best first: `emit(rank, score, index)` with rank 0 the best. Destroys the heap. */
export function heapDrain(
  hs: Float64Array,
  hi: Int32Array,
  size: number,
  emit: (rank: number, score: number, index: number) => void,
): void {
  for (let k = size - 1; k >= 0; k--) {
    emit(k, hs[0], hi[0]);
    if (k > 0) siftDownReplace(hs, hi, k, hs[k], hi[k]);
  }
}

function siftDownReplace(hs: Float64Array, hi: Int32Array, size: number, s: number, i: number): void {
  let c = 0;
  for (;;) {
    const l = 2 * c + 1;
    if (l >= size) break;
    const r = l + 1;
    const m = r < size && worse(hs[r], hi[r], hs[l], hi[l]) ? r : l;
    if (!worse(hs[m], hi[m], s, i)) break;
    hs[c] = hs[m];
    hi[c] = hi[m];
    c = m;
  }
  hs[c] = s;
  hi[c] = i;
}
