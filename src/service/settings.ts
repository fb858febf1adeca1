import { join } from 'node:path';
import { loadSettings, type Settings } from '../config.js';
import { findSharedDatasets } from '../data/index.js';

/** What the service needs beyond the engine's settings; every field has an env var and a CLI flag. */
export interface ServiceSettings extends Settings {
  /** `sqlite://<path>` (default `sqlite://$CINEREC_HOME/cinerec.db`), `sqlite::memory:` or `postgres://…`. */
  databaseUrl: string;
  /** Ranking model serving `GET /recommendations` when the request names none (`CINEREC_DEFAULT_MODEL`). */
  defaultModel: string;
  /** Dataset imported into an empty store at start-up (`CINEREC_DATASET`). */
  dataset: string;
  /** Users with fewer ratings get the cold-start sources (`CINEREC_MIN_RATINGS`). */
  minRatings: number;
  /** Seed of the holdout split and of every seeded model. */
  seed: number;
  /**
   * Models a server trains after it is ready when none is promoted (`CINEREC_BACKGROUND_MODELS`):
   * the learned ones that take minutes. Until then For you and content predictions use the core roles.
   */
  backgroundModels: string[];
}

/** `twostage` serves the For you row, `neural` predicts ratings of films known only by content. */
export const DEFAULT_BACKGROUND_MODELS = ['twostage', 'neural'];

/** Which algorithm plays which part; each is trained and promoted at first start. */
export const DEFAULT_ROLES = {
  ranking: 'als',
  rating: 'svd',
  similar: 'itemknn',
  coldStart: 'popularity',
  content: 'content',
} as const;

/**
 * Service settings from the environment, then `overrides` (CLI flags) on top. Like the CLI, a
 * developer with the shared offline datasets beside the repo gets them as the mirror.
 */
export function serviceSettings(
  overrides: Partial<ServiceSettings> = {},
  env: NodeJS.ProcessEnv = process.env,
): ServiceSettings {
  const base = loadSettings(env);
  const home = overrides.home ?? base.home;
  const settings: ServiceSettings = {
    home,
    dataMirror: base.dataMirror ?? findSharedDatasets() ?? undefined,
    databaseUrl: env.DATABASE_URL || `sqlite://${join(home, 'cinerec.db')}`,
    defaultModel: env.CINEREC_DEFAULT_MODEL || DEFAULT_ROLES.ranking,
    dataset: env.CINEREC_DATASET || 'ml-latest-small',
    minRatings: intFrom(env, 'CINEREC_MIN_RATINGS', 5),
    seed: intFrom(env, 'CINEREC_SEED', 42),
    backgroundModels:
      env.CINEREC_BACKGROUND_MODELS === undefined
        ? DEFAULT_BACKGROUND_MODELS
        : listFrom(env.CINEREC_BACKGROUND_MODELS),
  };
  for (const [key, value] of Object.entries(overrides)) {
    if (value !== undefined) (settings as unknown as Record<string, unknown>)[key] = value;
  }
  if (overrides.home !== undefined && overrides.databaseUrl === undefined && !env.DATABASE_URL) {
    settings.databaseUrl = `sqlite://${join(settings.home, 'cinerec.db')}`;
  }
  return settings;
}

/** The non-negative integer in env var `name`; `fallback` when it is unset or empty. */
export function intFrom(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0)
    throw new Error(`${name} must be a non-negative integer, got '${text}'`);
  return value;
}

/** A comma-separated env value as a list, items trimmed, empty ones dropped. */
export function listFrom(text: string | undefined): string[] {
  return (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
