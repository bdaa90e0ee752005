// The console's one audit log, read by ADMINs only: who did what, when, in every service. Pages of
// 1–100 newest first, narrowed by actor and action; a cursor that is not an entry of the log, or a
// malformed filter, is one BAD_USER_INPUT naming the field.
import { BadInputError, isUuid, requireAdmin, type RequestContext } from '@anshim/platform';
import type { AdminActionAudited } from '@anshim/contracts';
import type { Tx } from '../database.ts';
import { messages } from '../messages.ts';
import type { AuditLogRecord, AuditLogRepository } from './audit-log-repository.ts';

export const MAX_AUDIT_PAGE = 100;

export interface AuditLogArgs {
  first?: number | null;
  after?: string | null;
  actorId?: string | null;
  action?: string | null;
}

const bad = (field: string, reason: string) => new BadInputError(messages.invalidInput, { fields: [{ field, reason }] });

export class AuditLogService {
  constructor(private readonly deps: { log: AuditLogRepository }) {}

  async page(scope: RequestContext, args: AuditLogArgs): Promise<AuditLogRecord[]> {
    requireAdmin(scope);
    const first = args.first ?? 50;
    if (!Number.isInteger(first) || first < 1 || first > MAX_AUDIT_PAGE) throw bad('first', 'outOfRange');
    if (args.actorId != null && !isUuid(args.actorId)) throw bad('actorId', 'notAnId');
    const action = args.action?.trim() || null;
    if (action !== null && action.length > 100) throw bad('action', 'tooLong');
    let after = null;
    if (args.after != null) {
      after = isUuid(args.after) ? await this.deps.log.position(args.after) : null;
      if (!after) throw new BadInputError(messages.badAuditCursor, { fields: [{ field: 'after', reason: 'unknownEntry' }] });
    }
    return this.deps.log.page({ actorId: args.actorId ?? null, action }, first, after);
  }

  /** An audited action another service committed (its event), stored once. */
  async received(tx: Tx, service: string, data: AdminActionAudited): Promise<void> {
    await this.deps.log.store(tx, { id: data.auditId, service, actorId: data.actorId, action: data.action, subjectId: data.subjectId, details: data.details, requestId: data.requestId, at: new Date(data.at) });
  }
}
