import type { ParamSchema } from './types.js';

/**
 * Parameters of `neural`. Defaults chosen on the validation slice (10%) of ml-latest-small's
 * `random` training part (seed 42), never its test part: the architecture is seed 000's; of
 * movieDropout {0, 0.1, 0.25, 0.4, 0.5, 0.6, 0.75, 0.9} × lr {0.001, 0.002, 0.003} × batch
 * {256, 512}, dropout {0.1, 0.2, 0.3}, weight decay {1e-4, 1e-3}, dims {32, 64} and the dot term,
 * movieDropout 0.75 with lr 0.002 had the best validation RMSE (0.831; 0.838 at the first
 * guess of 0.1 and 0.001). A movie embedding seen in a quarter of the samples overfits less, and
 * the content path it leaves to the TMDB numbers and genres is what `predictContent` uses.
 */
export const neuralSchema = {
  userDim: { type: 'int', default: 64, min: 1, max: 1024, description: 'user embedding size' },
  itemDim: { type: 'int', default: 64, min: 1, max: 1024, description: 'movie embedding size' },
  genreDim: { type: 'int', default: 32, min: 1, max: 1024, description: 'output of the genre MLP' },
  numericDim: {
    type: 'int',
    default: 16,
    min: 1,
    max: 1024,
    description: 'output of the TMDB-numbers MLP (vote average, log votes, log popularity, year, runtime)',
  },
  layer1: {
    type: 'int',
    default: 128,
    min: 1,
    max: 4096,
    description: 'first hidden layer after the concatenation',
  },
  layer2: { type: 'int', default: 64, min: 0, max: 4096, description: 'second hidden layer (0 = none)' },
  textDims: {
    type: 'int',
    default: 0,
    min: 0,
    max: 512,
    description:
      "the movie's text (title, genres, overview, tagline, keywords, tags, people) as an LSA vector of this many dimensions, a further input (0 = off)",
  },
  textHidden: {
    type: 'int',
    default: 16,
    min: 1,
    max: 1024,
    description: 'output of the text-vector Dense+ReLU',
  },
  people: {
    type: 'bool',
    default: false,
    description:
      'director + top-3 cast embeddings (averaged) as a further input, where the metadata has them',
  },
  peopleDim: { type: 'int', default: 8, min: 1, max: 1024, description: 'size of a person embedding' },
  peopleMinCount: {
    type: 'int',
    default: 2,
    min: 1,
    max: 1000,
    description:
      'rated training films a person needs to get an embedding of their own (others share "unknown")',
  },
  dot: {
    type: 'bool',
    default: false,
    description: 'add the user·movie embedding dot product to the output (needs userDim = itemDim)',
  },
  dropout: { type: 'float', default: 0.2, min: 0, max: 0.9, description: 'dropout after each hidden layer' },
  movieDropout: {
    type: 'float',
    default: 0.75,
    min: 0,
    max: 0.9,
    description: 'share of training samples whose movie embedding is zeroed (teaches the content path)',
  },
  epochs: {
    type: 'int',
    default: 30,
    min: 1,
    max: 1000,
    description: 'most passes over the training ratings',
  },
  batchSize: { type: 'int', default: 256, min: 1, max: 65536, description: 'ratings per Adam step' },
  lr: { type: 'float', default: 0.002, min: 0, max: 1, description: 'Adam learning rate' },
  weightDecay: {
    type: 'float',
    default: 0.0001,
    min: 0,
    max: 1,
    description: 'decoupled (AdamW) weight decay on weights and embeddings, not biases',
  },
  reg: { type: 'float', default: 0, min: 0, description: 'per-rating L2 on the user and movie embeddings' },
  regBias: { type: 'float', default: 0, min: 0, description: 'per-rating L2 on the user and movie biases' },
  patience: {
    type: 'int',
    default: 3,
    min: 0,
    max: 1000,
    description: 'epochs without a better validation RMSE before stopping (0 = run every epoch)',
  },
  validationFraction: {
    type: 'float',
    default: 0.1,
    min: 0,
    max: 0.5,
    description: 'share of the training ratings held out for early stopping (0 = none)',
  },
  foldInSteps: { type: 'int', default: 50, min: 0, max: 10000, description: 'Adam steps fitting a new user' },
  foldInLr: { type: 'float', default: 0.05, min: 0, max: 10, description: 'learning rate of the fold-in' },
  foldInReg: { type: 'float', default: 0.05, min: 0, description: 'L2 on a folded-in user vector and bias' },
  threads: {
    type: 'int',
    default: 0,
    min: 0,
    max: 64,
    // Both cores by default: on a quiet 2-core machine an epoch takes 0.76 s on two threads against
    // 1.13 s on one (bench:neural). 1 gives a model independent of the machine (float summation
    // order), which tests that compare exact values ask for.
    description:
      'training threads (1 = this thread only; 2 or more = data-parallel on a worker, two threads at most; 0 = CINEREC_THREADS or every core)',
  },
  seed: {
    type: 'int',
    default: 42,
    description: 'seed of the init, the validation slice, shuffles and dropout',
  },
} satisfies ParamSchema;
