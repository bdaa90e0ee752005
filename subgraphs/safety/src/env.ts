// The safety service's configuration (subgraph and workers), parsed once. The only file of this
// service that reads process.env; defaults make a local run work with no .env at all.
import { z } from 'zod';
import { booleanFlag, envLoader, ownerUrlSetting, port, subgraphEnvShape } from '@anshim/platform';

export const safetyEnvSchema = z.object({
  ...subgraphEnvShape('safety', { port: 4003, opsPort: 9103 }),
  SAFETY_WORKER_PORT: port(0)
    .describe('the worker process\' /healthz, /readyz and /metrics; 0 picks a free port (logged in its "ready" line)'),
  SAFETY_WORKER_HOST: z.string().min(1).default('127.0.0.1').describe('interface the worker\'s health server binds (`0.0.0.0` in a container)'),
  SAFETY_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(16).describe('events one worker process handles in parallel'),
  SAFETY_CACHE_TTL_SECONDS: z.coerce.number().int().min(1).default(3600)
    .describe('Redis cache lifetime of a score (write-through on every recalculation)'),
  SAFETY_BATCH_SIZE: z.coerce.number().int().min(100).max(50_000).default(5000)
    .describe('users per set-based batch of the nightly recalculation'),
  SAFETY_NIGHTLY_CRON: z.string().min(9).default('0 3 * * *').describe('when the nightly recalculation runs (cron, in SAFETY_NIGHTLY_TZ)'),
  SAFETY_NIGHTLY_TZ: z.string().min(1).default('Asia/Seoul').describe('time zone of SAFETY_NIGHTLY_CRON'),
  SAFETY_NIGHTLY_ENABLED: booleanFlag(true).describe('run the nightly recalculation at all'),
  SAFETY_EVENT_ATTEMPTS: z.coerce.number().int().min(1).max(20).optional()
    .describe('caps the attempts an event gets before it goes to dead letters (default: no cap, EVENT_RETRY_WINDOW_HOURS decides)'),
  SAFETY_EVENT_LOCK_MS: z.coerce.number().int().min(2_000).max(600_000).default(30_000)
    .describe('how long a crashed worker\'s events stay claimed before another worker (or its restart) takes them over'),
  SAFETY_USER_SUBGRAPH_URL: ownerUrlSetting('user', 'where the rebuild command reads users from (signed internal call, never on a request path)'),
  SAFETY_TRANSACTION_SUBGRAPH_URL: ownerUrlSetting('transaction', 'where the rebuild command reads trades (the transaction service\'s /internal/safety-inputs, signed service identity)'),
  SAFETY_REPORT_SUBGRAPH_URL: ownerUrlSetting('report', 'where the rebuild command reads reports and sanctions (/internal/safety-inputs)'),
  SAFETY_MONITOR_SUBGRAPH_URL: ownerUrlSetting('monitor', 'where the rebuild command reads risk signals (/internal/safety-inputs)'),
});

/**
 * Parses the environment (plus overrides, e.g. from tests); exits listing every problem when it is
 * wrong. The worker process parses the same schema under its own name (`loadSafetyEnv({}, 'safety-worker')`).
 */
export const loadSafetyEnv = envLoader(safetyEnvSchema, 'safety');
export type SafetyEnv = ReturnType<typeof loadSafetyEnv>;
