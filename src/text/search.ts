import type { Ranked } from '../models/types.js';
import { Bm25, type Bm25Params, DEFAULT_BM25 } from './bm25.js';
import { type Corpus, type TermBag, termBag, Vocabulary } from './corpus.js';
import type { DocumentField } from './document.js';
import type { FittedEncoder } from './fitted-encoder.js';
import { tokenize } from './tokenize.js';
import type { VectorIndex } from './vector-index.js';

export type SearchMode = 'fusion' | 'lexical' | 'dense';

export interface FusionParams {
  /** Reciprocal rank fusion constant: larger flattens the difference between ranks. */
  rrfK: number;
  lexicalWeight: number;
  denseWeight: number;
  /** The popularity prior, in units of a first place in one list: well-known films win ties. */
  popularityWeight: number;
  /** How deep each list is read before fusing. */
  depth: number;
  /**
   * Weighted document length at which the dense score is trusted fully; shorter documents have
   * theirs scaled by √(length/this). A film known only by its title and genre sits exactly on its
   * genre's direction and would otherwise outrank every film that merely also has that genre.
   */
  fullEvidence: number;
}

export const DEFAULT_FUSION: FusionParams = {
  rrfK: 60,
  lexicalWeight: 1,
  denseWeight: 1,
  popularityWeight: 1,
  depth: 200,
  fullEvidence: 12,
};

/** One result with the parts its fused score is the sum of, and the raw scores behind them. */
export interface SearchHit {
  item: number;
  score: number;
  parts: { lexical: number; dense: number; popularity: number };
  /** BM25 score and rank (1-based), null when the film did not match a query word. */
  bm25: { score: number; rank: number } | null;
  /** Cosine to the query and rank, null when outside the dense list read. */
  dense: { score: number; rank: number } | null;
}

/**
 * Search over the catalog's text: BM25 beside a dense index, fused by reciprocal rank with a
 * popularity prior. Item keys are dense item indices; `exclude` hides keys (filters, deleted films).
 * Films edited or added after the build are kept in an overlay: their term bags are scored
 * directly and their vectors upserted into the index, so no edit waits for a rebuild. The overlay
 * lives in memory: a saved artifact holds the index as built (the next fit includes the edits).
 */
export class TextSearch {
  private readonly bm25: Bm25;
  private readonly vocab: Vocabulary;
  /** Base documents replaced by an overlay entry (or removed). */
  private readonly masked = new Set<number>();
  private readonly overlay = new Map<number, TermBag>();
  private scratch: Float32Array;
  private touched: Int32Array;

  constructor(
    readonly corpus: Corpus,
    readonly encoder: FittedEncoder,
    readonly index: VectorIndex,
    /** Popularity prior per item key, 0–1 (keys past its end count 0). */
    readonly popularity: Float32Array,
    readonly fusion: FusionParams = DEFAULT_FUSION,
    bm25: Bm25Params = DEFAULT_BM25,
  ) {
    this.vocab = new Vocabulary(corpus.terms);
    this.bm25 = new Bm25(corpus, bm25);
    this.scratch = new Float32Array(corpus.lengths.length);
    this.touched = new Int32Array(corpus.lengths.length);
  }

  /** The weighted terms of free text, as a query (unknown words dropped). */
  queryBag(text: string): TermBag {
    return termBag([{ field: 'overview', text, weight: 1 }], this.vocab, false);
  }

  /** The fitted encoder's vector of free text, or null when it knows none of its words. */
  encodeQuery(text: string): Float32Array | null {
    const out = new Float32Array(this.encoder.dim);
    return this.encoder.encodeBag(this.queryBag(text), out) ? out : null;
  }

  /** The fitted encoder's vector of a document. */
  encodeDocument(fields: readonly DocumentField[]): Float32Array {
    const out = new Float32Array(this.encoder.dim);
    this.encoder.encodeBag(termBag(fields, this.vocab, false), out);
    return out;
  }

