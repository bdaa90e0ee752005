// Builds the payment subgraph (does not listen) on the kit's defineSubgraph, which owns the logger,
// Prisma, Redis, the outbox relay, the Redis subscriber and graphql-ws on /graphql, and the start and
// stop order. Here: the provider (sandbox or Toss Payments, one protocol), the ledger, the escrow,
// the payment service, guardian approval, the checkout return and webhook routes, the consumer, the
// settle job and the approval expiry job.
// Composition only. index.ts and tests call start/stop.
import { businessCounter, defineSubgraph, internalReader, type SubgraphServer } from '@anshim/platform';
import { contextBuilder } from './context.ts';
import { ApprovalCopies } from './copies/approval-copies.ts';
import { UserOwner } from './copies/user-owner.ts';
import { TradeCopyRepository } from './copies/trade-copy-repository.ts';
import { createDatabase, type PaymentPrisma, type Tx } from './database.ts';
import { loadPaymentEnv, providerUrl, type PaymentEnv } from './env.ts';
import { ApprovalRepository } from './guardian-approval/approval-repository.ts';
import { GuardianApprovals } from './guardian-approval/guardian-approvals.ts';
import { mountPaymentRoutes } from './http/payment-routes.ts';
import { paymentHandlers } from './inbound/consumers.ts';
import { expiryScheduler, guardianApprovalExpiryJob } from './jobs/guardian-approval-expiry-job.ts';
import { settleJob } from './jobs/settle-job.ts';
import { LedgerRepository } from './ledger/ledger-repository.ts';
import { PaymentEvents } from './outbound/payment-events.ts';
import { CheckoutOpener } from './payments/checkout-opener.ts';
import { COUNTED_PAYMENT_STATES, Escrow } from './payments/escrow.ts';
import { PaymentPublisher } from './payments/payment-channels.ts';
import { PaymentRepository } from './payments/payment-repository.ts';
import { PaymentService } from './payments/payment-service.ts';
import { ProviderSync } from './payments/provider-sync.ts';
import { unitRunner } from './payments/units.ts';
import type { PaymentProvider } from './providers/provider.ts';
import { tossProtocolProvider } from './providers/toss-protocol.ts';
import { resolvers } from './resolvers/index.ts';

export type PaymentServer = SubgraphServer<PaymentEnv, PaymentPrisma, { payments: PaymentService; approvals: GuardianApprovals; sync: ProviderSync; ledger: LedgerRepository; settle: () => Promise<unknown>; expiry: ReturnType<typeof guardianApprovalExpiryJob> }>;

export function providerFrom(env: PaymentEnv): PaymentProvider {
  return tossProtocolProvider({
    name: env.PAYMENT_PROVIDER,
    baseUrl: providerUrl(env),
    secretKey: env.PAYMENT_SECRET_KEY,
    webhookKey: env.PAYMENT_WEBHOOK_KEY,
    // The sandbox signs every webhook; Toss signs only some, so its payment webhooks are notices we read back.
    requireSignedWebhooks: env.PAYMENT_PROVIDER === 'sandbox',
    webhookMaxAgeMs: env.PAYMENT_WEBHOOK_MAX_AGE_SECONDS * 1_000,
    timeoutMs: env.PAYMENT_PROVIDER_TIMEOUT_MS,
    attempts: 3,
  });
}

export async function buildPaymentServer(overrides: Record<string, string | undefined> = {}): Promise<PaymentServer> {
  return defineSubgraph({
    name: 'payment',
    env: loadPaymentEnv(overrides),
    schema: new URL('../schema.graphql', import.meta.url),
    resolvers,
    database: (databaseUrl) => createDatabase({ databaseUrl }),
    subscriptions: true,
    compose: ({ env, logger, prisma, redis, redisSettings, afterCommit, hub, consume, metrics }) => {
      const provider = providerFrom(env);
      const payments = new PaymentRepository(prisma);
      const ledger = new LedgerRepository(prisma);
      const trades = new TradeCopyRepository(prisma);
      const runUnit = unitRunner(prisma, logger);
      const publisher = new PaymentPublisher({ redis, redisSettings, logger });
      // Every committed change nudges the outbox relay, so its event leaves at once.
      const events = new PaymentEvents();
      const counter = businessCounter(metrics, 'payments', [...COUNTED_PAYMENT_STATES].map((state) => ({ state: state.toLowerCase() })));
      const escrow = new Escrow({ payments, ledger, events, counter, publisher: { publish: async (payment) => (afterCommit(), publisher.publish(payment)) } as PaymentPublisher });
      const autoReleaseMs = env.PAYMENT_AUTO_RELEASE_DAYS * 24 * 3_600_000;
      const sync = new ProviderSync({ payments, ledger, escrow, provider, runUnit, autoReleaseMs, logger });
      const checkout = new CheckoutOpener({ payments, escrow, provider, runUnit, returnUrl: `${env.PAYMENT_PUBLIC_URL.replace(/\/$/, '')}/payments/return`, logger });
      const copies = new ApprovalCopies(prisma);
      const approvalRows = new ApprovalRepository(prisma);
      const expiry = guardianApprovalExpiryJob({ approvals: () => approvals, redis: redisSettings, logger });
      const approvals: GuardianApprovals = new GuardianApprovals({
        approvals: approvalRows,
        payments,
        copies,
        owner: new UserOwner(
          internalReader({ caller: 'payment', target: 'user', baseUrl: env.PAYMENT_USER_SUBGRAPH_URL, internalSecret: env.INTERNAL_SECRET, timeoutMs: env.PAYMENT_INTERNAL_READ_TIMEOUT_MS }),
          logger,
        ),
        escrow,
        events,
        checkout,
        runUnit,
        thresholds: { minAmount: env.PAYMENT_GUARDIAN_MIN_AMOUNT, minRiskyAmount: env.PAYMENT_GUARDIAN_MIN_RISKY_AMOUNT },
        ttlMs: env.PAYMENT_GUARDIAN_APPROVAL_TTL_SECONDS * 1_000,
        internalSecret: env.INTERNAL_SECRET,
        scheduleExpiry: expiryScheduler(expiry),
        logger,
      });
      const service = new PaymentService({ payments, trades, escrow, checkout, approvals, runUnit, providerName: provider.name });
      const settleDeps = { payments, escrow, sync, runUnit, logger, approvals };
      const settle = settleJob({ ...settleDeps, redis: redisSettings, everySeconds: env.PAYMENT_SETTLE_EVERY_SECONDS });
      return {
        context: contextBuilder({ services: { payments: service, approvals }, payments, approvals: approvalRows, hub: hub() }),
        routes: (app) => mountPaymentRoutes(app, { sync, provider, appReturnUrl: env.PAYMENT_APP_RETURN_URL, logger }),
        consumer: env.PAYMENT_CONSUME_EVENTS ? consume<Tx>((hooks) => paymentHandlers({ trades, payments, escrow, sync, logger, copies }, hooks)) : undefined,
        jobs: [settle, expiry],
        listeningDetails: { provider: env.PAYMENT_PROVIDER, providerUrl: providerUrl(env) },
        expose: { payments: service, approvals, sync, ledger, settle: () => settle.run({}), expiry },
      };
    },
  });
}
