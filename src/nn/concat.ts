/** One block of a row-wise concatenation: `dim` columns per row of `data` (batch × dim). */
export interface Block {
  data: Float32Array;
  dim: number;
}

/** out[b] = [blocks[0][b], blocks[1][b], …]: rows of Σdim columns. */
export function concatForward(blocks: readonly Block[], batch: number, out: Float32Array): void {
  const width = totalDim(blocks);
  let offset = 0;
  for (const { data, dim } of blocks) {
    writeColumns(data, dim, batch, out, width, offset);
    offset += dim;
  }
}

/** The gradient of each block: its columns of dOut, written into the block's `data`. */
export function concatBackward(dOut: Float32Array, batch: number, grads: readonly Block[]): void {
  const width = totalDim(grads);
  let offset = 0;
  for (const { data, dim } of grads) {
    readColumns(dOut, width, offset, batch, data, dim);
    offset += dim;
  }
}

/**
 * One block's forward: the n rows of `src` (dim columns) into columns offset..offset+dim of `out`
 * (rows of `stride`). For a net whose other blocks (embeddings) write into `out` themselves.
 */
export function writeColumns(
  src: Float32Array,
  dim: number,
  n: number,
  out: Float32Array,
  stride: number,
  offset: number,
): void {
  for (let b = 0; b < n; b++) {
    const s = b * dim;
    const d = b * stride + offset;
    for (let c = 0; c < dim; c++) out[d + c] = src[s + c];
  }
}

/** One block's backward: columns offset..offset+dim of the n rows of `src` (rows of `stride`) into `out`. */
export function readColumns(
  src: Float32Array,
  stride: number,
  offset: number,
  n: number,
  out: Float32Array,
  dim: number,
): void {
  for (let b = 0; b < n; b++) {
    const s = b * stride + offset;
    const d = b * dim;
    for (let c = 0; c < dim; c++) out[d + c] = src[s + c];
  }
}

export function totalDim(blocks: readonly Block[]): number {
  let width = 0;
  for (const block of blocks) width += block.dim;
  return width;
}
