// One account-status change, inside the caller's transaction: the new status, revoked sessions
// and access tokens (for SUSPENDED/BANNED), an audit row and user.status_changed. Used by an admin's setUserStatus
// and by the sanction events from the report service, so both behave the same.
import type { AuditRepository } from '../audit/audit-repository.ts';
import type { SessionRepository } from '../auth/session-repository.ts';
import type { TokenRevocations } from '../auth/token-revocations.ts';
import type { Tx } from '../database.ts';
import type { AccountStatus, UserRecord } from '../model.ts';
import type { UserEvents } from '../outbound/user-events.ts';
import type { UserRepository } from './user-repository.ts';

const REASON_MAX = 500;

export interface StatusChangeDeps {
  users: UserRepository;
  sessions: SessionRepository;
  audit: AuditRepository;
  events: UserEvents;
  revocations: TokenRevocations;
}

export interface StatusChange {
  status: AccountStatus;
  until: Date | null;
  reason: string;
  /** The admin who decided; null for automatic changes (a suspension that ended). */
  actorId: string | null;
  /** Where the change came from, for the audit row (e.g. `report:<id>`, `admin`). */
  source: string;
  requestId: string | null;
}

export async function applyStatusChange(deps: StatusChangeDeps, tx: Tx, current: UserRecord, change: StatusChange, at: Date): Promise<UserRecord> {
  const reason = change.reason.slice(0, REASON_MAX);
  const row = await deps.users.update(tx, current.id, { status: change.status, statusUntil: change.until, statusReason: reason });
  if (change.status !== 'ACTIVE') {
    await deps.sessions.revokeAllOfUser(current.id, at, tx);
    // Before the commit on purpose: if the transaction then fails, the user merely signs in again.
    await deps.revocations.revokeAllBefore(current.id, at, change.status === 'BANNED' ? 'BANNED' : 'SUSPENDED');
  }
  await deps.audit.record(tx, {
    actorId: change.actorId,
    action: 'user.status_changed',
    subjectId: current.id,
    before: { status: current.status, statusUntil: current.statusUntil?.toISOString() ?? null },
    after: { status: row.status, statusUntil: row.statusUntil?.toISOString() ?? null, reason, source: change.source },
    requestId: change.requestId,
  });
  await deps.events.statusChanged(tx, current.id, change.status, change.until);
  return row;
}
