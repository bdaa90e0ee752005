// The payment service's configuration, parsed once. The only file of this service that reads
// process.env; defaults make a local run work with no .env at all (the sandbox provider).
import { z } from 'zod';
import { booleanFlag, envLoader, internalReadTimeoutSetting, ownerUrlSetting, subgraphEnvShape } from '@anshim/platform';

/** The sandbox's development keys: anyone may read them, so production refuses them. */
export const SANDBOX_SECRET_KEY = 'test_sk_anshim_sandbox';
export const SANDBOX_WEBHOOK_KEY = 'anshim-sandbox-webhook-key';

export const paymentEnvSchema = z
  .object({
    ...subgraphEnvShape('payment', { port: 4007, opsPort: 9107 }),
    PAYMENT_PROVIDER: z.enum(['sandbox', 'tosspayments']).default('sandbox').describe('who collects the money: the local sandbox process, or Toss Payments'),
    PAYMENT_PROVIDER_URL: z.url().optional().describe('the provider\'s API (default: http://127.0.0.1:4010 for sandbox, https://api.tosspayments.com for tosspayments)'),
    PAYMENT_SECRET_KEY: z.string().min(8).default(SANDBOX_SECRET_KEY).describe('the merchant secret key (Basic auth); production needs a real one'),
    PAYMENT_WEBHOOK_KEY: z.string().min(8).default(SANDBOX_WEBHOOK_KEY).describe('the key webhooks are signed with'),
    PAYMENT_WEBHOOK_MAX_AGE_SECONDS: z.coerce.number().int().min(10).max(3_600).default(300).describe('an older signed webhook is a replay and refused'),
    PAYMENT_PROVIDER_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000).describe('each provider call\'s timeout (then retried, twice)'),
    PAYMENT_PUBLIC_URL: z.url().default('http://127.0.0.1:4000').describe('the gateway as browsers reach it: checkout returns to <this>/payments/return'),
    PAYMENT_APP_RETURN_URL: z.url().default('http://127.0.0.1:4000/payments/done').describe('the app page a buyer lands on after checkout (?payment=<id>&status=…)'),
    PAYMENT_AUTO_RELEASE_DAYS: z.coerce.number().min(0.0001).max(60).default(7).describe('held money goes to the seller this long after payment unless the buyer confirms or disputes'),
    PAYMENT_SETTLE_EVERY_SECONDS: z.coerce.number().int().min(1).max(3_600).default(60)
      .describe('how often the settle job releases due payments, repairs lost checkouts and returns refunds'),
    PAYMENT_SANDBOX_PORT: z.coerce.number().int().min(0).max(65_535).default(4010).describe('the sandbox provider process\'s port (npm start runs it with the sandbox provider)'),
    PAYMENT_SANDBOX_PUBLIC_URL: z.url().optional().describe('the sandbox as browsers reach it, for its checkout links (default http://127.0.0.1:<PAYMENT_SANDBOX_PORT>)'),
    PAYMENT_SANDBOX_WEBHOOK_URL: z.url().optional().describe('where the sandbox sends webhooks (default <PAYMENT_PUBLIC_URL>/payments/webhook)'),
    PAYMENT_GUARDIAN_MIN_AMOUNT: z.coerce.number().int().min(1).default(1_000_000)
      .describe('a payment of at least this many won waits for a guardian\'s approval when the buyer has a guardian who approves payments'),
    PAYMENT_GUARDIAN_MIN_RISKY_AMOUNT: z.coerce.number().int().min(1).default(300_000)
      .describe('from this many won, a payment to a seller graded CAUTION or DANGER waits for a guardian\'s approval likewise'),
    PAYMENT_GUARDIAN_APPROVAL_TTL_SECONDS: z.coerce.number().int().min(60).max(7 * 86_400).default(86_400)
      .describe('how long a guardian has to answer; then the approval expires and the payment is cancelled'),
    PAYMENT_USER_SUBGRAPH_URL: ownerUrlSetting('user', 'the user service, read (signed /internal/user-facts) when a payment that may need a guardian\'s approval starts; such payments are refused while it cannot answer'),
    PAYMENT_INTERNAL_READ_TIMEOUT_MS: internalReadTimeoutSetting('timeout of one read from the user service (one retry; a circuit breaker fails fast while it is down)'),
    PAYMENT_CONSUME_EVENTS: booleanFlag(true).describe('consume transaction, report and safety events (trade copies, release and refund, sellers\' grades)'),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV !== 'production') return;
    if (env.PAYMENT_PROVIDER === 'sandbox') ctx.addIssue({ code: 'custom', path: ['PAYMENT_PROVIDER'], message: 'the sandbox provider moves no real money: set tosspayments in production' });
    for (const key of ['PAYMENT_SECRET_KEY', 'PAYMENT_WEBHOOK_KEY'] as const) {
      if (/REPLACE-ME/i.test(env[key])) ctx.addIssue({ code: 'custom', path: [key], message: 'still the REPLACE-ME placeholder' });
    }
    if (env.PAYMENT_SECRET_KEY === SANDBOX_SECRET_KEY) ctx.addIssue({ code: 'custom', path: ['PAYMENT_SECRET_KEY'], message: 'set the merchant secret key' });
    if (env.PAYMENT_WEBHOOK_KEY === SANDBOX_WEBHOOK_KEY) ctx.addIssue({ code: 'custom', path: ['PAYMENT_WEBHOOK_KEY'], message: 'set the webhook security key' });
  });

/** Parses the environment (plus overrides, e.g. from tests); exits listing every problem when it is wrong. */
export const loadPaymentEnv = envLoader(paymentEnvSchema, 'payment');
export type PaymentEnv = ReturnType<typeof loadPaymentEnv>;

export function providerUrl(env: PaymentEnv): string {
  return env.PAYMENT_PROVIDER_URL ?? (env.PAYMENT_PROVIDER === 'sandbox' ? 'http://127.0.0.1:4010' : 'https://api.tosspayments.com');
}
