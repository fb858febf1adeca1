import type { Rng } from '../math/random.js';
import { normalInit, type Param, param } from './param.js';

/**
 * A lookup table of `rows` vectors of `dim`. Its gradient is sparse: backward adds into the rows
 * a batch used and remembers them, so the optimiser and `zeroGrad` touch only those rows (a batch
 * of 256 touches a few hundred of 10,000 movies).
 */
export class Embedding {
  readonly table: Param;
  /** Rows with a gradient since the last zeroGrad, in first-touch order. */
  readonly touched: Int32Array;
  private readonly mark: Uint8Array;
  nTouched = 0;

  constructor(
    readonly rows: number,
    readonly dim: number,
    rng: Rng,
    options: { name?: string; std?: number; decay?: boolean } = {},
  ) {
    if (!Number.isInteger(rows) || rows < 0 || !Number.isInteger(dim) || dim < 1) {
      throw new Error(`Embedding: rows must be ≥ 0 and dim ≥ 1 (integers), got ${rows} × ${dim}`);
    }
    this.table = param(`${options.name ?? 'embedding'}.table`, rows * dim, options.decay ?? true);
    this.touched = new Int32Array(rows);
    this.mark = new Uint8Array(rows);
    normalInit(this.table.value, options.std ?? 0.05, rng);
  }

  /**
   * out[b] = table[ids[b]] · (keep ? keep[b] : 1), written at column `offset` of rows `stride`
   * wide (straight into a concatenation buffer). `keep` zeroes rows for embedding dropout.
   */
  forward(
    ids: Int32Array,
    batch: number,
    out: Float32Array,
    stride = this.dim,
    offset = 0,
    keep: Float32Array | null = null,
  ): void {
    const t = this.table.value;
    const d = this.dim;
    for (let b = 0; b < batch; b++) {
      const src = ids[b] * d;
      const dst = b * stride + offset;
      const scale = keep === null ? 1 : keep[b];
      for (let c = 0; c < d; c++) out[dst + c] = scale * t[src + c];
    }
  }

  /**
   * Adds dy[b] · keep[b] into row ids[b], dy read at column `offset` of rows `stride` wide.
   * `l2` adds l2 · row once per occurrence: the per-rating penalty of SGD matrix factorisation.
   */
  backward(
    ids: Int32Array,
    dy: Float32Array,
    batch: number,
    stride = this.dim,
    offset = 0,
    keep: Float32Array | null = null,
    l2 = 0,
  ): void {
    const g = this.table.grad;
    const t = this.table.value;
    const d = this.dim;
    for (let b = 0; b < batch; b++) {
      const scale = keep === null ? 1 : keep[b];
      if (scale === 0) continue;
      const row = ids[b];
      if (this.mark[row] === 0) {
        this.mark[row] = 1;
        this.touched[this.nTouched++] = row;
      }
      const dst = row * d;
      const src = b * stride + offset;
      for (let c = 0; c < d; c++) g[dst + c] += scale * dy[src + c] + l2 * t[dst + c];
    }
  }

  /** Clears the gradient of the touched rows only. */
  zeroGrad(): void {
    const g = this.table.grad;
    const d = this.dim;
    for (let k = 0; k < this.nTouched; k++) {
      const row = this.touched[k];
      this.mark[row] = 0;
      g.fill(0, row * d, (row + 1) * d);
    }
    this.nTouched = 0;
  }
}
