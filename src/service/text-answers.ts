// The Engine's text reads: the search box (a title or a prompt), "more like this" by content or by
// both signals, and a predicted rating for a movie known only by its content. All of them read the
// promoted content model (src/models/content.ts), which carries the search index.
import { ContentModel, documentFingerprint } from '../models/content.js';
import { NeuralModel } from '../models/neural.js';
import type { MovieRecord } from '../store/types.js';
import { movieDocument } from '../text/document.js';
import { TitleMatcher } from '../text/title-match.js';
import { outgrown } from '../text/vector-index.js';
import { rebuildOffThread } from '../text/vector-index-rebuild.js';
import { log } from '../util/log.js';
import { type Catalog, recordToMovie } from './catalog.js';
import type { Answers } from './engine-answers.js';
import { checkN, clip, MAX_N } from './engine-answers.js';
import type { AnswerContext, SimilarMovies } from './engine-types.js';
import { badRequest, notFound } from './errors.js';
import type { ServedModel, Snapshot } from './snapshot.js';
import { userRef } from './users.js';
import { type MovieView, movieView, popularityOf, round } from './views.js';

/** `hybrid` similarity = this × co-rating similarity + (1 − this) × content similarity, each list scaled by its best score. */
export const HYBRID_RATINGS_WEIGHT = 0.5;

/**
 * `hybrid` reads both lists this deep whatever `n` is, so a film's blended score, and with it the
 * order, do not depend on how many films were asked for: the top 5 are the first 5 of the top 10.
 */
const HYBRID_DEPTH = MAX_N;

/**
 * What a "more like this" list is divided by so its best film scores 1: its best score, unless
 * that is missing or not positive (nothing really alike), when the scores stay as they are.
 */
function scaleOf(best: number | undefined): number {
  return best !== undefined && best > 0 ? best : 1;
}

export interface SearchResult extends MovieView {
  /** The fused score's parts: they sum to `score`. */
  parts: { lexical: number; dense: number; popularity: number };
  bm25: number | null;
  cosine: number | null;
}

export type SearchAnswer =
  | { mode: 'title'; query: string; reason: string; movie: MovieView; similar: MovieView[] }
  | { mode: 'semantic'; query: string; reason: string; terms: string[]; results: SearchResult[] };

/** A movie described by its content only (POST /predictions with `movie`). */
export interface MovieContent {
  title?: string;
  overview?: string;
  genres?: string[];
  keywords?: string[];
  year?: number;
  /** TMDB figures, read by the neural model when it is served. */
  voteAverage?: number;
  voteCount?: number;
  popularity?: number;
  runtime?: number;
}

/** The served model that predicts a content-only film's rating when present: seed 002's neural path. */
export const CONTENT_RATING_MODEL = 'neural';

export interface ContentPrediction {
  userId: number;
  predictedRating: number;
  model: string;
  modelRunId: number;
  /** The catalog films nearest in content, which the prediction reads. */
  nearest: MovieView[];
}

/** What `reconcile` did to a content model's index (movie counts). */
export interface Reconciled {
  /** Catalog films the model was not trained on, now indexed. */
  added: number;
  /** Trained films whose document changed since, re-indexed. */
  changed: number;
  /** Trained films the catalog no longer has, dropped from the index. */
  removed: number;
}

/** Films a reindex fingerprints between two turns of the event loop. */
const YIELD_EVERY = 1024;

type ContentKeys = { byId: Map<number, number>; byKey: Map<number, number> };

