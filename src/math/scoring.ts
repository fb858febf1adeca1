import { readFileSync } from 'node:fs';
import { log } from '../util/log.js';

/**
 * Dense scoring of a user vector against every row of an item-factor matrix: the hot loop of
 * `recommend` for the latent-factor models. The kernel is AssemblyScript compiled to WebAssembly
 * with f32x4 SIMD (assembly/scoring.ts → build/scoring.wasm, built by `npm run build:wasm`, which
 * `npm install`/`npm ci` run through `prepare`); `scoreRowsTs` below is the tested reference and
 * the fallback when the module is missing or `CINEREC_WASM=0`.
 */

/**
 * Reference kernel: out[i] = Σ_f v[f]·Q[i·k + f] for i < n (Q row-major n×k), accumulated in
 * double precision and rounded once into `out`.
 */
export function scoreRowsTs(v: Float32Array, q: Float32Array, n: number, k: number, out: Float32Array): void {
  for (let i = 0; i < n; i++) {
    const off = i * k;
    let s = 0;
    for (let f = 0; f < k; f++) s += v[f] * q[off + f];
    out[i] = s;
  }
}

type WasmKernel = (vPtr: number, qPtr: number, n: number, k: number, outPtr: number) => void;

const WASM_URL = new URL('../../build/scoring.wasm', import.meta.url);
const PAGE_BYTES = 65_536;
/** wasm32 addresses at most 4 GiB; larger matrices are scored by the TypeScript kernel. */
const MAX_PAGES = 65_536;

/** The compiled module, or why there is none (a missing build, or `CINEREC_WASM=0`). */
const loaded: { module: WebAssembly.Module } | { module: null; reason: string; warn: boolean } = load();
let warned = false;

function load(): typeof loaded {
  if (process.env.CINEREC_WASM === '0') return { module: null, reason: 'CINEREC_WASM=0', warn: false };
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = new Uint8Array(readFileSync(WASM_URL));
  } catch (error) {
    return {
      module: null,
      reason: `cannot read ${WASM_URL.pathname}: ${(error as Error).message}`,
      warn: true,
    };
  }
  try {
    return { module: new WebAssembly.Module(bytes) };
  } catch (error) {
    return {
      module: null,
      reason: `${WASM_URL.pathname} is not valid: ${(error as Error).message}`,
      warn: true,
    };
  }
}

/** True when the WebAssembly kernel loaded (false: every DenseScorer runs the TypeScript reference). */
export const wasmAvailable = loaded.module !== null;

/** Why the WebAssembly kernel is unavailable, or null when it loaded. */
export const wasmUnavailableReason = loaded.module === null ? loaded.reason : null;

export interface DenseScorerOptions {
  /** Use the WebAssembly kernel when it is available (default true). */
  wasm?: boolean;
}

/** Constant terms added to every score: out[i] = base + itemBias[i] + v·Q[i]. */
export interface ScoreBias {
  base: number;
  itemBias: Float32Array | Float64Array;
}

/** Round `bytes` up to a multiple of 16 (v128 alignment). */
function align16(bytes: number): number {
  return Math.ceil(bytes / 16) * 16;
}

/**
 * Scores a vector against a fixed n×k item-factor matrix. The factors are copied once, as f32,
 * into the linear memory of a WebAssembly instance of its own (so the memory goes away with the
 * scorer); each call copies v in and the n scores out. Float64 factors are rounded to f32, so
 * scores can differ from a double-precision dot product in the last bits and near-ties may order
 * differently; the same factors always give the same scores. Rebuild the scorer when the factors
 * change: it never sees later writes to the array it was built from.
 */
export class DenseScorer {
  readonly n: number;
  readonly k: number;
  /** True when this scorer runs the WebAssembly kernel. */
  readonly usesWasm: boolean;
  private readonly kernel?: WasmKernel;
  /** WASM path: views of v, out and Q in linear memory. TS path: own f32 copies. */
  private readonly v: Float32Array;
  private readonly result: Float32Array;
  private readonly q: Float32Array;
  private readonly vPtr: number = 0;
  private readonly outPtr: number = 0;
  private readonly qPtr: number = 0;

