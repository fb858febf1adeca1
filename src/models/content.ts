import type { Movie } from '../data/dataset.js';
import type { Interactions } from '../data/interactions.js';
import { DenseScorer } from '../math/scoring.js';
import { mean } from '../math/stats.js';
import { buildTextSearch, restoreTextSearch, textSearchState } from '../text/build.js';
import { documentText, movieDocument } from '../text/document.js';
import type { TextEncoder } from '../text/encoder.js';
import type { SearchHit, SearchMode, TextSearch } from '../text/search.js';
import { loadTransformerEncoder, transformerSettings } from '../text/transformer.js';
import { Als } from './als.js';
import { checkAborted, Recommender } from './base.js';
import type { ModelEntry } from './registry.js';
import type {
  Estimate,
  FitOptions,
  FoldedUser,
  ModelState,
  NewUserRatings,
  ParamSchema,
  ParamsOf,
  UserRef,
} from './types.js';

const schema = {
  encoder: {
    type: 'enum',
    default: 'fitted',
    values: ['fitted', 'transformer'] as const,
    description: "dense vectors from the encoder fitted on the catalog, or CINEREC_TEXT_MODEL's transformer",
  },
  lsaDims: {
    type: 'int',
    default: 128,
    min: 1,
    max: 1024,
    description: 'LSA dimensions of the fitted encoder',
  },
  cfWeight: { type: 'float', default: 0.35, min: 0, max: 1, description: 'share of the CF-grounded part' },
  cfFactors: {
    type: 'int',
    default: 32,
    min: 0,
    max: 256,
    description: 'ALS factors grounding the words (0 = none)',
  },
  minRatings: { type: 'int', default: 5, min: 1, description: 'ratings a film needs for its own CF factors' },
  popularityWeight: {
    type: 'float',
    default: 1,
    min: 0,
    description: 'search popularity prior (chosen on the dev prompts)',
  },
  neighbours: { type: 'int', default: 20, min: 1, max: 1000, description: 'rated films a prediction reads' },
  seed: { type: 'int', default: 42, description: 'seed of the SVD sketch and the ALS factors' },
} satisfies ParamSchema;

export type ContentParams = ParamsOf<typeof schema>;

/**
 * Content-based recommender over the catalog's text (src/text): each film is a dense vector (the
 * fitted encoder's, or a transformer's), a user is the rating-weighted sum of the vectors of what
 * they rated, and a rating is predicted from the user's ratings of the most similar films. It also
 * carries the search index (`search`), so one promoted artifact serves search, "more like this by
 * content" and predictions for films known only by their text.
 */
export class ContentModel extends Recommender<ContentParams> {
  readonly name = 'content';
  private index?: TextSearch;
  /** nItems × dim, unit rows (zero for a film without text). */
  private vectors: Float32Array = new Float32Array(0);
  private dim = 0;
  private scorer?: DenseScorer;
  private means: Float32Array = new Float32Array(0);
  private transformer?: Promise<TextEncoder>;
  /**
   * documentFingerprint of each item's document as trained (null: an artifact from before they were
   * kept), so the service can tell which catalog films were edited since and re-index only those.
   */
  private fingerprints: Int32Array | null = null;

  constructor(params: Partial<ContentParams> = {}) {
    super(schema, 'content', params);
  }

  get search(): TextSearch {
    if (this.index === undefined) this.requireTrain();
    return this.index as TextSearch;
  }

  async fit(train: Interactions, options: FitOptions = {}): Promise<this> {
    checkAborted(options.signal, 'content');
    const movies = catalogOf(train.nItems, options);
    const counts = train.itemCounts();
    let factors = null;
    if (this.params.cfFactors > 0) {
      const als = new Als({ factors: this.params.cfFactors, iterations: 10, seed: this.params.seed });
      await als.fit(train, { signal: options.signal });
      const present = Uint8Array.from(counts, (c) => (c >= this.params.minRatings ? 1 : 0));
      factors = { values: als.itemFactors, dims: this.params.cfFactors, present };
    }
    options.onProgress?.(1, 2, 'text index');
    let vectors: { values: Float32Array; dims: number } | undefined;
    if (this.params.encoder === 'transformer') {
      const encoder = await this.loadTransformer();
      const texts = movies.map(documentText);
      vectors = { values: await encoder.encode(texts), dims: encoder.dim };
    }
    const index = buildTextSearch(movies, {
      factors,
      ratingCounts: counts,
      encoder: { lsaDims: this.params.lsaDims, cfWeight: this.params.cfWeight, seed: this.params.seed },
      fusion: { popularityWeight: this.params.popularityWeight },
      ...(vectors === undefined ? {} : { vectors }),
    });
    checkAborted(options.signal, 'content');
    this.commit(index, train, Int32Array.from(movies, documentFingerprint));
    options.onProgress?.(2, 2, 'text index');
    return this;
  }

