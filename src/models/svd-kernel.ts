/**
 * Hot loops shared by `svd` and `svdpp`: one SGD epoch of biased matrix factorisation, one epoch of
 * SVD++ with the per-user implicit-sum cache, the SGD fold-in of a new user, and cosine
 * similarity over factor rows. Factor matrices are row-major Float64Array (row = user or
 * item, `k` contiguous factors), so each inner loop walks two contiguous rows; nothing here
 * allocates per rating.
 */

/** Learning rates and regularisers of one SGD run (Surprise's lr_bu/lr_bi/… collapsed to bias vs factor). */
export interface SgdRates {
  lrBias: number;
  lrFactors: number;
  regBias: number;
  regFactors: number;
}

/** Biased MF parameters: global mean, biases, and user/item factor rows of width `k`. */
export interface MfParams {
  mu: number;
  k: number;
  userBias: Float64Array;
  itemBias: Float64Array;
  userFactors: Float64Array;
  itemFactors: Float64Array;
}

/**
 * One Funk-SVD epoch (Surprise's SVD.sgd): for each rating in `order`, err = r − r̂ and
 * b_u += lr(err − λb_u), b_i += lr(err − λb_i), p_u += lr(err·q_i − λp_u), q_i += lr(err·p_u − λq_i),
 * both factor updates computed from the old values.
 */
export function sgdEpoch(
  users: Int32Array,
  items: Int32Array,
  ratings: Float32Array,
  order: Int32Array,
  m: MfParams,
  rates: SgdRates,
): void {
  const { mu, k, userBias: bu, itemBias: bi, userFactors: P, itemFactors: Q } = m;
  const { lrBias, lrFactors, regBias, regFactors } = rates;
  // p ← p + lr(err·q − λp) rewritten as p·(1 − lr·λ) + (lr·err)·q: one multiply fewer per factor.
  const keepFactor = 1 - lrFactors * regFactors;
  const keepBias = 1 - lrBias * regBias;
  for (let t = 0; t < order.length; t++) {
    const r = order[t];
    const u = users[r];
    const i = items[r];
    // Walk both rows with running indices (end-bounded) rather than base + f: measurably faster in V8.
    const pu = u * k;
    const end = pu + k;
    const qi = i * k;
    let dot = 0;
    for (let a = pu, b = qi; a < end; a++, b++) dot += P[a] * Q[b];
    const err = ratings[r] - (mu + bu[u] + bi[i] + dot);
    bu[u] = keepBias * bu[u] + lrBias * err;
    bi[i] = keepBias * bi[i] + lrBias * err;
    const step = lrFactors * err;
    for (let a = pu, b = qi; a < end; a++, b++) {
      const p = P[a];
      const q = Q[b];
      P[a] = keepFactor * p + step * q;
      Q[b] = keepFactor * q + step * p;
    }
  }
}

/** Scratch buffers for `svdppEpoch`, allocated once per fit. */
export interface SvdppScratch {
  /** The user's implicit term |N(u)|^-½ Σ y_j, length k. */
  z: Float64Array;
  /** Σ err·q_i over the user's ratings, length k. */
  grad: Float64Array;
  /** The user's rating positions in shuffled order, length ≥ max ratings per user. */
  positions: Int32Array;
}

/**
 * One SVD++ epoch (Koren 2008, eq. 15) with the standard caching trick: ratings are visited user
 * by user (users and each user's ratings in shuffled order); the implicit term z_u is computed once
 * per user, kept current after each rating with its exact first-order change lr_y(err·q_i − λ_y z_u),
 * and the y_j of the user's items receive their summed update once, after the user's ratings.
 * Exact per-rating SGD would touch all |N(u)| rows of y after every rating — O(|N(u)|²k) per user.
 */
