import type { IdMap } from '../data/idmap.js';
import type { Recommender } from '../models/base.js';
import type { ModelRunRecord } from '../store/types.js';
import type { Catalog } from './catalog.js';

/** One promoted model as the service serves it: the run, the fitted model, and its id maps. */
export interface ServedModel {
  readonly run: ModelRunRecord;
  readonly model: Recommender;
  /** Raw user id ↔ the model's dense user index. */
  readonly users: IdMap;
  /** Raw movie id ↔ the model's dense item index. */
  readonly items: IdMap;
}

/**
 * Everything one request reads, frozen: the catalog and the promoted model per algorithm. A
 * promotion or a catalog edit builds a new snapshot and swaps one reference, so a request that
 * took the old snapshot finishes on it, and no request ever sees half a swap.
 */
export class Snapshot {
  private constructor(
    readonly version: number,
    readonly catalog: Catalog,
    private readonly models: ReadonlyMap<string, ServedModel>,
  ) {}

  static initial(catalog: Catalog): Snapshot {
    return new Snapshot(0, catalog, new Map());
  }

  model(algorithm: string): ServedModel | undefined {
    return this.models.get(algorithm);
  }

  algorithms(): string[] {
    return [...this.models.keys()];
  }

  /** Run id per algorithm. */
  versions(): Record<string, number> {
    return Object.fromEntries([...this.models].map(([name, served]) => [name, served.run.id]));
  }

  withModel(served: ServedModel): Snapshot {
    const models = new Map(this.models);
    models.set(served.run.algorithm, served);
    return new Snapshot(this.version + 1, this.catalog, models);
  }

  withCatalog(catalog: Catalog): Snapshot {
    return new Snapshot(this.version + 1, catalog, this.models);
  }
}
