// The gateway's settings: parsed once from the environment (zod), and the only place a default is
// written. buildGateway takes the complete GatewaySettings made here, so no part of the gateway
// falls back to a number of its own; tests start from defaultGatewaySettings() and change only what
// they test. docs/configuration.md's table is generated from this schema (npm run docs:env).
import { resolve } from 'node:path';
import { z } from 'zod';
import { DevAllowance, baseEnvShape, booleanFlag, parseEnv, port, projectRoot, type OperationsSettings, type RedisSettings } from '@anshim/platform';
import { GATEWAY_DEFAULT_PORT } from '@anshim/contracts';
import { parseTrustedProxies } from './limits/client-ip.ts';
import type { ComplexityLimits } from './limits/complexity.ts';
import type { RateLimitSettings } from './limits/rate-policy.ts';
import type { ConnectionCapSettings } from './subscriptions/connection-caps.ts';
import type { AdminConsoleSettings } from './admin-console.ts';
import type { BreakerSettings } from './upstream/subgraph-breaker.ts';
import type { SubgraphRoles } from './upstream/subgraph-roles.ts';

const positive = (fallback: number, description: string) => z.coerce.number().int().positive().default(fallback).describe(description);

const flag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const subgraphUrls = z
  .string()
  .optional()
  .transform((text, ctx) => {
    if (!text?.trim()) return {};
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON object of subgraph name to URL' });
      return z.NEVER;
    }
  })
  .pipe(z.record(z.string(), z.url({ protocol: /^https?$/, error: 'each value must be an http(s) URL' })));

// A subgraph name becomes a path segment of the file routes (/<name>/files/…): plain words only.
const SUBGRAPH_NAME = /^[a-z][a-z0-9_-]{0,62}$/;
const subgraphName = z.string().regex(SUBGRAPH_NAME, 'a subgraph name: lowercase letters, digits, - and _');
const subgraphList = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((text) => text.split(',').map((name) => name.trim()).filter(Boolean))
    .pipe(z.array(subgraphName));

