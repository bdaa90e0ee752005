// Alerts, their recipients, risk signals and the admin audit log (actions: actions/action-repository.ts). Only this file and
// copies/known-repository.ts touch Prisma rows of those tables; rows leave as plain records.
import { randomUUID } from 'node:crypto';
import type { OutboxRow } from '@anshim/platform';
import type { MonitorPrisma, Tx } from '../database.ts';
import type { RiskLevel } from '../model.ts';
import type { AuditLogRepository } from '../audit/audit-log-repository.ts';

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

export type NewAlert = Omit<AlertRecord, 'id' | 'acknowledgedAt' | 'recipients'> & {
  recipientIds: string[];
  /** At most one alert per key (see alert-dedupe.ts); null: no limit. */
  dedupeKey: string | null;
};

export interface SignalRecord {
  rule: string;
  level: RiskLevel;
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

/** An alert's own columns (createAlert knows its recipients without reading them back). */
const { recipients: _recipients, ...alertRowSelect } = alertSelect;

/** What the alerts of one raise bring with them (AlertRepository.writeRaised). */
export interface RaisedRows {
  recipients: Array<{ alertId: string; userId: string }>;
  signals: Array<{ userId: string; rule: string; level: RiskLevel; alertId: string; createdAt: Date; expiresAt: Date; userLevel: RiskLevel }>;
  /** In the order the relay is to send them. */
  events: OutboxRow[];
}

/**
 * The first two round trips of a raise's transaction made one: the user's live signals (as
 * activeSignals: each rule and level once) and the raise's alerts, each inserted only when its
 * dedupe key is new (as createAlert: ON CONFLICT DO NOTHING, waiting for a concurrent writer of
 * the same key). Timestamps travel as epoch ms.
 */
const OPEN_RAISE = `
  WITH active AS (
    SELECT DISTINCT rule, level::text AS level FROM risk_signals
     WHERE user_id = $1::uuid AND cleared_at IS NULL AND expires_at > (to_timestamp($2::float8 / 1000) AT TIME ZONE 'UTC')
  ), inserted AS (
    INSERT INTO risk_alerts (id, level, rule, message_ko, message_en, subject_user_id, product_id, transaction_id, created_at, dedupe_key)
    SELECT a.id::uuid, a.level::"RiskLevel", a.rule, a.message_ko, a.message_en, a.subject_user_id::uuid, a.product_id::uuid, a.transaction_id::uuid,
           (to_timestamp(a.created_at / 1000) AT TIME ZONE 'UTC'), a.dedupe_key
      FROM jsonb_to_recordset($3::jsonb) AS a(id text, level text, rule text, message_ko text, message_en text, subject_user_id text, product_id text, transaction_id text, created_at float8, dedupe_key text)
    ON CONFLICT DO NOTHING
    RETURNING id::text
  )
  SELECT (SELECT COALESCE(jsonb_agg(jsonb_build_object('rule', rule, 'level', level)), '[]'::jsonb) FROM active) AS active,
         (SELECT COALESCE(jsonb_agg(id), '[]'::jsonb) FROM inserted) AS inserted`;

/**
 * One statement for all of it. The outbox rows keep their order to the millisecond (created_at is
 * timestamp(3)) counting back from the statement's clock, so an event a later statement of the same
 * transaction writes (an automatic action's) still sorts after them. Timestamps travel as epoch ms.
 */
const WRITE_RAISED = `
  WITH recipients AS (
    INSERT INTO alert_recipients (alert_id, user_id)
    SELECT r.alert_id::uuid, r.user_id::uuid FROM jsonb_to_recordset($1::jsonb) AS r(alert_id text, user_id text)
  ), signals AS (
    INSERT INTO risk_signals (id, user_id, rule, level, alert_id, user_level, created_at, expires_at)
    SELECT gen_random_uuid(), s.user_id::uuid, s.rule, s.level::"RiskLevel", s.alert_id::uuid, s.user_level::"RiskLevel",
           (to_timestamp(s.created_at / 1000) AT TIME ZONE 'UTC'), (to_timestamp(s.expires_at / 1000) AT TIME ZONE 'UTC')
      FROM jsonb_to_recordset($2::jsonb) AS s(user_id text, rule text, level text, alert_id text, user_level text, created_at float8, expires_at float8)
  )
  INSERT INTO outbox_events (id, topic, type, payload, priority, created_at)
  SELECT e.id::uuid, e.topic, e.type, e.payload::jsonb, e.priority, clock_timestamp() - (jsonb_array_length($3::jsonb) - e.n) * interval '1 millisecond'
    FROM ROWS FROM (jsonb_to_recordset($3::jsonb) AS (id text, topic text, type text, payload text, priority int))
         WITH ORDINALITY AS e(id, topic, type, payload, priority, n)`;

export class AlertRepository {
  constructor(
    private readonly prisma: MonitorPrisma,
    /** Admin actions audited here also go to the console's one log. */
    private readonly auditLog: AuditLogRepository,
  ) {}

