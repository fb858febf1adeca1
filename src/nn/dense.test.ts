import { afterAll, describe, expect, it } from 'vitest';
import { Rng } from '../math/random.js';
import { Dense, setDenseBackend } from './dense.js';
import { fixture, halfSquaredError, maxGradientError, residual } from './gradcheck.fixture.js';

const wasmBuilt = setDenseBackend('wasm') === 'wasm';
afterAll(() => setDenseBackend('wasm'));

// Every case runs on the TypeScript reference and on the WebAssembly SIMD kernels.
describe.each(['ts', 'wasm'] as const)('Dense (%s kernels)', (kind) => {
  const skip = kind === 'wasm' && !wasmBuilt;
  it.skipIf(skip)('uses the kernels asked for', () => {
    expect(setDenseBackend(kind)).toBe(kind);
  });

  it.skipIf(skip)('computes W·x + b by hand', () => {
    setDenseBackend(kind);
    const layer = new Dense(2, 2, new Rng(1));
    layer.weight.value.set([1, 2, 3, 4]); // rows are outputs: y0 = x0 + 2x1, y1 = 3x0 + 4x1
    layer.bias.value.set([0.5, -1]);
    const y = new Float32Array(4);
    layer.forward(Float32Array.from([1, 1, 2, -1]), 2, y);
    expect(Array.from(y)).toEqual([3.5, 6, 0.5, 1]);
  });

  it.skipIf(skip)('computes the input, weight and bias gradients by hand', () => {
    setDenseBackend(kind);
    const layer = new Dense(2, 1, new Rng(1));
    layer.weight.value.set([2, -3]);
    const dx = new Float32Array(2);
    layer.backward(Float32Array.from([5, 7]), Float32Array.from([0.5]), 1, dx);
    expect(Array.from(layer.weight.grad)).toEqual([2.5, 3.5]);
    expect(Array.from(layer.bias.grad)).toEqual([0.5]);
    expect(Array.from(dx)).toEqual([1, -1.5]);
  });

  it.skipIf(skip)('passes a finite-difference gradient check for W, b and x (SIMD blocks and tails)', () => {
    setDenseBackend(kind);
    // 6 samples × 9 inputs: one block of four samples plus two, two f32x4 lanes plus one.
    const batch = 6;
    const layer = new Dense(9, 7, new Rng(7));
    layer.bias.value.set(fixture(7, 3));
    const x = fixture(batch * 9, 11);
    const target = fixture(batch * 7, 12);
    const y = new Float32Array(batch * 7);
    const loss = () => {
      layer.forward(x, batch, y);
      return halfSquaredError(y, target);
    };
    loss();
    const dx = new Float32Array(x.length);
    layer.backward(x, residual(y, target), batch, dx);
    expect(maxGradientError(loss, layer.weight.value, layer.weight.grad)).toBeLessThan(1e-2);
    expect(maxGradientError(loss, layer.bias.value, layer.bias.grad)).toBeLessThan(1e-2);
    expect(maxGradientError(loss, x, dx)).toBeLessThan(1e-2);
  });

  it.skipIf(skip)('accumulates gradients over calls and rejects bad dimensions', () => {
    setDenseBackend(kind);
    const layer = new Dense(1, 1, new Rng(1));
    layer.backward(Float32Array.from([2]), Float32Array.from([1]), 1, null);
    layer.backward(Float32Array.from([2]), Float32Array.from([1]), 1, null);
    expect(layer.weight.grad[0]).toBe(4);
    expect(() => new Dense(0, 3, new Rng(1))).toThrow(/Dense.*0/);
  });
});

describe.skipIf(!wasmBuilt)('Dense WebAssembly kernels', () => {
  it('match the TypeScript reference on a layer of the model’s size', () => {
    const run = (kind: 'ts' | 'wasm') => {
      setDenseBackend(kind);
      const layer = new Dense(177, 128, new Rng(1));
      const x = fixture(37 * 177, 2);
      const y = new Float32Array(37 * 128);
      layer.forward(x, 37, y);
      const dx = new Float32Array(x.length);
      layer.backward(x, y, 37, dx);
      return { y, dx, gw: layer.weight.grad, gb: layer.bias.grad };
    };
    const ts = run('ts');
    const wasm = run('wasm');
    for (const key of ['y', 'dx', 'gw', 'gb'] as const) {
      let worst = 0;
      for (let k = 0; k < ts[key].length; k++)
        worst = Math.max(worst, Math.abs(ts[key][k] - wasm[key][k]) / (1 + Math.abs(ts[key][k])));
      expect(worst, key).toBeLessThan(1e-4);
    }
  });
});
