// AssemblyScript (compiled to build/nn.wasm by `npm run build:wasm`), not TypeScript: the
// TypeScript reference and the loader live in src/nn/dense.ts and src/nn/dense-wasm.ts.
// Dense-layer kernels of the neural model with f32x4 SIMD. Pointers are byte offsets into linear
// memory; matrices are row-major f32. W is out × in, x is batch × in, y and dy batch × out.

/** y[b,o] = bias[o] + W[o]·x[b]; four samples share each load of a row of W. */
export function denseForward(
  wPtr: usize,
  biasPtr: usize,
  xPtr: usize,
  yPtr: usize,
  batch: i32,
  inDim: i32,
  outDim: i32,
): void {
  const in4 = inDim & ~3;
  const rowBytes = (<usize>inDim) << 2;
  const outBytes = (<usize>outDim) << 2;
  let b = 0;
  for (; b + 4 <= batch; b += 4) {
    const x0 = xPtr + <usize>b * rowBytes;
    const x1 = x0 + rowBytes;
    const x2 = x1 + rowBytes;
    const x3 = x2 + rowBytes;
    const y0 = yPtr + <usize>b * outBytes;
    for (let o = 0; o < outDim; o++) {
      const w = wPtr + <usize>o * rowBytes;
      let a0 = f32x4.splat(0);
      let a1 = f32x4.splat(0);
      let a2 = f32x4.splat(0);
      let a3 = f32x4.splat(0);
      for (let i = 0; i < in4; i += 4) {
        const off = (<usize>i) << 2;
        const wv = v128.load(w + off);
        a0 = f32x4.add(a0, f32x4.mul(wv, v128.load(x0 + off)));
        a1 = f32x4.add(a1, f32x4.mul(wv, v128.load(x1 + off)));
        a2 = f32x4.add(a2, f32x4.mul(wv, v128.load(x2 + off)));
        a3 = f32x4.add(a3, f32x4.mul(wv, v128.load(x3 + off)));
      }
      let s0 = lanes(a0);
      let s1 = lanes(a1);
      let s2 = lanes(a2);
      let s3 = lanes(a3);
      for (let i = in4; i < inDim; i++) {
        const off = (<usize>i) << 2;
        const wi = load<f32>(w + off);
        s0 += wi * load<f32>(x0 + off);
        s1 += wi * load<f32>(x1 + off);
        s2 += wi * load<f32>(x2 + off);
        s3 += wi * load<f32>(x3 + off);
      }
      const bias = load<f32>(biasPtr + ((<usize>o) << 2));
      const yo = y0 + ((<usize>o) << 2);
      store<f32>(yo, bias + s0);
      store<f32>(yo + outBytes, bias + s1);
      store<f32>(yo + 2 * outBytes, bias + s2);
      store<f32>(yo + 3 * outBytes, bias + s3);
    }
  }
  for (; b < batch; b++) {
    const x0 = xPtr + <usize>b * rowBytes;
    for (let o = 0; o < outDim; o++) {
      const w = wPtr + <usize>o * rowBytes;
      let a = f32x4.splat(0);
      for (let i = 0; i < in4; i += 4) {
        const off = (<usize>i) << 2;
        a = f32x4.add(a, f32x4.mul(v128.load(w + off), v128.load(x0 + off)));
      }
      let s = lanes(a);
      for (let i = in4; i < inDim; i++) {
        const off = (<usize>i) << 2;
        s += load<f32>(w + off) * load<f32>(x0 + off);
      }
      store<f32>(yPtr + <usize>b * outBytes + ((<usize>o) << 2), load<f32>(biasPtr + ((<usize>o) << 2)) + s);
    }
  }
}

/**
 * Accumulates gW[o] += Σ_b dy[b,o]·x[b] and gb[o] += Σ_b dy[b,o], four samples per pass over a
 * row of gW; when dxPtr ≠ 0 also writes dx[b] = Σ_o dy[b,o]·W[o], four outputs per pass over dx[b].
 */
