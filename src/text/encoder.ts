/** Turns texts into unit-length embedding rows. */
export interface TextEncoder {
  /** e.g. "transformer:all-MiniLM-L6-v2" */
  readonly name: string;
  readonly dim: number;
  /** n texts → n×dim row-major Float32Array, each row L2-normalised (an all-zero row for an empty text). */
  encode(texts: readonly string[]): Promise<Float32Array>;
  close?(): Promise<void>;
}
