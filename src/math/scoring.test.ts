import { describe, expect, it } from 'vitest';
import { Rng } from './random.js';
import { DenseScorer, scoreRowsTs, wasmAvailable, wasmUnavailableReason } from './scoring.js';

function randomArray(rng: Rng, length: number): Float32Array {
  const a = new Float32Array(length);
  for (let x = 0; x < length; x++) a[x] = rng.normal();
  return a;
}

/** |a − b| ≤ tol · Σ_f |v_f·Q_if| per row: relative to the scale of the terms, not of their sum. */
function expectClose(
  got: Float32Array,
  want: Float32Array,
  v: ArrayLike<number>,
  q: Float32Array,
  k: number,
  tol = 1e-5,
): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    let scale = 0;
    for (let f = 0; f < k; f++) scale += Math.abs(v[f] * q[i * k + f]);
    expect(Math.abs(got[i] - want[i])).toBeLessThanOrEqual(tol * Math.max(scale, 1e-30));
  }
}

const KS = [1, 3, 4, 7, 64, 100];
const NS = [1, 5, 1000];

describe('DenseScorer', () => {
  // pretest and prepare build the module; without it every scorer silently runs the TS kernel.
  it.skipIf(process.env.CINEREC_WASM === '0')('loads the WebAssembly kernel (npm run build:wasm)', () => {
    expect(wasmUnavailableReason).toBeNull();
    expect(wasmAvailable).toBe(true);
    expect(new DenseScorer(new Float32Array(4), 2).usesWasm).toBe(true);
  });

  for (const k of KS) {
    for (const n of NS) {
      it(`WASM equals the TypeScript reference, k=${k}, n=${n}`, () => {
        const rng = new Rng(k * 1000 + n);
        const q = randomArray(rng, n * k);
        const v = randomArray(rng, k);
        const want = new Float32Array(n);
        scoreRowsTs(v, q, n, k, want);
        const scorer = new DenseScorer(q, k);
        expect(scorer.usesWasm).toBe(wasmAvailable);
        const got = new Float32Array(n).fill(Number.NaN);
        scorer.scoreInto(v, got);
        expectClose(got, want, v, q, k);
        // Reusable: a second vector against the same copied factors.
        const v2 = randomArray(rng, k);
        scoreRowsTs(v2, q, n, k, want);
        scorer.scoreInto(v2, got);
        expectClose(got, want, v2, q, k);
      });
    }
  }

  it('runs the TypeScript reference when built with { wasm: false }', () => {
    const rng = new Rng(5);
    const k = 7;
    const n = 1000;
    const q = randomArray(rng, n * k);
    const v = randomArray(rng, k);
    const scorer = new DenseScorer(q, k, { wasm: false });
    expect(scorer.usesWasm).toBe(false);
    const got = new Float32Array(n);
    scorer.scoreInto(v, got);
    const want = new Float32Array(n);
    scoreRowsTs(v, q, n, k, want);
    expect(Array.from(got)).toEqual(Array.from(want));
  });

  for (const wasm of [true, false]) {
    it(`takes Float64 factors and vectors and adds base + item bias (wasm: ${wasm})`, () => {
      const rng = new Rng(11);
      const k = 10;
      const n = 37;
      const q64 = Float64Array.from(randomArray(rng, n * k), (x) => x + 1e-9);
      const v64 = Float64Array.from(randomArray(rng, k));
      const itemBias = Float64Array.from(randomArray(rng, n));
      const scorer = new DenseScorer(q64, k, { wasm });
      const got = new Float32Array(n);
      scorer.scoreInto(v64, got, { base: 3.5, itemBias });
      for (let i = 0; i < n; i++) {
        let dot = 0;
        let scale = 0;
        for (let f = 0; f < k; f++) {
          dot += v64[f] * q64[i * k + f];
          scale += Math.abs(v64[f] * q64[i * k + f]);
        }
        const want = 3.5 + itemBias[i] + dot;
        expect(Math.abs(got[i] - want)).toBeLessThanOrEqual(1e-5 * (scale + Math.abs(want)));
      }
    });
  }

  it('copies the factors: later writes to the source array do not change scores', () => {
    const q = Float32Array.from([1, 2, 3, 4]);
    const scorer = new DenseScorer(q, 2);
    q.fill(0);
    const out = new Float32Array(2);
    scorer.scoreInto(Float32Array.from([1, 1]), out);
    expect(Array.from(out)).toEqual([3, 7]);
  });

  it('handles an empty catalog', () => {
    const scorer = new DenseScorer(new Float32Array(0), 3);
    expect(scorer.n).toBe(0);
    scorer.scoreInto(new Float32Array(3), new Float32Array(0));
  });

  it('rejects shapes that do not match', () => {
    expect(() => new DenseScorer(new Float32Array(5), 2)).toThrow(RangeError);
    expect(() => new DenseScorer(new Float32Array(4), 0)).toThrow(RangeError);
    const scorer = new DenseScorer(new Float32Array(6), 3);
    expect(() => scorer.scoreInto(new Float32Array(2), new Float32Array(2))).toThrow(/v has 2/);
    expect(() => scorer.scoreInto(new Float32Array(3), new Float32Array(3))).toThrow(/out has 3/);
    expect(() =>
      scorer.scoreInto(new Float32Array(3), new Float32Array(2), { base: 0, itemBias: new Float32Array(1) }),
    ).toThrow(/itemBias/);
  });
});
