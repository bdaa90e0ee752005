// What the monitor consumes, and why (it never reads another service's tables):
// - user.registered / user.profile_updated: account age (NEW_ACCOUNT_HIGH_VALUE), protected mode
//   and minimum counterpart grade (PROTECTED_USER_EXPOSED);
// - user.status_changed: a ban or suspension warns everyone who dealt with the user lately, and a
//   banned user's later activity raises nothing new;
// - safety.score_changed: each user's grade (PROTECTED_USER_EXPOSED);
// - product.created / product.price_changed: listing prices per category (PRICE_TOO_GOOD's median)
//   and the listing rules themselves (a listing also reported by the app raises its alerts once);
// - transaction.requested: both parties exist and dealt with each other; the trade's listing and
//   parties (known_trades), which payment events do not name;
// - payment.started: a safe payment was offered for the trade (OFF_APP_AFTER_SAFE_PAYMENT when the
//   seller then asks to pay off the app); payment.disputed: REPEATED_DISPUTES against the seller;
//   payment.failed: PAYMENT_FAILURE_BURST of the buyer (assessment/payment-signals.ts). The other
//   payment.* events change nothing the rules read;
// - report.filed: REPORT_BURST over a sliding window of distinct reporters, each weighed by what the
//   event says about them (verified, account age, a trade with the target: reporter-trust.ts);
// - report.identifiers_confirmed: lookup hashes of accounts/phones in accepted reports (KNOWN_FRAUD_ACCOUNT);
// - user.deleted: the member's words in recorded activities are forgotten (copies/deleted-members.ts);
// - user.signed_in, chat.contact_observed, chat.message_screened: what the platform observed itself
//   (sign-in devices, real contacts, screening findings; assessment/platform-signals.ts).
// Copies and the alerts an event raises are written in the consumer's transaction, together with
// the processed-event record, and alerts are keyed by (event, rule): a redelivered event raises
// nothing twice. Pushes to subscribers run after the commit. The chat events may share one
// transaction with others of their kind (a batch): exactly once still holds per event.
import { inBatches, type AfterCommitHooks, type EventEnvelope, type EventHandlers } from '@anshim/platform';
import type { EventType } from '@anshim/contracts';
import type { Tx } from '../database.ts';
import type { AssessmentService, FromEvent } from '../assessment/assessment-service.ts';
import type { PlatformSignals } from '../assessment/platform-signals.ts';
import type { PaymentSignals } from '../assessment/payment-signals.ts';
import type { KnownRepository } from '../copies/known-repository.ts';
import type { TradeRepository } from '../copies/trade-repository.ts';
import { forgetActivityText } from '../copies/deleted-members.ts';

export interface ConsumerDeps {
  known: KnownRepository;
  assessment: AssessmentService;
  signals: PlatformSignals;
  trades: TradeRepository;
  payments: PaymentSignals;
}

export function monitorHandlers(deps: ConsumerDeps, hooks: AfterCommitHooks<Tx>): EventHandlers<'monitor', Tx> {
  const { known, assessment, signals, trades, payments } = deps;
  const from = (event: EventEnvelope<EventType>, tx: Tx): FromEvent => ({ tx, sourceEventId: event.id, defer: (work) => hooks.schedule(tx, work) });
  return {
    'user.registered': async (event, tx) => {
      await known.userRegistered(tx, event.data.userId, new Date(event.data.createdAt));
    },
    'user.profile_updated': async (event, tx) => {
      const { userId, protectedMode, minCounterpartGrade } = event.data;
      await known.profileUpdated(tx, userId, protectedMode, minCounterpartGrade ?? null, new Date(event.occurredAt));
    },
    'user.status_changed': async (event, tx) => {
      const { userId, status } = event.data;
      const at = new Date(event.occurredAt);
      if (await known.statusChanged(tx, userId, status, at)) await assessment.accountStatusChanged({ userId, status, at }, from(event, tx));
    },
    'safety.score_changed': async (event, tx) => {
      await known.gradeChanged(tx, event.data.userId, event.data.grade, event.data.version, new Date(event.data.changedAt));
    },
    'product.created': async (event, tx) => {
      const { productId, sellerId, category, price, createdAt } = event.data;
      await known.userSeen(tx, sellerId, new Date(createdAt));
      await known.productSeen(tx, { id: productId, sellerId, category, price, at: new Date(createdAt) });
      await assessment.assess({ type: 'LISTING_CREATED', userId: sellerId, productId, amount: price, at: new Date(createdAt) }, {}, from(event, tx));
    },
    'product.price_changed': async (event, tx) => {
      const { productId, sellerId, category, newPrice, at } = event.data;
      await known.productSeen(tx, { id: productId, sellerId, category, price: newPrice, at: new Date(at) });
      await assessment.assess({ type: 'PRICE_CHANGED', userId: sellerId, productId, amount: newPrice, at: new Date(at) }, {}, from(event, tx));
    },
    'transaction.requested': async (event, tx) => {
      const { transactionId, productId, buyerId, sellerId, at } = event.data;
      await known.userSeen(tx, buyerId, new Date(at));
      await known.userSeen(tx, sellerId, new Date(at));
      await known.contacts(tx, [{ userId: buyerId, counterpartId: sellerId, at: new Date(at) }]);
      await trades.requested(tx, { transactionId, productId, buyerId, sellerId, at: new Date(at) });
    },
    'payment.started': async (event, tx) => payments.started(event.data, from(event, tx)),
    'payment.disputed': async (event, tx) => void (await payments.disputed(event.data, from(event, tx))),
    'payment.failed': async (event, tx) => void (await payments.failed(event.data, from(event, tx))),
    'report.filed': async (event, tx) => {
      const { targetUserId, reporterId, productId, transactionId, filedAt, reporter } = event.data;
      await known.userSeen(tx, targetUserId, new Date(filedAt));
      await assessment.reportFiled({ targetUserId, reporterId, productId, transactionId, at: new Date(filedAt), reporter }, from(event, tx));
    },
    'report.identifiers_confirmed': async (event, tx) => {
      await known.fraudIdentifiersConfirmed(tx, event.data.identifiers, new Date(event.data.confirmedAt));
    },
    'user.deleted': async (event, tx) => void (await forgetActivityText(tx, event.data.userId)),
    'user.signed_in': async (event, tx) => void (await signals.signedIn(event.data, from(event, tx))),
    // The busiest events (a contact per party and hour of each conversation, a screening per
    // flagged message): handled in batches (event-batches.ts). They do not depend on each other's
    // order: message_screened never writes the contact (platform-signals.ts).
    'chat.contact_observed': inBatches({ batch: async (events, tx) => void (await signals.contactsObserved(events.map((event) => ({ contact: event.data, from: from(event, tx) })))) }),
    'chat.message_screened': inBatches(async (event, tx) => void (await signals.messageScreened(event.data, from(event, tx)))),
  };
}
