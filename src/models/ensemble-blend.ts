import { spdSolve } from '../math/cholesky.js';

export interface Blend {
  weights: Float64Array;
  intercept: number;
}

/**
 * Ridge least squares with a free intercept:
 *   min_{w,b} Σ_k (y_k − b − Σ_m w_m x_km)² + ridge · n · Σ_m w_m²
 * solved on centred columns, (XcᵀXc + ridge·n·I) w = Xcᵀyc, b = ȳ − x̄ᵀw. The penalty scales with
 * n so `ridge` means the same at any validation size. `x` is row-major n × m.
 *
 * With `nonNegative`, w ≥ 0 (Breiman 1996, "Stacked regressions": members' predictions are nearly
 * collinear, and unconstrained weights then overfit into large opposite-signed pairs). Solved
 * exactly by trying every support set: the constrained optimum is the unconstrained one on its
 * support, so the best feasible candidate is it. 2^m small solves; members are few.
 */
export function ridgeBlend(
  x: Float64Array,
  y: Float64Array,
  m: number,
  ridge: number,
  nonNegative = false,
): Blend {
  const n = y.length;
  if (x.length !== n * m)
    throw new Error(`ridgeBlend: x has ${x.length} values for ${n} rows × ${m} members`);
  if (n === 0) throw new Error('ridgeBlend: no rows to fit the blend on');
  if (!(ridge >= 0)) throw new Error(`ridgeBlend: ridge must be ≥ 0, got ${ridge}`);
  if (m > 16) throw new Error(`ridgeBlend: at most 16 members, got ${m}`);
  const mean = new Float64Array(m);
  let yMean = 0;
  for (let k = 0; k < n; k++) {
    yMean += y[k];
    for (let j = 0; j < m; j++) mean[j] += x[k * m + j];
  }
  yMean /= n;
  for (let j = 0; j < m; j++) mean[j] /= n;
  const gram = new Float64Array(m * m);
  const rhs = new Float64Array(m);
  for (let k = 0; k < n; k++) {
    const yc = y[k] - yMean;
    for (let a = 0; a < m; a++) {
      const xa = x[k * m + a] - mean[a];
      rhs[a] += xa * yc;
      for (let b = 0; b <= a; b++) gram[a * m + b] += xa * (x[k * m + b] - mean[b]);
    }
  }
  let trace = 0;
  for (let a = 0; a < m; a++) trace += gram[a * m + a];
  // A hair of extra ridge keeps a constant or duplicated member column solvable at ridge = 0;
  // it is far below anything that moves the weights of a well-posed blend.
  const penalty = ridge * n + 1e-12 * (trace / m) + 1e-300;
  for (let a = 0; a < m; a++) {
    gram[a * m + a] += penalty;
    for (let b = 0; b < a; b++) gram[b * m + a] = gram[a * m + b];
  }
  let weights: Float64Array;
  if (!nonNegative) weights = spdSolve(gram, m, rhs);
  else {
    weights = new Float64Array(m);
    // Objective up to a constant: wᵀ(G + penalty·I)w − 2 wᵀ rhs, which is −wᵀrhs at a support's optimum.
    let best = 0;
    for (let mask = 1; mask < 1 << m; mask++) {
      const support: number[] = [];
      for (let j = 0; j < m; j++) if (mask & (1 << j)) support.push(j);
      const s = support.length;
      const g = new Float64Array(s * s);
      const r = new Float64Array(s);
      support.forEach((a, i) => {
        r[i] = rhs[a];
        support.forEach((b, j) => {
          g[i * s + j] = gram[a * m + b];
        });
      });
      const w = spdSolve(g, s, r);
      if (w.some((v) => v < 0)) continue;
      let objective = 0;
      for (let i = 0; i < s; i++) objective -= w[i] * r[i];
      if (objective < best) {
        best = objective;
        weights = new Float64Array(m);
        support.forEach((a, i) => {
          weights[a] = w[i];
        });
      }
    }
  }
  let intercept = yMean;
  for (let j = 0; j < m; j++) intercept -= weights[j] * mean[j];
  return { weights, intercept };
}
