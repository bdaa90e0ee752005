// Admin actions, append-only: who did what to whom, with the values before and after. Each row is
// also sent, in the same transaction, as user.admin_action_audited for the console's one audit log;
// its details only for the actions below, whose values an ADMIN may read (the others, e.g. a
// profile update, can hold a member's personal data and go without details).
import { auditEventWriter } from '@anshim/platform';
import { randomUUID } from 'node:crypto';
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

const DETAILS_FOR_ADMINS = new Set(['user.status_changed', 'id_card.approve', 'id_card.reject']);
const auditEvent = auditEventWriter('user');

export class AuditRepository {
  async record(tx: Tx, entry: AuditEntry): Promise<void> {
    const id = randomUUID();
    const row = await tx.auditLog.create({ data: { id, ...entry }, select: { at: true } });
    const details = DETAILS_FOR_ADMINS.has(entry.action) ? { before: entry.before ?? null, after: entry.after ?? null } : null;
    await auditEvent(tx, { auditId: id, actorId: entry.actorId, action: entry.action, subjectId: entry.subjectId, details, requestId: entry.requestId ?? null, at: row.at });
  }
}
