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
    for (let b = 0; b < batch; b++) {
      const dst = b * width + offset;
      const src = b * dim;
      for (let c = 0; c < dim; c++) out[dst + c] = data[src + c];
    }
    offset += dim;
  }
}

/** The gradient of each block: its columns of dOut, written into the block's `data`. */
export function concatBackward(dOut: Float32Array, batch: number, grads: readonly Block[]): void {
  const width = totalDim(grads);
  let offset = 0;
  for (const { data, dim } of grads) {
    for (let b = 0; b < batch; b++) {
      const src = b * width + offset;
      const dst = b * dim;
      for (let c = 0; c < dim; c++) data[dst + c] = dOut[src + c];
    }
    offset += dim;
  }
}

export function totalDim(blocks: readonly Block[]): number {
  let width = 0;
  for (const block of blocks) width += block.dim;
  return width;
}
