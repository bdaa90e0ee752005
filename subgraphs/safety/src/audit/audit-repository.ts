// Admin actions, append-only: who recalculated whose score, with the values before and after.
// Raw SQL so it commits in the same transaction as the recalculation it records, together with
// safety.admin_action_audited for the console's one audit log (scores are ADMIN-readable).
import { randomUUID } from 'node:crypto';
import { auditEventWriter, type SqlExecutor } from '@anshim/platform';

const auditEvent = auditEventWriter('safety');

export interface AuditEntry {
  actorId: string | null;
  action: string;
  subjectId: string | null;
  before?: unknown;
  after?: unknown;
  requestId?: string | null;
}

export class AuditRepository {
  async record(tx: SqlExecutor, entry: AuditEntry): Promise<void> {
    const id = randomUUID();
    const at = new Date();
    await tx.$executeRawUnsafe(
      `INSERT INTO audit_log (id, actor_id, action, subject_id, before, after, request_id, at)
       VALUES ($7::uuid, $1::uuid, $2, $3, $4::jsonb, $5::jsonb, $6, ($8::timestamptz AT TIME ZONE 'UTC'))`,
      entry.actorId,
      entry.action,
      entry.subjectId,
      entry.before === undefined ? null : JSON.stringify(entry.before),
      entry.after === undefined ? null : JSON.stringify(entry.after),
      entry.requestId ?? null,
      id,
      at.toISOString(),
    );
    await auditEvent(tx, { auditId: id, actorId: entry.actorId, action: entry.action, subjectId: entry.subjectId, details: { before: entry.before ?? null, after: entry.after ?? null }, requestId: entry.requestId ?? null, at });
  }
}
