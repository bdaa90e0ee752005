// Reports, their evidence, sanctions and the admin audit log: the only code that reads or writes
// `reports`, `evidence`, `sanctions` and `audit_entries`. Every read names its columns.
import { randomUUID } from 'node:crypto';
import { auditEventWriter, translatePrismaError } from '@anshim/platform';
import type { ReporterTrust } from '@anshim/contracts';
import type { ReportPrisma, Tx } from '../database.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { queueOrderFor, type QueueOrder } from './workflow.ts';
import { REPORT_PRIORITIES, storedTrust, type ReportOrigin, type ReportPriority, type ReportStatus, type ReportType, type SanctionType } from '../model.ts';

const auditEvent = auditEventWriter('report');
const evidenceSelect = { key: true, contentType: true, size: true, createdAt: true } as const;
const sanctionSelect = { id: true, reportId: true, userId: true, type: true, reason: true, publicReason: true, startsAt: true, endsAt: true, endedAt: true } as const;
const reportSelect = {
  id: true,
  reporterId: true,
  targetUserId: true,
  type: true,
  status: true,
  priority: true,
  description: true,
  productId: true,
  transactionId: true,
  resolution: true,
  reviewerId: true,
  processedAt: true,
  createdAt: true,
  updatedAt: true,
  evidence: { select: evidenceSelect, orderBy: { createdAt: 'asc' } },
  sanction: { select: sanctionSelect },
  reporterTrust: true,
  origin: true,
  paymentId: true,
} as const;

export interface EvidenceRecord {
  key: string;
  contentType: string;
  size: number;
  createdAt: Date;
}

export interface SanctionRecord {
  id: string;
  reportId: string;
  userId: string;
  type: SanctionType;
  /** The admin's internal resolution at the time (ADMINs only; the audit log keeps it too). */
  reason: string;
  /** What everyone is told (activeSanction.reason); null: the standard sentence for the type. */
  publicReason: string | null;
  startsAt: Date;
  endsAt: Date | null;
  endedAt: Date | null;
}

export interface ReportRecord {
  id: string;
  reporterId: string;
  targetUserId: string;
  type: ReportType;
  status: ReportStatus;
  priority: ReportPriority;
  description: string;
  productId: string | null;
  transactionId: string | null;
  resolution: string | null;
  reviewerId: string | null;
  processedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  evidence: EvidenceRecord[];
  sanction: SanctionRecord | null;
  /** What the report weighs on (reporter-trust.ts); null for reports filed before it was recorded. */
  reporterTrust: ReporterTrust | null;
  /** MEMBER, or PAYMENT_DISPUTE: opened by a buyer's dispute of the safe payment `paymentId`. */
  origin: ReportOrigin;
  paymentId: string | null;
}

export interface NewReport {
  reporterId: string;
  targetUserId: string;
  type: ReportType;
  priority: ReportPriority;
  description: string;
  productId: string | null;
  transactionId: string | null;
  evidence: Array<{ key: string; contentType: string; size: number }>;
  reporterTrust: ReporterTrust;
  /** Default MEMBER; PAYMENT_DISPUTE with the disputed payment's id. */
  origin?: ReportOrigin;
  paymentId?: string | null;
}

type ReportRow = Omit<ReportRecord, 'reporterTrust'> & { reporterTrust: unknown };
const toRecord = (row: ReportRow): ReportRecord => ({ ...row, reporterTrust: storedTrust(row.reporterTrust) });

export interface QueueFilter {
  status: ReportStatus | null;
  type: ReportType | null;
}

/** Where one report stands in either order. */
export interface QueuePosition {
  id: string;
  priority: ReportPriority;
  createdAt: Date;
  processedAt: Date | null;
}

/** The reports after `after` in `order`. */
function laterThan(after: QueuePosition, order: QueueOrder): Prisma.ReportWhereInput[] {
  if (order === 'NEWEST_DECISION') {
    // processed_at DESC puts nulls first in PostgreSQL (a report not decided, which a decided
    // status never holds): after a null come the other nulls by id, then every decided one.
    if (after.processedAt === null) return [{ processedAt: null, id: { lt: after.id } }, { processedAt: { not: null } }];
    return [{ processedAt: { lt: after.processedAt } }, { processedAt: after.processedAt, id: { lt: after.id } }];
  }
  const later = REPORT_PRIORITIES.slice(REPORT_PRIORITIES.indexOf(after.priority) + 1);
  return [
    ...(later.length ? [{ priority: { in: later } }] : []),
    { priority: after.priority, createdAt: { gt: after.createdAt } },
    { priority: after.priority, createdAt: after.createdAt, id: { gt: after.id } },
  ];
}

const ORDER_BY: Record<QueueOrder, Prisma.ReportOrderByWithRelationInput[]> = {
  URGENCY: [{ priority: 'asc' }, { createdAt: 'asc' }, { id: 'asc' }],
  // Served backwards by the (status, processed_at, id) index.
  NEWEST_DECISION: [{ processedAt: 'desc' }, { id: 'desc' }],
};

export interface AuditEntry {
  actorId: string;
  action: string;
  subjectId: string;
  before: unknown;
  after: unknown;
  requestId: string | null;
}

export class ReportRepository {
  constructor(private readonly prisma: ReportPrisma) {}

  async create(tx: Tx, report: NewReport): Promise<ReportRecord> {
    const { evidence, reporterTrust, ...rest } = report;
    try {
      return toRecord(await tx.report.create({
        data: { id: randomUUID(), ...rest, reporterTrust: { ...reporterTrust }, evidence: { create: evidence.map((e) => ({ id: randomUUID(), ...e })) } },
        select: reportSelect,
      }));
    } catch (error) {
      translatePrismaError(error);
    }
  }