export const gatewayEnvSchema = z.object({
  ...baseEnvShape,
  GATEWAY_PORT: port(GATEWAY_DEFAULT_PORT).describe('where the gateway listens (`0` = any free port)'),
  GATEWAY_HOST: z.string().min(1).default('127.0.0.1').describe('interface the gateway binds (`0.0.0.0` in a container)'),
  GATEWAY_OPS_PORT: port(9100).describe('the gateway\'s operations port: `/metrics` and the detailed `/readyz` (on OPS_HOST)'),
  SUPERGRAPH_PATH: z.string().min(1).default(resolve(projectRoot, 'gateway/supergraph.graphql'))
    .describe('the composed schema the gateway serves'),
  SUBGRAPH_URLS: subgraphUrls
    .describe('JSON `{"user":"http://user:4001/graphql",…}` replacing the URLs composed into the supergraph'),
  SUBGRAPH_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000)
    .describe('deadline of one subgraph fetch, connection included'),
  SUBGRAPH_BREAKER_FAILURES: z.coerce.number().int().nonnegative().default(5)
    .describe('unreachable answers in a row (refused, reset, timed out, 502/503/504) after which a subgraph is not asked until a trial (0: no breaker)'),
  SUBGRAPH_BREAKER_COOLDOWN_MS: z.coerce.number().int().positive().default(5_000)
    .describe('how long an open circuit answers SUBGRAPH_UNAVAILABLE at once before one trial fetch'),
  SUBGRAPH_SHARE_INFLIGHT: flag.default(true)
    .describe('identical subgraph reads in flight at the same moment (same body, caller and language) share one request; false: each is sent'),
  // Off by default: with ENTITY_CACHE on, each fetch's cache lookup puts its misses in a turn of their
  // own, so nothing merged in gateway-mix and every read paid the batching hop (bench/RESULTS.md).
  GATEWAY_MERGE_FETCHES: flag.default(false)
    .describe('the reads one client request sends a subgraph in the same turn (the branches of a query plan\'s Parallel step) go as one request with aliased root fields, split back per fetch; worth it with ENTITY_CACHE=false (a plan with two fetches to one subgraph in a step makes one request); false: each fetch is its own request'),
  ENTITY_CACHE: flag.default(true)
    .describe('answer `_entities` reads of the public entity fields the subgraphs hint with @entityCache from Redis, invalidated by the events that change them (docs/caching.md); false: always ask the subgraph'),
  AUTH_PASS_THROUGH_SUBGRAPH: z.string().default('user').pipe(subgraphName.or(z.literal('')))
    .describe('the subgraph that serves the browser-facing `/auth` routes (OpenID Connect redirects, ID card upload and photo); empty: none. Must be a subgraph of the supergraph'),
  PAYMENT_PASS_THROUGH_SUBGRAPH: z.string().default('payment').pipe(subgraphName.or(z.literal('')))
    .describe('the subgraph that serves `/payments/return`, `/payments/done` (the buyer back from checkout) and `/payments/webhook` (the payment provider); empty: none. Must be a subgraph of the supergraph'),
  FILE_PASS_THROUGH_SUBGRAPHS: subgraphList('transaction,report,user')
    .describe('comma-separated subgraphs whose stored files (local storage driver) are reached at `/<name>/files/<key>`; empty: none. Each must be a subgraph of the supergraph'),
  FORWARD_AUTHORIZATION_TO: subgraphList('user')
    .describe('comma-separated subgraphs that receive the caller\'s verified `Authorization` header (the token\'s issuer, which revokes it on logout); empty: none. Each must be a subgraph of the supergraph'),
  WS_MAX_SUBSCRIPTIONS_PER_CONNECTION: z.coerce.number().int().positive().default(20)
    .describe('graphql-ws: subscriptions one connection may hold at once'),
  WS_SUBSCRIPTION_CAPACITY: z.coerce.number().int().positive().default(5_000)
    .describe('graphql-ws: subscriptions one gateway process serves at once (bench: 5,000 with p99 ≤ 250 ms); one more is refused with `SUBSCRIPTION_CAPACITY` (open ones are kept; the client reconnects, perhaps to another gateway); reported as `anshim_subscriptions_capacity`, alerted on near it'),
  WS_CONNECTION_INIT_TIMEOUT_MS: z.coerce.number().int().positive().default(3_000)
    .describe('graphql-ws: a socket that sends no connection_init within this is closed (4408)'),
  // Per address generous: many members can share one carrier-grade NAT address on mobile networks.
  WS_MAX_CONNECTIONS_PER_ADDRESS: z.coerce.number().int().positive().default(100)
    .describe('graphql-ws: open connections one client address (an IPv6 client\'s /64) may hold on this gateway; the next is closed with 4429'),
  WS_MAX_CONNECTIONS_PER_MEMBER: z.coerce.number().int().positive().default(10)
    .describe('graphql-ws: open signed-in connections one member may hold on this gateway; the next is closed with 4429'),
  WS_REVOCATION_SWEEP_MS: z.coerce.number().int().min(100).max(4_000).default(2_000)
    .describe('graphql-ws: how often open sockets\' tokens are re-checked in Redis (a backup for the revocation notice; keeps closing within 5 s)'),
  WS_JOIN_BATCHING: flag.default(true)
    .describe('subscriptions: coalesce the per-event entity fetches of the groups one publish reaches (false: for before/after benchmarks)'),
  WS_JOIN_BATCH_WINDOW_MS: z.coerce.number().int().nonnegative().default(0)
    .describe('subscriptions: how long a join fetch waits for others of the same event (ms; 0: the same event-loop turn)'),
  INTROSPECTION: flag.optional().describe('GraphQL introspection at the gateway; on outside production, off in production unless set'),
  EXPLORER: flag.optional().describe('the GraphiQL explorer at /explorer and (for browsers) /graphql; defaults to INTROSPECTION, whose docs it needs'),
  EXPLORER_DIR: z.string().min(1).default(resolve(projectRoot, 'gateway/explorer-dist')).describe('where the built explorer bundle is read from (`npm run build`)'),
  ADMIN_CONSOLE: flag.default(true).describe('the moderator console at /admin (docs/admin-console.md); a page only, every field it shows is authorized by /graphql'),
  ADMIN_CONSOLE_DIR: z.string().min(1).default(resolve(projectRoot, 'gateway/admin-dist')).describe('where the built moderator console is read from (`npm run build`)'),
  ADMIN_CONSOLE_MEDIA_ORIGINS: z
    .string()
    .default('')
    .transform((text) => text.split(',').map((origin) => origin.trim()).filter(Boolean))
    .pipe(z.array(z.url().transform((url) => new URL(url).origin)))
    .describe('Comma-separated origins the console may show evidence images from besides the gateway (the S3 endpoint or CDN with STORAGE_DRIVER=s3); empty: the gateway only'),

  // Limits (docs/limits.md): a request that breaks one is refused before any subgraph is asked.
  MAX_BODY_BYTES: positive(1_048_576, 'Largest HTTP request body and graphql-ws message, in bytes (413 / close 1009 beyond).'),
  MAX_BATCH_SIZE: positive(10, 'Operations one HTTP request may batch as a JSON array (400 beyond); 1 turns batching off.'),
  MAX_QUERY_DEPTH: positive(12, 'Deepest field nesting of an operation (root field = 1); QUERY_TOO_COMPLEX beyond.'),
  MAX_QUERY_COST: positive(5_000, 'Largest operation cost: each object costs 1, times the items of every list around it (first, else QUERY_COST_LIST_SIZE).'),
  QUERY_COST_LIST_SIZE: positive(10, 'Items a list field without a first argument counts for in the cost.'),
  MAX_QUERY_TOKENS: positive(2_000, 'Most tokens (names, punctuation, values) one document may have; QUERY_TOO_COMPLEX (limit TOKENS) beyond, before validation.'),
  EARLY_DOCUMENT_CHECK: flag.default(true)
    .describe('Run the token and shape limits before graphql\'s own validation (false only for before/after benchmarks: validation then runs first).'),
  MAX_ALIASES: positive(30, 'Aliased fields one operation may use.'),
  MAX_ROOT_FIELDS: positive(20, 'Root fields one operation may run.'),
  RATE_LIMITS: booleanFlag(true).describe('Redis sliding-window rate limits per address, per user and on sensitive fields; false turns them off.'),
  RATE_LIMIT_PER_IP: positive(600, 'Operations one client address may run per RATE_LIMIT_WINDOW_SECONDS.'),
  RATE_LIMIT_PER_USER: positive(300, 'Operations one signed-in user may run per RATE_LIMIT_WINDOW_SECONDS.'),
  RATE_LIMIT_WINDOW_SECONDS: positive(60, 'Sliding window of RATE_LIMIT_PER_IP and RATE_LIMIT_PER_USER.'),
  RATE_LIMIT_SENSITIVE_FIELDS: z
    .string()
    .default('login,register,requestVerification,fileReport,decideGuardianApproval,signIn,completeSignIn,requestPasswordReset,resetPassword,changePassword,setTwoFactor,deleteAccount,completeOidcSignUp')
    .transform((text) => text.split(',').map((name) => name.trim()).filter(Boolean))
    .describe('Comma-separated root fields with their own stricter window, per address and per user.'),
  RATE_LIMIT_SENSITIVE_MAX: positive(10, 'Calls of each sensitive field per RATE_LIMIT_SENSITIVE_WINDOW_SECONDS.'),
  RATE_LIMIT_SENSITIVE_WINDOW_SECONDS: positive(300, 'Sliding window of the sensitive fields.'),
  TRUSTED_PROXIES: z
    .string()
    .default('')
    .superRefine((text, ctx) => {
      try {
        parseTrustedProxies(text);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
      }
    })
    .describe('Comma-separated proxy addresses or CIDR ranges (or loopback, private) whose X-Forwarded-For is believed; empty: the socket address is the client.'),
});