  /**
   * The alert, or null when one with the same dedupe key exists already (committed, or being
   * written by a concurrent transaction, which this insert then waits for): ON CONFLICT DO
   * NOTHING, so a duplicate never aborts the caller's transaction.
   */
  async createAlert(tx: Tx, alert: NewAlert): Promise<AlertRecord | null> {
    const { recipientIds, ...fields } = alert;
    const id = randomUUID();
    // The row comes back from the insert itself (none on a duplicate) and the recipients are the
    // ones just written: no read-back. Each statement of this transaction holds a pooled
    // connection for a round trip, and alerts are what members wait for (issue 23 §5).
    const [row] = await tx.riskAlert.createManyAndReturn({ data: [{ id, ...fields }], skipDuplicates: true, select: alertRowSelect });
    if (!row) return null;
    const recipients = [...new Set(recipientIds)].sort();
    if (recipients.length > 0) await tx.alertRecipient.createMany({ data: recipients.map((userId) => ({ alertId: id, userId })) });
    return { ...row, recipients: recipients.map((userId) => ({ userId, acknowledgedAt: null })) };
  }

  /**
   * A raise's start in ONE statement: the user's live signals before it and, of `alerts` (one per
   * matched rule), those not raised already, in the given order, their recipients NOT yet written
   * (writeRaised writes them with the rest).
   */
  async openRaise(tx: Tx, userId: string, now: Date, alerts: readonly NewAlert[]): Promise<{ active: SignalRecord[]; created: AlertRecord[] }> {
    const drafts = alerts.map((alert) => ({ ...alert, id: randomUUID() }));
    const rows = drafts.map((a) => ({
      id: a.id,
      level: a.level,
      rule: a.rule,
      message_ko: a.messageKo,
      message_en: a.messageEn,
      subject_user_id: a.subjectUserId,
      product_id: a.productId,
      transaction_id: a.transactionId,
      created_at: a.createdAt.getTime(),
      dedupe_key: a.dedupeKey,
    }));
    const [result] = await tx.$queryRawUnsafe<Array<{ active: SignalRecord[]; inserted: string[] }>>(OPEN_RAISE, userId, now.getTime(), JSON.stringify(rows));
    const inserted = new Set(result?.inserted ?? []);
    const created = drafts
      .filter(({ id }) => inserted.has(id))
      .map(({ recipientIds, dedupeKey: _key, ...fields }) => ({ ...fields, acknowledgedAt: null, recipients: [...new Set(recipientIds)].sort().map((userId) => ({ userId, acknowledgedAt: null })) }));
    return { active: result?.active ?? [], created };
  }

  /** The recipients, signals and outbox rows of the alerts one raise created, in ONE statement of its transaction. */
  async writeRaised(tx: Tx, rows: RaisedRows): Promise<void> {
    const signals = rows.signals.map(({ createdAt, expiresAt, userId, rule, level, alertId, userLevel }) => ({
      user_id: userId,
      rule,
      level,
      alert_id: alertId,
      user_level: userLevel,
      created_at: createdAt.getTime(),
      expires_at: expiresAt.getTime(),
    }));
    const recipients = rows.recipients.map(({ alertId, userId }) => ({ alert_id: alertId, user_id: userId }));
    await tx.$executeRawUnsafe(WRITE_RAISED, JSON.stringify(recipients), JSON.stringify(signals), JSON.stringify(rows.events));
  }

