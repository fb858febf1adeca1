import type { Movie } from '../data/dataset.js';
import type { Interactions } from '../data/interactions.js';
import { randomHoldout } from '../eval/split-helpers.js';
import { Rng } from '../math/random.js';
import { mean } from '../math/stats.js';
import { Vocabulary } from '../text/corpus.js';
import { FittedEncoder, type FittedEncoderState } from '../text/fitted-encoder.js';
import { checkAborted, Recommender, requireFinite } from './base.js';
import {
  addContentFeatures,
  encodePeople,
  encodeText,
  fitPeopleSpace,
  fitTextSpace,
  PEOPLE_SLOTS,
  type PeopleSpace,
  peopleSpaceOf,
  type TextSpace,
} from './neural-content.js';
import {
  encodeMovie,
  type FeatureSpace,
  fitFeatureSpace,
  genreWidth,
  type ItemFeatures,
  itemFeatures,
  NUMERIC_WIDTH,
} from './neural-features.js';
import { foldInUser } from './neural-foldin.js';
import { type Batch, HybridNet, type NetConfig } from './neural-net.js';
import { parallelEngine } from './neural-parallel.js';
import { neuralSchema } from './neural-schema.js';
import { type Rows, trainNet } from './neural-train.js';
import type { ModelEntry } from './registry.js';
import type {
  Estimate,
  FitOptions,
  FoldedUser,
  ModelState,
  NewUserRatings,
  ParamsOf,
  UserRef,
} from './types.js';

export type NeuralParams = ParamsOf<typeof neuralSchema>;

/** What a fit produces, held in locals until nothing can fail. */
interface NeuralFit {
  net: HybridNet;
  space: FeatureSpace;
  features: ItemFeatures;
  clamp: [number, number];
  /** 1 for items with training ratings (their embedding is learned), 0 for content-only items. */
  rated: Uint8Array;
  /** The optional inputs' encoders (textDims > 0, people). */
  text?: TextSpace;
  people?: PeopleSpace;
  bestEpoch: number;
  validationRmse: number;
}

/**
 * Neural hybrid rating model (`neural`): user and movie embeddings beside the movie's content
 * (genres, TMDB numbers), concatenated into an MLP; see HybridNet. Trained by mini-batch Adam on
 * MSE with dropout, decoupled weight decay and early stopping on a validation slice of the
 * training ratings. Movie-embedding dropout teaches it to predict from content alone, which
 * `predictContent` uses for films without ratings.
 */
export class NeuralModel extends Recommender<NeuralParams> {
  readonly name = 'neural';
  private current?: NeuralFit;
  private precomputed?: Float32Array;
  /** Epoch kept by early stopping and its validation RMSE, from the last fit. */
  lastFit?: { bestEpoch: number; validationRmse: number; epochSeconds: number[] };

  constructor(params: Partial<NeuralParams> = {}) {
    super(neuralSchema, 'neural', params);
  }

  async fit(train: Interactions, options: FitOptions = {}): Promise<this> {
    checkAborted(options.signal, this.name);
    if (train.size === 0) throw new Error('neural: cannot fit an empty matrix (no ratings)');
    const p = this.params;
    const rng = new Rng(p.seed);
    const space = fitFeatureSpace(train, options.movies, options.itemGenres);
    const features = itemFeatures(space, train.nItems, options.movies, options.itemGenres);
    const text = p.textDims > 0 ? fitTextSpace(options.movies, train.nItems, p.textDims, p.seed) : undefined;
    const people = p.people ? fitPeopleSpace(train, options.movies, p.peopleMinCount) : undefined;
    addContentFeatures(features, train.nItems, options.movies, text, people);
    const { fit, validation } = splitValidation(train, p.validationFraction, rng);
    const net = new HybridNet(this.netConfig(train, space, people), rng);
    const [lo, hi] = train.ratingRange();
    net.mu = mean(fit.ratings);
    const clamp: [number, number] = [lo, hi];
    const engine = p.threads === 1 ? undefined : await parallelEngine(net, features, p.threads, p.batchSize);
    let result: Awaited<ReturnType<typeof trainNet>>;
    try {
      result = await trainNet(net, features, fit, validation, {
        epochs: p.epochs,
        batchSize: p.batchSize,
        lr: p.lr,
        weightDecay: p.weightDecay,
        reg: p.reg,
        regBias: p.regBias,
        movieDropout: p.movieDropout,
        patience: p.patience,
        seed: p.seed + 1,
        clamp,
        signal: options.signal,
        engine,
        onEpoch: (epoch, epochs) => options.onProgress?.(epoch, epochs, 'neural epoch'),
      });
    } finally {
      await engine?.close?.();
    }
    checkAborted(options.signal, this.name);
    const params = Object.fromEntries(net.allParams().map((q) => [q.name, q.value]));
    requireFinite(this.name, params, 'lower lr or raise weightDecay');
    const counts = train.itemCounts();
    const rated = Uint8Array.from(counts, (c) => (c > 0 ? 1 : 0));
    this.commit(
      {
        net,
        space,
        features,
        clamp,
        rated,
        text,
        people,
        bestEpoch: result.bestEpoch,
        validationRmse: result.bestRmse,
      },
      train,
    );
    this.lastFit = {
      bestEpoch: result.bestEpoch,
      validationRmse: result.bestRmse,
      epochSeconds: result.history.map((h) => h.seconds),
    };
    return this;
  }