  private commit(index: TextSearch, train: Interactions, fingerprints: Int32Array | null): void {
    const n = train.nItems;
    const dim = index.index.dim;
    const vectors = new Float32Array(n * dim);
    for (let i = 0; i < n; i++) {
      const row = index.index.vector(i);
      if (row !== undefined) vectors.set(row, i * dim);
    }
    this.index = index;
    this.vectors = vectors;
    this.dim = dim;
    this.scorer = new DenseScorer(vectors, dim);
    this.means = userMeans(train);
    this.fingerprints = fingerprints;
    this.train = train;
  }

  /** Per item, documentFingerprint of the document it was trained on; null for older artifacts. */
  documentFingerprints(): Int32Array | null {
    this.requireTrain();
    return this.fingerprints;
  }

  /** Search the catalog's text; with a transformer index, the query goes through the transformer. */
  async searchText(
    query: string,
    n: number,
    options: { mode?: SearchMode; exclude?: (item: number) => boolean } = {},
  ): Promise<SearchHit[]> {
    const search = this.search;
    if (this.params.encoder !== 'transformer' || options.mode === 'lexical')
      return search.search(query, n, options);
    const encoder = await this.loadTransformer();
    const queryVector = (await encoder.encode([query])).subarray(0, encoder.dim);
    return search.search(query, n, {
      ...options,
      queryVector: queryVector.some((x) => x !== 0) ? queryVector : null,
    });
  }

  /** A film's vector from its content alone (a film not in the catalog, or edited since the fit). */
  async encodeMovie(movie: Movie): Promise<Float32Array> {
    if (this.params.encoder !== 'transformer') return this.search.encodeDocument(movieDocument(movie));
    const encoder = await this.loadTransformer();
    return (await encoder.encode([documentText(movie)])).subarray(0, encoder.dim);
  }

  private loadTransformer(): Promise<TextEncoder> {
    this.transformer ??= loadTransformerEncoder(transformerSettings());
    return this.transformer;
  }

  /**
   * The user's rating of a film with vector `vector`: their mean plus the similarity-weighted
   * deviations of their ratings of the `neighbours` most similar films they rated.
   */
  predictFromVector(items: Int32Array, ratings: Float32Array, vector: Float32Array): Estimate {
    if (items.length === 0) return { ok: false, reason: 'content: the user has no ratings' };
    const average = mean(ratings);
    const sims = Array.from(items, (item, k) => ({ sim: this.dot(item, vector), dev: ratings[k] - average }));
    sims.sort((a, b) => b.sim - a.sim);
    let num = 0;
    let den = 0;
    for (const { sim, dev } of sims.slice(0, this.params.neighbours)) {
      if (sim <= 0) break;
      num += sim * dev;
      den += sim;
    }
    return { ok: true, value: den > 0 ? average + num / den : average };
  }

  /**
   * `estimate` for every item at once, for a blend that ranks by ratings: one kernel pass per
   * rated film, each item keeping the `neighbours` most similar rated films with a positive
   * similarity seen so far (an equal one seen later does not replace one kept, as in the sort).
   */
  protected override predictInto(user: UserRef, out: Float32Array): boolean {
    const { items, ratings } = this.userRatings(user);
    if (items.length === 0 || this.scorer === undefined) return false;
    const n = out.length;
    const k = this.params.neighbours;
    const average = mean(ratings);
    const sims = new Float32Array(n * k);
    const devs = new Float32Array(n * k);
    const kept = new Int32Array(n);
    /** Slot of the weakest kept similarity, once an item has k. */
    const weakest = new Int32Array(n);
    const row = new Float32Array(n);
    for (let r = 0; r < items.length; r++) {
      this.scorer.scoreInto(this.vectors.subarray(items[r] * this.dim, (items[r] + 1) * this.dim), row);
      const dev = ratings[r] - average;
      for (let i = 0; i < n; i++) {
        const s = row[i];
        const o = i * k;
        if (!(s > 0) || (kept[i] === k && s <= sims[o + weakest[i]])) continue;
        const slot = kept[i] < k ? kept[i]++ : weakest[i];
        sims[o + slot] = s;
        devs[o + slot] = dev;
        if (kept[i] === k) {
          let w = 0;
          for (let c = 1; c < k; c++) if (sims[o + c] < sims[o + w]) w = c;
          weakest[i] = w;
        }
      }
    }
    for (let i = 0; i < n; i++) {
      let num = 0;
      let den = 0;
      for (let c = 0; c < kept[i]; c++) {
        num += sims[i * k + c] * devs[i * k + c];
        den += sims[i * k + c];
      }
      out[i] = den > 0 ? average + num / den : average;
    }
    return true;
  }

