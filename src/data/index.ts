/** The data layer: loaders, importers, downloads and synthetic data, all producing a {@link Dataset}. */
export { findTmdbDir, type LoadByNameOptions, loadDatasetByName } from './by-name.js';
export { type FieldCoverage, fieldCoverage } from './coverage.js';
export {
  CsvRecord,
  countNonEmptyLines,
  type DelimitedOptions,
  estimateLines,
  findColumn,
  type ReadSummary,
  readDelimited,
  readFirstRecord,
  requireColumn,
  type TextEncoding,
} from './csv.js';
export type { Dataset, Genome, Movie, PredefinedSplit, RatingScale } from './dataset.js';
export { type FetchOptions, fetchDataset, GROUPLENS_BASE_URL } from './fetch.js';
export { datasetFingerprint } from './fingerprint.js';
export { Growable, IdIndexer } from './growable.js';
export { IdMap, type RawId, toRawId } from './idmap.js';
export { type ColumnMap, type ImportOptions, importRatings, inferScale, parseColumnMap } from './import.js';
export { loadImported, saveImported } from './imported.js';
export { buildCsr, type Csr, Interactions, type OrderedCsr } from './interactions.js';
export {
  DATASET_NAMES,
  datasetProblems,
  findSharedDatasets,
  KNOWN_DATASETS,
  type KnownDataset,
  knownDataset,
} from './known-datasets.js';
export { loadDataset } from './load.js';
export { detectLayout, loadMovieLens, type MovieLensLayout, type MovieLensOptions } from './movielens.js';
export { namesFromList, type PyValue, parsePyLiteral } from './pyliteral.js';
export {
  generateSynthetic,
  plantedScore,
  type SyntheticDataset,
  type SyntheticOptions,
  type SyntheticTruth,
  writeSyntheticCsv,
} from './synthetic.js';
export { displayTitle, normalizeTitle, type ParsedTitle, parseTitle, titleKeys } from './titles.js';
export {
  joinTmdb,
  readTmdbMovies,
  type TmdbJoinOptions,
  type TmdbJoinReport,
  type TmdbMovie,
} from './tmdb.js';
export {
  CAST_SIZE,
  parseMovie,
  RateLimiter,
  TMDB_API_URL,
  TmdbAuthError,
  TmdbClient,
  type TmdbClientOptions,
} from './tmdb-api.js';
export {
  applyTmdbApiCache,
  fillFromTmdbApi,
  readTmdbCache,
  type TmdbApiMovie,
  type TmdbCacheLine,
  TmdbCacheWriter,
  tmdbApiCacheFile,
} from './tmdb-cache.js';
export { type EnrichOptions, type EnrichReport, enrichFromTmdb } from './tmdb-enrich.js';
export { type ProgressCallback, unpackZip } from './unzip.js';
