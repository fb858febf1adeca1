import type { Movie } from '../data/dataset.js';
import type { Interactions } from '../data/interactions.js';

/** An estimate, or an explicit "cannot score" with the reason; callers decide the fallback. */
export type Estimate = { ok: true; value: number } | { ok: false; reason: string };

/** A ranked list over dense item indices, best first. */
export interface Ranked {
  ids: Int32Array;
  scores: Float32Array;
}

export interface RecommendOptions {
  /** How many items per user (default 10). */
  n?: number;
  /** Drop items the user interacted with in training (default true). */
  filterSeen?: boolean;
  /** Never return these items. */
  exclude?: Int32Array;
  /** Rank only these items. Conflicts with `exclude`. */
  only?: Int32Array;
}

export interface FitOptions {
  /** Called as work advances: `done` of `total` units, with a short label. */
  onProgress?: (done: number, total: number, label: string) => void;
  /**
   * Aborts a long fit: the fit throws an AbortError (message "… fit cancelled"). Like any failed
   * fit, it leaves the model exactly as it was before the call: its previous fit intact, or
   * unfitted if it had none.
   */
  signal?: AbortSignal;
  /**
   * Genre names of each item, indexed by dense item index (`itemGenres[i]` lists item i's genres,
   * e.g. `Dataset.movies[i].genres`). Optional side information; models that rank per genre keep it.
   */
  itemGenres?: string[][];
  /**
   * The catalog entry of each item, indexed like `itemGenres` (`Dataset.movies`). Optional side
   * information: content models read its text; the others ignore it.
   */
  movies?: readonly Movie[];
}

/**
 * A user who was not in training, described by the items they rated (dense indices) and their
 * ratings. `foldIn` turns it into model state that scores like a trained user.
 */
export interface NewUserRatings {
  items: Int32Array;
  ratings: Float32Array;
}

/**
 * Model state for a folded-in user. Opaque to callers; `seen` drives `filterSeen`. Only the
 * model named `model` scores it (others answer "cannot score" or throw).
 */
export interface FoldedUser {
  /** Name of the model whose `foldIn` made this user. */
  readonly model: string;
  readonly seen: Int32Array;
  readonly state: Record<string, number | Float32Array | Float64Array>;
}

/** Named typed arrays plus a JSON-able header: what a model writes to its artifact. */
export interface ModelState {
  params: Record<string, unknown>;
  meta: Record<string, unknown>;
  arrays: Record<string, Float32Array | Float64Array | Int32Array | Uint8Array>;
}

/** Who asks for recommendations: a trained user's dense index, or a folded-in user. */
export type UserRef = number | FoldedUser;

/** Hyper-parameter description shared by every model's schema. */
export interface ParamSpec {
  type: 'int' | 'float' | 'bool' | 'enum';
  default: number | boolean | string;
  min?: number;
  max?: number;
  values?: readonly string[];
  description: string;
}
export type ParamSchema = Record<string, ParamSpec>;

/** The value type of one parameter: its enum's `values` (declared `as const`), else string. */
type ParamValue<S extends ParamSpec> = S['type'] extends 'bool'
  ? boolean
  : S['type'] extends 'enum'
    ? S extends { values: readonly (infer V extends string)[] }
      ? V
      : string
    : number;

/**
 * The resolved parameters of a schema written `{ … } satisfies ParamSchema`: int and float give
 * number, bool boolean, enum the union of its `values` when they are declared `as const`.
 */
export type ParamsOf<S extends ParamSchema> = { -readonly [K in keyof S]: ParamValue<S[K]> };

export type { Interactions };