export type GatewayEnv = z.infer<typeof gatewayEnvSchema> & { INTROSPECTION: boolean; EXPLORER: boolean };

/** INTROSPECTION and EXPLORER follow NODE_ENV unless set. */
function withDerivedDefaults(env: z.infer<typeof gatewayEnvSchema>): GatewayEnv {
  const introspection = env.INTROSPECTION ?? env.NODE_ENV !== 'production';
  return { ...env, INTROSPECTION: introspection, EXPLORER: env.EXPLORER ?? introspection };
}

/** Parses the gateway's environment once; prints every problem and exits 1 when it is invalid. */
export function loadGatewayEnv(source: NodeJS.ProcessEnv): GatewayEnv {
  return withDerivedDefaults(parseEnv(gatewayEnvSchema, source, 'gateway'));
}

/** docs/limits.md: a request that breaks one is refused before any subgraph is asked. */
export interface GatewayLimits {
  /** HTTP body and graphql-ws message size. */
  maxBodyBytes: number;
  /** Operations in one batched HTTP request (1 refuses batches). */
  maxBatchSize: number;
  complexity: ComplexityLimits;
  /** Most tokens a document may have. */
  maxTokens: number;
  /** Token and shape limits before graphql's validation (off only for before/after benches). */
  earlyDocumentCheck: boolean;
  /** null turns the rate limits off. */
  rateLimits: RateLimitSettings | null;
  /** TRUSTED_PROXIES syntax (empty: X-Forwarded-For ignored). */
  trustedProxies: string;
  /** Whose requests skip the rate limits: the development seed's (platform dev-allowance.ts). index.ts loads it; nobody by default. */
  devAllowance: DevAllowance;
}

