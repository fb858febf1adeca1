/**
 * Regression trees grown leaf-wise on gradient/hessian histograms (the LightGBM recipe): the
 * leaf whose best split gains most is split next, until `leaves` leaves or no split gains. Leaf
 * values are Newton steps −ΣG/ΣH. A child's histogram is built only for the smaller child; the
 * larger one is the parent's minus it.
 */

/** A split needs this much hessian on each side, so a Newton step never divides by ~0. */
const MIN_CHILD_HESSIAN = 1e-3;

/** Trees in flat arrays: node k is a leaf when nodeFeature[k] = −1, else `x[f] <= threshold` goes left. */
export interface Forest {
  nodeFeature: Int32Array;
  nodeThreshold: Float32Array;
  nodeLeft: Int32Array;
  nodeRight: Int32Array;
  nodeValue: Float32Array;
  /** Root node of tree t is treeStart[t]; length nTrees + 1. */
  treeStart: Int32Array;
}

/** Sum of tree t's output for one row (`x` read at `base + f`). */
export function predictTree(forest: Forest, t: number, x: Float32Array, base: number): number {
  const { nodeFeature, nodeThreshold, nodeLeft, nodeRight } = forest;
  let k = forest.treeStart[t];
  let f = nodeFeature[k];
  while (f >= 0) {
    k = x[base + f] <= nodeThreshold[k] ? nodeLeft[k] : nodeRight[k];
    f = nodeFeature[k];
  }
  return forest.nodeValue[k];
}

/** The first `nTrees` trees of a forest (early stopping keeps the best prefix). */
export function truncateForest(forest: Forest, nTrees: number): Forest {
  const end = forest.treeStart[nTrees];
  return {
    nodeFeature: forest.nodeFeature.slice(0, end),
    nodeThreshold: forest.nodeThreshold.slice(0, end),
    nodeLeft: forest.nodeLeft.slice(0, end),
    nodeRight: forest.nodeRight.slice(0, end),
    nodeValue: forest.nodeValue.slice(0, end),
    treeStart: forest.treeStart.slice(0, nTrees + 1),
  };
}

export interface TreeLearnerOptions {
  leaves: number;
  minLeaf: number;
  /** Histogram width: the largest bin count of any feature. */
  bins: number;
  /** Capacity: trees this learner will grow. */
  maxTrees: number;
}

/** Grows trees over fixed bin codes; all buffers are allocated once, per fit. */
export class TreeLearner {
  private readonly nF: number;
  private readonly B: number;
  private readonly leaves: number;
  private readonly minLeaf: number;
  private readonly rowIdx: Int32Array;
  private readonly tmp: Int32Array;
  // Per leaf slot.
  private readonly start: Int32Array;
  private readonly end: Int32Array;
  private readonly node: Int32Array;
  private readonly sumG: Float64Array;
  private readonly sumH: Float64Array;
  private readonly bestGain: Float64Array;
  private readonly bestFeature: Int32Array;
  private readonly bestBin: Int32Array;
  private readonly histGH: Float64Array[];
  private readonly histCount: Int32Array[];
  // The forest under construction.
  private readonly f: Forest;
  private nNodes = 0;
  private nTrees = 0;

  constructor(
    private readonly codes: Uint8Array,
    private readonly nRows: number,
    nFeatures: number,
    private readonly bounds: Float32Array,
    private readonly boundStart: Int32Array,
    options: TreeLearnerOptions,
  ) {
    this.nF = nFeatures;
    this.B = options.bins;
    this.leaves = options.leaves;
    this.minLeaf = options.minLeaf;
    this.rowIdx = new Int32Array(nRows);
    this.tmp = new Int32Array(nRows);
    const L = options.leaves;
    this.start = new Int32Array(L);
    this.end = new Int32Array(L);
    this.node = new Int32Array(L);
    this.sumG = new Float64Array(L);
    this.sumH = new Float64Array(L);
    this.bestGain = new Float64Array(L);
    this.bestFeature = new Int32Array(L);
    this.bestBin = new Int32Array(L);
    this.histGH = [];
    this.histCount = [];
    for (let s = 0; s < L; s++) {
      this.histGH.push(new Float64Array(nFeatures * this.B * 2));
      this.histCount.push(new Int32Array(nFeatures * this.B));
    }
    const cap = options.maxTrees * (2 * L - 1);
    this.f = {
      nodeFeature: new Int32Array(cap),
      nodeThreshold: new Float32Array(cap),
      nodeLeft: new Int32Array(cap),
      nodeRight: new Int32Array(cap),
      nodeValue: new Float32Array(cap),
      treeStart: new Int32Array(options.maxTrees + 1),
    };
  }

