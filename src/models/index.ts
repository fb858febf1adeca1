import { hybridEntry } from './alpha-hybrid.js';
import { alsEntry } from './als.js';
import { baselineEntry } from './baseline.js';
import { bprEntry } from './bpr.js';
import { contentEntry } from './content.js';
import { easeEntry } from './ease.js';
import { ensembleEntry } from './ensemble.js';
import { itemknnEntry } from './itemknn.js';
import { neuralEntry } from './neural.js';
import { popularityEntry } from './popularity.js';
import { registerModel } from './registry.js';
import { svdEntry } from './svd.js';
import { svdppEntry } from './svdpp.js';
import { twostageEntry } from './twostage.js';

/** Every model cinerec ships, in the order tables list them. Add a model here and nowhere else. */
export const MODEL_ENTRIES = [
  popularityEntry,
  baselineEntry,
  itemknnEntry,
  alsEntry,
  bprEntry,
  easeEntry,
  svdEntry,
  svdppEntry,
  contentEntry,
  neuralEntry,
  ensembleEntry,
  hybridEntry,
  twostageEntry,
];

for (const entry of MODEL_ENTRIES) registerModel(entry);

export { AlphaHybrid } from './alpha-hybrid.js';
export { Als, Als as ALS } from './als.js';
export { ModelFitError, NotFittedError, Recommender, resolveParams } from './base.js';
export { Baseline } from './baseline.js';
export { Bpr, Bpr as BPR } from './bpr.js';
export { ContentModel } from './content.js';
export { Ease, Ease as EASE } from './ease.js';
export { Ensemble } from './ensemble.js';
export { ItemKnn } from './itemknn.js';
export { NeuralModel } from './neural.js';
export { Popularity } from './popularity.js';
export { matchProxyUser, recommendFromList } from './proxy-user.js';
export {
  createModel,
  loadModel,
  loadModelWithHeader,
  modelEntry,
  modelNames,
  saveModel,
} from './registry.js';
export { Svd, Svd as SVD } from './svd.js';
export { Svdpp, Svdpp as SVDpp } from './svdpp.js';
export { TwoStage } from './twostage.js';
export type * from './types.js';
