// The transaction service's configuration, parsed once. The only file of this service that
// reads process.env; defaults make a local run work with no .env at all.
import { z } from 'zod';
import { baseEnvShape, booleanFlag, parseEnv, port, resolveSecrets, type Secrets } from '@anshim/platform';
import { checkStorageEnv, storageEnvShape } from '@anshim/platform/storage';

const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

export const transactionEnvSchema = z
  .object({
    ...baseEnvShape,
    ...storageEnvShape,
    TRANSACTION_PORT: port(4002).describe('transaction subgraph port'),
    TRANSACTION_OPS_PORT: port(9102).describe('the transaction subgraph\'s operations port: `/metrics`, detailed `/readyz` (on OPS_HOST)'),
    TRANSACTION_HOST: z.string().min(1).default('127.0.0.1').describe('interface the transaction subgraph binds (`0.0.0.0` in a container)'),
    TRANSACTION_PUBLIC_URL: optional(z.url({ protocol: /^https?$/ }))
      .describe('how browsers reach this service\'s files THROUGH THE GATEWAY: `<gateway origin>/transaction` (the gateway passes /transaction/files/* on, signed); `npm start` and the e2e stack set it; default http://localhost:<port> (tests that call the subgraph directly); required in production with STORAGE_DRIVER=local'),
    PRODUCT_CACHE_TTL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(1_800)
      .describe('product detail, listing pages and the popular list stay cached this long'),
    PRODUCT_CACHE: booleanFlag(true).describe('turn the product cache off (benchmarks of the database path, debugging)'),
    TRANSACTION_CONSUME_EVENTS: booleanFlag(true)
      .describe('consume safety/user/monitor events in this process (seller grades, protection, holds)'),
    VIEW_FLUSH_INTERVAL_MS: z.coerce.number().int().min(100).default(5_000)
      .describe('how often buffered product views are added to PostgreSQL'),
    TRANSACTION_DB_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10).describe('PostgreSQL connections per process'),
  })
  .superRefine((env, ctx) => {
    checkStorageEnv(env, ctx);
    // Upload and image URLs must name an address browsers reach; localhost only works on a laptop.
    if (env.NODE_ENV === 'production' && env.STORAGE_DRIVER === 'local' && !env.TRANSACTION_PUBLIC_URL) {
      ctx.addIssue({ code: 'custom', path: ['TRANSACTION_PUBLIC_URL'], message: 'required in production with STORAGE_DRIVER=local (how browsers reach this service)' });
    }
  });

export type TransactionEnv = z.infer<typeof transactionEnvSchema> & Secrets;

/** Parses the environment (plus overrides, e.g. from tests); exits listing every problem when it is wrong. */
export function loadTransactionEnv(overrides: Record<string, string | undefined> = {}): TransactionEnv {
  const env = parseEnv(transactionEnvSchema, { ...process.env, ...overrides }, 'transaction');
  return { ...env, ...resolveSecrets(env, 'transaction') };
}