  /** The growing forest's buffers (trees 0..treeCount()-1 are valid): read, do not keep. */
  rawForest(): Forest {
    return this.f;
  }

  treeCount(): number {
    return this.nTrees;
  }

  /**
   * Grows one tree on the features listed in `used[0..nUsed)`, adds its (shrunk) output to
   * `scores` of every training row and each split's gain to `importance`. Returns the tree index.
   */
  grow(
    grad: Float64Array,
    hess: Float64Array,
    used: Int32Array,
    nUsed: number,
    shrinkage: number,
    scores: Float64Array,
    importance: Float64Array,
  ): number {
    const t = this.nTrees;
    this.f.treeStart[t] = this.nNodes;
    for (let r = 0; r < this.nRows; r++) this.rowIdx[r] = r;
    this.start[0] = 0;
    this.end[0] = this.nRows;
    this.node[0] = this.newNode();
    let g = 0;
    let h = 0;
    for (let r = 0; r < this.nRows; r++) {
      g += grad[r];
      h += hess[r];
    }
    this.sumG[0] = g;
    this.sumH[0] = h;
    this.buildHistogram(0, 0, grad, hess, used, nUsed);
    this.findBestSplit(0, used, nUsed);
    let nLeaves = 1;
    while (nLeaves < this.leaves) {
      let s = -1;
      for (let k = 0; k < nLeaves; k++)
        if (this.bestGain[k] > 0 && (s < 0 || this.bestGain[k] > this.bestGain[s])) s = k;
      if (s < 0) break;
      importance[this.bestFeature[s]] += this.bestGain[s];
      this.split(s, nLeaves, grad, hess, used, nUsed);
      nLeaves++;
    }
    const { nodeFeature, nodeValue } = this.f;
    for (let s = 0; s < nLeaves; s++) {
      const k = this.node[s];
      const value = Math.fround(this.sumH[s] > 0 ? (-this.sumG[s] / this.sumH[s]) * shrinkage : 0);
      nodeFeature[k] = -1;
      nodeValue[k] = value;
      for (let i = this.start[s]; i < this.end[s]; i++) scores[this.rowIdx[i]] += value;
    }
    this.nTrees++;
    this.f.treeStart[this.nTrees] = this.nNodes;
    return t;
  }

  private newNode(): number {
    return this.nNodes++;
  }

  /** Splits leaf slot s at its best split; the smaller child goes to slot `fresh`. */
  private split(
    s: number,
    fresh: number,
    grad: Float64Array,
    hess: Float64Array,
    used: Int32Array,
    nUsed: number,
  ): void {
    const feature = this.bestFeature[s];
    const bin = this.bestBin[s];
    const { codes, rowIdx, tmp, nF } = this;
    const lo = this.start[s];
    const hi = this.end[s];
    // Stable partition: left rows stay in place in order, right rows go through tmp.
    let nl = lo;
    let nr = 0;
    let gl = 0;
    let hl = 0;
    for (let i = lo; i < hi; i++) {
      const r = rowIdx[i];
      if (codes[r * nF + feature] <= bin) {
        rowIdx[nl++] = r;
        gl += grad[r];
        hl += hess[r];
      } else tmp[nr++] = r;
    }
    for (let i = 0; i < nr; i++) rowIdx[nl + i] = tmp[i];
    const k = this.node[s];
    const left = this.newNode();
    const right = this.newNode();
    this.f.nodeFeature[k] = feature;
    this.f.nodeThreshold[k] = this.bounds[this.boundStart[feature] + bin];
    this.f.nodeLeft[k] = left;
    this.f.nodeRight[k] = right;
    const gr = this.sumG[s] - gl;
    const hr = this.sumH[s] - hl;
    const leftSmaller = nl - lo <= hi - nl;
    // Slot s keeps the larger child (its histogram = parent − smaller), `fresh` gets the smaller.
    const [sLo, sHi, sG, sH, sNode] = leftSmaller ? [lo, nl, gl, hl, left] : [nl, hi, gr, hr, right];
    const [bLo, bHi, bG, bH, bNode] = leftSmaller ? [nl, hi, gr, hr, right] : [lo, nl, gl, hl, left];
    this.assign(fresh, sLo, sHi, sG, sH, sNode);
    this.assign(s, bLo, bHi, bG, bH, bNode);
    this.buildHistogram(fresh, fresh, grad, hess, used, nUsed);
    this.subtractHistogram(s, fresh, used, nUsed);
    this.findBestSplit(s, used, nUsed);
    this.findBestSplit(fresh, used, nUsed);
  }

