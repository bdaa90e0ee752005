// The monitor service's configuration, parsed once. The only file of this service that reads
// process.env; defaults make a local run work with no .env at all.
import { z } from 'zod';
import { baseEnvShape, booleanFlag, parseEnv, port, resolveSecrets, type Secrets } from '@anshim/platform';

export const monitorEnvSchema = z.object({
  ...baseEnvShape,
  MONITOR_PORT: port(4005),
  MONITOR_HOST: z.string().min(1).default('127.0.0.1'),
  /** Domains chat links may point to without PHISHING_LINK (comma-separated; subdomains count). */
  MONITOR_ALLOWED_LINK_DOMAINS: z
    .string()
    .default('anshim.kr,anshim.co.kr')
    .transform((value) => value.split(',').map((d) => d.trim().toLowerCase()).filter(Boolean)),
  /** How long a user's computed risk level stays cached in Redis. */
  MONITOR_LEVEL_TTL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
  /** Raw activity is buffered in Redis and written to PostgreSQL in batches of this size… */
  MONITOR_ACTIVITY_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(500),
  /** …at least this often. */
  MONITOR_ACTIVITY_FLUSH_MS: z.coerce.number().int().min(50).max(60_000).default(2_000),
  /** How long a HOLD_TRANSACTIONS taken automatically lasts unless an admin clears or renews it. */
  MONITOR_HOLD_HOURS: z.coerce.number().int().min(1).max(24 * 90).default(72),
  /** Consume user/transaction/report/safety events (the copies the rules read). */
  MONITOR_CONSUME_EVENTS: booleanFlag(true),
});

export type MonitorEnv = z.infer<typeof monitorEnvSchema> & Secrets;

/** Parses the environment (plus overrides, e.g. from tests); exits listing every problem when it is wrong. */
export function loadMonitorEnv(overrides: Record<string, string | undefined> = {}): MonitorEnv {
  const env = parseEnv(monitorEnvSchema, { ...process.env, ...overrides }, 'monitor');
  return { ...env, ...resolveSecrets(env, 'monitor') };
}