export function svdppEpoch(
  indptr: Int32Array,
  cols: Int32Array,
  vals: Float32Array,
  userOrder: Int32Array,
  m: MfParams,
  Y: Float64Array,
  rates: SgdRates & { lrImplicit: number; regImplicit: number },
  scratch: SvdppScratch,
  rand: () => number,
): void {
  const { mu, k, userBias: bu, itemBias: bi, userFactors: P, itemFactors: Q } = m;
  const { lrBias, lrFactors, regBias, regFactors, lrImplicit, regImplicit } = rates;
  const { z, grad, positions } = scratch;
  for (let t = 0; t < userOrder.length; t++) {
    const u = userOrder[t];
    const start = indptr[u];
    const n = indptr[u + 1] - start;
    if (n === 0) continue;
    const norm = 1 / Math.sqrt(n);
    z.fill(0);
    grad.fill(0);
    for (let p = start; p < start + n; p++) {
      const yj = cols[p] * k;
      for (let f = 0; f < k; f++) z[f] += Y[yj + f];
    }
    for (let f = 0; f < k; f++) z[f] *= norm;
    // Fisher–Yates over this user's positions: the per-user rating order changes every epoch.
    for (let a = 0; a < n; a++) positions[a] = start + a;
    for (let a = n - 1; a > 0; a--) {
      const b = Math.floor(rand() * (a + 1));
      const tmp = positions[a];
      positions[a] = positions[b];
      positions[b] = tmp;
    }
    const pu = u * k;
    for (let a = 0; a < n; a++) {
      const pos = positions[a];
      const i = cols[pos];
      const qi = i * k;
      let dot = 0;
      for (let f = 0; f < k; f++) dot += Q[qi + f] * (P[pu + f] + z[f]);
      const err = vals[pos] - (mu + bu[u] + bi[i] + dot);
      bu[u] += lrBias * (err - regBias * bu[u]);
      bi[i] += lrBias * (err - regBias * bi[i]);
      for (let f = 0; f < k; f++) {
        const p = P[pu + f];
        const q = Q[qi + f];
        const zf = z[f];
        P[pu + f] = p + lrFactors * (err * q - regFactors * p);
        Q[qi + f] = q + lrFactors * (err * (p + zf) - regFactors * q);
        grad[f] += err * q;
        z[f] = zf + lrImplicit * (err * q - regImplicit * zf);
      }
    }
    // n shrink steps of (1 − lr·λ) applied at once, then the summed gradient.
    const decay = (1 - lrImplicit * regImplicit) ** n;
    for (let p = start; p < start + n; p++) {
      const yj = cols[p] * k;
      for (let f = 0; f < k; f++) Y[yj + f] = Y[yj + f] * decay + lrImplicit * norm * grad[f];
    }
  }
}

/**
 * Fold-in of one user with every item parameter fixed: b_u and p_u start at 0 and take the same
 * SGD steps (rates, epochs, decay) a trained user takes, over the user's ratings only, in a seeded
 * shuffle per epoch. `z` is the user's implicit term (zeros for SVD); `p` receives p_u.
 * Returns b_u. Cost O(epochs · n · k).
 */
export function foldInSgd(
  m: Pick<MfParams, 'mu' | 'k' | 'itemBias' | 'itemFactors'>,
  items: Int32Array,
  values: Float32Array,
  z: Float64Array,
  p: Float64Array,
  schedule: SgdRates & { epochs: number; lrDecay: number },
  rand: () => number,
): number {
  const { mu, k, itemBias: bi, itemFactors: Q } = m;
  const order = new Int32Array(items.length);
  for (let a = 0; a < order.length; a++) order[a] = a;
  let lrBias = schedule.lrBias;
  let lrFactors = schedule.lrFactors;
  let b = 0;
  p.fill(0);
  for (let epoch = 0; epoch < schedule.epochs; epoch++) {
    for (let a = order.length - 1; a > 0; a--) {
      const c = Math.floor(rand() * (a + 1));
      const tmp = order[a];
      order[a] = order[c];
      order[c] = tmp;
    }
    for (let t = 0; t < order.length; t++) {
      const i = items[order[t]];
      const qi = i * k;
      let dot = 0;
      for (let f = 0; f < k; f++) dot += Q[qi + f] * (p[f] + z[f]);
      const err = values[order[t]] - (mu + b + bi[i] + dot);
      b += lrBias * (err - schedule.regBias * b);
      for (let f = 0; f < k; f++) p[f] += lrFactors * (err * Q[qi + f] - schedule.regFactors * p[f]);
    }
    lrBias *= schedule.lrDecay;
    lrFactors *= schedule.lrDecay;
  }
  return b;
}

/**
 * Cosine of item `item`'s factor row with every row of `Q` into `out`; NaN for rows of norm 0
 * (items never rated in training). Returns false when `item` itself has no factors.
 */
export function cosineRowsInto(Q: Float64Array, k: number, item: number, out: Float32Array): boolean {
  const qi = item * k;
  let ni = 0;
  for (let f = 0; f < k; f++) ni += Q[qi + f] * Q[qi + f];
  if (ni === 0) return false;
  for (let j = 0; j < out.length; j++) {
    const qj = j * k;
    let dot = 0;
    let nj = 0;
    for (let f = 0; f < k; f++) {
      dot += Q[qi + f] * Q[qj + f];
      nj += Q[qj + f] * Q[qj + f];
    }
    out[j] = nj === 0 ? Number.NaN : dot / Math.sqrt(ni * nj);
  }
  return true;
}
