// The monitor service's configuration, parsed once. The only file of this service that reads
// process.env; defaults make a local run work with no .env at all.
import { z } from 'zod';
import { baseEnvShape, booleanFlag, parseEnv, port, resolveSecrets, type Secrets } from '@anshim/platform';

export const monitorEnvSchema = z.object({
  ...baseEnvShape,
  MONITOR_PORT: port(4005).describe('monitor subgraph port'),
  MONITOR_OPS_PORT: port(9105).describe('the monitor subgraph\'s operations port: `/metrics`, detailed `/readyz` (on OPS_HOST)'),
  MONITOR_HOST: z.string().min(1).default('127.0.0.1').describe('interface the monitor subgraph binds (`0.0.0.0` in a container)'),
  MONITOR_ALLOWED_LINK_DOMAINS: z
    .string()
    .default('anshim.kr,anshim.co.kr')
    .transform((value) => value.split(',').map((d) => d.trim().toLowerCase()).filter(Boolean))
    .describe('domains chat links may point to without PHISHING_LINK (comma-separated; subdomains count)'),
  MONITOR_LEVEL_TTL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300)
    .describe('how long a user\'s computed risk level stays cached in Redis'),
  MONITOR_ACTIVITY_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(500)
    .describe('raw activity is buffered in Redis and written to PostgreSQL in batches of this size…'),
  MONITOR_ACTIVITY_FLUSH_MS: z.coerce.number().int().min(50).max(60_000).default(2_000).describe('…at least this often'),
  MONITOR_HOLD_HOURS: z.coerce.number().int().min(1).max(24 * 90).default(72)
    .describe('how long an automatic HOLD_TRANSACTIONS lasts unless an admin clears or renews it'),
  MONITOR_CONSUME_EVENTS: booleanFlag(true).describe('consume user/transaction/report/safety events (the copies the rules read)'),
});

export type MonitorEnv = z.infer<typeof monitorEnvSchema> & Secrets;

/** Parses the environment (plus overrides, e.g. from tests); exits listing every problem when it is wrong. */
export function loadMonitorEnv(overrides: Record<string, string | undefined> = {}): MonitorEnv {
  const env = parseEnv(monitorEnvSchema, { ...process.env, ...overrides }, 'monitor');
  return { ...env, ...resolveSecrets(env, 'monitor') };
}
