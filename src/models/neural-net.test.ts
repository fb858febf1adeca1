import { describe, expect, it } from 'vitest';
import { Rng } from '../math/random.js';
import { fixture, maxGradientError } from '../nn/gradcheck.fixture.js';
import { mseLoss } from '../nn/loss.js';
import { NUMERIC_WIDTH } from './neural-features.js';
import { type Batch, HybridNet, type NetConfig } from './neural-net.js';

const config: NetConfig = {
  nUsers: 3,
  nItems: 4,
  genreWidth: 3,
  userDim: 4,
  itemDim: 4,
  genreDim: 3,
  numericDim: 2,
  hidden: [6, 5],
  dropout: 0,
  dot: true,
};

function batchOf(): Batch {
  return {
    size: 4,
    users: Int32Array.from([0, 2, 1, 2]),
    items: Int32Array.from([1, 3, 1, 0]),
    keep: Float32Array.from([1, 1, 0, 1]),
    genres: Float32Array.from([1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 0, 1]),
    numeric: fixture(4 * NUMERIC_WIDTH, 5),
  };
}

describe('HybridNet', () => {
  it('passes a finite-difference gradient check through every path (dot term, content, dropped movies)', () => {
    const net = new HybridNet(config, new Rng(3));
    net.mu = 3.5;
    // Non-zero biases so their gradients are checked away from a trivial point.
    net.userBias.table.value.set(fixture(3, 1, -0.5, 0.5));
    net.itemBias.table.value.set(fixture(4, 2, -0.5, 0.5));
    for (const e of [net.userEmb, net.itemEmb])
      e.table.value.set(fixture(e.table.value.length, 9, -0.5, 0.5));
    const batch = batchOf();
    const targets = Float32Array.from([4, 2, 5, 3]);
    const pred = new Float32Array(4);
    const dPred = new Float32Array(4);
    const loss = () => {
      net.forward(batch, pred, null);
      return mseLoss(pred, targets, 4, dPred);
    };
    loss();
    net.zeroGrad();
    net.backwardDense(batch, dPred);
    net.backwardEmbeddings(batch, dPred, net.inputGrad, 0, 0);
    // A step of 1e-3: larger ones cross ReLU kinks of the hidden units at this scale. Through the
    // whole float32 net the loss carries ~1e-7 relative noise, hence the 1e-2 floor.
    for (const p of net.allParams()) {
      expect(maxGradientError(loss, p.value, p.grad, p.value.keys(), 1e-3, 1e-2), p.name).toBeLessThan(2e-2);
    }
  });

  it('predicts μ + b_u + b_i + p·q + MLP, and only μ + b_u + MLP for a dropped movie', () => {
    const net = new HybridNet({ ...config, hidden: [2] }, new Rng(1));
    net.mu = 3;
    net.userBias.table.value.set([0.5, 0, 0]);
    net.itemBias.table.value.set([0, 0.25, 0, 0]);
    net.userEmb.table.value.fill(0);
    net.itemEmb.table.value.fill(0);
    net.userEmb.table.value.set([1, 2, 0, 0], 0);
    net.itemEmb.table.value.set([3, 1, 0, 0], 4);
    // Silence the MLP: zero output weights, output bias 0.1.
    net.output.weight.value.fill(0);
    net.output.bias.value[0] = 0.1;
    const batch: Batch = {
      size: 2,
      users: Int32Array.from([0, 0]),
      items: Int32Array.from([1, 1]),
      keep: Float32Array.from([1, 0]),
      genres: new Float32Array(6),
      numeric: new Float32Array(2 * NUMERIC_WIDTH),
    };
    const pred = new Float32Array(2);
    net.forward(batch, pred, null);
    expect(pred[0]).toBeCloseTo(3 + 0.5 + 0.25 + (3 + 2) + 0.1, 5);
    expect(pred[1]).toBeCloseTo(3 + 0.5 + 0.1, 5);
  });

  it('scores the catalog from the precomputed item table exactly as the full forward does', () => {
    const net = new HybridNet(config, new Rng(5));
    net.mu = 3;
    const features = {
      genres: fixture(4 * 3, 3, 0, 1),
      numeric: fixture(4 * NUMERIC_WIDTH, 4),
      genreWidth: 3,
    };
    const rated = Uint8Array.from([1, 0, 1, 1]);
    const pre = net.itemPrecompute(features, rated);
    const u = net.userEmb.table.value.subarray(4, 8);
    const bias = 0.3;
    net.userBias.table.value[1] = bias;
    const scores = new Float32Array(4);
    net.scoreItems(u, bias, pre, rated, scores);
    const batch: Batch = {
      size: 4,
      users: new Int32Array(4).fill(1),
      items: Int32Array.from([0, 1, 2, 3]),
      keep: Float32Array.from(rated),
      genres: features.genres,
      numeric: features.numeric,
    };
    const pred = new Float32Array(4);
    net.forward(batch, pred, null);
    for (let i = 0; i < 4; i++) expect(scores[i]).toBeCloseTo(pred[i], 5);
  });
});

