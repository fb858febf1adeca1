import type { Rng } from '../math/random.js';
import { dropoutBackward, dropoutForward, reluBackward, reluForward } from '../nn/activations.js';
import { readColumns, writeColumns } from '../nn/concat.js';
import { Dense } from '../nn/dense.js';
import { Embedding } from '../nn/embedding.js';
import type { Param } from '../nn/param.js';
import { PEOPLE_SLOTS } from './neural-content.js';
import { type ItemFeatures, NUMERIC_WIDTH } from './neural-features.js';

/** Shape of the hybrid network (see HybridNet). */
export interface NetConfig {
  nUsers: number;
  nItems: number;
  genreWidth: number;
  userDim: number;
  itemDim: number;
  genreDim: number;
  numericDim: number;
  /** Widths of the hidden layers after the concatenation, e.g. [128, 64]. */
  hidden: number[];
  dropout: number;
  /** Add the dot product of the user and movie embeddings to the output (NeuMF's GMF path). */
  dot: boolean;
  /** Text-vector input width and the output of its Dense+ReLU (0 or absent = no text path). */
  textWidth?: number;
  textDim?: number;
  /** Rows of the people embedding (unknown person + vocabulary) and its size (0 or absent = none). */
  peopleRows?: number;
  peopleDim?: number;
}

/**
 * One mini-batch of gathered inputs. `keep[b]` is 1 when sample b uses its movie's embedding and
 * bias, 0 when the movie is treated as unseen (movie-embedding dropout, or a film known only by
 * its content). `userVectors`/`userBiases`, when set, replace the user tables (folded-in users).
 */
export interface Batch {
  size: number;
  users: Int32Array;
  items: Int32Array;
  keep: Float32Array;
  genres: Float32Array;
  numeric: Float32Array;
  userVectors?: Float32Array;
  userBiases?: Float32Array;
  /** batch × textWidth text vectors, when the net has a text path. */
  text?: Float32Array;
  /** batch × PEOPLE_SLOTS people rows (−1 = empty slot), when the net has a people path. */
  people?: Int32Array;
}

/**
 * The neural hybrid rating model: r̂ = μ + b_u + keep·b_i [+ keep·p_u·q_i] + MLP([p_u, keep·q_i,
 * ReLU(G·genres), ReLU(N·numeric), [ReLU(T·text)], [mean of the people's embeddings], 1 − keep]),
 * where the MLP is ReLU+dropout hidden layers and a linear output. The last input tells the MLP
 * the movie embedding is absent, so the same net predicts films with ratings and films known only
 * by their content. The text and people paths exist only when configured; they are content, so
 * movie-embedding dropout leaves them on.
 */
export class HybridNet {
  readonly userEmb: Embedding;
  readonly itemEmb: Embedding;
  readonly userBias: Embedding;
  readonly itemBias: Embedding;
  readonly genreLayer: Dense;
  readonly numericLayer: Dense;
  readonly textLayer?: Dense;
  readonly peopleEmb?: Embedding;
  readonly layers: Dense[];
  readonly output: Dense;
  /** Width of the concatenated input of the first hidden layer. */
  readonly width: number;
  mu = 0;
  private capacity = 0;
  private genreH = new Float32Array(0);
  private numericH = new Float32Array(0);
  private dGenre = new Float32Array(0);
  private dNumeric = new Float32Array(0);
  private textH = new Float32Array(0);
  private dText = new Float32Array(0);
  /** One slot's people rows and weights (1/people of the movie, 0 for an empty slot). */
  private slotIds = new Int32Array(0);
  private slotWeights = new Float32Array(0);
  private readonly textDim: number;
  private readonly peopleDim: number;
  /** x[0] is the concatenation; x[l + 1] the output of hidden layer l (after ReLU and dropout). */
  private x: Float32Array[] = [];
  private dx: Float32Array[] = [];
  private masks: Float32Array[] = [];
  private y = new Float32Array(0);
  /** Whether the last forward applied dropout (so backward must apply its masks). */
  private dropped = false;

