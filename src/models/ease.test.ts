import { describe, expect, it } from 'vitest';
import { describeRecommender } from '../../test/contract.js';
import { Interactions } from '../data/interactions.js';
import { Ease } from './ease.js';

describeRecommender('ease', () => new Ease(), { rating: false, itemSimilarity: true });

/** Binary interactions from a dense 0/1 matrix given row by row. */
function fromDense(rows: number[][]): Interactions {
  const users: number[] = [];
  const items: number[] = [];
  rows.forEach((row, u) => {
    row.forEach((v, i) => {
      if (v !== 0) {
        users.push(u);
        items.push(i);
      }
    });
  });
  return new Interactions(
    rows.length,
    rows[0].length,
    Int32Array.from(users),
    Int32Array.from(items),
    new Float32Array(users.length).fill(1),
    new Float64Array(users.length),
  );
}

/** Gauss–Jordan inverse with partial pivoting on number[][]: independent of the Cholesky code. */
function gaussJordanInverse(a: number[][]): number[][] {
  const n = a.length;
  const m = a.map((row, i) => [...row, ...row.map((_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[pivot][c])) pivot = r;
    [m[c], m[pivot]] = [m[pivot], m[c]];
    const d = m[c][c];
    for (let k = 0; k < 2 * n; k++) m[c][k] /= d;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const factor = m[r][c];
      for (let k = 0; k < 2 * n; k++) m[r][k] -= factor * m[c][k];
    }
  }
  return m.map((row) => row.slice(n));
}

const X = [
  [1, 1, 0, 0, 1],
  [1, 0, 1, 0, 0],
  [0, 1, 1, 1, 0],
  [1, 1, 1, 0, 1],
  [0, 0, 1, 1, 1],
  [1, 0, 0, 1, 0],
];

describe('Ease', () => {
  it('matches B = I − P·diag(1/diag(P)) from an independent dense inverse, with zero diagonal', async () => {
    const lambda = 0.7;
    const n = 5;
    const g = Array.from({ length: n }, (_, i) =>
      Array.from(
        { length: n },
        (_, j) => X.reduce((s, row) => s + row[i] * row[j], 0) + (i === j ? lambda : 0),
      ),
    );
    const p = gaussJordanInverse(g);
    const model = await new Ease({ lambda, minSupport: 0 }).fit(fromDense(X));
    expect(model.kept.length).toBe(n);
    for (let i = 0; i < n; i++) {
      expect(model.weights[i * n + i]).toBe(0);
      for (let j = 0; j < n; j++) {
        const expected = (i === j ? 1 : 0) - p[i][j] / p[j][j];
        expect(model.weights[i * n + j]).toBeCloseTo(expected, 5);
      }
    }
    // Scores are X·B: user 3's score of item 2 is Σ_a X[3][a]·B[a][2].
    const score = model.predict(3, 2);
    let expected = 0;
    for (let a = 0; a < n; a++) expected += X[3][a] * ((a === 2 ? 1 : 0) - p[a][2] / p[2][2]);
    expect(score.ok && score.value).toBeCloseTo(expected, 5);
  });

  it('reconstructs X when every item has a duplicate column and λ is small', async () => {
    // Items (0, 1) and (2, 3) are identical columns: each is predicted by its twin with weight ≈ 1.
    const rows = [
      [1, 1, 0, 0],
      [0, 0, 1, 1],
      [1, 1, 1, 1],
      [1, 1, 0, 0],
      [0, 0, 1, 1],
    ];
    const model = await new Ease({ lambda: 0.001, minSupport: 0 }).fit(fromDense(rows));
    rows.forEach((row, u) => {
      const scores = model.scoreAll(u)!;
      row.forEach((v, i) => {
        expect(scores[i]).toBeCloseTo(v, 2);
      });
    });
  });

  it('leaves items below minSupport unscored and folds in new users as x·B', async () => {
    const model = await new Ease({ lambda: 0.5, minSupport: 3 }).fit(fromDense(X));
    // Item support: 4, 3, 4, 3, 3 → all kept at 3; at 4 only items 0 and 2 stay.
    expect(model.kept.length).toBe(5);
    const strict = await new Ease({ lambda: 0.5, minSupport: 4 }).fit(fromDense(X));
    expect(Array.from(strict.kept)).toEqual([0, 2]);
    expect(strict.predict(0, 1).ok).toBe(false);
    const scores = strict.scoreAll(1)!;
    expect(Number.isNaN(scores[1])).toBe(true);
    expect(Number.isFinite(scores[0])).toBe(true);
    // A folded-in user with user 1's events scores exactly like user 1.
    const folded = strict.foldIn({ items: Int32Array.from([0, 2]), ratings: Float32Array.from([4, 4]) });
    expect(Array.from(strict.scoreAll(folded)!)).toEqual(Array.from(scores));
  });
});
