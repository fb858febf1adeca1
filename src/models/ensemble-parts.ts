/**
 * A model made of other models (the ensemble's members, the hybrid's two sides) keeps each
 * part's state under a prefix: arrays as `<part>/<array>`, params and meta under
 * `meta.parts[<part>]`, folded-in user state as `<part>/<key>`. One artifact then holds them all.
 */
import type { Interactions } from '../data/interactions.js';
import type { Recommender } from './base.js';
import type { FoldedUser, ModelState, NewUserRatings, UserRef } from './types.js';

/** A part's name in the nested state, and the model. */
export type Part = readonly [prefix: string, model: Recommender];

export type PartHeaders = Record<string, { params: Record<string, unknown>; meta: Record<string, unknown> }>;

/** `values` with every key written `<prefix>/<key>`, added to `into` (returned). */
export function withPrefix<V>(
  prefix: string,
  values: Record<string, V>,
  into: Record<string, V> = {},
): Record<string, V> {
  for (const [key, value] of Object.entries(values)) into[`${prefix}/${key}`] = value;
  return into;
}

/** The entries of `values` filed under `<prefix>/`, with the prefix taken off. */
export function underPrefix<V>(prefix: string, values: Record<string, V>): Record<string, V> {
  const out: Record<string, V> = {};
  const head = `${prefix}/`;
  for (const [key, value] of Object.entries(values))
    if (key.startsWith(head)) out[key.slice(head.length)] = value;
  return out;
}

/** Every part's state, arrays prefixed; `headers` goes into the composite's meta as `parts`. */
export function nestStates(parts: readonly Part[]): { headers: PartHeaders; arrays: ModelState['arrays'] } {
  const headers: PartHeaders = {};
  const arrays: ModelState['arrays'] = {};
  for (const [prefix, model] of parts) {
    const s = model.state();
    headers[prefix] = { params: s.params, meta: s.meta };
    withPrefix(prefix, s.arrays, arrays);
  }
  return { headers, arrays };
}

/** The saved params of one part (to construct it before `restorePart`); throws when missing. */
export function partParams(
  owner: string,
  headers: PartHeaders | undefined,
  prefix: string,
): Record<string, unknown> {
  const saved = headers?.[prefix];
  if (saved === undefined)
    throw new Error(`${owner}.restore: the artifact has no state for part '${prefix}'`);
  return saved.params;
}

/** Restores `model` from the part `prefix` of a nested state. */
export function restorePart<T extends Recommender>(
  owner: string,
  model: T,
  prefix: string,
  headers: PartHeaders | undefined,
  state: ModelState,
  train: Interactions,
): T {
  const params = partParams(owner, headers, prefix);
  const arrays = underPrefix(prefix, state.arrays);
  model.restore({ params, meta: headers?.[prefix]?.meta ?? {}, arrays }, train);
  return model;
}

/** Every part folds the user in; their states side by side under `<part>/<key>`. */
export function foldInParts(parts: readonly Part[], ratings: NewUserRatings): FoldedUser['state'] {
  const state: FoldedUser['state'] = {};
  for (const [prefix, model] of parts) withPrefix(prefix, model.foldIn(ratings).state, state);
  return state;
}

/** A trained user as is; a composite's folded-in user as the folded user of one part. */
export function partUser(user: UserRef, prefix: string, model: Recommender): UserRef {
  if (typeof user === 'number') return user;
  return { model: model.name, seen: user.seen, state: underPrefix(prefix, user.state) };
}
