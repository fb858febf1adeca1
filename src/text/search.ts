import { heapDrain, heapPush } from '../math/topk.js';
import type { Ranked } from '../models/types.js';
import { Bm25, type Bm25Params, DEFAULT_BM25 } from './bm25.js';
import { type Corpus, sublinear, type TermBag, termBag, Vocabulary } from './corpus.js';
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
  /** Pseudo-relevance feedback: how many of the first pass's best films the second pass learns from (0 = none). */
  feedbackDepth: number;
  /** Rocchio β: the weight of those films' summed vector beside the dense query's own (both unit). */
  feedbackWeight: number;
  /** Words of those films added to the BM25 query. */
  expansionTerms: number;
  /** RM3's λ: the share of those films' words (the relevance model) in the expanded query, 0–1. */
  expansionWeight: number;
}

export const DEFAULT_FUSION: FusionParams = {
  rrfK: 60,
  lexicalWeight: 1,
  denseWeight: 1,
  popularityWeight: 1,
  depth: 200,
  fullEvidence: 12,
  // Feedback settings chosen on the dev prompts (bench:search --split dev).
  feedbackDepth: 5,
  feedbackWeight: 1,
  expansionTerms: 10,
  expansionWeight: 0.7,
};

/** Fewest films a word must be in to be added to a query by feedback. */
export const MIN_EXPANSION_DF = 3;

/** One result with the parts its fused score is the sum of, and the raw scores behind them. */
export interface SearchHit {
  item: number;
  score: number;
  parts: { lexical: number; dense: number; popularity: number };
  /**
   * BM25 score and rank (1-based), null when the film did not match a query word. In fusion these
   * are of the query as feedback expanded it (see TextSearch.search).
   */
  bm25: { score: number; rank: number } | null;
  /**
   * Cosine to the query (in fusion, the query moved by feedback) times the film's evidence weight
   * (see FusionParams.fullEvidence), and rank; null outside the list read.
   */
  dense: { score: number; rank: number } | null;
}

/**
 * Search over the catalog's text: BM25 beside a dense index, fused by reciprocal rank with a
 * popularity prior, in two passes: the first pass's best films feed back into both queries (the
 * dense one moves towards them, the BM25 one gains their common words) and the lists are read and
 * fused again. Item keys are dense item indices; `exclude` hides keys (filters, deleted films).
 * Films edited or added after the build are kept in an overlay: their term bags are scored
 * directly and their vectors upserted into the index, so no edit waits for a rebuild. The overlay
 * lives in memory: a saved artifact holds the index as built (the next fit includes the edits), and
 * the service re-applies the edits made since when it loads one (TextAnswers.reconcile).
 */
export class TextSearch {
  private readonly bm25: Bm25;
  private readonly vocab: Vocabulary;
  /** Base documents replaced by an overlay entry (or removed). */
  private readonly masked = new Set<number>();
  private readonly overlay = new Map<number, TermBag>();
  private scratch: Float32Array;
  private touched: Int32Array;
  private current: VectorIndex;
  /** While a rebuild runs: the writes made since it took the rows, to replay on its result. */
  private journal?: ((index: VectorIndex) => void)[];
  /** The index rebuild under way (`rebuildIndex`), null when none is. */
  rebuilding: Promise<void> | null = null;

  constructor(
    readonly corpus: Corpus,
    readonly encoder: FittedEncoder,
    index: VectorIndex,
    /** Popularity prior per item key, 0–1 (keys past its end count 0). */
    readonly popularity: Float32Array,
    readonly fusion: FusionParams = DEFAULT_FUSION,
    bm25: Bm25Params = DEFAULT_BM25,
  ) {
    this.current = index;
    // A copy: words that upserts add must not grow the corpus's own list, which is saved with it.
    this.vocab = new Vocabulary([...corpus.terms]);
    this.bm25 = new Bm25(corpus, bm25);
    this.scratch = new Float32Array(corpus.lengths.length);
    this.touched = new Int32Array(corpus.lengths.length);
  }

  /** The dense index (replaced whole when a rebuild finishes). */
  get index(): VectorIndex {
    return this.current;
  }

