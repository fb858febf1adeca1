/** Evaluation: reproducible splits, metrics, the model-comparison harness and its reports. */

export { quantile } from '../math/stats.js';
export {
  type EvalLogger,
  type EvaluateOptions,
  type EvaluationReport,
  evaluate,
  type ModelResult,
  type ModelSpec,
  metricKeys,
} from './evaluate.js';
export {
  catalogCoverage,
  encodeGenres,
  type GenreBits,
  hitAtK,
  intraListDiversity,
  mae,
  mapAtK,
  mrrAtK,
  ndcgAtK,
  novelty,
  precisionAtK,
  type RankingScores,
  type RelevantSet,
  rankingAtK,
  recallAtK,
  rmse,
} from './metrics.js';
export { type BootstrapOptions, type PairedComparison, pairedBootstrap } from './paired.js';
export { formatTable, type References, type ReportOptions, renderHtml, toJson } from './report.js';
export type { PerUserValues, Relevance } from './scoring.js';
export { type Fold, PROTOCOLS, type Protocol, type SplitOptions, splitFolds } from './splits.js';
