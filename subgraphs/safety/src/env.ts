// The safety service's configuration (subgraph and workers), parsed once. The only file of this
// service that reads process.env; defaults make a local run work with no .env at all.
import { z } from 'zod';
import { baseEnvShape, booleanFlag, defaultSubgraphUrl, parseEnv, port, resolveSecrets, type Secrets } from '@anshim/platform';

export const safetyEnvSchema = z.object({
  ...baseEnvShape,
  SAFETY_PORT: port(4003),
  /** The worker process' /healthz, /readyz and /metrics; 0 picks a free port (logged in its "ready" line). */
  SAFETY_WORKER_PORT: port(0),
  /** Events the worker process handles in parallel. */
  SAFETY_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(16),
  /** Redis cache lifetime of a score (write-through on every recalculation). */
  SAFETY_CACHE_TTL_SECONDS: z.coerce.number().int().min(1).default(3600),
  /** Users per set-based batch of the nightly recalculation. */
  SAFETY_BATCH_SIZE: z.coerce.number().int().min(100).max(50_000).default(5000),
  /** When the nightly recalculation runs (cron, in SAFETY_NIGHTLY_TZ); set SAFETY_NIGHTLY_ENABLED=false to skip. */
  SAFETY_NIGHTLY_CRON: z.string().min(9).default('0 3 * * *'),
  SAFETY_NIGHTLY_TZ: z.string().min(1).default('Asia/Seoul'),
  SAFETY_NIGHTLY_ENABLED: booleanFlag(true),
  /** Caps the attempts an event gets before it goes to dead letters (the producer's relay grants 5). */
  SAFETY_EVENT_ATTEMPTS: z.coerce.number().int().min(1).max(20).optional(),
  /** Where the rebuild command reads users from (signed internal call, never on a request path). */
  SAFETY_USER_SUBGRAPH_URL: z.url().default(defaultSubgraphUrl('user')),
  /** …and trades, reports and risk signals (each service's /internal/safety-inputs, signed service identity). */
  SAFETY_TRANSACTION_SUBGRAPH_URL: z.url().default(defaultSubgraphUrl('transaction')),
  SAFETY_REPORT_SUBGRAPH_URL: z.url().default(defaultSubgraphUrl('report')),
  SAFETY_MONITOR_SUBGRAPH_URL: z.url().default(defaultSubgraphUrl('monitor')),
});

export type SafetyEnv = z.infer<typeof safetyEnvSchema> & Secrets;

/** Parses the environment (plus overrides, e.g. from tests); exits listing every problem when it is wrong. */
export function loadSafetyEnv(overrides: Record<string, string | undefined> = {}, processName = 'safety'): SafetyEnv {
  const env = parseEnv(safetyEnvSchema, { ...process.env, ...overrides }, processName);
  return { ...env, ...resolveSecrets(env, processName) };
}
