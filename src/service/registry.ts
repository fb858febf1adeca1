import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { IdMap } from '../data/idmap.js';
import { evaluate } from '../eval/evaluate.js';
import { decodeArtifact } from '../models/artifact.js';
import { checkAborted } from '../models/base.js';
import { modelEntry, saveModel } from '../models/registry.js';
import type { ModelRunRecord, Store } from '../store/types.js';
import { loadStoreDataset, type StoreDataset } from './catalog.js';
import { badRequest, notFound, ServiceError } from './errors.js';
import type { ServedModel } from './snapshot.js';

export type ProgressFn = (done: number, total: number, label: string) => void;

export interface RegistryOptions {
  /** Artifacts go to `<home>/models/`. */
  home: string;
  /** Seed of the holdout split and of every model with a `seed` parameter left unset. */
  seed?: number;
  /** Share of ratings held out for a run's metrics (default 0.1). */
  holdout?: number;
}

export interface TrainOptions {
  params?: Record<string, unknown>;
  /** Skip the holdout fit (its metrics stay empty): tests and quick retrains. */
  skipMetrics?: boolean;
  onProgress?: ProgressFn;
  signal?: AbortSignal;
  /** The store's ratings, when the caller already loaded them (several models in a row). */
  data?: StoreDataset;
}

/**
 * The model registry over the store's `model_runs` table and the artifacts in
 * `$CINEREC_HOME/models/`. Training records a run (holdout metrics from a seeded split, then the
 * artifact of a fit on every rating); promotion verifies the artifact before the store changes, so
 * a corrupt or missing file is refused and whatever was promoted stays promoted.
 */
export class ModelRegistry {
  /** Id maps shared by every model trained on the same data (one fingerprint). */
  private readonly idMaps = new Map<string, { users: IdMap; items: IdMap }>();

  constructor(
    private readonly store: Store,
    private readonly options: RegistryOptions,
  ) {}

  get modelsDir(): string {
    return join(this.options.home, 'models');
  }

  list(): Promise<ModelRunRecord[]> {
    return this.store.listModelRuns();
  }

  async get(id: number): Promise<ModelRunRecord> {
    const run = await this.store.getModelRun(id);
    if (run === undefined) throw notFound('model run', id);
    return run;
  }

  async promoted(): Promise<ModelRunRecord[]> {
    return (await this.list()).filter((run) => run.status === 'promoted');
  }

  /** Fit `algorithm` on the store's current ratings and record the run; returns it as 'trained'. */
  async train(algorithm: string, options: TrainOptions = {}): Promise<ModelRunRecord> {
    const entry = modelEntry(algorithm);
    const seed = this.options.seed ?? 42;
    const given = { ...options.params };
    if ('seed' in entry.schema && given.seed === undefined) given.seed = seed;
    const params = entry.create(given).params; // validates before any work
    const data = options.data ?? (await loadStoreDataset(this.store));
    const { dataset, fingerprint } = data;
    if (dataset.ratings.size === 0)
      throw new ServiceError('conflict', 'the store holds no ratings to train on');
    let run = await this.store.createModelRun({
      algorithm,
      params,
      datasetFingerprint: fingerprint,
      metrics: {},
      artifactPath: null,
      artifactSha256: null,
      status: 'training',
      error: null,
    });
    try {
      const metrics: Record<string, number> = {};
      if (!options.skipMetrics) {
        const report = await evaluate(dataset, {
          protocol: 'random',
          split: { testFraction: this.options.holdout ?? 0.1 },
          seed,
          k: 10,
          relevance: { minRating: 4 },
          models: [{ name: algorithm, params }],
          onFitProgress:
            options.onProgress && ((d, t, label) => options.onProgress?.(d, t, `holdout ${label}`)),
          signal: options.signal,
        });
        for (const [key, value] of Object.entries(report.results[0].metrics)) {
          if (Number.isFinite(value)) metrics[`holdout.${key}`] = value;
        }
      }
      const model = entry.create(params);
      const started = performance.now();
      await model.fit(dataset.ratings, {
        onProgress: options.onProgress && ((d, t, label) => options.onProgress?.(d, t, `full ${label}`)),
        signal: options.signal,
        itemGenres: dataset.movies.map((m) => m.genres),
        movies: dataset.movies,
      });
      metrics.fitSeconds = (performance.now() - started) / 1000;
      // A stop that came during the fit's last synchronous stretch: no artifact, the run fails.
      checkAborted(options.signal, algorithm);
      await mkdir(this.modelsDir, { recursive: true });
      const artifactPath = join(this.modelsDir, `${algorithm}-${run.id}.cinerec`);
      const sha256 = await saveModel(model, artifactPath, {
        runId: run.id,
        fingerprint,
        userIds: dataset.users.toJSON(),
        itemIds: dataset.items.toJSON(),
      });
      run = (await this.store.updateModelRun(run.id, {
        status: 'trained',
        metrics,
        artifactPath,
        artifactSha256: sha256,
      })) as ModelRunRecord;
      return run;
    } catch (error) {
      await this.store.updateModelRun(run.id, { status: 'failed', error: (error as Error).message });
      throw error;
    }
  }

