import { readFileSync } from 'node:fs';

/**
 * Loader of the SIMD dense-layer kernels (assembly/nn.ts → build/nn.wasm, `npm run build:wasm`).
 * The arrays are copied into one linear memory per call: the copies are O(weights + activations)
 * against O(batch × weights) multiply-adds, under 2% of a 256-sample batch.
 */
type ForwardFn = (
  w: number,
  b: number,
  x: number,
  y: number,
  batch: number,
  inDim: number,
  outDim: number,
) => void;
type BackwardFn = (
  w: number,
  gw: number,
  gb: number,
  x: number,
  dy: number,
  dx: number,
  batch: number,
  inDim: number,
  outDim: number,
) => void;

const WASM_URL = new URL('../../build/nn.wasm', import.meta.url);
const PAGE = 65_536;

export class WasmDense {
  private readonly memory: WebAssembly.Memory;
  private readonly forwardFn: ForwardFn;
  private readonly backwardFn: BackwardFn;

  private constructor(module: WebAssembly.Module) {
    this.memory = new WebAssembly.Memory({ initial: 16 });
    const instance = new WebAssembly.Instance(module, { env: { memory: this.memory, abort: () => {} } });
    this.forwardFn = instance.exports.denseForward as ForwardFn;
    this.backwardFn = instance.exports.denseBackward as BackwardFn;
  }

  /** The kernels, or null when build/nn.wasm is missing or CINEREC_WASM=0. */
  static load(): WasmDense | null {
    if (process.env.CINEREC_WASM === '0') return null;
    try {
      return new WasmDense(new WebAssembly.Module(readFileSync(WASM_URL)));
    } catch {
      return null;
    }
  }

  /** Byte offsets (16-aligned, from 16 so 0 can mean "none") for arrays of these lengths. */
  private layout(lengths: number[]): number[] {
    const offsets: number[] = [];
    let at = 16;
    for (const n of lengths) {
      offsets.push(at);
      at += Math.ceil((n * 4) / 16) * 16;
    }
    const pages = Math.ceil(at / PAGE);
    const have = this.memory.buffer.byteLength / PAGE;
    if (pages > have) this.memory.grow(pages - have);
    return offsets;
  }

  private put(offset: number, values: Float32Array, n: number): void {
    new Float32Array(this.memory.buffer, offset, n).set(values.subarray(0, n));
  }

  private get(offset: number, out: Float32Array, n: number): void {
    out.set(new Float32Array(this.memory.buffer, offset, n));
  }

  forward(
    w: Float32Array,
    bias: Float32Array,
    inDim: number,
    outDim: number,
    x: Float32Array,
    batch: number,
    y: Float32Array,
  ): void {
    const nw = inDim * outDim;
    const [ow, ob, ox, oy] = this.layout([nw, outDim, batch * inDim, batch * outDim]);
    this.put(ow, w, nw);
    this.put(ob, bias, outDim);
    this.put(ox, x, batch * inDim);
    this.forwardFn(ow, ob, ox, oy, batch, inDim, outDim);
    this.get(oy, y, batch * outDim);
  }

  backward(
    w: Float32Array,
    gw: Float32Array,
    gb: Float32Array,
    inDim: number,
    outDim: number,
    x: Float32Array,
    dy: Float32Array,
    batch: number,
    dx: Float32Array | null,
  ): void {
    const nw = inDim * outDim;
    const [ow, ogw, ogb, ox, ody, odx] = this.layout([
      nw,
      nw,
      outDim,
      batch * inDim,
      batch * outDim,
      batch * inDim,
    ]);
    this.put(ow, w, nw);
    this.put(ogw, gw, nw);
    this.put(ogb, gb, outDim);
    this.put(ox, x, batch * inDim);
    this.put(ody, dy, batch * outDim);
    this.backwardFn(ow, ogw, ogb, ox, ody, dx === null ? 0 : odx, batch, inDim, outDim);
    this.get(ogw, gw, nw);
    this.get(ogb, gb, outDim);
    if (dx !== null) this.get(odx, dx, batch * inDim);
  }
}