  constructor(
    readonly config: NetConfig,
    rng: Rng,
  ) {
    const { nUsers, nItems, userDim, itemDim, genreDim, numericDim, hidden } = config;
    if (config.dot && userDim !== itemDim)
      throw new Error(`neural: dot needs userDim = itemDim, got ${userDim} and ${itemDim}`);
    this.userEmb = new Embedding(nUsers, userDim, rng, { name: 'user', std: 0.05 });
    this.itemEmb = new Embedding(nItems, itemDim, rng, { name: 'item', std: 0.05 });
    this.userBias = new Embedding(nUsers, 1, rng, { name: 'userBias', std: 0, decay: false });
    this.itemBias = new Embedding(nItems, 1, rng, { name: 'itemBias', std: 0, decay: false });
    this.genreLayer = new Dense(config.genreWidth, genreDim, rng, 'genre');
    this.numericLayer = new Dense(NUMERIC_WIDTH, numericDim, rng, 'numeric');
    // Built only when asked for, so a net without them draws the same initial values as before.
    this.textDim = (config.textWidth ?? 0) > 0 ? (config.textDim ?? 0) : 0;
    if (this.textDim > 0) this.textLayer = new Dense(config.textWidth ?? 0, this.textDim, rng, 'text');
    this.peopleDim = (config.peopleRows ?? 0) > 0 ? (config.peopleDim ?? 0) : 0;
    if (this.peopleDim > 0)
      this.peopleEmb = new Embedding(config.peopleRows ?? 0, this.peopleDim, rng, {
        name: 'people',
        std: 0.05,
      });
    this.width = userDim + itemDim + genreDim + numericDim + this.textDim + this.peopleDim + 1;
    this.layers = [];
    let fanIn = this.width;
    for (const [k, w] of hidden.entries()) {
      this.layers.push(new Dense(fanIn, w, rng, `hidden${k}`));
      fanIn = w;
    }
    this.output = new Dense(fanIn, 1, rng, 'output');
  }

  /** Every dense parameter (updated each step) in a fixed order. */
  denseParams(): Param[] {
    const text = this.textLayer === undefined ? [] : [this.textLayer];
    return [this.genreLayer, this.numericLayer, ...text, ...this.layers, this.output].flatMap(
      (l) => l.params,
    );
  }

  embeddings(): Embedding[] {
    const people = this.peopleEmb === undefined ? [] : [this.peopleEmb];
    return [this.userEmb, this.itemEmb, this.userBias, this.itemBias, ...people];
  }

  /** Column of the text path's output in the concatenation (the people path follows it). */
  private get textOffset(): number {
    const { userDim, itemDim, genreDim, numericDim } = this.config;
    return userDim + itemDim + genreDim + numericDim;
  }

  /** Every parameter, dense then tables: the order state() writes them in. */
  allParams(): Param[] {
    return [...this.denseParams(), ...this.embeddings().map((e) => e.table)];
  }

  /** Grow the per-batch buffers to hold `size` samples. */
  reserve(size: number): void {
    if (size <= this.capacity) return;
    const { genreDim, numericDim } = this.config;
    this.capacity = size;
    this.genreH = new Float32Array(size * genreDim);
    this.numericH = new Float32Array(size * numericDim);
    this.dGenre = new Float32Array(size * genreDim);
    this.dNumeric = new Float32Array(size * numericDim);
    this.textH = new Float32Array(size * this.textDim);
    this.dText = new Float32Array(size * this.textDim);
    this.slotIds = new Int32Array(size);
    this.slotWeights = new Float32Array(size);
    const widths = [this.width, ...this.layers.map((l) => l.outDim)];
    this.x = widths.map((w) => new Float32Array(size * w));
    this.dx = widths.map((w) => new Float32Array(size * w));
    this.masks = widths.map((w) => new Float32Array(size * w));
    this.y = new Float32Array(size);
  }

  /** The concatenated input of the last forward (batch × width), for tests and fold-in. */
  get input(): Float32Array {
    return this.x[0];
  }

  /** ∂L/∂input of the last backward (batch × width). */
  get inputGrad(): Float32Array {
    return this.dx[0];
  }

