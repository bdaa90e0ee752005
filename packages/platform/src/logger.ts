import { pino, type Logger } from 'pino';

export type { Logger };

/** JSON logs; every line of a request carries its `requestId` through child loggers. */
export function createLogger(name: string, level = 'info'): Logger {
  return pino({
    name,
    level,
    base: { service: name },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ['password', '*.password', 'headers.authorization', '*.refreshToken'], censor: '[redacted]' },
  });
}
