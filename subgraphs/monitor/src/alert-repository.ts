// Alerts, their recipients, risk signals, actions and the admin audit log. Only this file and
// known-repository.ts touch Prisma rows of those tables; rows leave as plain records.
import { randomUUID } from 'node:crypto';
import type { MonitorPrisma, Tx } from './database.ts';
import type { RiskLevel } from './rules/index.ts';

export type RiskActionType = 'WARN_COUNTERPARTS' | 'REQUIRE_VERIFICATION' | 'HOLD_TRANSACTIONS' | 'RESTRICT_ACCOUNT' | 'CLEAR';

export interface AlertRecord {
  id: string;
  level: RiskLevel;
  rule: string;
  messageKo: string;
  messageEn: string;
  subjectUserId: string;
  productId: string | null;
  transactionId: string | null;
  createdAt: Date;
  /** Set when an ADMIN reviewed it. */
  acknowledgedAt: Date | null;
  recipients: Array<{ userId: string; acknowledgedAt: Date | null }>;
}

export interface NewAlert {
  level: RiskLevel;
  rule: string;
  messageKo: string;
  messageEn: string;
  subjectUserId: string;
  productId: string | null;
  transactionId: string | null;
  recipientIds: string[];
  createdAt: Date;
}

export interface SignalRecord {
  rule: string;
  level: RiskLevel;
  expiresAt: Date;
}

const alertSelect = {
  id: true,
  level: true,
  rule: true,
  messageKo: true,
  messageEn: true,
  subjectUserId: true,
  productId: true,
  transactionId: true,
  createdAt: true,
  acknowledgedAt: true,
  recipients: { select: { userId: true, acknowledgedAt: true }, orderBy: { userId: 'asc' } },
} as const;

export class AlertRepository {
  constructor(private readonly prisma: MonitorPrisma) {}

  async createAlert(tx: Tx, alert: NewAlert): Promise<AlertRecord> {
    const { recipientIds, ...fields } = alert;
    return tx.riskAlert.create({
      data: { id: randomUUID(), ...fields, recipients: { create: [...new Set(recipientIds)].map((userId) => ({ userId })) } },
      select: alertSelect,
    });
  }

  async addSignal(tx: Tx, signal: { userId: string; rule: string; level: RiskLevel; alertId: string | null; createdAt: Date; expiresAt: Date }): Promise<void> {
    await tx.riskSignal.create({ data: { id: randomUUID(), ...signal } });
  }

  /** Signals that still count: not expired, not cleared. */
  async activeSignals(db: Tx | MonitorPrisma, userId: string, now: Date): Promise<SignalRecord[]> {
    return db.riskSignal.findMany({
      where: { userId, clearedAt: null, expiresAt: { gt: now } },
      select: { rule: true, level: true, expiresAt: true },
    });
  }

  async clearSignals(tx: Tx, userId: string, at: Date): Promise<number> {
    const { count } = await tx.riskSignal.updateMany({ where: { userId, clearedAt: null, expiresAt: { gt: at } }, data: { clearedAt: at } });
    return count;
  }

  async recordAction(tx: Tx, action: { userId: string; action: RiskActionType; reason: string; byUserId: string | null; createdAt: Date; expiresAt: Date | null }): Promise<void> {
    await tx.riskAction.create({ data: { id: randomUUID(), ...action } });
  }

  async audit(tx: Tx, entry: { actorId: string; action: string; targetId: string; details: Record<string, unknown> }): Promise<void> {
    await tx.auditEntry.create({ data: { id: randomUUID(), ...entry, details: entry.details as object } });
  }

  async findById(id: string): Promise<AlertRecord | null> {
    return this.prisma.riskAlert.findUnique({ where: { id }, select: alertSelect });
  }

  /** Alerts where the user is the subject or a recipient, newest first. */
  async forUser(userId: string, first: number): Promise<AlertRecord[]> {
    return this.prisma.riskAlert.findMany({
      where: { OR: [{ subjectUserId: userId }, { recipients: { some: { userId } } }] },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: first,
      select: alertSelect,
    });
  }

  async latest(first: number): Promise<AlertRecord[]> {
    return this.prisma.riskAlert.findMany({ orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: first, select: alertSelect });
  }

  /** Rules of alerts since `since`, per product (Product.riskWarnings, batched by a loader). */
  async rulesByProducts(productIds: readonly string[], since: Date): Promise<Array<{ productId: string; rule: string }>> {
    const rows = await this.prisma.riskAlert.findMany({
      where: { productId: { in: [...productIds] }, createdAt: { gt: since } },
      select: { productId: true, rule: true },
      distinct: ['productId', 'rule'],
    });
    return rows.map((row) => ({ productId: row.productId!, rule: row.rule }));
  }

  async acknowledgeAsRecipient(alertId: string, userId: string, at: Date): Promise<boolean> {
    const { count } = await this.prisma.alertRecipient.updateMany({ where: { alertId, userId, acknowledgedAt: null }, data: { acknowledgedAt: at } });
    return count > 0;
  }

  async acknowledgeAsAdmin(alertId: string, at: Date): Promise<void> {
    await this.prisma.riskAlert.updateMany({ where: { id: alertId, acknowledgedAt: null }, data: { acknowledgedAt: at } });
  }
}