  /** Predictions for the batch into `pred`; dropout (and its masks) only when `rng` is given. */
  forward(batch: Batch, pred: Float32Array, rng: Rng | null): void {
    const n = batch.size;
    this.buildInput(batch);
    const { userDim, dropout, dot } = this.config;
    const w = this.width;
    const x0 = this.x[0];
    this.dropped = rng !== null && dropout > 0;
    for (let l = 0; l < this.layers.length; l++) {
      const layer = this.layers[l];
      const h = this.x[l + 1];
      layer.forward(this.x[l], n, h);
      reluForward(h, n * layer.outDim);
      if (rng !== null && dropout > 0) dropoutForward(h, n * layer.outDim, dropout, rng, this.masks[l + 1]);
    }
    this.output.forward(this.x[this.layers.length], n, this.y);
    const ub = this.userBias.table.value;
    const ib = this.itemBias.table.value;
    for (let b = 0; b < n; b++) {
      let v = this.mu + this.y[b] + batch.keep[b] * ib[batch.items[b]];
      v += batch.userBiases === undefined ? ub[batch.users[b]] : batch.userBiases[b];
      if (dot) {
        const row = b * w;
        let s = 0;
        for (let c = 0; c < userDim; c++) s += x0[row + c] * x0[row + userDim + c];
        v += s;
      }
      pred[b] = v;
    }
  }

  /** The concatenated first-layer input of `batch` into `input` (content paths run here). */
  buildInput(batch: Batch): void {
    const n = batch.size;
    this.reserve(n);
    const { userDim, itemDim, genreDim, numericDim } = this.config;
    const w = this.width;
    this.genreLayer.forward(batch.genres, n, this.genreH);
    reluForward(this.genreH, n * genreDim);
    this.numericLayer.forward(batch.numeric, n, this.numericH);
    reluForward(this.numericH, n * numericDim);
    const x0 = this.x[0];
    if (batch.userVectors === undefined) this.userEmb.forward(batch.users, n, x0, w, 0);
    else writeColumns(batch.userVectors, userDim, n, x0, w, 0);
    this.itemEmb.forward(batch.items, n, x0, w, userDim, batch.keep);
    writeColumns(this.genreH, genreDim, n, x0, w, userDim + itemDim);
    writeColumns(this.numericH, numericDim, n, x0, w, userDim + itemDim + genreDim);
    if (this.textLayer !== undefined) {
      if (batch.text === undefined) throw new Error('neural: the net has a text path but the batch no text');
      this.textLayer.forward(batch.text, n, this.textH);
      reluForward(this.textH, n * this.textDim);
      writeColumns(this.textH, this.textDim, n, x0, w, this.textOffset);
    }
    if (this.peopleEmb !== undefined) this.peopleForward(batch, x0);
    for (let b = 0; b < n; b++) x0[b * w + w - 1] = 1 - batch.keep[b];
  }

  /** The mean embedding of each sample's people into its columns of x0 (zeros with nobody). */
  private peopleForward(batch: Batch, x0: Float32Array): void {
    const people = batch.people;
    if (people === undefined) throw new Error('neural: the net has a people path but the batch no people');
    const t = (this.peopleEmb as Embedding).table.value;
    const d = this.peopleDim;
    const w = this.width;
    const offset = this.textOffset + this.textDim;
    for (let b = 0; b < batch.size; b++) {
      const dst = b * w + offset;
      x0.fill(0, dst, dst + d);
      let count = 0;
      for (let s = 0; s < PEOPLE_SLOTS; s++) {
        const row = people[b * PEOPLE_SLOTS + s];
        if (row < 0) continue;
        count++;
        for (let c = 0; c < d; c++) x0[dst + c] += t[row * d + c];
      }
      if (count > 1) for (let c = 0; c < d; c++) x0[dst + c] /= count;
    }
  }

