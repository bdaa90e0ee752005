// What the report service consumes, and why (it never reads another service's tables):
// - user.registered: a copy of user ids, so a report's target must exist;
// - product.created: each product's seller, so a report about a product is about its seller;
// - transaction.requested: each trade's parties, so a report about a trade involves both people;
// - user.verified, user.profile_updated (a phone change), transaction.accepted/completed/disputed
//   and transaction.cancelled after acceptance: who a reporter is and whether they really dealt
//   with the target, i.e. how much their report weighs (reporter-trust.ts).
// - payment.disputed: a buyer disputed held money; a report opens for the moderators, whose
//   decision then settles the money (reports/payment-disputes.ts).
// Sellers and buyers seen in product/trade events are known users too (they exist), which also
// covers people who registered before this copy existed and later list or trade.
import type { AfterCommitHooks, EventHandlers } from '@anshim/platform';
import type { KnownPartiesRepository } from '../copies/known-parties-repository.ts';
import type { Tx } from '../database.ts';
import type { PaymentDisputes } from '../reports/payment-disputes.ts';
import type { ReportCounters } from '../reports/report-counters.ts';

export interface ReportHandlerDeps {
  known: KnownPartiesRepository;
  disputes: PaymentDisputes;
  /** Nudges the outbox relay once a handler that recorded an event committed (report.filed leaves at once). */
  afterCommit: () => void;
  counters: ReportCounters;
}

export function reportHandlers({ known, disputes, afterCommit, counters }: ReportHandlerDeps, hooks: AfterCommitHooks<Tx>): EventHandlers<'report', Tx> {
  return {
    'payment.disputed': async (event, tx) => {
      const opened = await disputes.opened(tx, event.data);
      if (opened) {
        hooks.schedule(tx, async () => {
          afterCommit();
          counters.filed(opened.type);
        });
      }
    },
    'user.registered': async (event, tx) => {
      await known.userRegistered(tx, event.data.userId, new Date(event.data.createdAt));
    },
    'product.created': async (event, tx) => {
      const { productId, sellerId, createdAt } = event.data;
      await known.userRegistered(tx, sellerId, new Date(createdAt));
      await known.productCreated(tx, productId, sellerId);
    },
    'transaction.requested': async (event, tx) => {
      const { transactionId, productId, buyerId, sellerId, at } = event.data;
      await known.userRegistered(tx, buyerId, new Date(at));
      await known.userRegistered(tx, sellerId, new Date(at));
      await known.productCreated(tx, productId, sellerId);
      await known.tradeRequested(tx, { id: transactionId, productId, buyerId, sellerId });
    },
    'user.verified': async (event, tx) => {
      await known.verified(tx, event.data.userId, event.data.method, new Date(event.data.verifiedAt));
    },
    'user.profile_updated': async (event, tx) => {
      if (event.data.fields.includes('phone')) await known.phoneChanged(tx, event.data.userId, new Date(event.occurredAt));
    },
    'transaction.accepted': async (event, tx) => accepted(known, event.data, tx),
    'transaction.completed': async (event, tx) => accepted(known, event.data, tx),
    'transaction.disputed': async (event, tx) => accepted(known, event.data, tx),
    'transaction.cancelled': async (event, tx) => {
      if (event.data.fromStatus !== 'REQUESTED') await accepted(known, event.data, tx);
    },
  };
}

/** Every step after ACCEPTED implies the target accepted: the parties dealt with each other. */
async function accepted(known: KnownPartiesRepository, trade: { transactionId: string; productId: string; buyerId: string; sellerId: string; at: string }, tx: Tx): Promise<void> {
  const at = new Date(trade.at);
  await known.userRegistered(tx, trade.buyerId, at);
  await known.userRegistered(tx, trade.sellerId, at);
  await known.tradeAccepted(tx, { id: trade.transactionId, productId: trade.productId, buyerId: trade.buyerId, sellerId: trade.sellerId }, at);
}
