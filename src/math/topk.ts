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
  const heapIds = new Int32Array(Math.max(0, n));
  const heapScores = new Float64Array(Math.max(0, n));
  let size = 0;
  const len = scores.length;
  for (let i = 0; i < len && n > 0; i++) {
    if (skip !== undefined && skip[i] !== 0) continue;
    const s = scores[i];
    if (!Number.isFinite(s)) continue;
    if (size < n) {
      // sift up
      let c = size++;
      while (c > 0) {
        const p = (c - 1) >> 1;
        if (!worse(s, i, heapScores[p], heapIds[p])) break;
        heapScores[c] = heapScores[p];
        heapIds[c] = heapIds[p];
        c = p;
      }
      heapScores[c] = s;
      heapIds[c] = i;
    } else if (worse(heapScores[0], heapIds[0], s, i)) {
      siftDownReplace(heapScores, heapIds, size, s, i);
    }
  }
  // Pop the heap (worst first) into the result from the back.
  const ids = new Int32Array(size);
  const out = new Float32Array(size);
  for (let k = size - 1; k >= 0; k--) {
    ids[k] = heapIds[0];
    out[k] = heapScores[0];
    const last = k;
    if (last > 0) siftDownReplace(heapScores, heapIds, last, heapScores[last], heapIds[last]);
  }
  return { ids, scores: out };
}

/** True when (sa, ia) ranks below (sb, ib): lower score, or equal score and higher index. */
function worse(sa: number, ia: number, sb: number, ib: number): boolean {
  return sa < sb || (sa === sb && ia > ib);
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