  /**
   * Back-propagates ∂L/∂pred through the MLP and the content paths (accumulating their gradients
   * unless `frozen`) down to `inputGrad`, including the dot term. Needs the forward of this batch.
   */
  backwardDense(batch: Batch, dPred: Float32Array, frozen = false): void {
    const n = batch.size;
    const { userDim, itemDim, genreDim, numericDim, dot } = this.config;
    const w = this.width;
    const top = this.layers.length;
    if (frozen) this.output.backwardInput(dPred, n, this.dx[top]);
    else this.output.backward(this.x[top], dPred, n, this.dx[top]);
    for (let l = top - 1; l >= 0; l--) {
      const layer = this.layers[l];
      const dh = this.dx[l + 1];
      const size = n * layer.outDim;
      if (this.dropped) dropoutBackward(this.masks[l + 1], dh, size);
      reluBackward(this.x[l + 1], dh, size);
      if (frozen) layer.backwardInput(dh, n, this.dx[l]);
      else layer.backward(this.x[l], dh, n, this.dx[l]);
    }
    const x0 = this.x[0];
    const d0 = this.dx[0];
    if (dot) {
      for (let b = 0; b < n; b++) {
        const row = b * w;
        const g = dPred[b];
        for (let c = 0; c < userDim; c++) {
          const u = x0[row + c];
          d0[row + c] += g * x0[row + userDim + c];
          d0[row + userDim + c] += g * u;
        }
      }
    }
    if (frozen) return;
    readColumns(d0, w, userDim + itemDim, n, this.dGenre, genreDim);
    reluBackward(this.genreH, this.dGenre, n * genreDim);
    this.genreLayer.backward(batch.genres, this.dGenre, n, null);
    readColumns(d0, w, userDim + itemDim + genreDim, n, this.dNumeric, numericDim);
    reluBackward(this.numericH, this.dNumeric, n * numericDim);
    this.numericLayer.backward(batch.numeric, this.dNumeric, n, null);
    if (this.textLayer !== undefined) {
      readColumns(d0, w, this.textOffset, n, this.dText, this.textDim);
      reluBackward(this.textH, this.dText, n * this.textDim);
      this.textLayer.backward(batch.text as Float32Array, this.dText, n, null);
    }
  }

  /**
   * Scatters a batch's input gradient (`d0`, batch × width, as `inputGrad` after backwardDense)
   * and ∂L/∂pred into the embedding tables, with SGD-style per-use L2 (`reg`) on the vectors
   * and `regBias` on the biases.
   */
  backwardEmbeddings(
    batch: Batch,
    dPred: Float32Array,
    d0: Float32Array,
    reg: number,
    regBias: number,
  ): void {
    const n = batch.size;
    const w = this.width;
    this.userEmb.backward(batch.users, d0, n, w, 0, null, reg);
    this.itemEmb.backward(batch.items, d0, n, w, this.config.userDim, batch.keep, reg);
    this.userBias.backward(batch.users, dPred, n, 1, 0, null, regBias);
    this.itemBias.backward(batch.items, dPred, n, 1, 0, batch.keep, regBias);
    if (this.peopleEmb !== undefined) this.peopleBackward(batch, d0, reg);
  }

  /** Scatters the people columns of d0, each person getting 1/(people of the movie) of it. */
  private peopleBackward(batch: Batch, d0: Float32Array, reg: number): void {
    const n = batch.size;
    const people = batch.people as Int32Array;
    if (this.slotIds.length < n) {
      this.slotIds = new Int32Array(n);
      this.slotWeights = new Float32Array(n);
    }
    const offset = this.textOffset + this.textDim;
    for (let s = 0; s < PEOPLE_SLOTS; s++) {
      for (let b = 0; b < n; b++) {
        let count = 0;
        for (let k = 0; k < PEOPLE_SLOTS; k++) if (people[b * PEOPLE_SLOTS + k] >= 0) count++;
        const row = people[b * PEOPLE_SLOTS + s];
        this.slotIds[b] = row < 0 ? 0 : row;
        this.slotWeights[b] = row < 0 ? 0 : 1 / count;
      }
      (this.peopleEmb as Embedding).backward(this.slotIds, d0, n, this.width, offset, this.slotWeights, reg);
    }
  }

  /**
   * The first hidden layer's pre-activation with the user part left out, per catalog item
   * (nItems × layer-1 width): W₁·[0, keep·q_i, content_i, 1 − keep] + b₁. The first layer is
   * linear in its input, so a user's full-catalog scores need only W₁'s user columns times p_u
   * added to each row: a 64 × 128 product per user instead of one per item.
   */
  itemPrecompute(features: ItemFeatures, keepOf: Uint8Array): Float32Array {
    const { nItems, userDim } = this.config;
    const first = this.layers[0];
    const out = new Float32Array(nItems * first.outDim);
    const chunk = 512;
    const batch = scoringBatch(features, chunk, userDim);
    for (let from = 0; from < nItems; from += chunk) {
      const to = Math.min(nItems, from + chunk);
      fillItems(batch, features, from, to, keepOf);
      this.buildInput(batch);
      first.forward(this.x[0], batch.size, out.subarray(from * first.outDim, to * first.outDim));
    }
    return out;
  }