export function denseBackward(
  wPtr: usize,
  gwPtr: usize,
  gbPtr: usize,
  xPtr: usize,
  dyPtr: usize,
  dxPtr: usize,
  batch: i32,
  inDim: i32,
  outDim: i32,
): void {
  const in4 = inDim & ~3;
  const rowBytes = (<usize>inDim) << 2;
  const outBytes = (<usize>outDim) << 2;
  let b = 0;
  for (; b + 4 <= batch; b += 4) {
    const x0 = xPtr + <usize>b * rowBytes;
    const x1 = x0 + rowBytes;
    const x2 = x1 + rowBytes;
    const x3 = x2 + rowBytes;
    const d0 = dyPtr + <usize>b * outBytes;
    for (let o = 0; o < outDim; o++) {
      const oo = (<usize>o) << 2;
      const g0 = load<f32>(d0 + oo);
      const g1 = load<f32>(d0 + outBytes + oo);
      const g2 = load<f32>(d0 + 2 * outBytes + oo);
      const g3 = load<f32>(d0 + 3 * outBytes + oo);
      if (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0) continue;
      store<f32>(gbPtr + oo, load<f32>(gbPtr + oo) + (g0 + g1 + (g2 + g3)));
      const v0 = f32x4.splat(g0);
      const v1 = f32x4.splat(g1);
      const v2 = f32x4.splat(g2);
      const v3 = f32x4.splat(g3);
      const gw = gwPtr + <usize>o * rowBytes;
      for (let i = 0; i < in4; i += 4) {
        const off = (<usize>i) << 2;
        let acc = v128.load(gw + off);
        acc = f32x4.add(acc, f32x4.mul(v0, v128.load(x0 + off)));
        acc = f32x4.add(acc, f32x4.mul(v1, v128.load(x1 + off)));
        acc = f32x4.add(acc, f32x4.mul(v2, v128.load(x2 + off)));
        acc = f32x4.add(acc, f32x4.mul(v3, v128.load(x3 + off)));
        v128.store(gw + off, acc);
      }
      for (let i = in4; i < inDim; i++) {
        const off = (<usize>i) << 2;
        const s =
          g0 * load<f32>(x0 + off) +
          g1 * load<f32>(x1 + off) +
          (g2 * load<f32>(x2 + off) + g3 * load<f32>(x3 + off));
        store<f32>(gw + off, load<f32>(gw + off) + s);
      }
    }
  }
  for (; b < batch; b++) {
    const x0 = xPtr + <usize>b * rowBytes;
    const d0 = dyPtr + <usize>b * outBytes;
    for (let o = 0; o < outDim; o++) {
      const oo = (<usize>o) << 2;
      const g = load<f32>(d0 + oo);
      if (g === 0) continue;
      store<f32>(gbPtr + oo, load<f32>(gbPtr + oo) + g);
      const v = f32x4.splat(g);
      const gw = gwPtr + <usize>o * rowBytes;
      for (let i = 0; i < in4; i += 4) {
        const off = (<usize>i) << 2;
        v128.store(gw + off, f32x4.add(v128.load(gw + off), f32x4.mul(v, v128.load(x0 + off))));
      }
      for (let i = in4; i < inDim; i++) {
        const off = (<usize>i) << 2;
        store<f32>(gw + off, load<f32>(gw + off) + g * load<f32>(x0 + off));
      }
    }
  }
  if (dxPtr === 0) return;
  const out4 = outDim & ~3;
  for (b = 0; b < batch; b++) {
    const dx = dxPtr + <usize>b * rowBytes;
    const d0 = dyPtr + <usize>b * outBytes;
    memory.fill(dx, 0, rowBytes);
    let o = 0;
    for (; o < out4; o += 4) {
      const oo = (<usize>o) << 2;
      const g0 = load<f32>(d0 + oo);
      const g1 = load<f32>(d0 + oo + 4);
      const g2 = load<f32>(d0 + oo + 8);
      const g3 = load<f32>(d0 + oo + 12);
      if (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0) continue;
      const v0 = f32x4.splat(g0);
      const v1 = f32x4.splat(g1);
      const v2 = f32x4.splat(g2);
      const v3 = f32x4.splat(g3);
      const w0 = wPtr + <usize>o * rowBytes;
      const w1 = w0 + rowBytes;
      const w2 = w1 + rowBytes;
      const w3 = w2 + rowBytes;
      for (let i = 0; i < in4; i += 4) {
        const off = (<usize>i) << 2;
        let acc = v128.load(dx + off);
        acc = f32x4.add(acc, f32x4.mul(v0, v128.load(w0 + off)));
        acc = f32x4.add(acc, f32x4.mul(v1, v128.load(w1 + off)));
        acc = f32x4.add(acc, f32x4.mul(v2, v128.load(w2 + off)));
        acc = f32x4.add(acc, f32x4.mul(v3, v128.load(w3 + off)));
        v128.store(dx + off, acc);
      }
      for (let i = in4; i < inDim; i++) {
        const off = (<usize>i) << 2;
        const s =
          g0 * load<f32>(w0 + off) +
          g1 * load<f32>(w1 + off) +
          (g2 * load<f32>(w2 + off) + g3 * load<f32>(w3 + off));
        store<f32>(dx + off, load<f32>(dx + off) + s);
      }
    }
    for (; o < outDim; o++) {
      const g = load<f32>(d0 + ((<usize>o) << 2));
      if (g === 0) continue;
      const w = wPtr + <usize>o * rowBytes;
      for (let i = 0; i < inDim; i++) {
        const off = (<usize>i) << 2;
        store<f32>(dx + off, load<f32>(dx + off) + g * load<f32>(w + off));
      }
    }
  }
}

/** Sum of the four lanes as (l0 + l1) + (l2 + l3). */
function lanes(a: v128): f32 {
  return (
    f32x4.extract_lane(a, 0) +
    f32x4.extract_lane(a, 1) +
    (f32x4.extract_lane(a, 2) + f32x4.extract_lane(a, 3))
  );
}
