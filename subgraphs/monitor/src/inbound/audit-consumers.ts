// The audited actions of user, report, safety and chat (their <service>.admin_action_audited, sent
// with each audit row), stored in the console's one audit log in the consumer's transaction with
// the processed-event record; the entry's id is the producer's row id, so a redelivery stores nothing.
import type { AfterCommitHooks, EventHandlers } from '@anshim/platform';
import type { AuditLogService } from '../audit/audit-log-service.ts';
import type { Tx } from '../database.ts';

export function auditHandlers(log: AuditLogService, _hooks: AfterCommitHooks<Tx>): EventHandlers<'monitor', Tx> {
  return {
    'user.admin_action_audited': (event, tx) => log.received(tx, 'user', event.data),
    'report.admin_action_audited': (event, tx) => log.received(tx, 'report', event.data),
    'safety.admin_action_audited': (event, tx) => log.received(tx, 'safety', event.data),
    'chat.admin_action_audited': (event, tx) => log.received(tx, 'chat', event.data),
  };
}
