// Admin actions, append-only: who did what to whom, with the values before and after.
import type { Prisma } from '../generated/prisma/client.ts';
import type { Tx } from '../database.ts';

export interface AuditEntry {
  actorId: string | null;
  action: string;
  subjectId: string | null;
  before?: Prisma.InputJsonValue;
  after?: Prisma.InputJsonValue;
  requestId?: string | null;
}

export class AuditRepository {
  async record(tx: Tx, entry: AuditEntry): Promise<void> {
    await tx.auditLog.create({ data: entry, select: { id: true } });
  }
}