  /**
   * Read and verify a run's artifact: the file's sha256 must equal the run's, the artifact's own
   * checksum must hold, and it must be the run's algorithm. Throws a ServiceError naming the run.
   */
  async load(run: ModelRunRecord): Promise<ServedModel> {
    const refuse = (why: string) =>
      new ServiceError('unprocessable', `model run ${run.id} (${run.algorithm}): ${why}`, { runId: run.id });
    if (run.artifactPath === null || run.artifactSha256 === null) {
      throw refuse(`has no artifact (status ${run.status})`);
    }
    let bytes: Buffer;
    try {
      bytes = await readFile(run.artifactPath);
    } catch (error) {
      throw refuse(
        `artifact ${run.artifactPath} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (sha256 !== run.artifactSha256) {
      throw refuse(
        `artifact ${run.artifactPath} has sha256 ${sha256.slice(0, 12)}…, the registry recorded ${run.artifactSha256.slice(0, 12)}…`,
      );
    }
    let decoded: ReturnType<typeof decodeArtifact>;
    try {
      decoded = decodeArtifact(bytes, run.artifactPath);
    } catch (error) {
      throw refuse((error as Error).message);
    }
    const { header, state, train } = decoded;
    if (header.model !== run.algorithm) throw refuse(`artifact holds a '${header.model}' model`);
    const userIds = header.info.userIds as number[] | undefined;
    const itemIds = header.info.itemIds as number[] | undefined;
    if (
      !Array.isArray(userIds) ||
      !Array.isArray(itemIds) ||
      userIds.length !== header.nUsers ||
      itemIds.length !== header.nItems
    ) {
      throw refuse('artifact does not carry the id maps of its training data');
    }
    const model = modelEntry(header.model).create(header.params);
    model.restore(state, train);
    return { run, model, ...this.maps(run.datasetFingerprint, userIds, itemIds) };
  }

  /** Verify the run's artifact, then make it the promoted run of its algorithm. */
  async promote(id: number): Promise<ServedModel> {
    const run = await this.get(id);
    if (run.status === 'training' || run.status === 'failed') {
      throw new ServiceError(
        'conflict',
        `model run ${id} (${run.algorithm}) is ${run.status}; only a trained run can be promoted`,
        { runId: id },
      );
    }
    const served = await this.load(run);
    const promoted = await this.store.promoteModelRun(id);
    return { ...served, run: promoted };
  }

  /** Promote the run of `algorithm` that was promoted before the current one. */
  async rollback(algorithm: string): Promise<ServedModel> {
    try {
      modelEntry(algorithm);
    } catch (error) {
      throw badRequest((error as Error).message, { field: 'algorithm', value: algorithm });
    }
    const previous = (await this.list())
      .filter((run) => run.algorithm === algorithm && run.status === 'trained' && run.promotedAt !== null)
      .sort((a, b) => (b.promotedAt as string).localeCompare(a.promotedAt as string) || b.id - a.id);
    if (previous.length === 0) {
      throw new ServiceError('conflict', `no earlier promoted run of ${algorithm} to roll back to`, {
        algorithm,
      });
    }
    return this.promote(previous[0].id);
  }

  private maps(fingerprint: string, userIds: number[], itemIds: number[]): { users: IdMap; items: IdMap } {
    let maps = this.idMaps.get(fingerprint);
    if (maps === undefined || maps.users.size !== userIds.length || maps.items.size !== itemIds.length) {
      maps = { users: IdMap.from(userIds), items: IdMap.from(itemIds) };
      this.idMaps.set(fingerprint, maps);
    }
    return maps;
  }
}