  /**
   * Replace the dense index with `build`'s rebuild of it, which must read the index before its
   * first await (rebuildOffThread does). Upserts and removals made meanwhile go to the index in use,
   * so searches see them at once, and are replayed on the rebuilt one before it is swapped in. One
   * rebuild at a time: asking during one returns it.
   */
  rebuildIndex(build: (index: VectorIndex) => Promise<VectorIndex>): Promise<void> {
    if (this.rebuilding !== null) return this.rebuilding;
    const journal: ((index: VectorIndex) => void)[] = [];
    this.journal = journal;
    const run = build(this.current)
      .then((rebuilt) => {
        for (const write of journal) write(rebuilt);
        this.current = rebuilt;
      })
      .finally(() => {
        this.journal = undefined;
        this.rebuilding = null;
      });
    this.rebuilding = run;
    return run;
  }

  /** The weighted terms of free text, as a query (unknown words dropped). */
  queryBag(text: string): TermBag {
    return termBag([{ field: 'overview', text, weight: 1 }], this.vocab, false);
  }

  /** The fitted encoder's vector of free text, or null when it knows none of its words. */
  encodeQuery(text: string): Float32Array | null {
    const out = new Float32Array(this.encoder.dim);
    return this.encoder.encodeQuery(this.queryBag(text), out) ? out : null;
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
    const query = this.queryBag(text);
    let lexical = mode === 'dense' ? null : this.lexical(query, depth, exclude);
    let vector: Float32Array | null = null;
    if (mode !== 'lexical' && this.index.size > 0)
      vector = options.queryVector === undefined ? this.encodeQuery(text) : options.queryVector;
    let dense = vector === null ? null : this.dense(vector, depth, exclude);
    let hits = this.fuse(mode, lexical, dense);
    // Feedback is a fusion step: alone, each list would feed back its own mistakes (on the dev
    // prompts it lowered both), and 'lexical' and 'dense' stay the plain lists they are reported as.
    // Feedback is for prompts whose words many films share; words that pin down fewer films than
    // it would read (a rare name, a new word) have found what there is to find.
    const top = hits.slice(0, this.fusion.feedbackDepth);
    const ambiguous = lexical === null || lexical.ids.length >= this.fusion.feedbackDepth;
    if (mode === 'fusion' && top.length > 0 && ambiguous) {
      const moved = vector === null ? null : this.feedbackVector(vector, top);
      if (moved !== null) dense = this.dense(moved, depth, exclude);
      const expanded = this.feedbackBag(query, top);
      if (expanded !== null) lexical = this.lexical(expanded, depth, exclude);
      if (moved !== null || expanded !== null) hits = this.fuse(mode, lexical, dense);
    }
    return hits.slice(0, n);
  }

  /** Reciprocal rank fusion of the lists given (either may be absent), plus the popularity prior. */
  private fuse(mode: SearchMode, lexical: Ranked | null, dense: Ranked | null): SearchHit[] {
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
    if (lexical !== null) {
      const ranks = tiedRanks(lexical.scores);
      for (let r = 0; r < lexical.ids.length; r++) {
        const h = hit(lexical.ids[r]);
        h.bm25 = { score: lexical.scores[r], rank: ranks[r] };
        h.parts.lexical = (mode === 'fusion' ? lexicalWeight : 1) / (rrfK + ranks[r]);
      }
    }
    if (dense !== null) {
      const ranks = tiedRanks(dense.scores);
      for (let r = 0; r < dense.ids.length; r++) {
        if (!(dense.scores[r] > 0)) break;
        const h = hit(dense.ids[r]);
        h.dense = { score: dense.scores[r], rank: ranks[r] };
        h.parts.dense = (mode === 'fusion' ? denseWeight : 1) / (rrfK + ranks[r]);
      }
    }
    for (const h of hits.values()) {
      h.parts.popularity = (popularityWeight * (this.popularity[h.item] ?? 0)) / (rrfK + 1);
      h.score = h.parts.lexical + h.parts.dense + h.parts.popularity;
    }
    return [...hits.values()].sort((a, b) => b.score - a.score || a.item - b.item);
  }

