// What the monitor publishes (topic monitor.events). Each call writes one outbox row inside the
// caller's transaction, so an event exists exactly when its change was committed.
import { outboxRowOf, outboxWriter, type OutboxRow, type OutgoingEvent } from '@anshim/platform';
import type { AlertRecord } from '../alerts/alert-repository.ts';
import type { Tx } from '../database.ts';
import type { LastingAction } from '../actions/action-repository.ts';
import type { RiskActionType, RiskLevel } from '../model.ts';

const write = outboxWriter('monitor');

function alertRaisedEvent(alert: AlertRecord): OutgoingEvent<'monitor.alert_raised'> {
  return {
    type: 'monitor.alert_raised',
    subjectUserId: alert.subjectUserId,
    data: {
      alertId: alert.id,
      subjectUserId: alert.subjectUserId,
      recipientIds: alert.recipients.map((r) => r.userId),
      level: alert.level,
      rule: alert.rule,
      productId: alert.productId,
      transactionId: alert.transactionId,
      createdAt: alert.createdAt.toISOString(),
    },
  };
}

function riskDetectedEvent(userId: string, level: RiskLevel, alert: AlertRecord, expiresAt: Date | null): OutgoingEvent<'monitor.risk_detected'> {
  return {
    type: 'monitor.risk_detected',
    subjectUserId: userId,
    data: { userId, level, rule: alert.rule, alertId: alert.id, detectedAt: alert.createdAt.toISOString(), expiresAt: expiresAt?.toISOString() ?? null },
  };
}

export class MonitorEvents {
  async alertRaised(tx: Tx, alert: AlertRecord): Promise<void> {
    await write(tx, alertRaisedEvent(alert));
  }

  /** monitor.alert_raised and monitor.risk_detected as outbox rows, for a raise that writes them inside its one statement (AlertRepository.writeRaised). */
  alertRaisedRow(alert: AlertRecord): OutboxRow {
    return outboxRowOf({ ...alertRaisedEvent(alert), producer: 'monitor' }).row;
  }

  riskDetectedRow(userId: string, level: RiskLevel, alert: AlertRecord, expiresAt: Date | null): OutboxRow {
    return outboxRowOf({ ...riskDetectedEvent(userId, level, alert, expiresAt), producer: 'monitor' }).row;
  }

  async riskCleared(tx: Tx, userId: string, at: Date, by: string | null): Promise<void> {
    await write(tx, { type: 'monitor.risk_cleared', subjectUserId: userId, data: { userId, clearedAt: at.toISOString(), by } });
  }

  async actionTaken(tx: Tx, action: { userId: string; action: RiskActionType; reason: string; by: string | null; at: Date; expiresAt: Date | null }): Promise<void> {
    await write(tx, {
      type: 'monitor.action_taken',
      subjectUserId: action.userId,
      data: {
        userId: action.userId,
        action: action.action,
        reason: action.reason,
        by: action.by,
        takenAt: action.at.toISOString(),
        expiresAt: action.expiresAt?.toISOString() ?? null,
      },
    });
  }

  async actionEnded(tx: Tx, ended: { userId: string; action: LastingAction; takenAt: Date; endedAt: Date }): Promise<void> {
    await write(tx, {
      type: 'monitor.action_ended',
      subjectUserId: ended.userId,
      data: { userId: ended.userId, action: ended.action, takenAt: ended.takenAt.toISOString(), endedAt: ended.endedAt.toISOString() },
    });
  }
}
