import { resolve } from 'node:path';

/**
 * Settings read from the environment. Every one is documented in the README; CLI flags override
 * them where a command offers one.
 */
export interface Settings {
  /** Store, model artifacts and dataset cache. */
  home: string;
  /** A directory or URL holding dataset folders or archives, used instead of the official download. */
  dataMirror?: string;
}

export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  return {
    home: resolve(env.CINEREC_HOME ?? './.cinerec'),
    dataMirror: env.CINEREC_DATA_MIRROR || undefined,
  };
}

/** Where dataset folders are cached under the home directory. */
export function datasetCacheDir(settings: Settings): string {
  return resolve(settings.home, 'datasets');
}