  /**
   * Rocchio feedback on the dense query: q̂ + β·ĉ, unit again, where c is the sum of the vectors of
   * the first pass's best films. Their vectors carry what the query's few words cannot: the rest of
   * those films' words and, with the fitted encoder, their audience (the CF part the query lacks),
   * so the second pass finds films like the ones the words found. Null when β is 0 or no film has a
   * vector.
   */
  private feedbackVector(query: Float32Array, top: readonly SearchHit[]): Float32Array | null {
    if (!(this.fusion.feedbackWeight > 0)) return null;
    const centroid = new Float32Array(query.length);
    let any = false;
    for (const h of top) {
      const v = this.index.vector(h.item);
      if (v === undefined) continue;
      any = true;
      for (let c = 0; c < v.length; c++) centroid[c] += v[c];
    }
    return any ? rocchio(query, centroid, this.fusion.feedbackWeight) : null;
  }

  /**
   * RM3 expansion of the BM25 query (Lavrenko & Croft 2001; Abdul-Jaleel et al. 2004): the
   * relevance model r(w) is each word's summed share of the first pass's best films' (unit) TF-IDF
   * vectors, kept to the query's words and the `expansionTerms` best others, renormalised; the new
   * query is (1−λ)·q + λ·r, q the query's own weights as a distribution and λ = expansionWeight,
   * scaled back to the query's total weight. A prompt's few words then reach films that share the
   * found films' other words ("mole" → spy, kgb, cia), each in proportion to how much of those
   * films it is: a genre word every film has adds little. Words of fewer than MIN_EXPANSION_DF
   * films are not added: they would pull in only the film that has them. Null when nothing is.
   */
  private feedbackBag(query: TermBag, top: readonly SearchHit[]): TermBag | null {
    const { expansionTerms, expansionWeight: lambda } = this.fusion;
    if (!(expansionTerms > 0 && lambda > 0)) return null;
    const idf = this.bm25.idf;
    const mass = new Map<number, number>();
    for (const h of top) {
      const bag = this.bagOf(h.item);
      let norm = 0;
      for (let k = 0; k < bag.terms.length; k++) {
        const t = bag.terms[k];
        if (t < idf.length) norm += (sublinear(bag.weights[k]) * idf[t]) ** 2;
      }
      if (norm === 0) continue;
      const scale = 1 / Math.sqrt(norm);
      for (let k = 0; k < bag.terms.length; k++) {
        const t = bag.terms[k];
        if (t < idf.length) mass.set(t, (mass.get(t) ?? 0) + sublinear(bag.weights[k]) * idf[t] * scale);
      }
    }
    const own = new Set(query.terms);
    const picked = [...mass]
      .filter(([t]) => !own.has(t) && this.corpus.docFreq[t] >= MIN_EXPANSION_DF)
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .slice(0, expansionTerms);
    if (picked.length === 0) return null;
    let relevance = 0;
    for (const [, m] of picked) relevance += m;
    for (const t of query.terms) relevance += mass.get(t) ?? 0;
    let typed = 0;
    for (const w of query.weights) typed += w;
    const weights = new Map<number, number>();
    for (let k = 0; k < query.terms.length; k++) {
      const r = (mass.get(query.terms[k]) ?? 0) / relevance;
      weights.set(query.terms[k], typed * ((1 - lambda) * (query.weights[k] / typed) + lambda * r));
    }
    for (const [t, m] of picked) weights.set(t, typed * lambda * (m / relevance));
    const terms = Int32Array.from(weights.keys()).sort();
    return { terms, weights: Float32Array.from(terms, (t) => weights.get(t) ?? 0) };
  }

  /** The film's current term bag: its overlay entry, or its row of the corpus (empty if removed). */
  private bagOf(item: number): TermBag {
    const bag = this.overlay.get(item);
    if (bag !== undefined) return bag;
    if (item >= this.corpus.lengths.length || this.masked.has(item))
      return { terms: new Int32Array(0), weights: new Float32Array(0) };
    const from = this.corpus.indptr[item];
    const to = this.corpus.indptr[item + 1];
    return { terms: this.corpus.indices.subarray(from, to), weights: this.corpus.values.subarray(from, to) };
  }

