/** The service's storage: {@link openStore} for SQLite/PostgreSQL, {@link MemoryStore} for tests. */
export { MemoryStore } from './memory.js';
export { openStore, storeSchemes } from './open.js';
export {
  type BatchRecommendation,
  type ModelRunRecord,
  type ModelRunStatus,
  type MovieQuery,
  type MovieRecord,
  type RatingRecord,
  type RatingSource,
  type Store,
  type StoreCounts,
  StoreError,
} from './types.js';
