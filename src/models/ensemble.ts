import type { Interactions } from '../data/interactions.js';
import { rmse } from '../eval/metrics.js';
import { randomHoldout } from '../eval/split-helpers.js';
import { Rng } from '../math/random.js';
import { checkAborted, Recommender } from './base.js';
import { Baseline } from './baseline.js';
import { type Blend, ridgeBlend } from './ensemble-blend.js';
import {
  foldInParts,
  nestStates,
  type Part,
  type PartHeaders,
  partParams,
  partUser,
  restorePart,
} from './ensemble-parts.js';
import { createModel, type ModelEntry, modelEntry, modelNames } from './registry.js';
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
  useBaseline: { type: 'bool', default: true, description: 'blend the baseline (biases) model' },
  useItemknn: { type: 'bool', default: true, description: 'blend itemknn' },
  useSvd: { type: 'bool', default: true, description: 'blend svd' },
  useSvdpp: { type: 'bool', default: true, description: 'blend svdpp' },
  useContent: {
    type: 'bool',
    default: true,
    description: 'blend content (text neighbours: the most diverse member; reads FitOptions.movies)',
  },
  useNeural: {
    type: 'bool',
    default: true,
    description: "blend 'neural' when a rating model of that name is registered (skipped otherwise)",
  },
  validFraction: {
    type: 'float',
    default: 0.15,
    min: 0.05,
    max: 0.5,
    description: 'share of training ratings held out (seeded, at random) to fit the blend weights on',
  },
  ridge: {
    type: 'float',
    default: 0.001,
    min: 0,
    max: 100,
    description: 'ridge penalty on the blend weights, per validation rating',
  },
  nonNegative: {
    type: 'bool',
    default: true,
    description: 'constrain blend weights to ≥ 0 (stacking as in Breiman 1996; avoids opposite-signed pairs)',
  },
  seed: { type: 'int', default: 42, description: 'seed of the validation slice' },
} satisfies ParamSchema;

export type EnsembleParams = ParamsOf<typeof schema>;

/** The member each flag switches on, in blend order. */
const MEMBERS = [
  ['useBaseline', 'baseline'],
  ['useItemknn', 'itemknn'],
  ['useSvd', 'svd'],
  ['useSvdpp', 'svdpp'],
  ['useContent', 'content'],
  ['useNeural', 'neural'],
] as const;

/** Array-name prefix of the fallback baseline's state (members use their own names). */
const FALLBACK = 'fallback';

/** What `blendReport` adds to the weights: how the blend did on its validation slice. */
interface BlendDiagnostics {
  /** Share of validation pairs each member could not score (the fallback's estimate stood in). */
  fallbackRate: number[];
  validPairs: number;
  /** Validation RMSE of each member (with its fallback), and of the blend fitted on that same slice. */
  memberRmse: number[];
  blendRmse: number;
}

interface Fitted {
  members: Recommender[];
  fallback: Baseline;
  blend: Blend;
  report: BlendDiagnostics;
  /** The training rating range estimates are clipped to. */
  lo: number;
  hi: number;
}

/** The ensemble's header in the artifact (members' own states are nested beside it). */
interface SavedMeta {
  members: string[];
  parts: PartHeaders;
  weights: number[];
  intercept: number;
  lo: number;
  hi: number;
  report: BlendDiagnostics;
}

/**
 * A learned linear blend of rating models for RMSE (the Netflix Prize recipe, Töscher, Jahrer &
 * Bell 2009 in its simplest form): members fitted on training minus a seeded random validation
 * slice predict that slice; blend weights and an intercept come from ridge least squares on those
 * predictions; then every member is refitted on the full training data. A pair a member cannot
 * score gets a baseline model's estimate in that member's place, at fit and at predict time alike
 * (`blendReport().fallbackRate` says how often that happened on validation).
 */
export class Ensemble extends Recommender<EnsembleParams> {
  readonly name = 'ensemble';
  private fitted_?: Fitted;

  constructor(params: Partial<EnsembleParams> = {}) {
    super(schema, 'ensemble', params);
  }

  /** Member names the current params select, given what is registered now. */
  memberNames(): string[] {
    const registered = new Set(modelNames());
    const names: string[] = [];
    for (const [flag, name] of MEMBERS) {
      if (!this.params[flag]) continue;
      if (name === 'neural' && !(registered.has(name) && modelEntry(name).kind === 'rating')) continue;
      names.push(name);
    }
    if (names.length === 0) throw new Error('ensemble: no member selected; switch on at least one use* flag');
    return names;
  }

