import { type Command, Option } from 'commander';
import { type ServerSettings, serverSettings } from '../serve/settings.js';
import { listFrom } from '../service/settings.js';
import { openStore } from '../store/open.js';
import type { Store } from '../store/types.js';

/** Flags every service command takes; each overrides its environment variable. */
export function addServiceOptions(command: Command): Command {
  return command
    .addOption(new Option('--home <dir>', 'store, artifacts and dataset cache').env('CINEREC_HOME'))
    .addOption(
      new Option('--data-mirror <dir|url>', 'dataset folders or archives').env('CINEREC_DATA_MIRROR'),
    )
    .addOption(
      new Option(
        '--database-url <url>',
        'sqlite://<file> or postgres://… (default sqlite://$CINEREC_HOME/cinerec.db)',
      ).env('DATABASE_URL'),
    );
}

/** Settings from the environment with the command's flags on top. */
export function settingsFromFlags(flags: Record<string, unknown>): ServerSettings {
  const text = (key: string) => (typeof flags[key] === 'string' ? (flags[key] as string) : undefined);
  const settings = serverSettings({
    home: text('home'),
    databaseUrl: text('databaseUrl'),
    defaultModel: text('defaultModel'),
    port: flags.port as number | undefined,
    host: text('host'),
    apiKeys: text('apiKeys') === undefined ? undefined : listFrom(text('apiKeys')),
    rateLimitReads: nonNegative(flags.rateLimitReads, '--rate-limit-reads'),
    rateLimitWrites: nonNegative(flags.rateLimitWrites, '--rate-limit-writes'),
    corsOrigins: text('corsOrigins') === undefined ? undefined : listFrom(text('corsOrigins')),
    backgroundModels: text('backgroundModels') === undefined ? undefined : listFrom(text('backgroundModels')),
  });
  if (text('dataMirror') !== undefined) settings.dataMirror = text('dataMirror');
  return settings;
}

function nonNegative(value: unknown, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || value < 0) throw new Error(`${flag} must be a non-negative integer`);
  return value;
}

/** Run `work` on the store of `settings`, closing it afterwards. */
export async function withStore<T>(settings: ServerSettings, work: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(settings.databaseUrl);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}
