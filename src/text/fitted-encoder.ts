import { type Corpus, sublinear, type TermBag } from './corpus.js';
import { type SparseRows, truncatedSvd } from './lsa.js';

export interface FittedEncoderParams {
  /** Latent dimensions of the LSA part. */
  lsaDims: number;
  /** Share of the collaborative (CF-grounded) part in the similarity, 0–1. */
  cfWeight: number;
  /** Pseudo-count pulling a rare term's CF vector towards zero (a term seen once says little). */
  shrinkage: number;
  /**
   * Whether a query gets a CF part of its own (its words' CF vectors). Off by default: a prompt of
   * a few words projects onto the audience space of whichever films happen to share them, and on
   * the dev prompts that part cost precision (P@10 0.30 without it, 0.27 with). Documents keep
   * theirs; search feeds the audience back in from the films the words found (see TextSearch).
   */
  queryCf: boolean;
  seed: number;
}

export const DEFAULT_FITTED_ENCODER: FittedEncoderParams = {
  lsaDims: 128,
  cfWeight: 0.35,
  shrinkage: 2,
  queryCf: false,
  seed: 42,
};

/** What the encoder learned, as typed arrays (the artifact stores them as they are). */
export interface FittedEncoderState {
  params: FittedEncoderParams;
  idf: Float32Array;
  /** nTerms × lsaDims: each term's unit LSA direction (rows of V·Σ^½ of the TF-IDF SVD). */
  lsa: Float32Array;
  lsaDims: number;
  /** nTerms × cfDims: each term's place among the collaborative item factors (0 without factors). */
  termCf: Float32Array;
  cfDims: number;
}

/**
 * A text encoder fitted on the catalog itself, for machines without a pre-trained model: a text
 * becomes [√(1−c)·LSA, √c·CF] with each part unit length, so the cosine of two texts is
 * (1−c)·cos_LSA + c·cos_CF.
 *
 * - LSA: TF-IDF (sublinear tf, smoothed idf) reduced by a truncated SVD, so words that share
 *   documents ("dystopia", "totalitarian") land near each other.
 * - CF grounding: each term's vector is the shrunk, TF-IDF-weighted mean of the (centred, unit)
 *   collaborative factors of the films whose text has it. Words never seen in one overview still
 *   meet when the films that use them are rated by the same people ("shark" and "ocean" through
 *   Jaws and its audience).
 */
export class FittedEncoder {
  constructor(readonly state: FittedEncoderState) {}

  get dim(): number {
    return this.state.lsaDims + this.state.cfDims;
  }

  /**
   * Fits on `corpus`; `factors` (nDocs × factorDims, row d = document d's item factors; NaN or
   * zero rows for items without enough ratings) grounds the CF part, which is left out without it.
   * Returns the encoder and the items' own centred, unit factors (zero rows where absent) — their
   * best CF part, see {@link encodeCorpus}.
   */
  static fit(
    corpus: Corpus,
    factors: { values: Float32Array; dims: number; present: Uint8Array } | null,
    params: FittedEncoderParams = DEFAULT_FITTED_ENCODER,
  ): { encoder: FittedEncoder; itemCf: Float32Array | null } {
    const nDocs = corpus.lengths.length;
    const nTerms = corpus.terms.length;
    const idf = new Float32Array(nTerms);
    for (let t = 0; t < nTerms; t++) idf[t] = Math.log((nDocs + 1) / (corpus.docFreq[t] + 1)) + 1;
    const tfidf = tfidfRows(corpus, idf);
    const svd = truncatedSvd(tfidf, params.lsaDims, { seed: params.seed });
    const lsa = termDirections(svd.v, svd.sigma, svd.k);
    const cfDims = factors?.dims ?? 0;
    const termCf = new Float32Array(nTerms * cfDims);
    const itemCf = factors !== null && cfDims > 0 ? centredUnitFactors(factors) : null;
    if (itemCf !== null) groundTerms(tfidf, itemCf, cfDims, params.shrinkage, termCf);
    const encoder = new FittedEncoder({ params, idf, lsa, lsaDims: svd.k, termCf, cfDims });
    return { encoder, itemCf };
  }

  /** Encodes a term bag into `out` (length dim); false when no term is known (out is zeros). */
  encodeBag(bag: TermBag, out: Float32Array): boolean {
    const { idf, lsa, lsaDims, termCf, cfDims, params } = this.state;
    out.fill(0);
    let any = false;
    for (let k = 0; k < bag.terms.length; k++) {
      const t = bag.terms[k];
      if (t >= idf.length) continue;
      any = true;
      const w = sublinear(bag.weights[k]) * idf[t];
      for (let c = 0; c < lsaDims; c++) out[c] += w * lsa[t * lsaDims + c];
      for (let c = 0; c < cfDims; c++) out[lsaDims + c] += w * termCf[t * cfDims + c];
    }
    if (!any) return false;
    scalePart(out, 0, lsaDims, Math.sqrt(cfDims > 0 ? 1 - params.cfWeight : 1));
    scalePart(out, lsaDims, cfDims, Math.sqrt(params.cfWeight));
    return true;
  }

  /**
   * Encodes a query: as {@link encodeBag}, but unless `queryCf` the CF part is zero and the LSA
   * part unit length, so its cosine with a document is √(1−c)·cos_LSA (c = 0 for a document with
   * no CF part): the ranking of plain LSA.
   */
  encodeQuery(bag: TermBag, out: Float32Array): boolean {
    const any = this.encodeBag(bag, out);
    if (any && !this.state.params.queryCf && this.state.cfDims > 0) {
      out.fill(0, this.state.lsaDims);
      scalePart(out, 0, this.state.lsaDims, 1);
    }
    return any;
  }

