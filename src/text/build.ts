import type { Movie } from '../data/dataset.js';
import { DEFAULT_BM25 } from './bm25.js';
import { buildCorpus, type Corpus } from './corpus.js';
import { type FieldWeights, movieDocument } from './document.js';
import { DEFAULT_FITTED_ENCODER, FittedEncoder, type FittedEncoderParams } from './fitted-encoder.js';
import { DEFAULT_FUSION, type FusionParams, TextSearch } from './search.js';
import { buildVectorIndex, restoreVectorIndex } from './vector-index.js';

export interface TextSearchOptions {
  /** Collaborative item factors (row per movie) that ground the fitted encoder; `present[i]` = 0 for films with too few ratings. */
  factors?: { values: Float32Array; dims: number; present: Uint8Array } | null;
  /** Rating count per movie: the popularity prior is log(1+count)/log(1+max). */
  ratingCounts?: ArrayLike<number>;
  encoder?: Partial<FittedEncoderParams>;
  fusion?: Partial<FusionParams>;
  fields?: FieldWeights;
  /** Dense vectors from another encoder (a transformer), row per movie; the fitted encoder's otherwise. */
  vectors?: { values: Float32Array; dims: number };
  /** Exact search up to this many movies, HNSW above. */
  exactUpTo?: number;
  /** Extra tags per movie (the tag genome's strongest), indexed like `movies`. */
  extraTags?: readonly (readonly string[])[];
}

/** Builds the search index of `movies` (item key = position in `movies`). */
export function buildTextSearch(movies: readonly Movie[], options: TextSearchOptions = {}): TextSearch {
  const documents = movies.map((movie, i) => {
    const extra = options.extraTags?.[i];
    const withTags =
      extra === undefined || extra.length === 0
        ? movie
        : { ...movie, tags: [...(movie.tags ?? []), ...extra] };
    return movieDocument(withTags, options.fields);
  });
  const corpus = buildCorpus(documents);
  const { encoder, itemCf } = FittedEncoder.fit(corpus, options.factors ?? null, {
    ...DEFAULT_FITTED_ENCODER,
    ...options.encoder,
  });
  const vectors = options.vectors ?? { values: encoder.encodeCorpus(corpus, itemCf), dims: encoder.dim };
  const keys = Int32Array.from(movies, (_, i) => i);
  const index = buildVectorIndex(keys, vectors.values, {
    dim: vectors.dims,
    ...(options.exactUpTo === undefined ? {} : { exactUpTo: options.exactUpTo }),
  });
  return new TextSearch(corpus, encoder, index, popularityPrior(movies.length, options.ratingCounts), {
    ...DEFAULT_FUSION,
    ...options.fusion,
  });
}

/** log(1 + count) / log(1 + max count): a film rated 10 times is not a tenth as known as one rated 100 times. */
export function popularityPrior(n: number, counts: ArrayLike<number> | undefined): Float32Array {
  const prior = new Float32Array(n);
  if (counts === undefined) return prior;
  let max = 0;
  for (let i = 0; i < n; i++) max = Math.max(max, counts[i] ?? 0);
  if (max === 0) return prior;
  const scale = 1 / Math.log1p(max);
  for (let i = 0; i < n; i++) prior[i] = Math.log1p(counts[i] ?? 0) * scale;
  return prior;
}

type Arrays = Record<string, Float32Array | Float64Array | Int32Array | Uint8Array>;

/** The index as named typed arrays and JSON meta, for a model artifact (prefix keeps names apart). */
export function textSearchState(search: TextSearch): { meta: Record<string, unknown>; arrays: Arrays } {
  const { corpus, encoder, index } = search;
  const { idf, lsa, lsaDims, termCf, cfDims, params } = encoder.state;
  const indexState = index.toState();
  const arrays: Arrays = {
    'text.indptr': corpus.indptr,
    'text.indices': corpus.indices,
    'text.values': corpus.values,
    'text.lengths': corpus.lengths,
    'text.docFreq': corpus.docFreq,
    'text.idf': idf,
    'text.lsa': lsa,
    'text.termCf': termCf,
    'text.popularity': search.popularity,
  };
  for (const [name, array] of Object.entries(indexState.arrays)) arrays[`text.index.${name}`] = array;
  return {
    meta: {
      terms: corpus.terms,
      encoder: params,
      lsaDims,
      cfDims,
      fusion: search.fusion,
      index: indexState.meta,
    },
    arrays,
  };
}

/** Rebuilds a TextSearch from `textSearchState`; throws naming the first missing or mistyped part. */
export function restoreTextSearch(meta: Record<string, unknown>, arrays: Arrays): TextSearch {
  const take = <T>(name: string, type: new (...args: never[]) => T): T => {
    const array = arrays[`text.${name}`];
    if (!(array instanceof type)) throw new Error(`text index: the artifact lacks ${name} (${type.name})`);
    return array;
  };
  const terms = meta.terms;
  if (!Array.isArray(terms)) throw new Error('text index: the artifact lacks its vocabulary');
  const docFreq = take('docFreq', Int32Array);
  if (terms.length !== docFreq.length)
    throw new Error(`text index: ${terms.length} words but document counts for ${docFreq.length}`);
  const corpus: Corpus = {
    terms: terms.map(String),
    indptr: take('indptr', Int32Array),
    indices: take('indices', Int32Array),
    values: take('values', Float32Array),
    lengths: take('lengths', Float32Array),
    docFreq,
  };
  const encoder = new FittedEncoder({
    params: { ...DEFAULT_FITTED_ENCODER, ...(meta.encoder as Partial<FittedEncoderParams>) },
    idf: take('idf', Float32Array),
    lsa: take('lsa', Float32Array),
    lsaDims: Number(meta.lsaDims),
    termCf: take('termCf', Float32Array),
    cfDims: Number(meta.cfDims),
  });
  const indexArrays: Arrays = {};
  for (const [name, array] of Object.entries(arrays)) {
    if (name.startsWith('text.index.')) indexArrays[name.slice('text.index.'.length)] = array;
  }
  const index = restoreVectorIndex({ meta: meta.index as Record<string, unknown>, arrays: indexArrays });
  return new TextSearch(
    corpus,
    encoder,
    index,
    take('popularity', Float32Array),
    { ...DEFAULT_FUSION, ...(meta.fusion as Partial<FusionParams>) },
    DEFAULT_BM25,
  );
}