/** graphql-ws on /graphql. */
export interface GatewaySubscriptionSettings {
  maxPerConnection: number;
  /** Subscriptions one process serves at once; one more is refused (subscriptions/capacity.ts). */
  capacity: number;
  /** A socket that sends no connection_init by then is closed with 4408. */
  connectionInitTimeoutMs: number;
  /** Per-event join batching across subscription groups (see subscriptions/join-batcher.ts). */
  joinBatching: boolean;
  /** 0: one event-loop turn. */
  joinBatchWindowMs: number;
  /** Open connections per address (/64) and per member, per gateway process. */
  connectionCaps: ConnectionCapSettings;
  /** How often open sockets' tokens are checked against Redis again (the pub/sub notice is faster). */
  revocationSweepMs: number;
}

/** Everything buildGateway takes from the environment, every field set (secrets aside). */
export interface GatewaySettings {
  production: boolean;
  introspection: boolean;
  redis: RedisSettings;
  /** Subgraph name → GraphQL URL, replacing the URL composed into the supergraph. */
  subgraphUrls: Record<string, string>;
  /** Which subgraph serves which browser-facing route, and which one sees bearer tokens. */
  subgraphRoles: SubgraphRoles;
  subgraphTimeoutMs: number;
  /** Identical subgraph reads in flight at once share one request (see upstream/inflight-fetches.ts). */
  shareInflightFetches: boolean;
  /** A client request's reads to one subgraph in the same turn go as one request (upstream/fetch-batcher.ts). */
  mergeFetches: boolean;
  /** Public entity fields from Redis (upstream/entity-cache.ts). */
  entityCache: boolean;
  /** Per-subgraph circuit breaker (failures 0: off). */
  subgraphBreaker: BreakerSettings;
  subscriptions: GatewaySubscriptionSettings;
  limits: GatewayLimits;
  /** /metrics and the detailed /readyz. */
  operations: OperationsSettings;
  /** Serve the GraphiQL explorer built into this folder at /explorer and, for browsers, /graphql. */
  explorerDir: string | undefined;
  /** Serve the moderator console at /admin (undefined: off). */
  adminConsole: AdminConsoleSettings | undefined;
}

