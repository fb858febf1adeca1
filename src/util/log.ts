import pino from 'pino';

/**
 * The project's logger: JSON lines on stderr (stdout stays for command output such as tables and
 * JSON), level from `CINEREC_LOG_LEVEL` (default info; `silent` in tests).
 */
export const log = pino(
  {
    name: 'cinerec',
    level: process.env.CINEREC_LOG_LEVEL ?? (process.env.VITEST ? 'silent' : 'info'),
  },
  pino.destination(2),
);