  /** The report a payment's dispute opened, if any. */
  async ofPayment(tx: Tx, paymentId: string): Promise<ReportRecord | null> {
    const row = await tx.report.findUnique({ where: { paymentId }, select: reportSelect });
    return row && toRecord(row);
  }

  async findById(id: string, db: Tx | ReportPrisma = this.prisma): Promise<ReportRecord | null> {
    const row = await db.report.findUnique({ where: { id }, select: reportSelect });
    return row && toRecord(row);
  }

  /** Locks the row for the rest of the transaction: two admins cannot decide one report twice. */
  async lock(tx: Tx, id: string): Promise<ReportRecord | null> {
    const rows = await tx.$queryRaw<Array<{ id: string }>>`SELECT id FROM reports WHERE id = ${id}::uuid FOR UPDATE`;
    if (rows.length === 0) return null;
    return this.findById(id, tx);
  }

  async findManyByIds(ids: readonly string[]): Promise<ReportRecord[]> {
    return (await this.prisma.report.findMany({ where: { id: { in: [...ids] } }, select: reportSelect })).map(toRecord);
  }

  async byReporter(reporterId: string, first: number): Promise<ReportRecord[]> {
    return (await this.prisma.report.findMany({ where: { reporterId }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: first, select: reportSelect })).map(toRecord);
  }

  /** Reports about each of `userIds`, newest first: one query for a whole page of users. */
  async againstUsers(userIds: readonly string[]): Promise<ReportRecord[]> {
    return (await this.prisma.report.findMany({ where: { targetUserId: { in: [...userIds] } }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], select: reportSelect })).map(toRecord);
  }

  /** One page of the admin queue in the order of the status asked for (queueOrderFor). */
  async queue(filter: QueueFilter, first: number, after: QueuePosition | null): Promise<ReportRecord[]> {
    const order = queueOrderFor(filter.status);
    const where: Prisma.ReportWhereInput = { ...(filter.status ? { status: filter.status } : {}), ...(filter.type ? { type: filter.type } : {}) };
    if (after) where.OR = laterThan(after, order);
    const rows = await this.prisma.report.findMany({ where, orderBy: ORDER_BY[order], take: first, select: reportSelect });
    return rows.map(toRecord);
  }

  /** Where a report stands in the queue's orders; null for an unknown id. */
  async queuePosition(id: string): Promise<QueuePosition | null> {
    return this.prisma.report.findUnique({ where: { id }, select: { id: true, priority: true, createdAt: true, processedAt: true } });
  }

  /** Takes a transaction-scoped advisory lock on (reporter, target, type), then checks for a recent report. */
  async recentDuplicate(tx: Tx, reporterId: string, targetUserId: string, type: ReportType, since: Date): Promise<boolean> {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`${reporterId}:${targetUserId}:${type}`}))`;
    const found = await tx.report.findFirst({ where: { reporterId, targetUserId, type, createdAt: { gte: since } }, select: { id: true } });
    return found !== null;
  }

  async evidenceKeysTaken(tx: Tx, keys: string[]): Promise<string[]> {
    if (keys.length === 0) return [];
    const rows = await tx.evidence.findMany({ where: { key: { in: keys } }, select: { key: true } });
    return rows.map((r) => r.key);
  }

  async setStatus(tx: Tx, id: string, changes: { status: ReportStatus; reviewerId: string; resolution?: string; processedAt?: Date }): Promise<void> {
    await tx.report.update({ where: { id }, data: changes, select: { id: true } });
  }

  async createSanction(tx: Tx, sanction: Omit<SanctionRecord, 'id' | 'endedAt'>): Promise<SanctionRecord> {
    return tx.sanction.create({ data: { id: randomUUID(), ...sanction }, select: sanctionSelect });
  }

  async sanctionsOf(userIds: readonly string[]): Promise<SanctionRecord[]> {
    return this.prisma.sanction.findMany({ where: { userId: { in: [...userIds] } }, orderBy: { startsAt: 'desc' }, select: sanctionSelect });
  }

  async findSanction(id: string, db: Tx | ReportPrisma = this.prisma): Promise<SanctionRecord | null> {
    return db.sanction.findUnique({ where: { id }, select: sanctionSelect });
  }

  /** Marks a suspension ended; false when it already was (a repeated job). */
  async endSanction(tx: Tx, id: string, at: Date): Promise<boolean> {
    const { count } = await tx.sanction.updateMany({ where: { id, endedAt: null }, data: { endedAt: at } });
    return count === 1;
  }

  /** Suspensions whose end has not been recorded yet: rescheduled at start, so a lost job is recovered. */
  async pendingSuspensionEnds(): Promise<SanctionRecord[]> {
    return this.prisma.sanction.findMany({ where: { type: 'SUSPENSION', endedAt: null, endsAt: { not: null } }, select: sanctionSelect });
  }

  /** The audit row and, in the same transaction, report.admin_action_audited for the console's one log. */
  async audit(tx: Tx, entry: AuditEntry): Promise<void> {
    const id = randomUUID();
    const row = await tx.auditEntry.create({
      data: {
        id,
        actorId: entry.actorId,
        action: entry.action,
        subjectId: entry.subjectId,
        before: entry.before as object,
        after: entry.after as object,
        requestId: entry.requestId,
      },
      select: { createdAt: true },
    });
    await auditEvent(tx, { auditId: id, actorId: entry.actorId, action: entry.action, subjectId: entry.subjectId, details: { before: entry.before ?? null, after: entry.after ?? null }, requestId: entry.requestId, at: row.createdAt });
  }
}