  async fit(train: Interactions, options: FitOptions = {}): Promise<this> {
    checkAborted(options.signal, this.name);
    if (train.size === 0) throw new Error('ensemble: cannot fit on an empty matrix (no ratings)');
    const names = this.memberNames();
    const total = 2 * (names.length + 1);
    let done = 0;
    const memberOptions: FitOptions = {
      signal: options.signal,
      itemGenres: options.itemGenres,
      movies: options.movies,
    };
    const fitAll = async (data: Interactions, stage: string): Promise<[Recommender[], Baseline]> => {
      const fallback = await new Baseline().fit(data, memberOptions);
      options.onProgress?.(++done, total, `ensemble: fallback baseline (${stage})`);
      const members: Recommender[] = [];
      for (const name of names) {
        checkAborted(options.signal, this.name);
        members.push(await createModel(name).fit(data, memberOptions));
        options.onProgress?.(++done, total, `ensemble: ${name} (${stage})`);
      }
      return [members, fallback];
    };

    const { fitPart, validPart } = carveValidation(train, this.params.validFraction, this.params.seed);
    const [early, earlyFallback] = await fitAll(fitPart, 'on training minus validation');
    const m = names.length;
    const n = validPart.size;
    const x = new Float64Array(n * m);
    const fallbackCount = new Float64Array(m);
    for (let k = 0; k < n; k++) {
      const u = validPart.users[k];
      const i = validPart.items[k];
      for (let j = 0; j < m; j++) {
        const e = early[j].predict(u, i);
        if (!e.ok) fallbackCount[j]++;
        x[k * m + j] = e.ok ? e.value : fallbackValueOf(earlyFallback.predict(u, i));
      }
    }
    // Too few validation pairs to fit m + 1 numbers: an even average is the honest fallback.
    const blend =
      n >= 2 * (m + 1)
        ? ridgeBlend(x, Float64Array.from(validPart.ratings), m, this.params.ridge, this.params.nonNegative)
        : { weights: new Float64Array(m).fill(1 / m), intercept: 0 };
    const { memberRmse, blendRmse } = validationRmse(x, validPart.ratings, m, blend);
    checkAborted(options.signal, this.name);
    const [members, fallback] = await fitAll(train, 'on full training');
    const [lo, hi] = train.ratingRange();
    this.fitted_ = {
      members,
      fallback,
      blend,
      report: {
        fallbackRate: Array.from(fallbackCount, (c) => (n > 0 ? c / n : 0)),
        validPairs: n,
        memberRmse,
        blendRmse,
      },
      lo,
      hi,
    };
    this.train = train;
    return this;
  }

  /**
   * Members, their weights and intercept, how often each fell back on validation, and validation
   * RMSEs (the blend's is in-sample: its weights were fitted on that slice).
   */
  blendReport(): { members: string[]; weights: number[]; intercept: number } & BlendDiagnostics {
    const f = this.requireFitted();
    return {
      members: f.members.map((model) => model.name),
      weights: Array.from(f.blend.weights),
      intercept: f.blend.intercept,
      ...f.report,
    };
  }

  /** Clipped to the training rating range, like the matrix-factorisation models' estimates. */
  protected estimate(user: UserRef, item: number): Estimate {
    const f = this.requireFitted();
    let fallbackValue = Number.NaN;
    let value = f.blend.intercept;
    for (let j = 0; j < f.members.length; j++) {
      const member = f.members[j];
      const e = member.predict(partUser(user, member.name, member), item);
      if (e.ok) value += f.blend.weights[j] * e.value;
      else {
        if (Number.isNaN(fallbackValue))
          fallbackValue = fallbackValueOf(f.fallback.predict(partUser(user, FALLBACK, f.fallback), item));
        value += f.blend.weights[j] * fallbackValue;
      }
    }
    return { ok: true, value: Math.min(f.hi, Math.max(f.lo, value)) };
  }