describe('HybridNet with the text and people paths', () => {
  const withExtras: NetConfig = { ...config, textWidth: 3, textDim: 2, peopleRows: 4, peopleDim: 3 };
  // Sample 0 has two known people, 1 an unknown one (row 0), 2 nobody, 3 all four slots.
  const people = Int32Array.from([1, 2, -1, -1, 0, -1, -1, -1, -1, -1, -1, -1, 3, 1, 2, 0]);
  const extrasBatch = (): Batch => ({ ...batchOf(), text: fixture(4 * 3, 7), people });

  it('passes the finite-difference gradient check through the text layer and people table', () => {
    const net = new HybridNet(withExtras, new Rng(3));
    net.mu = 3.5;
    for (const e of [net.userEmb, net.itemEmb, net.peopleEmb as NonNullable<typeof net.peopleEmb>])
      e.table.value.set(fixture(e.table.value.length, 9, -0.5, 0.5));
    const batch = extrasBatch();
    const targets = Float32Array.from([4, 2, 5, 3]);
    const pred = new Float32Array(4);
    const dPred = new Float32Array(4);
    const loss = () => {
      net.forward(batch, pred, null);
      return mseLoss(pred, targets, 4, dPred);
    };
    loss();
    net.zeroGrad();
    net.backwardDense(batch, dPred);
    net.backwardEmbeddings(batch, dPred, net.inputGrad, 0, 0);
    const names = net.allParams().map((p) => p.name);
    expect(names).toContain('text.weight');
    expect(names).toContain('people.table');
    for (const p of net.allParams()) {
      expect(maxGradientError(loss, p.value, p.grad, p.value.keys(), 1e-3, 1e-2), p.name).toBeLessThan(2e-2);
    }
  });

  it('feeds the mean of the people embeddings (zeros for nobody) and is wider only when asked', () => {
    expect(new HybridNet(config, new Rng(1)).width).toBe(4 + 4 + 3 + 2 + 1);
    const net = new HybridNet(withExtras, new Rng(1));
    expect(net.width).toBe(4 + 4 + 3 + 2 + 2 + 3 + 1);
    const t = net.peopleEmb?.table.value as Float32Array;
    t.set([0, 0, 0, 1, 2, 3, 5, 6, 7, 10, 20, 30]);
    net.forward(extrasBatch(), new Float32Array(4), null);
    const at = (b: number) => Array.from(net.input.subarray(b * net.width + 15, b * net.width + 18));
    expect(at(0)).toEqual([3, 4, 5]); // mean of rows 1 and 2
    expect(at(1)).toEqual([0, 0, 0]); // the unknown person's row (zero here)
    expect(at(2)).toEqual([0, 0, 0]); // nobody
    expect(at(3)).toEqual([4, 7, 10]); // (10+1+5+0)/4, (20+2+6+0)/4, (30+3+7+0)/4
  });

  it('scores the catalog from the precomputed item table exactly as the full forward does', () => {
    const net = new HybridNet(withExtras, new Rng(5));
    net.mu = 3;
    const features = {
      genres: fixture(4 * 3, 3, 0, 1),
      numeric: fixture(4 * NUMERIC_WIDTH, 4),
      genreWidth: 3,
      text: fixture(4 * 3, 8),
      textWidth: 3,
      people,
    };
    const rated = Uint8Array.from([1, 0, 1, 1]);
    const pre = net.itemPrecompute(features, rated);
    const u = net.userEmb.table.value.subarray(4, 8);
    const bias = net.userBias.table.value[1];
    const scores = new Float32Array(4);
    net.scoreItems(u, bias, pre, rated, scores);
    const batch: Batch = {
      size: 4,
      users: new Int32Array(4).fill(1),
      items: Int32Array.from([0, 1, 2, 3]),
      keep: Float32Array.from(rated),
      genres: features.genres,
      numeric: features.numeric,
      text: features.text,
      people,
    };
    const pred = new Float32Array(4);
    net.forward(batch, pred, null);
    for (let i = 0; i < 4; i++) expect(scores[i]).toBeCloseTo(pred[i], 5);
  });
});