  /**
   * Scores of every catalog item for one user (vector `u`, bias `bias`) into `out`, from the
   * table `itemPrecompute` made; not clamped.
   */
  scoreItems(u: Float32Array, bias: number, pre: Float32Array, keepOf: Uint8Array, out: Float32Array): void {
    const { nItems, userDim, itemDim, dot } = this.config;
    const first = this.layers[0];
    const h1 = first.outDim;
    const userPart = new Float32Array(h1);
    const w1 = first.weight.value;
    for (let o = 0; o < h1; o++) {
      let s = 0;
      for (let c = 0; c < userDim; c++) s += w1[o * this.width + c] * u[c];
      userPart[o] = s;
    }
    const chunk = 512;
    this.reserve(chunk);
    const ib = this.itemBias.table.value;
    const q = this.itemEmb.table.value;
    for (let from = 0; from < nItems; from += chunk) {
      const n = Math.min(nItems, from + chunk) - from;
      const h = this.x[1];
      for (let k = 0; k < n * h1; k++) {
        const v = pre[from * h1 + k] + userPart[k % h1];
        h[k] = v > 0 ? v : 0;
      }
      for (let l = 1; l < this.layers.length; l++) {
        const layer = this.layers[l];
        layer.forward(this.x[l], n, this.x[l + 1]);
        reluForward(this.x[l + 1], n * layer.outDim);
      }
      this.output.forward(this.x[this.layers.length], n, this.y);
      for (let k = 0; k < n; k++) {
        const i = from + k;
        let v = this.mu + bias + this.y[k];
        if (keepOf[i] !== 0) {
          v += ib[i];
          if (dot) {
            let s = 0;
            for (let c = 0; c < itemDim; c++) s += u[c] * q[i * itemDim + c];
            v += s;
          }
        }
        out[i] = v;
      }
    }
  }

  zeroGrad(): void {
    for (const p of this.denseParams()) p.grad.fill(0);
    for (const e of this.embeddings()) e.zeroGrad();
  }
}

/** An empty batch of capacity `size` with room for every input `features` has. */
export function itemBatch(features: ItemFeatures, size: number): Batch {
  const batch: Batch = {
    size: 0,
    users: new Int32Array(size),
    items: new Int32Array(size),
    keep: new Float32Array(size),
    genres: new Float32Array(size * features.genreWidth),
    numeric: new Float32Array(size * NUMERIC_WIDTH),
  };
  if (features.text !== undefined) batch.text = new Float32Array(size * (features.textWidth ?? 0));
  if (features.people !== undefined) batch.people = new Int32Array(size * PEOPLE_SLOTS);
  return batch;
}

/** Item i's content rows (genres, numbers, text, people) into sample k of `batch`. */
export function copyItem(features: ItemFeatures, i: number, batch: Batch, k: number): void {
  const g = features.genreWidth;
  batch.genres.set(features.genres.subarray(i * g, (i + 1) * g), k * g);
  batch.numeric.set(features.numeric.subarray(i * NUMERIC_WIDTH, (i + 1) * NUMERIC_WIDTH), k * NUMERIC_WIDTH);
  if (features.text !== undefined && batch.text !== undefined) {
    const t = features.textWidth ?? 0;
    batch.text.set(features.text.subarray(i * t, (i + 1) * t), k * t);
  }
  if (features.people !== undefined && batch.people !== undefined)
    batch.people.set(features.people.subarray(i * PEOPLE_SLOTS, (i + 1) * PEOPLE_SLOTS), k * PEOPLE_SLOTS);
}

/** A batch for scoring catalog items: user vectors all zero, capacity `size`. */
export function scoringBatch(features: ItemFeatures, size: number, userDim: number): Batch {
  return {
    ...itemBatch(features, size),
    userVectors: new Float32Array(size * userDim),
    userBiases: new Float32Array(size),
  };
}

/** Items from..to of the catalog into `batch`, each kept when `keepOf[i]` (it has ratings). */
export function fillItems(
  batch: Batch,
  features: ItemFeatures,
  from: number,
  to: number,
  keepOf: Uint8Array,
): void {
  batch.size = to - from;
  for (let k = 0; k < batch.size; k++) {
    const i = from + k;
    batch.items[k] = i;
    batch.keep[k] = keepOf[i];
    copyItem(features, i, batch, k);
  }
}