export class TextAnswers {
  private readonly matchers = new WeakMap<Catalog, TitleMatcher>();
  /** Content-model keys of catalog movies the model was not trained on (added since). */
  private readonly added = new WeakMap<ServedModel, Map<number, number>>();
  private readonly keyCache = new WeakMap<Catalog, { served: ServedModel; keys: ContentKeys }>();
  /** Per content model: documentFingerprint of the text its overlay holds, by movie id. */
  private readonly overlaid = new WeakMap<ServedModel, Map<number, number>>();
  /** The tail of the index writes (catalogChanged, reconcile), which run one at a time. */
  private writes: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly ctx: AnswerContext,
    private readonly answers: Answers,
  ) {}

  async search(query: string, n = 10): Promise<SearchAnswer> {
    const snap = this.ctx.snapshot();
    checkN(n);
    const text = query.trim();
    if (text.length === 0) throw badRequest('q must contain a title or a description', { field: 'q' });
    const resolved = this.matcher(snap).resolve(text);
    if (resolved.match !== null) {
      const movie = snap.catalog.get(resolved.match.key) as MovieRecord;
      const similar = await this.answers.similar(movie.movieId, n).catch(() => null);
      return {
        mode: 'title',
        query: text,
        reason: `title match (score ${round(resolved.match.score, 3)}): ${resolved.match.reason}`,
        movie: movieView(snap, movie, this.ctx.roles.coldStart),
        similar: similar?.items ?? [],
      };
    }
    const served = this.content(snap);
    const model = served.model as ContentModel;
    const keys = this.keys(snap, served);
    const hits = await model.searchText(text, n, { exclude: (key) => !keys.byKey.has(key) });
    const results = hits.map((hit) => ({
      ...this.viewOfKey(snap, keys, hit.item),
      score: round(hit.score, 6),
      parts: {
        lexical: round(hit.parts.lexical, 6),
        dense: round(hit.parts.dense, 6),
        popularity: round(hit.parts.popularity, 6),
      },
      bm25: hit.bm25 && round(hit.bm25.score, 4),
      cosine: hit.dense && round(hit.dense.score, 4),
    }));
    return {
      mode: 'semantic',
      query: text,
      reason: `no title matches well enough (${resolved.reason}); searched the catalog's text`,
      terms: model.search.queryTerms(text),
      results,
    };
  }

  /** Movies most like `movieId` by content, or by co-ratings and content blended (`hybrid`). */
  async similar(movieId: number, n: number, by: 'content' | 'hybrid'): Promise<SimilarMovies> {
    const snap = this.ctx.snapshot();
    checkN(n);
    if (!snap.catalog.has(movieId)) throw notFound('movie', movieId);
    const served = this.content(snap);
    const keys = this.keys(snap, served);
    const key = keys.byId.get(movieId) ?? -1;
    const depth = by === 'hybrid' ? HYBRID_DEPTH : n;
    const ranked = (served.model as ContentModel).search.similar(key, depth, (k) => !keys.byKey.has(k));
    const scores = new Map<number, number>();
    const top = scaleOf(ranked.scores[0]);
    ranked.ids.forEach((k, r) => {
      scores.set(
        keys.byKey.get(k) as number,
        (by === 'hybrid' ? 1 - HYBRID_RATINGS_WEIGHT : 1) * (ranked.scores[r] / top),
      );
    });
    let model = served.run.algorithm;
    if (by === 'hybrid') {
      // Without a co-ratings model to ask (none promoted), the content half answers alone.
      const ratings = await this.answers.similar(movieId, HYBRID_DEPTH).catch(() => null);
      const best = scaleOf(ratings?.items[0]?.score ?? undefined);
      for (const item of ratings?.items ?? []) {
        const part = HYBRID_RATINGS_WEIGHT * ((item.score ?? 0) / best);
        scores.set(item.movieId, (scores.get(item.movieId) ?? 0) + part);
      }
      if (ratings !== null) model = `${ratings.model}+${model}`;
    }
    const items = [...scores]
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .slice(0, n)
      .map(([id, score]) => ({
        ...movieView(snap, snap.catalog.get(id) as MovieRecord, this.ctx.roles.coldStart),
        score: round(score, 6),
      }));
    return { movieId, by, model, modelRunId: served.run.id, items };
  }

  /**
   * The user's rating of a film described by its content: by the neural model's content path when
   * one is served (it reads genres, year and the TMDB figures), else from the user's ratings of the
   * nearest films in content. Either way the answer lists those nearest films.
   */
  async predictMovie(userId: number, movie: MovieContent): Promise<ContentPrediction> {
    const snap = this.ctx.snapshot();
    const served = this.content(snap);
    const model = served.model as ContentModel;
    const state = await this.answers.knownUser(userId);
    const described = {
      ...movie,
      movieId: 0,
      title: movie.title ?? '',
      year: movie.year ?? null,
      genres: movie.genres ?? [],
    };
    if (movieDocument(described).length === 0) {
      throw badRequest('movie needs a title, an overview, genres or keywords to predict from', {
        field: 'movie',
      });
    }
    const vector = await model.encodeMovie(described);
    const rated = state.ratings
      .map((r) => ({ item: served.items.index(r.movieId), rating: r.rating }))
      .filter((r) => r.item >= 0);
    const neural = snap.model(CONTENT_RATING_MODEL);
    const neuralUser = neural?.model instanceof NeuralModel ? userRef(neural, state) : null;
    const byNeural =
      neural !== undefined && neuralUser !== null
        ? (neural.model as NeuralModel).predictContent(neuralUser, described)
        : undefined;
    const estimate = byNeural?.ok
      ? byNeural
      : model.predictFromVector(
          Int32Array.from(rated, (r) => r.item),
          Float32Array.from(rated, (r) => r.rating),
          vector,
        );
    if (!estimate.ok) throw badRequest(`cannot predict for user ${userId}: ${estimate.reason}`, { userId });
    const by = byNeural?.ok ? (neural as ServedModel) : served;
    const keys = this.keys(snap, served);
    const near = model.search.index.search(vector, 5, { exclude: (k) => !keys.byKey.has(k) });
    return {
      userId,
      predictedRating: clip(estimate.value),
      model: by.run.algorithm,
      modelRunId: by.run.id,
      nearest: Array.from(near.ids, (k) => this.viewOfKey(snap, keys, k)),
    };
  }

  /**
   * Catalog edits reach the content index at once: an edited film is re-indexed, a new one added
   * (in the model's in-memory overlay, TextSearch.upsert; `reconcile` redoes it for a model loaded
   * later).
   */
  async catalogChanged(movies: readonly MovieRecord[]): Promise<void> {
    await this.serially(async () => {
      const snap = this.ctx.snapshot();
      const served = snap.model(this.ctx.roles.content);
      if (served === undefined || !(served.model instanceof ContentModel)) return;
      await this.reindex(
        snap,
        served,
        movies.map((m) => m.movieId),
      );
    });
  }

  /**
   * Bring a content model just installed in line with the catalog: its artifact was trained before
   * any edit made since (and its overlay, in memory only, started empty), so films added since are
   * indexed, films whose document changed since (their fingerprint differs from the one trained,
   * ContentModel.documentFingerprints) re-indexed, and trained films the catalog no longer has
   * removed from the index. Searches keep running meanwhile, on the model as it is: one may miss an
   * edit for the moment the reconcile takes. An artifact without fingerprints (older than them)
   * gets only the films it does not know: re-indexing the whole catalog would put every film in the
   * overlay, which each query scores linearly.
   */
  async reconcile(served: ServedModel): Promise<Reconciled | null> {
    const model = served.model;
    if (!(model instanceof ContentModel) || served.run.algorithm !== this.ctx.roles.content) return null;
    return this.serially(async () => {
      const snap = this.ctx.snapshot();
      const withPrints = model.documentFingerprints() !== null;
      const ids: number[] = [];
      for (const movie of snap.catalog.movies()) {
        if (withPrints || served.items.index(movie.movieId) < 0) ids.push(movie.movieId);
      }
      let removed = 0;
      for (let item = 0; item < served.items.size; item++) {
        if (snap.catalog.has(served.items.rawId(item) as number)) continue;
        model.search.remove(item);
        removed++;
      }
      return { ...(await this.reindex(snap, served, ids)), removed };
    });
  }

  /**
   * (Re-)index the catalog movies `movieIds` whose document differs from what `served` holds (its
   * overlay's copy, else the trained one), under content-model keys; new films get new keys.
   */
  private async reindex(
    snap: Snapshot,
    served: ServedModel,
    movieIds: readonly number[],
  ): Promise<{ added: number; changed: number }> {
    const model = served.model as ContentModel;
    const trained = model.documentFingerprints();
    const keys = this.keys(snap, served);
    let overlaid = this.overlaid.get(served);
    if (overlaid === undefined) {
      overlaid = new Map();
      this.overlaid.set(served, overlaid);
    }
    let added = 0;
    let changed = 0;
    for (let k = 0; k < movieIds.length; k++) {
      // A whole-catalog pass takes ~9 µs a film (86 ms on ml-latest-small): let requests in between.
      if (k % YIELD_EVERY === YIELD_EVERY - 1) await new Promise((resolve) => setImmediate(resolve));
      const movieId = movieIds[k];
      const record = snap.catalog.get(movieId);
      if (record === undefined) continue;
      const movie = recordToMovie(record);
      const print = documentFingerprint(movie);
      const item = served.items.index(movieId);
      const held = overlaid.get(movieId) ?? (item >= 0 ? trained?.[item] : undefined);
      if (held === print) continue;
      const key = keys.byId.get(movieId) ?? this.addKey(served, movieId);
      keys.byId.set(movieId, key);
      keys.byKey.set(key, movieId);
      model.search.upsert(key, movieDocument(movie), await model.encodeMovie(movie));
      overlaid.set(movieId, print);
      if (item >= 0) changed++;
      else added++;
    }
    // Upserts past exactUpTo leave the index exact (a slower scan) until a rebuild makes it HNSW:
    // done on a worker, swapped in when ready. A failed rebuild leaves it exact; the next write retries.
    if (outgrown(model.search.index)) {
      model.search
        .rebuildIndex(rebuildOffThread)
        .catch((error: Error) => log.warn({ err: error }, 'vector index rebuild failed; it stays exact'));
    }
    return { added, changed };
  }

  /** Run index writes one at a time, in call order: a later edit never lands under an earlier one. */
  private serially<T>(write: () => Promise<T>): Promise<T> {
    const run = this.writes.then(write);
    this.writes = run.catch(() => undefined);
    return run;
  }

  /** The view of the catalog movie behind content-model key `key` (one `keys` lists). */
  private viewOfKey(snap: Snapshot, keys: ContentKeys, key: number): MovieView {
    const movie = snap.catalog.get(keys.byKey.get(key) as number) as MovieRecord;
    return movieView(snap, movie, this.ctx.roles.coldStart);
  }

  private content(snap: Snapshot): ServedModel {
    const served = this.answers.require(snap, this.ctx.roles.content, 'content model');
    if (!(served.model instanceof ContentModel)) {
      throw badRequest(`the content role's model '${served.run.algorithm}' does not index text`, {});
    }
    return served;
  }

  private addKey(served: ServedModel, movieId: number): number {
    let added = this.added.get(served);
    if (added === undefined) {
      added = new Map();
      this.added.set(served, added);
    }
    const key = served.model.nItems + added.size;
    added.set(movieId, key);
    return key;
  }

  /** Raw movie id ↔ content-model key for the movies of this catalog (trained ones and added ones). */
  private keys(snap: Snapshot, served: ServedModel): ContentKeys {
    const cached = this.keyCache.get(snap.catalog);
    if (cached?.served === served) return cached.keys;
    const byId = new Map<number, number>();
    const byKey = new Map<number, number>();
    const added = this.added.get(served);
    for (const movie of snap.catalog.movies()) {
      const key = served.items.index(movie.movieId);
      const k = key >= 0 ? key : added?.get(movie.movieId);
      if (k === undefined) continue;
      byId.set(movie.movieId, k);
      byKey.set(k, movie.movieId);
    }
    this.keyCache.set(snap.catalog, { served, keys: { byId, byKey } });
    return { byId, byKey };
  }

  /** The title matcher of this catalog, built once per catalog version. */
  private matcher(snap: Snapshot): TitleMatcher {
    let matcher = this.matchers.get(snap.catalog);
    if (matcher !== undefined) return matcher;
    const served = snap.model(this.ctx.roles.coldStart);
    const popularity = popularityOf(snap, this.ctx.roles.coldStart);
    matcher = new TitleMatcher(
      [...snap.catalog.movies()].map((m) => {
        const item = served?.items.index(m.movieId) ?? -1;
        return {
          key: m.movieId,
          title: m.title,
          year: m.year,
          popularity: item >= 0 ? (popularity?.counts[item] ?? 0) : 0,
        };
      }),
    );
    this.matchers.set(snap.catalog, matcher);
    return matcher;
  }
}