  private netConfig(train: Interactions, space: FeatureSpace, people: PeopleSpace | undefined): NetConfig {
    const p = this.params;
    return {
      nUsers: train.nUsers,
      nItems: train.nItems,
      genreWidth: genreWidth(space),
      userDim: p.userDim,
      itemDim: p.itemDim,
      genreDim: p.genreDim,
      numericDim: p.numericDim,
      hidden: [p.layer1, p.layer2].filter((w) => w > 0),
      dropout: p.dropout,
      dot: p.dot,
      textWidth: p.textDims,
      textDim: p.textHidden,
      // Row 0 is "unknown person", so a vocabulary of none still has a row for everyone.
      peopleRows: people === undefined ? 0 : people.names.length + 1,
      peopleDim: p.peopleDim,
    };
  }

  private commit(fit: NeuralFit, train: Interactions): void {
    fit.net.reserve(1);
    this.current = fit;
    this.precomputed = undefined;
    this.train = train;
  }

  private requireFit(): NeuralFit {
    this.requireTrain();
    return this.current as NeuralFit;
  }

  /** The user's vector and bias: a trained user's rows, or a folded-in user's state. */
  private userState(user: UserRef): { vector: Float32Array; bias: number } {
    const { net } = this.requireFit();
    if (typeof user !== 'number')
      return { vector: user.state.vector as Float32Array, bias: user.state.bias as number };
    const d = net.config.userDim;
    return {
      vector: net.userEmb.table.value.subarray(user * d, (user + 1) * d),
      bias: net.userBias.table.value[user],
    };
  }

  /** One-sample batch of `user` with a movie given by its feature rows. */
  private predictOne(user: UserRef, item: number, keep: number, content: ContentRows): number {
    const { net, clamp } = this.requireFit();
    const { vector, bias } = this.userState(user);
    const batch: Batch = {
      size: 1,
      users: Int32Array.of(0),
      items: Int32Array.of(item),
      keep: Float32Array.of(keep),
      ...content,
      userVectors: vector,
      userBiases: Float32Array.of(bias),
    };
    const pred = new Float32Array(1);
    net.forward(batch, pred, null);
    return Math.min(clamp[1], Math.max(clamp[0], pred[0]));
  }

  protected estimate(user: UserRef, item: number): Estimate {
    const { features, rated } = this.requireFit();
    const g = features.genreWidth;
    const t = features.textWidth ?? 0;
    const value = this.predictOne(user, item, rated[item], {
      genres: features.genres.subarray(item * g, (item + 1) * g),
      numeric: features.numeric.subarray(item * NUMERIC_WIDTH, (item + 1) * NUMERIC_WIDTH),
      text: features.text?.subarray(item * t, (item + 1) * t),
      people: features.people?.subarray(item * PEOPLE_SLOTS, (item + 1) * PEOPLE_SLOTS),
    });
    return { ok: true, value };
  }

