// AssemblyScript (compiled to build/scoring.wasm by `npm run build:wasm`), not TypeScript:
// the TypeScript reference and the loader live in src/math/scoring.ts.

/**
 * out[i] = Σ_f v[f]·Q[i·k + f] for i < n: Q is n×k row-major f32, v has k entries, out n.
 * Pointers are byte offsets into linear memory (any 4-byte alignment). Four rows at a time share
 * each load of v; f32x4 lanes cover f in steps of 4, then a scalar tail covers k mod 4. Each row's
 * four lane sums are added as (l0 + l1) + (l2 + l3), then the tail in order.
 */
export function scoreRows(vPtr: usize, qPtr: usize, n: i32, k: i32, outPtr: usize): void {
  const k4 = k & ~3;
  const rowBytes = (<usize>k) << 2;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const r0 = qPtr + <usize>i * rowBytes;
    const r1 = r0 + rowBytes;
    const r2 = r1 + rowBytes;
    const r3 = r2 + rowBytes;
    let a0 = f32x4.splat(0);
    let a1 = f32x4.splat(0);
    let a2 = f32x4.splat(0);
    let a3 = f32x4.splat(0);
    for (let f = 0; f < k4; f += 4) {
      const off = (<usize>f) << 2;
      const x = v128.load(vPtr + off);
      a0 = f32x4.add(a0, f32x4.mul(x, v128.load(r0 + off)));
      a1 = f32x4.add(a1, f32x4.mul(x, v128.load(r1 + off)));
      a2 = f32x4.add(a2, f32x4.mul(x, v128.load(r2 + off)));
      a3 = f32x4.add(a3, f32x4.mul(x, v128.load(r3 + off)));
    }
    let s0 = lanes(a0);
    let s1 = lanes(a1);
    let s2 = lanes(a2);
    let s3 = lanes(a3);
    for (let f = k4; f < k; f++) {
      const off = (<usize>f) << 2;
      const x = load<f32>(vPtr + off);
      s0 += x * load<f32>(r0 + off);
      s1 += x * load<f32>(r1 + off);
      s2 += x * load<f32>(r2 + off);
      s3 += x * load<f32>(r3 + off);
    }
    const o = outPtr + ((<usize>i) << 2);
    store<f32>(o, s0);
    store<f32>(o + 4, s1);
    store<f32>(o + 8, s2);
    store<f32>(o + 12, s3);
  }
  for (; i < n; i++) {
    const r = qPtr + <usize>i * rowBytes;
    let a = f32x4.splat(0);
    for (let f = 0; f < k4; f += 4) {
      const off = (<usize>f) << 2;
      a = f32x4.add(a, f32x4.mul(v128.load(vPtr + off), v128.load(r + off)));
    }
    let s = lanes(a);
    for (let f = k4; f < k; f++) {
      const off = (<usize>f) << 2;
      s += load<f32>(vPtr + off) * load<f32>(r + off);
    }
    store<f32>(outPtr + ((<usize>i) << 2), s);
  }
}

/** Sum of the four lanes as (l0 + l1) + (l2 + l3); small enough for -O3 to inline. */
function lanes(a: v128): f32 {
  return (
    f32x4.extract_lane(a, 0) +
    f32x4.extract_lane(a, 1) +
    (f32x4.extract_lane(a, 2) + f32x4.extract_lane(a, 3))
  );
}
