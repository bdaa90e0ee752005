// The monitor service's configuration, parsed once. The only file of this service that reads
// process.env; defaults make a local run work with no .env at all.
import { z } from 'zod';
import { booleanFlag, envLoader, internalReadTimeoutSetting, ownerUrlSetting, subgraphEnvShape } from '@anshim/platform';
import { DEFAULT_CLUSTER_LIMITS } from './clusters/cluster-limits.ts';

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
    .describe('how long an admin\'s HOLD_TRANSACTIONS lasts unless cleared (and an automatic one, unless MONITOR_AUTO_HOLD_SECONDS says otherwise)'),
  MONITOR_AUTO_HOLD_SECONDS: z.coerce.number().int().min(1).max(90 * 86_400).optional()
    .describe('how long an automatic HOLD_TRANSACTIONS (CRITICAL) lasts before the sweep renews it (the level still CRITICAL) or lifts it; default MONITOR_HOLD_HOURS'),
  MONITOR_AUTO_WARN_SECONDS: z.coerce.number().int().min(1).max(90 * 86_400).default(72 * 3_600)
    .describe('how long an automatic WARN_COUNTERPARTS (HIGH) lasts before the sweep renews or lifts it: a HIGH signal counts 72 hours'),
  MONITOR_AUTO_VERIFICATION_SECONDS: z.coerce.number().int().min(1).max(90 * 86_400).default(72 * 3_600)
    .describe('how long an automatic REQUIRE_VERIFICATION (HIGH) lasts before the sweep renews or lifts it'),
  MONITOR_ACTION_SWEEP_SECONDS: z.coerce.number().int().min(1).max(3_600).default(60)
    .describe('how often expired risk actions are ended (monitor.action_ended) or renewed'),
  MONITOR_CLUSTER_MAX_HOPS: z.coerce.number().int().min(1).max(6).default(DEFAULT_CLUSTER_LIMITS.maxHops)
    .describe('clusters of linked accounts (shared device, phone, payment identifier) reach this many hops from an account'),
  MONITOR_CLUSTER_MAX_MEMBERS: z.coerce.number().int().min(1).max(1_000).default(DEFAULT_CLUSTER_LIMITS.maxMembers)
    .describe('at most this many accounts in one cluster are flagged when a member is confirmed as fraud'),
  MONITOR_CLUSTER_MAX_ACCOUNTS_PER_LINK: z.coerce.number().int().min(2).max(1_000).default(DEFAULT_CLUSTER_LIMITS.maxAccountsPerLink)
    .describe('a device id, phone or payment identifier shared by more accounts than this is a hub and links nobody'),
  MONITOR_USER_SUBGRAPH_URL: ownerUrlSetting('user', 'the user service, asked (signed /internal/user-facts) whether the member an ADMIN names in recordActivity exists, when user.registered has not arrived yet'),
  MONITOR_INTERNAL_READ_TIMEOUT_MS: internalReadTimeoutSetting('timeout of one such read (one retry; a circuit breaker fails fast while the owner is down)'),
  MONITOR_CONSUME_EVENTS: booleanFlag(true).describe('consume user/transaction/report/safety events (the copies the rules read)'),
});

/** Parses the environment (plus overrides, e.g. from tests); exits listing every problem when it is wrong. */
export const loadMonitorEnv = envLoader(monitorEnvSchema, 'monitor');
export type MonitorEnv = ReturnType<typeof loadMonitorEnv>;