  /**
   * The best `n` films for `text`. `queryVector` replaces the fitted encoder's query vector when the
   * index holds another encoder's vectors (a transformer's).
   */
  search(
    text: string,
    n: number,
    options: {
      mode?: SearchMode;
      exclude?: (item: number) => boolean;
      queryVector?: Float32Array | null;
    } = {},
  ): SearchHit[] {
    const mode = options.mode ?? 'fusion';
    const depth = Math.max(n, this.fusion.depth);
    const exclude = options.exclude ?? (() => false);
    const hits = new Map<number, SearchHit>();
    const hit = (item: number): SearchHit => {
      let h = hits.get(item);
      if (h === undefined) {
        h = { item, score: 0, parts: { lexical: 0, dense: 0, popularity: 0 }, bm25: null, dense: null };
        hits.set(item, h);
      }
      return h;
    };
    const { rrfK, lexicalWeight, denseWeight, popularityWeight } = this.fusion;
    if (mode !== 'dense') {
      const lexical = this.lexical(this.queryBag(text), depth, exclude);
      const ranks = tiedRanks(lexical.scores);
      for (let r = 0; r < lexical.ids.length; r++) {
        const h = hit(lexical.ids[r]);
        h.bm25 = { score: lexical.scores[r], rank: ranks[r] };
        h.parts.lexical = (mode === 'fusion' ? lexicalWeight : 1) / (rrfK + ranks[r]);
      }
    }
    if (mode !== 'lexical') {
      const vector = options.queryVector === undefined ? this.encodeQuery(text) : options.queryVector;
      if (vector !== null && this.index.size > 0) {
        const dense = this.dense(vector, depth, exclude);
        const ranks = tiedRanks(dense.scores);
        for (let r = 0; r < dense.ids.length; r++) {
          if (!(dense.scores[r] > 0)) break;
          const h = hit(dense.ids[r]);
          h.dense = { score: dense.scores[r], rank: ranks[r] };
          h.parts.dense = (mode === 'fusion' ? denseWeight : 1) / (rrfK + ranks[r]);
        }
      }
    }
    for (const h of hits.values()) {
      h.parts.popularity = (popularityWeight * (this.popularity[h.item] ?? 0)) / (rrfK + 1);
      h.score = h.parts.lexical + h.parts.dense + h.parts.popularity;
    }
    return [...hits.values()].sort((a, b) => b.score - a.score || a.item - b.item).slice(0, n);
  }

  /** The index's nearest films, read deep, rescored by evidence, cut to `depth`. */
  private dense(vector: Float32Array, depth: number, exclude: (item: number) => boolean): Ranked {
    const found = this.index.search(vector, Math.max(depth * 5, 1000), { exclude });
    const order = Array.from(found.ids.keys());
    const scores = Float32Array.from(found.ids, (item, r) => found.scores[r] * this.evidence(item));
    order.sort((a, b) => scores[b] - scores[a] || found.ids[a] - found.ids[b]);
    const top = order.slice(0, depth);
    return {
      ids: Int32Array.from(top, (r) => found.ids[r]),
      scores: Float32Array.from(top, (r) => scores[r]),
    };
  }

  /** √(min(1, length / fullEvidence)) of the film's current document. */
  private evidence(item: number): number {
    const bag = this.overlay.get(item);
    let length = 0;
    if (bag !== undefined) for (const w of bag.weights) length += w;
    else length = this.corpus.lengths[item] ?? 0;
    return Math.sqrt(Math.min(1, length / this.fusion.fullEvidence));
  }

  /** BM25 top-`depth`, base documents then the overlay. */
  private lexical(query: TermBag, depth: number, exclude: (item: number) => boolean): Ranked {
    const count = this.bm25.scoreInto(query, this.scratch, this.touched);
    const found: { item: number; score: number }[] = [];
    for (let k = 0; k < count; k++) {
      const d = this.touched[k];
      const score = this.scratch[d];
      this.scratch[d] = 0;
      if (!this.masked.has(d) && !exclude(d)) found.push({ item: d, score });
    }
    for (const [item, bag] of this.overlay) {
      if (exclude(item)) continue;
      const score = this.bm25.scoreBag(query, bag);
      if (score > 0) found.push({ item, score });
    }
    found.sort((a, b) => b.score - a.score || a.item - b.item);
    const top = found.slice(0, depth);
    return { ids: Int32Array.from(top, (f) => f.item), scores: Float32Array.from(top, (f) => f.score) };
  }

  /** Films most like `item` by content (cosine of the dense vectors), the film itself excluded. */
  similar(item: number, n: number, exclude: (item: number) => boolean = () => false): Ranked {
    const vector = this.index.vector(item);
    if (vector === undefined) return { ids: new Int32Array(0), scores: new Float32Array(0) };
    return this.index.search(vector, n, { exclude: (k) => k === item || exclude(k) });
  }

  /** Add or replace film `item`'s text (and its dense vector, given or from the fitted encoder). */
  upsert(item: number, fields: readonly DocumentField[], vector?: Float32Array): void {
    if (item < this.corpus.lengths.length) this.masked.add(item);
    // New words join the vocabulary, so the film is found by them at once (lexically: the dense
    // encoder learns them at the next fit).
    this.overlay.set(item, termBag(fields, this.vocab, true));
    this.index.upsert(item, vector ?? this.encodeDocument(fields));
  }

  remove(item: number): void {
    if (item < this.corpus.lengths.length) this.masked.add(item);
    this.overlay.delete(item);
    this.index.remove(item);
  }

  /** The query's words as the index reads them (stemmed, stop words gone), for explanations. */
  queryTerms(text: string): string[] {
    return tokenize(text);
  }
}

/** 1-based ranks of scores sorted descending, equal scores sharing the best rank: a tie stays a tie. */
function tiedRanks(scores: Float32Array): Int32Array {
  const ranks = new Int32Array(scores.length);
  for (let r = 0; r < scores.length; r++)
    ranks[r] = r > 0 && scores[r] === scores[r - 1] ? ranks[r - 1] : r + 1;
  return ranks;
}