  /**
   * Predicted rating of a film that need not be in the catalog, from its content alone (genres,
   * TMDB vote average and count, popularity, year, runtime, and with those options its text and
   * director/cast, encoded by the encoders fitted in training; missing fields are allowed): the
   * movie-embedding path is switched off, as in training's movie-embedding dropout. `user` is a
   * trained user's index or a user folded in by this model.
   */
  predictContent(user: UserRef, movie: Movie): Estimate {
    const { space, net, text, people } = this.requireFit();
    if (typeof movie !== 'object' || movie === null || !Array.isArray(movie.genres)) {
      throw new Error('neural.predictContent: movie must be an object with a genres array');
    }
    checkTextFields(movie);
    if (typeof user === 'number') {
      if (!Number.isInteger(user) || user < 0 || user >= net.config.nUsers)
        return { ok: false, reason: `neural: unknown user ${user}` };
    } else if (user?.model !== this.name) {
      return {
        ok: false,
        reason: `neural: the user was folded in by model '${user?.model}', not by 'neural'`,
      };
    }
    const genres = new Float32Array(genreWidth(space));
    const numeric = new Float32Array(NUMERIC_WIDTH);
    encodeMovie(space, movie.genres, movie, genres, numeric);
    const content: ContentRows = { genres, numeric };
    if (text !== undefined) {
      content.text = new Float32Array(text.width);
      encodeText(text, movie, content.text);
    }
    if (people !== undefined) {
      content.people = new Int32Array(PEOPLE_SLOTS);
      encodePeople(people, movie, content.people);
    }
    const value = this.predictOne(user, 0, 0, content);
    if (!Number.isFinite(value))
      return { ok: false, reason: `neural: the content estimate is not finite (${value})` };
    return { ok: true, value };
  }

  protected scoreInto(user: UserRef, out: Float32Array): boolean {
    const { net, features, rated } = this.requireFit();
    this.precomputed ??= net.itemPrecompute(features, rated);
    const { vector, bias } = this.userState(user);
    net.scoreItems(vector, bias, this.precomputed, rated, out);
    return true;
  }

  protected foldInImpl(ratings: NewUserRatings): Omit<FoldedUser, 'model'> {
    const { net, features, rated } = this.requireFit();
    const { vector, bias } = foldInUser(net, features, rated, ratings.items, ratings.ratings, {
      steps: this.params.foldInSteps,
      lr: this.params.foldInLr,
      reg: this.params.foldInReg,
    });
    return { seen: Int32Array.from(ratings.items), state: { vector, bias } };
  }

  state(): ModelState {
    const fit = this.requireFit();
    const arrays: ModelState['arrays'] = {};
    for (const q of fit.net.allParams()) arrays[q.name] = q.value;
    arrays['features.genres'] = fit.features.genres;
    arrays['features.numeric'] = fit.features.numeric;
    arrays['space.mean'] = fit.space.mean;
    arrays['space.std'] = fit.space.std;
    arrays.rated = fit.rated;
    if (fit.features.text !== undefined) arrays['features.text'] = fit.features.text;
    if (fit.features.people !== undefined) arrays['features.people'] = fit.features.people;
    if (fit.text !== undefined) {
      arrays['text.idf'] = fit.text.encoder.state.idf;
      arrays['text.lsa'] = fit.text.encoder.state.lsa;
    }
    return {
      params: { ...this.params },
      meta: {
        config: fit.net.config,
        mu: fit.net.mu,
        clamp: fit.clamp,
        genres: fit.space.genres,
        bestEpoch: fit.bestEpoch,
        validationRmse: Number.isFinite(fit.validationRmse) ? fit.validationRmse : null,
        ...(fit.text === undefined
          ? {}
          : {
              text: {
                terms: fit.text.vocab.terms,
                lsaDims: fit.text.encoder.state.lsaDims,
                encoder: fit.text.encoder.state.params,
              },
            }),
        ...(fit.people === undefined ? {} : { people: fit.people.names }),
      },
      arrays,
    };
  }

  restore(state: ModelState, train: Interactions): void {
    const meta = state.meta as {
      config: NetConfig;
      mu: number;
      clamp: [number, number];
      genres: string[];
      bestEpoch: number;
      validationRmse: number | null;
      text?: { terms: string[]; lsaDims: number; encoder: FittedEncoderState['params'] };
      people?: string[];
    };
    if (meta.config.nUsers !== train.nUsers || meta.config.nItems !== train.nItems) {
      throw new Error(
        `neural.restore: the state has ${meta.config.nUsers} users × ${meta.config.nItems} items, the training data ${train.nUsers} × ${train.nItems}`,
      );
    }
    const net = new HybridNet(meta.config, new Rng(1));
    net.mu = meta.mu;
    for (const q of net.allParams()) {
      const values = state.arrays[q.name];
      if (!(values instanceof Float32Array) || values.length !== q.value.length)
        throw new Error(`neural.restore: array '${q.name}' is missing or has the wrong size`);
      q.value.set(values);
    }
    const space: FeatureSpace = {
      genres: meta.genres,
      mean: Float64Array.from(state.arrays['space.mean']),
      std: Float64Array.from(state.arrays['space.std']),
    };
    const features: ItemFeatures = {
      genres: Float32Array.from(state.arrays['features.genres']),
      numeric: Float32Array.from(state.arrays['features.numeric']),
      genreWidth: meta.config.genreWidth,
    };
    const text = restoreText(meta.text, meta.config, state.arrays);
    if (text !== undefined) {
      features.textWidth = text.width;
      features.text = Float32Array.from(
        requireArray(state.arrays, 'features.text', net.config.nItems * text.width),
      );
    }
    let people: PeopleSpace | undefined;
    if ((meta.config.peopleRows ?? 0) > 0) {
      if (!Array.isArray(meta.people) || meta.people.length + 1 !== meta.config.peopleRows)
        throw new Error('neural.restore: the people vocabulary is missing or does not match the net');
      people = peopleSpaceOf(meta.people.map(String));
      features.people = Int32Array.from(
        requireArray(state.arrays, 'features.people', net.config.nItems * PEOPLE_SLOTS),
      );
    }
    this.commit(
      {
        net,
        space,
        features,
        clamp: meta.clamp,
        rated: Uint8Array.from(state.arrays.rated),
        text,
        people,
        bestEpoch: meta.bestEpoch,
        validationRmse: meta.validationRmse ?? Number.NaN,
      },
      train,
    );
  }
}

