// The event every auditing service sends beside its own audit row, in the same transaction
// (`<service>.admin_action_audited`, contracts' catalogue/audit.ts): the console's one audit log is
// fed from it, so an action is in that log exactly when the service committed it.
import { randomUUID } from 'node:crypto';
import type { AdminActionAudited, AUDITING_SERVICES } from '@anshim/contracts';
import type { SqlExecutor } from '../events/sql-client.ts';
import { isUuid } from './authorization.ts';
import { outboxWriter } from './outbox-writer.ts';

export type AuditingService = (typeof AUDITING_SERVICES)[number];

export interface AuditedAction {
  /** The service's own audit row id when it has one; a fresh id otherwise. */
  auditId?: string;
  actorId: string | null;
  action: string;
  subjectId: string | null;
  /** ADMIN-readable details only: null when the row may hold a member's personal data. */
  details?: Record<string, unknown> | null;
  requestId?: string | null;
  at?: Date;
}

/** `record(tx, action)` writes the service's audited-action event into its outbox, inside `tx`. */
export function auditEventWriter(service: AuditingService): (tx: SqlExecutor, action: AuditedAction) => Promise<void> {
  const write = outboxWriter(service);
  return async (tx, action) => {
    const data: AdminActionAudited = {
      auditId: action.auditId ?? randomUUID(),
      actorId: action.actorId,
      action: action.action,
      subjectId: action.subjectId,
      details: action.details ?? null,
      requestId: action.requestId ?? null,
      at: (action.at ?? new Date()).toISOString(),
    };
    // Typed per service by the catalogue; the four share one definition.
    await write(tx, { type: `${service}.admin_action_audited` as 'user.admin_action_audited', subjectUserId: isUuid(action.subjectId) ? action.subjectId : null, data });
  };
}
