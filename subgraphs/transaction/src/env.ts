// The transaction service's configuration, parsed once. The only file of this service that
// reads process.env; defaults make a local run work with no .env at all.
import { z } from 'zod';
import { booleanFlag, envLoader, internalReadTimeoutSetting, ownerUrlSetting, subgraphEnvShape } from '@anshim/platform';
import { checkStorageEnv, publicUrlSetting, storageEnvShape } from '@anshim/platform/storage';


export const transactionEnvSchema = z
  .object({
    ...subgraphEnvShape('transaction', { port: 4002, opsPort: 9102 }),
    ...storageEnvShape,
    TRANSACTION_PUBLIC_URL: publicUrlSetting('how browsers reach this service\'s files THROUGH THE GATEWAY: `<gateway origin>/transaction` (the gateway passes /transaction/files/* on, signed); `npm start` and the e2e stack set it; default http://localhost:<port> (tests that call the subgraph directly); required in production with STORAGE_DRIVER=local'),
    PRODUCT_CACHE_TTL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(1_800)
      .describe('product detail, listing pages and the popular list stay cached this long'),
    PRODUCT_CACHE: booleanFlag(true).describe('turn the product cache off (benchmarks of the database path, debugging)'),
    TRANSACTION_CONSUME_EVENTS: booleanFlag(true)
      .describe('consume safety/user/monitor events in this process (seller grades, protection, holds)'),
    VIEW_FLUSH_INTERVAL_MS: z.coerce.number().int().min(100).default(5_000)
      .describe('how often buffered product views are added to PostgreSQL'),
    TRANSACTION_USER_SUBGRAPH_URL: ownerUrlSetting('user', 'the user service, read (signed /internal/user-facts) when a trade starts so protection set a moment ago is in force; trades are refused while it cannot answer'),
    TRANSACTION_INTERNAL_READ_TIMEOUT_MS: internalReadTimeoutSetting('timeout of one read from the user service (one retry; a circuit breaker fails fast while it is down)'),
    TRANSACTION_CHECK_IN_ALERT_SECONDS: z.coerce.number().int().min(1).max(86_400).default(3_600)
      .describe('a party still checked in at the meeting spot this long after checking in is overdue: a protected member\'s guardians get an SMS (default 60 minutes; tests set seconds)'),
    TRANSACTION_DB_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10).describe('PostgreSQL connections per process'),
  })
  .superRefine((env, ctx) => {
    checkStorageEnv(env, ctx, 'TRANSACTION_PUBLIC_URL');
  });

/** Parses the environment (plus overrides, e.g. from tests); exits listing every problem when it is wrong. */
export const loadTransactionEnv = envLoader(transactionEnvSchema, 'transaction');
export type TransactionEnv = ReturnType<typeof loadTransactionEnv>;