/** The text and people fields the optional inputs read: strings and string arrays, or absent. */
function checkTextFields(movie: Movie): void {
  const m = movie as unknown as Record<string, unknown>;
  for (const field of ['title', 'overview', 'tagline', 'director']) {
    if (m[field] !== undefined && m[field] !== null && typeof m[field] !== 'string')
      throw new Error(`neural.predictContent: movie.${field} must be a string`);
  }
  for (const field of ['cast', 'keywords', 'tags']) {
    const v = m[field];
    if (v !== undefined && v !== null && !(Array.isArray(v) && v.every((x) => typeof x === 'string')))
      throw new Error(`neural.predictContent: movie.${field} must be an array of strings`);
  }
}

/** A movie's content rows for a one-sample batch. */
type ContentRows = Pick<Batch, 'genres' | 'numeric' | 'text' | 'people'>;

function requireArray(
  arrays: ModelState['arrays'],
  name: string,
  length: number,
): ModelState['arrays'][string] {
  const values = arrays[name];
  if (values === undefined || values.length !== length)
    throw new Error(`neural.restore: array '${name}' is missing or has the wrong size`);
  return values;
}

/** The text encoder a state saved (meta.text + text.idf/text.lsa), or undefined when the net has no text path. */
function restoreText(
  meta: { terms: string[]; lsaDims: number; encoder: FittedEncoderState['params'] } | undefined,
  config: NetConfig,
  arrays: ModelState['arrays'],
): TextSpace | undefined {
  const width = config.textWidth ?? 0;
  if (width === 0) return undefined;
  if (meta === undefined || !Array.isArray(meta.terms))
    throw new Error('neural.restore: the net has a text path but the state no text encoder');
  const nTerms = meta.terms.length;
  const lsaDims = Number(meta.lsaDims);
  const encoder = new FittedEncoder({
    params: meta.encoder,
    idf: Float32Array.from(requireArray(arrays, 'text.idf', nTerms)),
    lsa: Float32Array.from(requireArray(arrays, 'text.lsa', nTerms * lsaDims)),
    lsaDims,
    termCf: new Float32Array(0),
    cfDims: 0,
  });
  return { encoder, vocab: new Vocabulary(meta.terms.map(String)), width };
}

/**
 * A seeded random share of the ratings held out for early stopping. Never all of them: a matrix
 * too small to spare any trains on everything.
 */
export function splitValidation(
  train: Interactions,
  fraction: number,
  rng: Rng,
): { fit: Rows; validation: Rows } {
  const { held, kept } = randomHoldout(train, fraction, rng, (x) => Math.min(train.size - 1, Math.floor(x)));
  const pick = (idx: Int32Array): Rows => ({
    users: Int32Array.from(idx, (k) => train.users[k]),
    items: Int32Array.from(idx, (k) => train.items[k]),
    ratings: Float32Array.from(idx, (k) => train.ratings[k]),
  });
  return { validation: pick(held), fit: pick(kept) };
}

export const neuralEntry: ModelEntry = {
  name: 'neural',
  description:
    'neural hybrid: user/movie embeddings + genre and TMDB-number MLPs → MLP → rating; predicts unrated films from content',
  kind: 'rating',
  schema: neuralSchema,
  create: (params) => new NeuralModel(params as Partial<NeuralParams>),
};
