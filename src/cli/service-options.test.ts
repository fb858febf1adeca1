import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { serveCommand } from './serve-command.js';
import { settingsFromFlags } from './service-options.js';

/** Parse `cinerec serve` flags without starting anything. */
function flagsOf(args: string[]): Record<string, unknown> {
  const serve = serveCommand();
  serve.action(() => {});
  serve.exitOverride();
  new Command('cinerec')
    .addCommand(serve)
    .exitOverride()
    .parse(['node', 'cinerec', 'serve', ...args]);
  return serve.opts();
}

describe('cinerec serve settings', () => {
  it('take every setting as a flag, over its environment variable', () => {
    const settings = settingsFromFlags(
      flagsOf([
        '--port',
        '9001',
        '--api-keys',
        'a, b',
        '--rate-limit-reads',
        '120',
        '--rate-limit-writes',
        '0',
        '--cors-origins',
        'https://x.example,https://y.example',
        '--database-url',
        'sqlite::memory:',
        '--background-models',
        'neural',
      ]),
    );
    expect(settings).toMatchObject({
      port: 9001,
      apiKeys: ['a', 'b'],
      rateLimitReads: 120,
      rateLimitWrites: 0,
      corsOrigins: ['https://x.example', 'https://y.example'],
      databaseUrl: 'sqlite::memory:',
      backgroundModels: ['neural'],
    });
    expect(settingsFromFlags(flagsOf(['--background-models', ''])).backgroundModels).toEqual([]);
  });

  it('refuse a rate limit that is not a whole number', () => {
    expect(() => flagsOf(['--rate-limit-reads', 'lots'])).toThrow(/--rate-limit-reads/);
  });
});
