// What the monitor consumes, and why (it never reads another service's tables):
// - user.registered / user.profile_updated: account age (NEW_ACCOUNT_HIGH_VALUE), protected mode
//   and minimum counterpart grade (PROTECTED_USER_EXPOSED);
// - safety.score_changed: each user's grade (PROTECTED_USER_EXPOSED);
// - product.created / product.price_changed: listing prices per category (PRICE_TOO_GOOD's median)
//   and the listing rules themselves (a listing made in the app is assessed here, once);
// - transaction.requested: both parties exist;
// - report.filed: REPORT_BURST over a sliding window of distinct reporters;
// - report.identifiers_confirmed: lookup hashes of accounts/phones in accepted reports (KNOWN_FRAUD_ACCOUNT).
// The copies are written in the consumer's transaction (exactly once); rules that raise alerts
// run their own transaction, and a redelivered event may raise an alert twice (at least once).
import { EventConsumer, type EventHandlers, type Logger, type RedisSettings } from '@anshim/platform';
import type { MonitorPrisma, Tx } from '../database.ts';
import type { KnownRepository } from '../known-repository.ts';
import type { MonitorService } from '../monitor-service.ts';

export interface ConsumerDeps {
  prisma: MonitorPrisma;
  known: KnownRepository;
  monitor: MonitorService;
  redis: RedisSettings;
  logger: Logger;
}

export function monitorHandlers(deps: Pick<ConsumerDeps, 'known' | 'monitor' | 'logger'>): EventHandlers<'monitor', Tx> {
  const { known, monitor, logger } = deps;
  /** Assessments run after the copy is written; a failure is logged, never fails the copy. */
  const later = (work: () => Promise<unknown>) => {
    setImmediate(() => void work().catch((error: unknown) => logger.error({ err: error }, 'assessment from an event failed')));
  };
  return {
    'user.registered': async (event, tx) => {
      await known.userRegistered(tx, event.data.userId, new Date(event.data.createdAt));
    },
    'user.profile_updated': async (event, tx) => {
      const { userId, protectedMode, minCounterpartGrade } = event.data;
      await known.profileUpdated(tx, userId, protectedMode, minCounterpartGrade ?? null, new Date(event.occurredAt));
    },
    'safety.score_changed': async (event, tx) => {
      await known.gradeChanged(tx, event.data.userId, event.data.grade, new Date(event.data.changedAt));
    },
    'product.created': async (event, tx) => {
      const { productId, sellerId, category, price, createdAt } = event.data;
      await known.userSeen(tx, sellerId, new Date(createdAt));
      await known.productSeen(tx, { id: productId, sellerId, category, price });
      later(() => monitor.assess({ type: 'LISTING_CREATED', userId: sellerId, productId, amount: price, at: new Date(createdAt) }));
    },
    'product.price_changed': async (event, tx) => {
      const { productId, sellerId, category, newPrice, at } = event.data;
      await known.productSeen(tx, { id: productId, sellerId, category, price: newPrice });
      later(() => monitor.assess({ type: 'PRICE_CHANGED', userId: sellerId, productId, amount: newPrice, at: new Date(at) }));
    },
    'transaction.requested': async (event, tx) => {
      const { buyerId, sellerId, at } = event.data;
      await known.userSeen(tx, buyerId, new Date(at));
      await known.userSeen(tx, sellerId, new Date(at));
    },
    'report.filed': async (event, tx) => {
      const { targetUserId, reporterId, productId, transactionId, filedAt } = event.data;
      await known.userSeen(tx, targetUserId, new Date(filedAt));
      later(() => monitor.reportFiled({ targetUserId, reporterId, productId, transactionId, at: new Date(filedAt) }));
    },
    'report.identifiers_confirmed': async (event, tx) => {
      await known.fraudIdentifiersConfirmed(tx, event.data.identifiers, new Date(event.data.confirmedAt));
    },
  };
}

export function createMonitorConsumer(deps: ConsumerDeps): EventConsumer<'monitor', Tx> {
  return new EventConsumer<'monitor', Tx>({
    service: 'monitor',
    prisma: deps.prisma as never,
    redis: deps.redis,
    logger: deps.logger,
    handlers: monitorHandlers(deps),
  });
}