  /**
   * Every document of `corpus` encoded, nDocs × dim row-major. A film with its own collaborative
   * factors (`itemCf` row non-zero) takes them as its CF part: what its audience did says more
   * than the words of its overview do; other films get the part their words project to.
   */
  encodeCorpus(corpus: Corpus, itemCf: Float32Array | null = null): Float32Array {
    const nDocs = corpus.lengths.length;
    const out = new Float32Array(nDocs * this.dim);
    for (let d = 0; d < nDocs; d++) {
      const from = corpus.indptr[d];
      const to = corpus.indptr[d + 1];
      const bag = { terms: corpus.indices.subarray(from, to), weights: corpus.values.subarray(from, to) };
      const row = out.subarray(d * this.dim, (d + 1) * this.dim);
      this.encodeBag(bag, row);
      const { lsaDims, cfDims, params } = this.state;
      const own = itemCf?.subarray(d * cfDims, (d + 1) * cfDims);
      if (own?.some((x) => x !== 0)) {
        row.set(own, lsaDims);
        if (!row.subarray(0, lsaDims).some((x) => x !== 0)) continue;
        scalePart(row, lsaDims, cfDims, Math.sqrt(params.cfWeight));
      }
    }
    return out;
  }
}

/**
 * Each term's unit direction in the latent space, from V·Σ^½. A text is then the idf-weighted sum
 * of its words' directions (as in SIF sentence embeddings, Arora et al. 2017) rather than its LSA
 * projection: the projection of a three-word prompt is dominated by the top singular directions
 * (broad genre), while unit word directions let "toy" or "shark" count as much as "animated".
 */
function termDirections(v: Float32Array, sigma: Float32Array, k: number): Float32Array {
  const out = new Float32Array(v.length);
  for (let t = 0; t * k < v.length; t++) {
    let norm = 0;
    for (let c = 0; c < k; c++) {
      const x = v[t * k + c] * Math.sqrt(sigma[c]);
      out[t * k + c] = x;
      norm += x * x;
    }
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let c = 0; c < k; c++) out[t * k + c] *= scale;
  }
  return out;
}

/** TF-IDF rows, unit length: (1 + ln tf)·idf, so one long overview does not outweigh many short ones. */
function tfidfRows(corpus: Corpus, idf: Float32Array): SparseRows {
  const values = new Float32Array(corpus.values.length);
  for (let d = 0; d + 1 < corpus.indptr.length; d++) {
    let norm = 0;
    for (let p = corpus.indptr[d]; p < corpus.indptr[d + 1]; p++) {
      values[p] = sublinear(corpus.values[p]) * idf[corpus.indices[p]];
      norm += values[p] * values[p];
    }
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let p = corpus.indptr[d]; p < corpus.indptr[d + 1]; p++) values[p] *= scale;
  }
  return { indptr: corpus.indptr, indices: corpus.indices, values, nCols: corpus.terms.length };
}

/**
 * The items' factors centred on their mean and scaled to unit length; zero rows for absent items.
 * Centred because the mean factor is "popular", and every term would otherwise point at it.
 */
function centredUnitFactors(factors: {
  values: Float32Array;
  dims: number;
  present: Uint8Array;
}): Float32Array {
  const { values: f, dims, present } = factors;
  const nDocs = present.length;
  const mean = new Float64Array(dims);
  let count = 0;
  for (let d = 0; d < nDocs; d++) {
    if (present[d] === 0) continue;
    count++;
    for (let c = 0; c < dims; c++) mean[c] += f[d * dims + c];
  }
  const out = new Float32Array(nDocs * dims);
  if (count === 0) return out;
  for (let c = 0; c < dims; c++) mean[c] /= count;
  for (let d = 0; d < nDocs; d++) {
    if (present[d] === 0) continue;
    let norm = 0;
    for (let c = 0; c < dims; c++) {
      const x = f[d * dims + c] - mean[c];
      out[d * dims + c] = x;
      norm += x * x;
    }
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let c = 0; c < dims; c++) out[d * dims + c] *= scale;
  }
  return out;
}

/** termCf[t] = Σ_d x_dt·f̂_d / (Σ_d x_dt + shrinkage) over the films with factors. */
function groundTerms(
  tfidf: SparseRows,
  itemCf: Float32Array,
  dims: number,
  shrinkage: number,
  termCf: Float32Array,
): void {
  const mass = new Float64Array(tfidf.nCols);
  for (let d = 0; d + 1 < tfidf.indptr.length; d++) {
    const o = d * dims;
    if (!itemCf.subarray(o, o + dims).some((x) => x !== 0)) continue;
    for (let p = tfidf.indptr[d]; p < tfidf.indptr[d + 1]; p++) {
      const t = tfidf.indices[p];
      const x = tfidf.values[p];
      mass[t] += x;
      for (let c = 0; c < dims; c++) termCf[t * dims + c] += x * itemCf[o + c];
    }
  }
  for (let t = 0; t < tfidf.nCols; t++) {
    const scale = 1 / (mass[t] + shrinkage);
    for (let c = 0; c < dims; c++) termCf[t * dims + c] *= scale;
  }
}

/** Scales out[from, from+length) to unit length times `weight` (left at zero when it is zero). */
function scalePart(out: Float32Array, from: number, length: number, weight: number): void {
  let norm = 0;
  for (let c = from; c < from + length; c++) norm += out[c] * out[c];
  if (norm === 0) return;
  const scale = weight / Math.sqrt(norm);
  for (let c = from; c < from + length; c++) out[c] *= scale;
}