  /**
   * What safety's score needs from this service, for its rebuild command: per user, the signals
   * not cleared (as monitor.risk_detected reported them) and the last time an admin cleared them.
   */
  async safetyInputs(userIds: readonly string[]): Promise<Array<{ userId: string; riskClearedAt: Date | null; signals: Array<{ alertId: string; level: RiskLevel; rule: string; detectedAt: Date; expiresAt: Date }> }>> {
    const ids = [...userIds];
    const [signals, clears] = await Promise.all([
      this.prisma.riskSignal.findMany({
        where: { userId: { in: ids }, clearedAt: null, alertId: { not: null } },
        select: { userId: true, alertId: true, level: true, userLevel: true, rule: true, createdAt: true, expiresAt: true },
        orderBy: [{ createdAt: 'asc' }],
      }),
      this.prisma.riskAction.groupBy({ by: ['userId'], where: { userId: { in: ids }, action: 'CLEAR' }, _max: { createdAt: true } }),
    ]);
    const clearedAt = new Map(clears.map((row) => [row.userId, row._max.createdAt]));
    return ids.map((userId) => ({
      userId,
      riskClearedAt: clearedAt.get(userId) ?? null,
      signals: signals
        .filter((s) => s.userId === userId)
        .map((s) => ({ alertId: s.alertId!, level: s.userLevel ?? s.level, rule: s.rule, detectedAt: s.createdAt, expiresAt: s.expiresAt })),
    }));
  }

  /** Signals that still count: not expired, not cleared. */
  /**
   * The rules and levels a user's live signals carry, each pair once: all the level needs
   * (combineLevels). Grouped in PostgreSQL, so someone who set off thousands of signals costs the
   * same few rows as someone who set off one.
   */
  async activeSignals(db: Tx | MonitorPrisma, userId: string, now: Date): Promise<SignalRecord[]> {
    const pairs = await db.riskSignal.groupBy({
      by: ['rule', 'level'],
      where: { userId, clearedAt: null, expiresAt: { gt: now } },
    });
    return pairs.map(({ rule, level }) => ({ rule, level }));
  }

  async clearSignals(tx: Tx, userId: string, at: Date): Promise<number> {
    const { count } = await tx.riskSignal.updateMany({ where: { userId, clearedAt: null, expiresAt: { gt: at } }, data: { clearedAt: at } });
    return count;
  }

  /** The monitor's audit row, and the same entry in the console's one audit log, in one transaction. */
  async audit(tx: Tx, entry: { actorId: string; action: string; targetId: string; details: Record<string, unknown> }): Promise<void> {
    const row = await tx.auditEntry.create({ data: { id: randomUUID(), ...entry, details: entry.details as object }, select: { id: true, createdAt: true } });
    await this.auditLog.store(tx, { id: row.id, service: 'monitor', actorId: entry.actorId, action: entry.action, subjectId: entry.targetId, details: entry.details, requestId: null, at: row.createdAt });
  }

  async findById(id: string): Promise<AlertRecord | null> {
    return this.prisma.riskAlert.findUnique({ where: { id }, select: alertSelect });
  }

  /** Alerts where the user is the subject or a recipient, newest first. */
  async forUser(userId: string, first: number, subjectOnly = false): Promise<AlertRecord[]> {
    return this.prisma.riskAlert.findMany({
      where: subjectOnly ? { subjectUserId: userId } : { OR: [{ subjectUserId: userId }, { recipients: { some: { userId } } }] },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: first,
      select: alertSelect,
    });
  }

  /** The newest alerts about anyone, at one of these levels (the moderator console's feed). */
  async latest(first: number, levels: readonly RiskLevel[]): Promise<AlertRecord[]> {
    return this.prisma.riskAlert.findMany({ where: { level: { in: [...levels] } }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: first, select: alertSelect });
  }

  /** Rules of alerts since `since`, per product (Product.riskWarnings, batched by a loader). */
  /**
   * The rules of recent alerts on these listings whose subject is the listing's seller (the
   * known_products copy): an alert about a buyer who wrote in the listing's conversation, or
   * anything else naming the listing, never puts a warning on someone else's listing.
   */
  async rulesByProducts(productIds: readonly string[], since: Date): Promise<Array<{ productId: string; rule: string }>> {
    if (productIds.length === 0) return [];
    return this.prisma.$queryRaw<Array<{ productId: string; rule: string }>>`
      SELECT DISTINCT a.product_id::text AS "productId", a.rule
      FROM risk_alerts a
      JOIN known_products p ON p.id = a.product_id AND p.seller_id = a.subject_user_id
      WHERE a.product_id = ANY(${[...productIds]}::uuid[]) AND a.created_at > ${since}`;
  }

  async acknowledgeAsRecipient(alertId: string, userId: string, at: Date): Promise<boolean> {
    const { count } = await this.prisma.alertRecipient.updateMany({ where: { alertId, userId, acknowledgedAt: null }, data: { acknowledgedAt: at } });
    return count > 0;
  }

  async acknowledgeAsAdmin(alertId: string, at: Date): Promise<void> {
    await this.prisma.riskAlert.updateMany({ where: { id: alertId, acknowledgedAt: null }, data: { acknowledgedAt: at } });
  }
}
