import type { Embedding } from './embedding.js';
import type { Param } from './param.js';

export interface AdamOptions {
  lr: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  /** Decoupled weight decay (AdamW, Loshchilov & Hutter 2019): w ← w − lr·λ·w on `decay` params. */
  weightDecay?: number;
}

/**
 * Adam (Kingma & Ba 2015) with decoupled weight decay. Dense parameters update every step;
 * embedding tables update lazily, only the rows the batch touched (as PyTorch's SparseAdam), with
 * the global step count for bias correction. Moments live beside each parameter.
 */
export class Adam {
  lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  private t = 0;
  private readonly moments = new Map<Param, { m: Float32Array; v: Float32Array }>();

  constructor(options: AdamOptions) {
    this.lr = options.lr;
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.eps = options.eps ?? 1e-8;
    this.weightDecay = options.weightDecay ?? 0;
    if (!(this.lr > 0) || !Number.isFinite(this.lr)) throw new Error(`Adam: lr must be > 0, got ${this.lr}`);
    if (!(this.weightDecay >= 0)) throw new Error(`Adam: weightDecay must be ≥ 0, got ${this.weightDecay}`);
  }

  get steps(): number {
    return this.t;
  }

  private momentsOf(p: Param): { m: Float32Array; v: Float32Array } {
    let entry = this.moments.get(p);
    if (entry === undefined) {
      entry = { m: new Float32Array(p.value.length), v: new Float32Array(p.value.length) };
      this.moments.set(p, entry);
    }
    return entry;
  }

  /** One step over the dense params (every entry) and the embeddings (touched rows only). */
  step(dense: readonly Param[], sparse: readonly Embedding[] = []): void {
    this.t++;
    const c1 = 1 / (1 - this.beta1 ** this.t);
    const c2 = 1 / (1 - this.beta2 ** this.t);
    for (const p of dense) {
      const { m, v } = this.momentsOf(p);
      this.update(p, m, v, 0, p.value.length, c1, c2);
    }
    for (const e of sparse) {
      const { m, v } = this.momentsOf(e.table);
      for (let k = 0; k < e.nTouched; k++) {
        const row = e.touched[k];
        this.update(e.table, m, v, row * e.dim, (row + 1) * e.dim, c1, c2);
      }
    }
  }

  private update(
    p: Param,
    m: Float32Array,
    v: Float32Array,
    from: number,
    to: number,
    c1: number,
    c2: number,
  ): void {
    const { value, grad } = p;
    const { beta1, beta2, eps, lr } = this;
    const shrink = p.decay ? 1 - lr * this.weightDecay : 1;
    for (let k = from; k < to; k++) {
      const g = grad[k];
      const mk = beta1 * m[k] + (1 - beta1) * g;
      const vk = beta2 * v[k] + (1 - beta2) * g * g;
      m[k] = mk;
      v[k] = vk;
      value[k] = value[k] * shrink - (lr * mk * c1) / (Math.sqrt(vk * c2) + eps);
    }
  }
}