  private assign(s: number, lo: number, hi: number, g: number, h: number, node: number): void {
    this.start[s] = lo;
    this.end[s] = hi;
    this.sumG[s] = g;
    this.sumH[s] = h;
    this.node[s] = node;
  }

  /** Histogram of slot `rowsOf`'s rows into slot `into`'s buffers, for the used features only. */
  private buildHistogram(
    into: number,
    rowsOf: number,
    grad: Float64Array,
    hess: Float64Array,
    used: Int32Array,
    nUsed: number,
  ): void {
    const gh = this.histGH[into];
    const cnt = this.histCount[into];
    const { B, nF, codes, rowIdx } = this;
    for (let u = 0; u < nUsed; u++) {
      const off = used[u] * B;
      gh.fill(0, off * 2, (off + B) * 2);
      cnt.fill(0, off, off + B);
    }
    for (let i = this.start[rowsOf]; i < this.end[rowsOf]; i++) {
      const r = rowIdx[i];
      const g = grad[r];
      const h = hess[r];
      const base = r * nF;
      for (let u = 0; u < nUsed; u++) {
        const f = used[u];
        const idx = f * B + codes[base + f];
        gh[2 * idx] += g;
        gh[2 * idx + 1] += h;
        cnt[idx]++;
      }
    }
  }

  /** hist[s] −= hist[t] over the used features. */
  private subtractHistogram(s: number, t: number, used: Int32Array, nUsed: number): void {
    const a = this.histGH[s];
    const b = this.histGH[t];
    const ca = this.histCount[s];
    const cb = this.histCount[t];
    const B = this.B;
    for (let u = 0; u < nUsed; u++) {
      const off = used[u] * B;
      for (let i = off; i < off + B; i++) {
        a[2 * i] -= b[2 * i];
        a[2 * i + 1] -= b[2 * i + 1];
        ca[i] -= cb[i];
      }
    }
  }

  /** Best (gain, feature, bin) of slot s: gain = G_L²/H_L + G_R²/H_R − G²/H, 0 when nothing splits. */
  private findBestSplit(s: number, used: Int32Array, nUsed: number): void {
    const gh = this.histGH[s];
    const cnt = this.histCount[s];
    const G = this.sumG[s];
    const H = this.sumH[s];
    const n = this.end[s] - this.start[s];
    const parent = H > 0 ? (G * G) / H : 0;
    const minLeaf = this.minLeaf;
    let best = 0;
    let bestF = -1;
    let bestB = -1;
    if (n >= 2 * minLeaf) {
      for (let u = 0; u < nUsed; u++) {
        const f = used[u];
        const nb = this.boundStart[f + 1] - this.boundStart[f] + 1;
        const off = f * this.B;
        let gl = 0;
        let hl = 0;
        let cl = 0;
        for (let b = 0; b < nb - 1; b++) {
          const i = off + b;
          gl += gh[2 * i];
          hl += gh[2 * i + 1];
          cl += cnt[i];
          if (cl < minLeaf) continue;
          if (n - cl < minLeaf) break;
          const hr = H - hl;
          if (hl < MIN_CHILD_HESSIAN || hr < MIN_CHILD_HESSIAN) continue;
          const gr = G - gl;
          const gain = (gl * gl) / hl + (gr * gr) / hr - parent;
          if (gain > best) {
            best = gain;
            bestF = f;
            bestB = b;
          }
        }
      }
    }
    // Relative floor: a "gain" at rounding level of the parent term is noise, not a split.
    this.bestGain[s] = best > 1e-12 * Math.max(1, parent) ? best : 0;
    this.bestFeature[s] = bestF;
    this.bestBin[s] = bestB;
  }
}