  /**
   * The `depth` films with the best evidence-weighted cosine (of those with a positive one). The
   * weight never exceeds 1, so a positive score can only fall: once the weakest cosine read is
   * below the depth-th weighted score (or not positive), no film unread can enter. On the exact
   * index that makes the read exact: it starts at twice the depth and doubles until then (a hair's
   * margin covers the kernel choosing in float32 what it reports in float64). HNSW gives no such
   * bound, so it is read once, 5× the depth and at least 1,000 deep.
   */
  private dense(vector: Float32Array, depth: number, exclude: (item: number) => boolean): Ranked {
    const exact = this.index.kind === 'exact';
    const cap = Math.min(depth, this.corpus.lengths.length + this.overlay.size);
    const hs = new Float64Array(cap);
    const hi = new Int32Array(cap);
    for (let read = exact ? 2 * depth : Math.max(5 * depth, 1000); ; read *= 2) {
      const found = this.index.search(vector, read, { exclude });
      let size = 0;
      for (let r = 0; r < found.ids.length; r++) {
        const weighted = Math.fround(found.scores[r] * this.evidence(found.ids[r]));
        size = heapPush(hs, hi, size, cap, weighted, found.ids[r]);
      }
      const weakest = found.scores[found.ids.length - 1] ?? 0;
      const bar = size === cap ? hs[0] : 0;
      if (!exact || found.ids.length < read || weakest <= 0 || weakest < bar - 1e-6)
        return drain(hs, hi, size);
    }
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
    const cap = Math.min(depth, this.corpus.lengths.length + this.overlay.size);
    const hs = new Float64Array(cap);
    const hi = new Int32Array(cap);
    let size = 0;
    for (let k = 0; k < count; k++) {
      const d = this.touched[k];
      const score = this.scratch[d];
      this.scratch[d] = 0;
      if (score > 0 && !this.masked.has(d) && !exclude(d)) size = heapPush(hs, hi, size, cap, score, d);
    }
    for (const [item, bag] of this.overlay) {
      if (exclude(item)) continue;
      const score = this.bm25.scoreBag(query, bag);
      if (score > 0) size = heapPush(hs, hi, size, cap, score, item);
    }
    return drain(hs, hi, size);
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
    const row = vector ?? this.encodeDocument(fields);
    this.current.upsert(item, row);
    this.journal?.push((index) => index.upsert(item, row));
  }

  remove(item: number): void {
    if (item < this.corpus.lengths.length) this.masked.add(item);
    this.overlay.delete(item);
    this.current.remove(item);
    this.journal?.push((index) => index.remove(item));
  }

  /** The query's words as the index reads them (stemmed, stop words gone), for explanations. */
  queryTerms(text: string): string[] {
    return tokenize(text);
  }
}

/** The heap's pairs as a ranked list, best first. */
function drain(hs: Float64Array, hi: Int32Array, size: number): Ranked {
  const ids = new Int32Array(size);
  const scores = new Float32Array(size);
  heapDrain(hs, hi, size, (rank, score, item) => {
    ids[rank] = item;
    scores[rank] = score;
  });
  return { ids, scores };
}

/** 1-based ranks of scores sorted descending, equal scores sharing the best rank: a tie stays a tie. */
function tiedRanks(scores: Float32Array): Int32Array {
  const ranks = new Int32Array(scores.length);
  for (let r = 0; r < scores.length; r++)
    ranks[r] = r > 0 && scores[r] === scores[r - 1] ? ranks[r - 1] : r + 1;
  return ranks;
}

/** (q̂ + β·ĉ) / ‖q̂ + β·ĉ‖, hats unit length: Rocchio's update with α = 1. A zero part adds nothing. */
export function rocchio(query: Float32Array, centroid: Float32Array, beta: number): Float32Array {
  const inverseNorm = (v: Float32Array) => {
    let sum = 0;
    for (const x of v) sum += x * x;
    return sum > 0 ? 1 / Math.sqrt(sum) : 0;
  };
  const qs = inverseNorm(query);
  const cs = beta * inverseNorm(centroid);
  const out = new Float32Array(query.length);
  for (let c = 0; c < out.length; c++) out[c] = query[c] * qs + centroid[c] * cs;
  const os = inverseNorm(out);
  for (let c = 0; c < out.length; c++) out[c] *= os;
  return out;
}
