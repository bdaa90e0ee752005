// payment.settle, every PAYMENT_SETTLE_EVERY_SECONDS on one replica at a time (a BullMQ job
// scheduler): held money whose autoReleaseAt has passed goes to the seller (RELEASED by the
// platform); a checkout the provider knows of but we never heard back about is read back and
// applied (a lost browser return, or our process killed between the provider's confirmation and
// our write); a refund the provider has not returned yet is returned. Each step is idempotent, so
// running twice, or on two replicas, changes nothing twice. It also expires guardian approvals
// whose own delayed job was lost (guardian-approval-expiry-job.ts).
import { defineJob, systemClock, type Clock, type DefinedJob, type Logger, type RedisSettings } from '@anshim/platform';
import { JOB_CATALOGUE } from '@anshim/contracts';
import type { Escrow } from '../payments/escrow.ts';
import type { PaymentRepository } from '../payments/payment-repository.ts';
import type { ProviderSync } from '../payments/provider-sync.ts';
import type { RunUnit } from '../payments/units.ts';

const BATCH = 100;
/** A checkout younger than this is still in the buyer's hands. */
const CHECKOUT_GRACE_MS = 60_000;

export interface SettleOutcome {
  released: number;
  repaired: number;
  refundsReturned: number;
  approvalsExpired: number;
}

export interface SettleDeps {
  payments: PaymentRepository;
  escrow: Escrow;
  sync: ProviderSync;
  runUnit: RunUnit;
  logger: Logger;
  /** Expires pending guardian approvals past their expiresAt; absent in tests of the money steps alone. */
  approvals?: { expireOverdue(): Promise<number> };
  now?: Clock;
}

/** One pass; tests call it directly. */
export async function settle(deps: SettleDeps): Promise<SettleOutcome> {
  const now = (deps.now ?? systemClock)();
  const outcome: SettleOutcome = { released: 0, repaired: 0, refundsReturned: 0, approvalsExpired: 0 };
  for (const payment of await deps.payments.dueForRelease(now, BATCH)) {
    const moved = await deps.runUnit((unit) => deps.escrow.move(unit, payment, { to: 'RELEASED', actor: 'PLATFORM', reason: 'AUTO_RELEASE' }));
    if (moved) outcome.released++;
  }
  for (const payment of await deps.payments.awaitingProvider(new Date(now.getTime() - CHECKOUT_GRACE_MS), BATCH)) {
    try {
      if ((await deps.sync.refresh(payment)).status !== payment.status) outcome.repaired++;
    } catch (error) {
      deps.logger.warn({ err: error, paymentId: payment.id }, 'could not read a checkout back from the provider; next pass retries');
    }
  }
  for (const payment of await deps.payments.refundsNotReturned(BATCH)) {
    try {
      await deps.sync.returnRefund(payment);
      outcome.refundsReturned++;
    } catch (error) {
      deps.logger.warn({ err: error, paymentId: payment.id }, 'could not return a refund through the provider; next pass retries');
    }
  }
  if (deps.approvals) {
    try {
      outcome.approvalsExpired = await deps.approvals.expireOverdue();
    } catch (error) {
      deps.logger.warn({ err: error }, 'could not expire overdue guardian approvals; next pass retries');
    }
  }
  return outcome;
}

export function settleJob(deps: SettleDeps & { redis: RedisSettings; everySeconds: number }): DefinedJob<(typeof JOB_CATALOGUE)['payment.settle']['schema'], SettleOutcome> {
  return defineJob({
    ...JOB_CATALOGUE['payment.settle'],
    redis: deps.redis,
    logger: deps.logger,
    handler: () => settle(deps),
    defaults: { removeOnComplete: 100, removeOnFail: 500 },
    schedule: { id: 'payment.settle', repeat: { every: deps.everySeconds * 1_000 } },
  });
}
