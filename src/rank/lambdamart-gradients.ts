/**
 * LambdaRank gradients (Burges 2010, "From RankNet to LambdaRank to LambdaMART: An Overview",
 * §4 and §7) and the nDCG they target.
 *
 * For a pair where document i is more relevant than j, with σ = 1:
 *   λ_ij = −σ / (1 + e^{σ(s_i − s_j)}) · |ΔNDCG_ij|
 * is ∂C/∂s_i of the pair's cost; λ_i sums +λ_ij over pairs where i is the more relevant one and
 * −λ_ji where it is the less relevant one. So `grad` holds ∂C/∂s (negative = "move up"), and
 * `hess` holds w_i = Σ σ²|ΔNDCG_ij| ρ_ij(1 − ρ_ij) with ρ_ij = 1/(1 + e^{σ(s_i − s_j)}). The
 * tree's Newton leaf value −Σgrad/Σhess is Burges's γ = Σλ/Σw written with his λ's sign.
 *
 * Gain is 2^label − 1, discount 1/log2(2 + position) over the current order by score.
 * |ΔNDCG_ij| is the change in the group's full-list nDCG from swapping i and j.
 */

const SIGMA = 1;

/** Gains 2^label − 1 (labels are checked to be small non-negative numbers before this). */
export function gainOf(label: number): number {
  return 2 ** label - 1;
}

/** 1/log2(2 + position), position 0-based, for positions 0..n-1. */
export function discounts(n: number): Float64Array {
  const d = new Float64Array(n);
  for (let p = 0; p < n; p++) d[p] = 1 / Math.log2(2 + p);
  return d;
}

/** 1 / ideal DCG of each group over its whole list (0 for a group with no positive label). */
export function inverseIdealDcg(
  labels: Float32Array,
  groups: Int32Array,
  disc: Float64Array,
  k = Infinity,
): Float64Array {
  const nGroups = groups.length - 1;
  const inv = new Float64Array(nGroups);
  for (let g = 0; g < nGroups; g++) {
    const sorted = labels
      .slice(groups[g], groups[g + 1])
      .sort()
      .reverse();
    let dcg = 0;
    const n = Math.min(sorted.length, k);
    for (let p = 0; p < n; p++) dcg += gainOf(sorted[p]) * disc[p];
    inv[g] = dcg > 0 ? 1 / dcg : 0;
  }
  return inv;
}

/**
 * Re-sorts each group's slice of `order` (row indices) by score, best first. Insertion sort on
 * the previous order: scores move a little per tree, so the list is nearly sorted and this is
 * close to linear, with no allocation. Ties keep their previous relative order.
 */
export function sortGroups(order: Int32Array, scores: ArrayLike<number>, groups: Int32Array): void {
  const nGroups = groups.length - 1;
  for (let g = 0; g < nGroups; g++) {
    const lo = groups[g];
    const hi = groups[g + 1];
    for (let i = lo + 1; i < hi; i++) {
      const r = order[i];
      const s = scores[r];
      let j = i - 1;
      while (j >= lo && scores[order[j]] < s) {
        order[j + 1] = order[j];
        j--;
      }
      order[j + 1] = r;
    }
  }
}

/**
 * LambdaRank gradient and hessian of every row into `grad`/`hess`. `gains` are the rows' gains
 * (gainOf of each label, precomputed once: a power per pair would dominate the loop). `order` must
 * be sorted by `scores` (sortGroups). Pairs are those whose better-placed document sits in the top
 * `truncation` positions (as in LightGBM): swaps further down barely change nDCG.
 */
export function lambdaGradients(
  scores: Float64Array,
  gains: Float64Array,
  groups: Int32Array,
  order: Int32Array,
  invIdealDcg: Float64Array,
  disc: Float64Array,
  truncation: number,
  grad: Float64Array,
  hess: Float64Array,
): void {
  grad.fill(0);
  hess.fill(0);
  const nGroups = groups.length - 1;
  for (let g = 0; g < nGroups; g++) {
    const inv = invIdealDcg[g];
    if (inv === 0) continue; // no relevant document: nDCG is undefined, nothing to learn
    const lo = groups[g];
    const n = groups[g + 1] - lo;
    const top = Math.min(n, truncation);
    for (let p = 0; p < top; p++) {
      const a = order[lo + p];
      const ga = gains[a];
      const da = disc[p];
      for (let q = p + 1; q < n; q++) {
        const b = order[lo + q];
        const gb = gains[b];
        if (ga === gb) continue;
        const hi = ga > gb ? a : b;
        const low = ga > gb ? b : a;
        const delta = Math.abs((ga - gb) * (da - disc[q])) * inv;
        const rho = 1 / (1 + Math.exp(SIGMA * (scores[hi] - scores[low])));
        const lambda = SIGMA * rho * delta;
        grad[hi] -= lambda;
        grad[low] += lambda;
        const w = SIGMA * SIGMA * delta * rho * (1 - rho);
        hess[hi] += w;
        hess[low] += w;
      }
    }
  }
}

/**
 * Mean nDCG@k over groups that have a relevant document (groups without one are skipped: their
 * nDCG is undefined). Sorts `order` by `scores` first.
 */
export function meanNdcg(
  scores: ArrayLike<number>,
  labels: Float32Array,
  groups: Int32Array,
  order: Int32Array,
  invIdealDcgAtK: Float64Array,
  disc: Float64Array,
  k: number,
): number {
  sortGroups(order, scores, groups);
  let sum = 0;
  let counted = 0;
  for (let g = 0; g < groups.length - 1; g++) {
    if (invIdealDcgAtK[g] === 0) continue;
    const lo = groups[g];
    const n = Math.min(k, groups[g + 1] - lo);
    let dcg = 0;
    for (let p = 0; p < n; p++) dcg += gainOf(labels[order[lo + p]]) * disc[p];
    sum += dcg * invIdealDcgAtK[g];
    counted++;
  }
  return counted > 0 ? sum / counted : 0;
}

/** Row indices 0..n-1: the initial order of every group (rows of a group are contiguous). */
export function identityOrder(n: number): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return order;
}