  constructor(factors: Float32Array | Float64Array, k: number, options: DenseScorerOptions = {}) {
    if (!Number.isInteger(k) || k < 1)
      throw new RangeError(`DenseScorer: k must be a positive integer, got ${k}`);
    if (factors.length % k !== 0) {
      throw new RangeError(`DenseScorer: ${factors.length} factors is not a whole number of rows of ${k}`);
    }
    const n = factors.length / k;
    this.n = n;
    this.k = k;
    const memory = options.wasm === false ? null : DenseScorer.memoryFor(n, k);
    if (memory !== null && loaded.module !== null) {
      const instance = new WebAssembly.Instance(loaded.module, { env: { memory } });
      this.kernel = instance.exports.scoreRows as WasmKernel;
      this.usesWasm = true;
      this.vPtr = 0;
      this.outPtr = align16(k * 4);
      this.qPtr = this.outPtr + align16(n * 4);
      this.v = new Float32Array(memory.buffer, this.vPtr, k);
      this.result = new Float32Array(memory.buffer, this.outPtr, n);
      this.q = new Float32Array(memory.buffer, this.qPtr, n * k);
      this.q.set(factors);
    } else {
      this.usesWasm = false;
      this.v = new Float32Array(k);
      this.result = new Float32Array(0);
      this.q = factors instanceof Float32Array ? factors.slice() : Float32Array.from(factors);
    }
  }

  /** A linear memory for v, out and Q, or null (with one warning) when WebAssembly cannot be used. */
  private static memoryFor(n: number, k: number): WebAssembly.Memory | null {
    if (loaded.module === null) {
      if (loaded.warn && !warned) {
        warned = true;
        log.warn(`scoring: WebAssembly kernel unavailable (${loaded.reason}); using the TypeScript one`);
      }
      return null;
    }
    const bytes = align16(k * 4) + align16(n * 4) + n * k * 4;
    const pages = Math.max(1, Math.ceil(bytes / PAGE_BYTES));
    if (pages > MAX_PAGES) return null;
    try {
      return new WebAssembly.Memory({ initial: pages, maximum: pages });
    } catch (error) {
      log.warn(
        `scoring: cannot allocate ${pages} WebAssembly pages (${(error as Error).message}); using TypeScript`,
      );
      return null;
    }
  }

  /**
   * out[i] = v·Q[i] (f32 arithmetic on the WASM path), plus `bias.base + bias.itemBias[i]` when
   * given (added in double precision, then rounded). `v` must hold exactly k entries, `out` n.
   */
  scoreInto(v: Float32Array | Float64Array, out: Float32Array, bias?: ScoreBias): void {
    const { n, k } = this;
    if (v.length !== k)
      throw new RangeError(`DenseScorer.scoreInto: v has ${v.length} entries, expected ${k}`);
    if (out.length !== n)
      throw new RangeError(`DenseScorer.scoreInto: out has ${out.length} entries, expected ${n}`);
    if (bias !== undefined && bias.itemBias.length !== n) {
      throw new RangeError(
        `DenseScorer.scoreInto: itemBias has ${bias.itemBias.length} entries, expected ${n}`,
      );
    }
    let dots: Float32Array;
    if (this.kernel !== undefined) {
      this.v.set(v);
      this.kernel(this.vPtr, this.qPtr, n, k, this.outPtr);
      dots = this.result;
    } else {
      let vf: Float32Array;
      if (v instanceof Float32Array) vf = v;
      else {
        this.v.set(v);
        vf = this.v;
      }
      scoreRowsTs(vf, this.q, n, k, out);
      dots = out;
    }
    if (bias === undefined) {
      if (dots !== out) out.set(dots);
      return;
    }
    const { base, itemBias } = bias;
    for (let i = 0; i < n; i++) out[i] = base + itemBias[i] + dots[i];
  }
}

/**
 * The DenseScorer of a model's current item factors, built on first use and rebuilt whenever the
 * model holds a different factor array (a new fit or a restore); `clear()` drops it outright.
 */
export class ScorerCache {
  private scorer?: DenseScorer;
  private source?: Float32Array | Float64Array;

  get(factors: Float32Array | Float64Array, k: number): DenseScorer {
    if (this.scorer === undefined || this.source !== factors || this.scorer.k !== k) {
      this.scorer = new DenseScorer(factors, k);
      this.source = factors;
    }
    return this.scorer;
  }

  clear(): void {
    this.scorer = undefined;
    this.source = undefined;
  }
}
