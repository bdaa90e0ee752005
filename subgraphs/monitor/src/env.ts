// The monitor service's configuration, parsed once. The only file of this service that reads
// process.env; defaults make a local run work with no .env at all.
import { z } from 'zod';
import { booleanFlag, envLoader, subgraphEnvShape } from '@anshim/platform';

export const monitorEnvSchema = z.object({
  ...subgraphEnvShape('monitor', { port: 4005, opsPort: 9105 }),
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

/** Parses the environment (plus overrides, e.g. from tests); exits listing every problem when it is wrong. */
export const loadMonitorEnv = envLoader(monitorEnvSchema, 'monitor');
export type MonitorEnv = ReturnType<typeof loadMonitorEnv>;