  private dot(item: number, vector: Float32Array): number {
    let sum = 0;
    for (let c = 0; c < this.dim; c++) sum += this.vectors[item * this.dim + c] * vector[c];
    return sum;
  }

  private userRatings(user: UserRef): { items: Int32Array; ratings: Float32Array } {
    if (typeof user !== 'number') return { items: user.seen, ratings: user.state.ratings as Float32Array };
    const csr = this.requireTrain().byUser();
    const from = csr.indptr[user];
    const to = csr.indptr[user + 1];
    return { items: csr.indices.subarray(from, to), ratings: csr.values.subarray(from, to) };
  }

  protected estimate(user: UserRef, item: number): Estimate {
    const { items, ratings } = this.userRatings(user);
    return this.predictFromVector(
      items,
      ratings,
      this.vectors.subarray(item * this.dim, (item + 1) * this.dim),
    );
  }

  protected scoreInto(user: UserRef, out: Float32Array): boolean {
    const { items, ratings } = this.userRatings(user);
    if (items.length === 0 || this.scorer === undefined) return false;
    const userMean = typeof user === 'number' ? this.means[user] : mean(ratings);
    // Centred weights: a 2★ film pushes its neighbours down; a user who rated all alike likes all.
    const profile = new Float32Array(this.dim);
    const flat = ratings.every((r) => r === ratings[0]);
    for (let k = 0; k < items.length; k++) {
      const w = flat ? 1 : ratings[k] - userMean;
      for (let c = 0; c < this.dim; c++) profile[c] += w * this.vectors[items[k] * this.dim + c];
    }
    this.scorer.scoreInto(profile, out);
    return true;
  }

  protected override itemSimilarityInto(item: number, out: Float32Array): boolean {
    if (this.scorer === undefined) return false;
    this.scorer.scoreInto(this.vectors.subarray(item * this.dim, (item + 1) * this.dim), out);
    return true;
  }

  protected foldInImpl(ratings: NewUserRatings): Omit<FoldedUser, 'model'> {
    return { seen: Int32Array.from(ratings.items), state: { ratings: Float32Array.from(ratings.ratings) } };
  }

  state(): ModelState {
    const text = textSearchState(this.search);
    const arrays = { ...text.arrays };
    if (this.fingerprints !== null) arrays[FINGERPRINTS] = this.fingerprints;
    return { params: { ...this.params }, meta: text.meta, arrays };
  }

  restore(state: ModelState, train: Interactions): void {
    const prints = state.arrays[FINGERPRINTS];
    if (prints !== undefined && !(prints instanceof Int32Array && prints.length === train.nItems)) {
      throw new Error(`content: the artifact's fingerprints are not ${train.nItems} Int32 values`);
    }
    this.commit(restoreTextSearch(state.meta, state.arrays), train, prints ?? null);
  }
}

const FINGERPRINTS = 'content.fingerprints';

/**
 * A 32-bit FNV-1a hash of the movie's document (each field's name, weight and text, as search
 * indexes them): equal documents hash equal, and an edit goes unnoticed only on a collision (about
 * 1 in 4·10⁹ per edit). Field names are hashed too: a sentence moved from overview to tagline
 * changes the weighted document although the text read as one string does not.
 */
export function documentFingerprint(movie: Movie): number {
  let hash = 0x811c9dc5;
  const mix = (text: string) => {
    for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
    hash = Math.imul(hash ^ 0xffff, 0x01000193); // U+FFFF, a noncharacter, ends each part
  };
  for (const field of movieDocument(movie)) {
    mix(field.field);
    mix(String(field.weight));
    mix(field.text);
  }
  return hash | 0;
}

/** Item-indexed catalog entries; films the options do not describe get an empty document. */
function catalogOf(nItems: number, options: FitOptions): Movie[] {
  return Array.from({ length: nItems }, (_, i) => {
    const movie = options.movies?.[i];
    if (movie !== undefined) return movie;
    return { movieId: i, title: '', year: null, genres: options.itemGenres?.[i] ?? [] };
  });
}

function userMeans(train: Interactions): Float32Array {
  const csr = train.byUser();
  const means = new Float32Array(train.nUsers);
  for (let u = 0; u < train.nUsers; u++)
    means[u] = mean(csr.values.subarray(csr.indptr[u], csr.indptr[u + 1]));
  return means;
}

export const contentEntry: ModelEntry = {
  name: 'content',
  description:
    'content-based: catalog text encoded (fitted LSA + CF-grounded words, or a transformer); also the search index',
  kind: 'rating',
  schema,
  create: (params) => new ContentModel(params as Partial<ContentParams>),
};
