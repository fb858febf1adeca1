import { describe, expect, it } from 'vitest';
import { Rng } from '../math/random.js';
import { Dense } from './dense.js';
import { fixture, halfSquaredError, maxGradientError, residual } from './gradcheck.fixture.js';

describe('Dense', () => {
  it('computes W·x + b by hand', () => {
    const layer = new Dense(2, 2, new Rng(1));
    layer.weight.value.set([1, 2, 3, 4]); // rows are outputs: y0 = x0 + 2x1, y1 = 3x0 + 4x1
    layer.bias.value.set([0.5, -1]);
    const y = new Float32Array(4);
    layer.forward(Float32Array.from([1, 1, 2, -1]), 2, y);
    expect(Array.from(y)).toEqual([3.5, 6, 0.5, 1]);
  });

  it('computes the input, weight and bias gradients by hand', () => {
    const layer = new Dense(2, 1, new Rng(1));
    layer.weight.value.set([2, -3]);
    const dx = new Float32Array(2);
    layer.backward(Float32Array.from([5, 7]), Float32Array.from([0.5]), 1, dx);
    expect(Array.from(layer.weight.grad)).toEqual([2.5, 3.5]);
    expect(Array.from(layer.bias.grad)).toEqual([0.5]);
    expect(Array.from(dx)).toEqual([1, -1.5]);
  });

  it('passes a finite-difference gradient check for W, b and x', () => {
    const batch = 3;
    const layer = new Dense(5, 4, new Rng(7));
    layer.bias.value.set(fixture(4, 3));
    const x = fixture(batch * 5, 11);
    const target = fixture(batch * 4, 12);
    const y = new Float32Array(batch * 4);
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

  it('accumulates gradients over calls and rejects bad dimensions', () => {
    const layer = new Dense(1, 1, new Rng(1));
    layer.backward(Float32Array.from([2]), Float32Array.from([1]), 1, null);
    layer.backward(Float32Array.from([2]), Float32Array.from([1]), 1, null);
    expect(layer.weight.grad[0]).toBe(4);
    expect(() => new Dense(0, 3, new Rng(1))).toThrow(/Dense.*0/);
  });
});
