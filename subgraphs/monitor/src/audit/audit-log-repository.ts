// The console's one audit log (admin_audit_log): the only code that reads or writes it. An entry's
// id is its producer's audit row id, so storing one twice (a redelivered event) changes nothing.
import type { MonitorPrisma, Tx } from '../database.ts';

export interface AuditLogRecord {
  id: string;
  service: string;
  actorId: string | null;
  action: string;
  subjectId: string | null;
  details: unknown;
  requestId: string | null;
  at: Date;
}

export interface AuditLogFilter {
  actorId: string | null;
  action: string | null;
}

const select = { id: true, service: true, actorId: true, action: true, subjectId: true, details: true, requestId: true, at: true } as const;

export class AuditLogRepository {
  constructor(private readonly prisma: MonitorPrisma) {}

  /** Stores an entry once: false when it was already there. */
  async store(tx: Tx, entry: AuditLogRecord): Promise<boolean> {
    const { count } = await tx.adminAuditLog.createMany({ data: [{ ...entry, details: entry.details === null ? undefined : (entry.details as object) }], skipDuplicates: true });
    return count === 1;
  }

  /** Newest first (then by id, so the order is total); `after` continues a previous page. */
  async page(filter: AuditLogFilter, first: number, after: { id: string; at: Date } | null): Promise<AuditLogRecord[]> {
    return this.prisma.adminAuditLog.findMany({
      where: {
        ...(filter.actorId ? { actorId: filter.actorId } : {}),
        ...(filter.action ? { action: filter.action } : {}),
        ...(after ? { OR: [{ at: { lt: after.at } }, { at: after.at, id: { lt: after.id } }] } : {}),
      },
      orderBy: [{ at: 'desc' }, { id: 'desc' }],
      take: first,
      select,
    });
  }

  async position(id: string): Promise<{ id: string; at: Date } | null> {
    return this.prisma.adminAuditLog.findUnique({ where: { id }, select: { id: true, at: true } });
  }
}
