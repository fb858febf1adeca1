import { describe, expect, it } from 'vitest';
import { Rng } from '../math/random.js';
import { Adam } from './adam.js';
import { Embedding } from './embedding.js';
import { param } from './param.js';

describe('Adam', () => {
  it('moves each weight by lr·sign(g) on its first step, after decoupled decay', () => {
    // Step 1: m̂ = g, v̂ = g², so the update is lr·g/|g| (ε aside); decay multiplies by 1 − lr·λ.
    const w = param('w', 2, true);
    w.value.set([1, -2]);
    w.grad.set([0.3, -5]);
    const b = param('b', 1, false);
    b.value.set([1]);
    b.grad.set([2]);
    new Adam({ lr: 0.1, weightDecay: 0.5, eps: 0 }).step([w, b]);
    expect(w.value[0]).toBeCloseTo(1 * 0.95 - 0.1, 6);
    expect(w.value[1]).toBeCloseTo(-2 * 0.95 + 0.1, 6);
    expect(b.value[0]).toBeCloseTo(0.9, 6); // no decay on a bias
  });

  it('matches a second step computed by hand', () => {
    const w = param('w', 1, false);
    w.value[0] = 0;
    const adam = new Adam({ lr: 0.01, eps: 0 });
    w.grad[0] = 1;
    adam.step([w]);
    w.grad[0] = 3;
    adam.step([w]);
    const m = 0.9 * 0.1 + 0.1 * 3;
    const v = 0.999 * 0.001 + 0.001 * 9;
    const expected = -0.01 - (0.01 * (m / (1 - 0.81))) / Math.sqrt(v / (1 - 0.999 ** 2));
    expect(w.value[0]).toBeCloseTo(expected, 6);
  });

  it('updates only the touched rows of an embedding', () => {
    const e = new Embedding(3, 2, new Rng(1));
    const before = Float32Array.from(e.table.value);
    e.backward(Int32Array.from([1]), Float32Array.from([1, -1]), 1);
    new Adam({ lr: 0.1 }).step([], [e]);
    expect(Array.from(e.table.value.subarray(0, 2))).toEqual(Array.from(before.subarray(0, 2)));
    expect(Array.from(e.table.value.subarray(4, 6))).toEqual(Array.from(before.subarray(4, 6)));
    expect(e.table.value[2]).toBeCloseTo(before[2] - 0.1, 5);
    expect(e.table.value[3]).toBeCloseTo(before[3] + 0.1, 5);
  });

  it('minimises a quadratic', () => {
    const w = param('w', 1, false);
    w.value[0] = 5;
    const adam = new Adam({ lr: 0.1 });
    for (let k = 0; k < 500; k++) {
      w.grad[0] = 2 * (w.value[0] - 2);
      adam.step([w]);
    }
    expect(w.value[0]).toBeCloseTo(2, 2);
    expect(() => new Adam({ lr: 0 })).toThrow(/lr/);
  });
});
