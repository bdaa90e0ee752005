// Admin actions, append-only: who recalculated whose score, with the values before and after.
// Raw SQL so it commits in the same transaction as the recalculation it records.
import type { SqlExecutor } from '@anshim/platform';

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
    await tx.$executeRawUnsafe(
      `INSERT INTO audit_log (id, actor_id, action, subject_id, before, after, request_id, at)
       VALUES (gen_random_uuid(), $1::uuid, $2, $3, $4::jsonb, $5::jsonb, $6, now())`,
      entry.actorId,
      entry.action,
      entry.subjectId,
      entry.before === undefined ? null : JSON.stringify(entry.before),
      entry.after === undefined ? null : JSON.stringify(entry.after),
      entry.requestId ?? null,
    );
  }
}
