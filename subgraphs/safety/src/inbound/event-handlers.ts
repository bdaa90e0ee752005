// What the safety service consumes: every event that moves a factor input updates the projection
// and recalculates the affected users in the same transaction as the processed-event record, so a
// redelivered event changes nothing and a crash leaves either all of it or none.
import type { EventHandlers, EventEnvelope, SqlExecutor } from '@anshim/platform';
import { EVENT_CATALOGUE, reporterWeight, type EventType } from '@anshim/contracts';
import type { SafetyCopies } from '../copies/safety-copies.ts';
import type { Recalculated, ScoreRecalculator } from '../score/score-recalculator.ts';

export interface HandlerDeps {
  copies: SafetyCopies;
  recalculator: ScoreRecalculator;
  /**
   * Schedules work for after the transaction of `tx` committed (cache write-through, channel push,
   * relay nudge, the recalculation's timing): what was recalculated, how long the recalculation
   * took inside the transaction, and when the event that caused it happened.
   */
  afterCommit: (tx: SqlExecutor, results: Recalculated[], timing: RecalculationTiming) => void;
  /** Schedules, for after the commit of `tx`, the entity cache bumps of changed product copies (docs/caching.md). */
  copiesChanged: (tx: SqlExecutor, products: Array<{ productId: string; category: string }>) => void;
}

export interface RecalculationTiming {
  /** Seconds the recalculation of the affected users took (load, compute, store). */
  seconds: number;
  /** The causing event's occurredAt: the lag to the committed score is measured from it. */
  occurredAt: Date;
}

const at = (iso: string) => new Date(iso);

export function safetyEventHandlers(deps: HandlerDeps): EventHandlers<'safety', SqlExecutor> {
  const { users, trades, reports, risk, products } = deps.copies;
  const recalculate = async (tx: SqlExecutor, event: EventEnvelope<EventType>, userIds: string[], options: { skipUnchanged?: boolean } = {}) => {
    const started = performance.now();
    const results = await deps.recalculator.recalculate(
      tx,
      userIds,
      // A ban or a risk signal reaches transaction's copy of the grade as fast as it came in.
      { type: event.type, eventId: event.id, priority: EVENT_CATALOGUE[event.type].priority },
      { mode: 'always', ...options },
    );
    deps.afterCommit(tx, results, { seconds: (performance.now() - started) / 1_000, occurredAt: at(event.occurredAt) });
  };
  // A trade that ended (completed, cancelled, disputed) moves both parties' trade inputs the same way.
  const tradeEnded = async (event: EventEnvelope<'transaction.completed' | 'transaction.cancelled' | 'transaction.disputed'>, tx: SqlExecutor, outcome: 'COMPLETED' | 'CANCELLED' | 'DISPUTED') => {
    const d = event.data;
    await trades.tradeOutcome(tx, { transactionId: d.transactionId, buyerId: d.buyerId, sellerId: d.sellerId, outcome, byUserId: d.by, at: at(d.at) });
    await recalculate(tx, event, [d.buyerId, d.sellerId]);
  };

  return {
    'user.registered': async (event, tx) => {
      await users.registered(tx, event.data.userId, at(event.data.createdAt));
      await recalculate(tx, event, [event.data.userId]);
    },
    'user.verified': async (event, tx) => {
      await users.verified(tx, event.data.userId, event.data.method, at(event.data.verifiedAt));
      await recalculate(tx, event, [event.data.userId]);
    },
    'user.profile_updated': async (event, tx) => {
      const { userId, profileCompleteness, fields } = event.data;
      await users.profileUpdated(tx, userId, { completeness: profileCompleteness, phoneChanged: fields.includes('phone'), at: at(event.occurredAt) });
      await recalculate(tx, event, [userId]);
    },
    'user.status_changed': async (event, tx) => {
      const { userId, status, until } = event.data;
      await users.statusChanged(tx, userId, status, until ? at(until) : null, at(event.occurredAt));
      await recalculate(tx, event, [userId]);
    },

    'product.created': async (event, tx) => {
      const { productId, sellerId, category, price, createdAt } = event.data;
      await products.productCreated(tx, { productId, sellerId, category, price, createdAt: at(createdAt) });
      deps.copiesChanged(tx, [{ productId, category }]);
    },
    'product.price_changed': async (event, tx) => {
      await products.priceChanged(tx, { ...event.data, at: at(event.data.at) });
      deps.copiesChanged(tx, [{ productId: event.data.productId, category: event.data.category }]);
    },
    'transaction.completed': (event, tx) => tradeEnded(event, tx, 'COMPLETED'),
    'transaction.cancelled': (event, tx) => tradeEnded(event, tx, 'CANCELLED'),
    'transaction.disputed': (event, tx) => tradeEnded(event, tx, 'DISPUTED'),
    'transaction.rated': async (event, tx) => {
      const d = event.data;
      await trades.rated(tx, { transactionId: d.transactionId, rateeId: d.rateeId, raterId: d.raterId, rateeRole: d.rateeRole, stars: d.stars, at: at(d.at) });
      await recalculate(tx, event, [d.rateeId]);
    },

    // Safe payment released to the seller: the completed trade weighs more for both parties. A
    // release already known (RELEASED is final) moves nothing and writes no new version.
    'payment.released': async (event, tx) => {
      const d = event.data;
      await trades.escrowReleased(tx, { transactionId: d.transactionId, paymentId: d.paymentId, buyerId: d.buyerId, sellerId: d.sellerId, at: at(d.at) });
      await recalculate(tx, event, [d.buyerId, d.sellerId], { skipUnchanged: true });
    },

    'report.filed': async (event, tx) => {
      const d = event.data;
      const weight = reporterWeight(d.reporter);
      await reports.reportFiled(tx, { reportId: d.reportId, targetUserId: d.targetUserId, reporterId: d.reporterId, type: d.type, filedAt: at(d.filedAt), reporterWeight: weight });
      // A report that moves nothing must not tell its target it exists (a new version, a push).
      await recalculate(tx, event, [d.targetUserId], { skipUnchanged: true });
    },
    'report.processed': async (event, tx) => {
      const d = event.data;
      await reports.reportProcessed(tx, { ...d, filedAt: at(d.filedAt), processedAt: at(d.processedAt) });
      await recalculate(tx, event, [d.targetUserId]);
    },
    'report.sanction_applied': async (event, tx) => {
      const d = event.data;
      await reports.sanctionApplied(tx, { reportId: d.reportId, userId: d.userId, type: d.sanction, startsAt: at(d.startsAt), endsAt: d.endsAt ? at(d.endsAt) : null });
      await recalculate(tx, event, [d.userId]);
    },
    'report.sanction_ended': async (event, tx) => {
      const d = event.data;
      await reports.sanctionEnded(tx, { reportId: d.reportId, userId: d.userId, type: d.sanction, endedAt: at(d.endedAt) });
      await recalculate(tx, event, [d.userId]);
    },

    'monitor.risk_detected': async (event, tx) => {
      const d = event.data;
      await risk.riskDetected(tx, { alertId: d.alertId, userId: d.userId, level: d.level, rule: d.rule, detectedAt: at(d.detectedAt), expiresAt: d.expiresAt ? at(d.expiresAt) : null });
      await recalculate(tx, event, [d.userId]);
    },
    'monitor.risk_cleared': async (event, tx) => {
      await risk.riskCleared(tx, event.data.userId, at(event.data.clearedAt));
      await recalculate(tx, event, [event.data.userId]);
    },
  };
}
