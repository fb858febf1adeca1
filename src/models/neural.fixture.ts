/** A small, fast `neural` for tests: tiny layers, many small steps, no early stop, one thread. */
export const SMALL_NEURAL = {
  userDim: 8,
  itemDim: 8,
  genreDim: 4,
  numericDim: 4,
  layer1: 16,
  layer2: 8,
  epochs: 40,
  batchSize: 32,
  lr: 0.01,
  validationFraction: 0,
  threads: 1,
};