  /**
   * The blend `estimate` makes, for every item and unclipped (clipping would tie the top items):
   * the weights were fitted on the members' rating estimates, so it blends those (`predictAll`),
   * never a member's ranking scores on another scale.
   */
  protected scoreInto(user: UserRef, out: Float32Array): boolean {
    const f = this.requireFitted();
    const fallback = f.fallback.predictAll(partUser(user, FALLBACK, f.fallback));
    if (fallback === null) return false;
    const sum = new Float64Array(out.length).fill(f.blend.intercept);
    for (let j = 0; j < f.members.length; j++) {
      const member = f.members[j];
      const w = f.blend.weights[j];
      const s = member.predictAll(partUser(user, member.name, member)) ?? fallback;
      for (let i = 0; i < out.length; i++) sum[i] += w * (Number.isFinite(s[i]) ? s[i] : fallback[i]);
    }
    for (let i = 0; i < out.length; i++) out[i] = sum[i];
    return true;
  }

  protected foldInImpl(ratings: NewUserRatings): Omit<FoldedUser, 'model'> {
    return { seen: ratings.items, state: foldInParts(partsOf(this.requireFitted()), ratings) };
  }

  state(): ModelState {
    const f = this.requireFitted();
    const { headers, arrays } = nestStates(partsOf(f));
    const meta: SavedMeta = {
      members: f.members.map((m) => m.name),
      parts: headers,
      weights: Array.from(f.blend.weights),
      intercept: f.blend.intercept,
      lo: f.lo,
      hi: f.hi,
      report: f.report,
    };
    return { params: { ...this.params }, meta: { ...meta }, arrays };
  }

  restore(state: ModelState, train: Interactions): void {
    const meta = state.meta as unknown as SavedMeta;
    if (
      !Array.isArray(meta.members) ||
      !Array.isArray(meta.weights) ||
      meta.weights.length !== meta.members.length
    ) {
      throw new Error('ensemble.restore: the artifact needs one weight per member');
    }
    const members = meta.members.map((name) =>
      restorePart(
        'ensemble',
        createModel(name, partParams('ensemble', meta.parts, name)),
        name,
        meta.parts,
        state,
        train,
      ),
    );
    const fallback = new Baseline(partParams('ensemble', meta.parts, FALLBACK));
    restorePart('ensemble', fallback, FALLBACK, meta.parts, state, train);
    this.fitted_ = {
      members,
      fallback,
      blend: { weights: Float64Array.from(meta.weights), intercept: meta.intercept },
      report: meta.report,
      lo: meta.lo,
      hi: meta.hi,
    };
    this.train = train;
  }

  private requireFitted(): Fitted {
    this.requireTrain();
    return this.fitted_!;
  }
}

/** RMSE of each column of x against y, and of the (unclipped) blend, NaN on an empty slice. */
function validationRmse(
  x: Float64Array,
  y: Float32Array,
  m: number,
  blend: Blend,
): { memberRmse: number[]; blendRmse: number } {
  const n = y.length;
  const column = new Float64Array(n);
  const blended = new Float64Array(n).fill(blend.intercept);
  const memberRmse: number[] = [];
  for (let j = 0; j < m; j++) {
    for (let k = 0; k < n; k++) {
      column[k] = x[k * m + j];
      blended[k] += blend.weights[j] * column[k];
    }
    memberRmse.push(rmse(column, y));
  }
  return { memberRmse, blendRmse: rmse(blended, y) };
}

/** The fallback first (its prefix is fixed), then the members under their names. */
function partsOf(f: Fitted): Part[] {
  return [[FALLBACK, f.fallback], ...f.members.map((m): Part => [m.name, m])];
}

function fallbackValueOf(e: Estimate): number {
  if (!e.ok) throw new Error(`ensemble: the fallback baseline cannot score: ${e.reason}`);
  return e.value;
}

/** A seeded random `fraction` of the ratings as validation, the rest to fit on (same user/item indices). */
export function carveValidation(
  train: Interactions,
  fraction: number,
  seed: number,
): { fitPart: Interactions; validPart: Interactions } {
  const { held, kept } = randomHoldout(train, fraction, new Rng(seed), Math.round);
  return { fitPart: train.subset(kept.slice().sort()), validPart: train.subset(held.slice().sort()) };
}

export const ensembleEntry: ModelEntry = {
  name: 'ensemble',
  description:
    'non-negative ridge blend of rating models (baseline, itemknn, svd, svdpp, content; neural if registered)',
  kind: 'rating',
  schema,
  create: (params) => new Ensemble(params as Partial<EnsembleParams>),
};