function limitsFromEnv(env: GatewayEnv): GatewayLimits {
  const window = (max: number, windowSeconds: number) => ({ max, windowSeconds });
  return {
    maxBodyBytes: env.MAX_BODY_BYTES,
    maxBatchSize: env.MAX_BATCH_SIZE,
    maxTokens: env.MAX_QUERY_TOKENS,
    earlyDocumentCheck: env.EARLY_DOCUMENT_CHECK,
    complexity: {
      maxDepth: env.MAX_QUERY_DEPTH,
      maxCost: env.MAX_QUERY_COST,
      listSize: env.QUERY_COST_LIST_SIZE,
      maxAliases: env.MAX_ALIASES,
      maxRootFields: env.MAX_ROOT_FIELDS,
    },
    rateLimits: env.RATE_LIMITS
      ? {
          perIp: window(env.RATE_LIMIT_PER_IP, env.RATE_LIMIT_WINDOW_SECONDS),
          perUser: window(env.RATE_LIMIT_PER_USER, env.RATE_LIMIT_WINDOW_SECONDS),
          sensitiveFields: env.RATE_LIMIT_SENSITIVE_FIELDS,
          sensitive: window(env.RATE_LIMIT_SENSITIVE_MAX, env.RATE_LIMIT_SENSITIVE_WINDOW_SECONDS),
        }
      : null,
    trustedProxies: env.TRUSTED_PROXIES,
    devAllowance: DevAllowance.none,
  };
}

/** The settings buildGateway takes, from a parsed environment. */
export function gatewaySettingsFromEnv(env: GatewayEnv): GatewaySettings {
  return {
    production: env.NODE_ENV === 'production',
    introspection: env.INTROSPECTION,
    redis: { url: env.REDIS_URL, prefix: env.REDIS_PREFIX },
    subgraphUrls: env.SUBGRAPH_URLS,
    subgraphRoles: {
      authPassThrough: env.AUTH_PASS_THROUGH_SUBGRAPH || null,
      paymentPassThrough: env.PAYMENT_PASS_THROUGH_SUBGRAPH || null,
      filePassThrough: env.FILE_PASS_THROUGH_SUBGRAPHS,
      forwardAuthorizationTo: env.FORWARD_AUTHORIZATION_TO,
    },
    subgraphTimeoutMs: env.SUBGRAPH_TIMEOUT_MS,
    shareInflightFetches: env.SUBGRAPH_SHARE_INFLIGHT,
    mergeFetches: env.GATEWAY_MERGE_FETCHES,
    entityCache: env.ENTITY_CACHE,
    subgraphBreaker: { failures: env.SUBGRAPH_BREAKER_FAILURES, cooldownMs: env.SUBGRAPH_BREAKER_COOLDOWN_MS },
    subscriptions: {
      maxPerConnection: env.WS_MAX_SUBSCRIPTIONS_PER_CONNECTION,
      capacity: env.WS_SUBSCRIPTION_CAPACITY,
      connectionInitTimeoutMs: env.WS_CONNECTION_INIT_TIMEOUT_MS,
      joinBatching: env.WS_JOIN_BATCHING,
      joinBatchWindowMs: env.WS_JOIN_BATCH_WINDOW_MS,
      connectionCaps: { perAddress: env.WS_MAX_CONNECTIONS_PER_ADDRESS, perMember: env.WS_MAX_CONNECTIONS_PER_MEMBER },
      revocationSweepMs: env.WS_REVOCATION_SWEEP_MS,
    },
    limits: limitsFromEnv(env),
    operations: { port: env.GATEWAY_OPS_PORT, host: env.OPS_HOST },
    explorerDir: env.EXPLORER ? env.EXPLORER_DIR : undefined,
    adminConsole: env.ADMIN_CONSOLE ? { dir: env.ADMIN_CONSOLE_DIR, mediaOrigins: env.ADMIN_CONSOLE_MEDIA_ORIGINS } : undefined,
  };
}

/**
 * The settings of a gateway started with `source` as its whole environment (default: none at all),
 * without reading process.env; throws on an invalid one. What tests and benches build on.
 */
export function defaultGatewaySettings(source: Record<string, string> = {}): GatewaySettings {
  return gatewaySettingsFromEnv(withDerivedDefaults(gatewayEnvSchema.parse(source)));
}
