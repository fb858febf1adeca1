import type { Corpus, TermBag } from './corpus.js';

export interface Bm25Params {
  /** Term-frequency saturation. */
  k1: number;
  /** Length normalisation: 0 none, 1 full. */
  b: number;
}

export const DEFAULT_BM25: Bm25Params = { k1: 1.2, b: 0.75 };

/**
 * Okapi BM25 over the corpus's weighted term counts (field weights make it a simple BM25F): the
 * postings are the corpus transposed, term-major, so a query touches only the documents that
 * contain its terms.
 */
export class Bm25 {
  readonly idf: Float32Array;
  private readonly nDocs: number;
  private readonly avgLength: number;
  private readonly postPtr: Int32Array;
  private readonly postDocs: Int32Array;
  /** The term's saturated, length-normalised weight in each posting document, precomputed. */
  private readonly postWeights: Float32Array;

  constructor(
    corpus: Corpus,
    readonly params: Bm25Params = DEFAULT_BM25,
  ) {
    const nDocs = corpus.lengths.length;
    this.nDocs = nDocs;
    const nTerms = corpus.terms.length;
    let total = 0;
    for (const length of corpus.lengths) total += length;
    this.avgLength = nDocs > 0 && total > 0 ? total / nDocs : 1;
    this.idf = new Float32Array(nTerms);
    for (let t = 0; t < nTerms; t++) {
      const df = corpus.docFreq[t];
      this.idf[t] = Math.log(1 + (nDocs - df + 0.5) / (df + 0.5));
    }
    this.postPtr = new Int32Array(nTerms + 1);
    for (const t of corpus.indices) this.postPtr[t + 1]++;
    for (let t = 0; t < nTerms; t++) this.postPtr[t + 1] += this.postPtr[t];
    const fill = this.postPtr.slice(0, nTerms);
    this.postDocs = new Int32Array(corpus.indices.length);
    this.postWeights = new Float32Array(corpus.indices.length);
    for (let d = 0; d < nDocs; d++) {
      for (let p = corpus.indptr[d]; p < corpus.indptr[d + 1]; p++) {
        const slot = fill[corpus.indices[p]]++;
        this.postDocs[slot] = d;
        this.postWeights[slot] = this.saturate(corpus.values[p], corpus.lengths[d]);
      }
    }
  }

  /** tf·(k1+1) / (tf + k1·(1 − b + b·len/avg)) */
  saturate(tf: number, length: number): number {
    const { k1, b } = this.params;
    return (tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * length) / this.avgLength));
  }

  /**
   * Adds each document's BM25 score for `query` into `out` (length nDocs) and returns how many
   * documents matched at least one term; `touched` (length nDocs) receives their indices.
   */
  scoreInto(query: TermBag, out: Float32Array, touched: Int32Array): number {
    let count = 0;
    for (let k = 0; k < query.terms.length; k++) {
      const t = query.terms[k];
      if (t >= this.idf.length) continue; // a word only overlay documents have: see scoreBag
      const w = this.idf[t] * queryWeight(query.weights[k]);
      // A word weighted 0 (feedback can drop one) adds nothing, and must not list its films: a
      // score still 0 is how a film not yet touched is told apart.
      if (!(w > 0)) continue;
      for (let p = this.postPtr[t]; p < this.postPtr[t + 1]; p++) {
        const d = this.postDocs[p];
        if (out[d] === 0) touched[count++] = d;
        out[d] += w * this.postWeights[p];
      }
    }
    return count;
  }

  /** A word added after the build counts as a word of one document: rare, so telling. */
  private idfOf(t: number): number {
    if (t < this.idf.length) return this.idf[t];
    const n = Math.max(1, this.nDocs);
    return Math.log(1 + (n - 1 + 0.5) / 1.5);
  }

  /** BM25 of one document given as a term bag (documents added after the index was built). */
  scoreBag(query: TermBag, doc: TermBag): number {
    let length = 0;
    for (const w of doc.weights) length += w;
    let score = 0;
    let j = 0;
    for (let k = 0; k < query.terms.length; k++) {
      const t = query.terms[k];
      while (j < doc.terms.length && doc.terms[j] < t) j++;
      if (j < doc.terms.length && doc.terms[j] === t) {
        // A word only overlay documents have (added after the build) still counts: see idfOf.
        score += this.idfOf(t) * queryWeight(query.weights[k]) * this.saturate(doc.weights[j], length);
      }
    }
    return score;
  }
}

/**
 * How much a query word's weight counts: 1 + ln(w) from 1 up, so a word typed twice ("dark dark
 * comedy") counts a little more, not twice; w itself below 1, so a word added by feedback at a
 * fraction of a typed word's weight keeps that fraction. Continuous at 1; 0 for w ≤ 0.
 */
export function queryWeight(w: number): number {
  return w >= 1 ? 1 + Math.log(w) : Math.max(0, w);
}
