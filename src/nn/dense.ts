import type { Rng } from '../math/random.js';
import { WasmDense } from './dense-wasm.js';
import { heUniform, type Param, param } from './param.js';

let wasm: WasmDense | null = WasmDense.load();

/**
 * Which kernels Dense layers run: 'wasm' (f32x4 SIMD, the default when build/nn.wasm loads) or
 * 'ts' (the reference below). Returns the backend now in use.
 */
export function setDenseBackend(kind: 'wasm' | 'ts'): 'wasm' | 'ts' {
  wasm = kind === 'wasm' ? (wasm ?? WasmDense.load()) : null;
  return wasm === null ? 'ts' : 'wasm';
}

/**
 * Fully connected layer y = W·x + b on a batch of row vectors. W is stored out × in, row-major,
 * so the forward pass is a dot product of two contiguous rows and both backward products are
 * contiguous axpys.
 */
export class Dense {
  readonly weight: Param;
  readonly bias: Param;

  constructor(
    readonly inDim: number,
    readonly outDim: number,
    rng: Rng,
    name = 'dense',
  ) {
    if (!Number.isInteger(inDim) || inDim < 1 || !Number.isInteger(outDim) || outDim < 1) {
      throw new Error(`Dense: dimensions must be positive integers, got ${inDim} → ${outDim}`);
    }
    this.weight = param(`${name}.weight`, inDim * outDim, true);
    this.bias = param(`${name}.bias`, outDim, false);
    heUniform(this.weight.value, inDim, rng);
  }

  get params(): Param[] {
    return [this.weight, this.bias];
  }

  /** y[b] = W·x[b] + bias for rows b of x (batch × inDim) into y (batch × outDim). */
  forward(x: Float32Array, batch: number, y: Float32Array): void {
    if (wasm !== null) wasm.forward(this.weight.value, this.bias.value, this.inDim, this.outDim, x, batch, y);
    else denseForward(this.weight.value, this.bias.value, this.inDim, this.outDim, x, batch, y);
  }

  /**
   * Accumulates ∂L/∂W and ∂L/∂b from dy (batch × outDim) and the forward input x; writes (not
   * adds) ∂L/∂x into dx unless it is null (the first layer of a path needs no input gradient).
   */
  backward(x: Float32Array, dy: Float32Array, batch: number, dx: Float32Array | null): void {
    if (wasm !== null) {
      const { weight, bias, inDim, outDim } = this;
      wasm.backward(weight.value, weight.grad, bias.grad, inDim, outDim, x, dy, batch, dx);
    } else denseBackward(this.weight, this.bias, this.inDim, this.outDim, x, dy, batch, dx);
  }

  /** ∂L/∂x only; the weight and bias gradients are left alone. */
  backwardInput(dy: Float32Array, batch: number, dx: Float32Array): void {
    denseBackwardInput(this.weight.value, this.inDim, this.outDim, dy, batch, dx);
  }
}

/** ∂L/∂x alone (written into dx), for fold-in paths that train inputs with the weights frozen. */
export function denseBackwardInput(
  w: Float32Array,
  inDim: number,
  outDim: number,
  dy: Float32Array,
  batch: number,
  dx: Float32Array,
): void {
  dx.fill(0, 0, batch * inDim);
  for (let b = 0; b < batch; b++) {
    const xo = b * inDim;
    const yo = b * outDim;
    for (let o = 0; o < outDim; o++) {
      const g = dy[yo + o];
      if (g === 0) continue;
      const wo = o * inDim;
      for (let i = 0; i < inDim; i++) dx[xo + i] += g * w[wo + i];
    }
  }
}

export function denseForward(
  w: Float32Array,
  bias: Float32Array,
  inDim: number,
  outDim: number,
  x: Float32Array,
  batch: number,
  y: Float32Array,
): void {
  for (let b = 0; b < batch; b++) {
    const xo = b * inDim;
    const yo = b * outDim;
    for (let o = 0; o < outDim; o++) {
      const wo = o * inDim;
      // Four partial sums break the add dependency chain; V8 keeps them in registers.
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let i = 0;
      for (; i + 3 < inDim; i += 4) {
        s0 += w[wo + i] * x[xo + i];
        s1 += w[wo + i + 1] * x[xo + i + 1];
        s2 += w[wo + i + 2] * x[xo + i + 2];
        s3 += w[wo + i + 3] * x[xo + i + 3];
      }
      for (; i < inDim; i++) s0 += w[wo + i] * x[xo + i];
      y[yo + o] = bias[o] + s0 + s1 + s2 + s3;
    }
  }
}

export function denseBackward(
  weight: Param,
  bias: Param,
  inDim: number,
  outDim: number,
  x: Float32Array,
  dy: Float32Array,
  batch: number,
  dx: Float32Array | null,
): void {
  const w = weight.value;
  const gw = weight.grad;
  const gb = bias.grad;
  if (dx !== null) dx.fill(0, 0, batch * inDim);
  for (let b = 0; b < batch; b++) {
    const xo = b * inDim;
    const yo = b * outDim;
    for (let o = 0; o < outDim; o++) {
      const g = dy[yo + o];
      if (g === 0) continue; // ReLU and dropout zero many rows of dy
      gb[o] += g;
      const wo = o * inDim;
      for (let i = 0; i < inDim; i++) gw[wo + i] += g * x[xo + i];
      if (dx !== null) for (let i = 0; i < inDim; i++) dx[xo + i] += g * w[wo + i];
    }
  }
}
