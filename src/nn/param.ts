import type { Rng } from '../math/random.js';

/**
 * One trainable tensor: its values and the gradient accumulated into it, both flat Float32Arrays
 * of the same length. `decay` says whether the optimiser's weight decay applies (weights yes,
 * biases no, as in AdamW's usual parameter groups).
 */
export interface Param {
  readonly name: string;
  /** Replaceable so data-parallel training can move the values onto shared memory. */
  value: Float32Array;
  grad: Float32Array;
  readonly decay: boolean;
}

export function param(name: string, size: number, decay: boolean): Param {
  return { name, value: new Float32Array(size), grad: new Float32Array(size), decay };
}

/**
 * He (Kaiming) uniform init for a layer feeding a ReLU: U(−√(6/fanIn), √(6/fanIn)) keeps the
 * activations' variance roughly constant through the stack.
 */
export function heUniform(out: Float32Array, fanIn: number, rng: Rng): void {
  const bound = Math.sqrt(6 / Math.max(1, fanIn));
  for (let k = 0; k < out.length; k++) out[k] = (2 * rng.next() - 1) * bound;
}

/** N(0, std²) init, as embedding tables usually start. */
export function normalInit(out: Float32Array, std: number, rng: Rng): void {
  for (let k = 0; k < out.length; k++) out[k] = std * rng.normal();
}
