// User.statusHistory: every change of an account's status as the moderator console shows it —
// who (the ADMIN, or nobody for an automatic change), when, from → to, until when, the reason and
// where it came from. ADMIN only: the reasons are moderators' own words (a report's sanction
// carries the internal resolution), and a member's history would tell them how they were handled.
import { BadInputError, pick, requireAdmin, type Locale } from '@anshim/platform';
import type { StatusChangeRow, StatusHistoryRepository } from '../audit/status-history-repository.ts';
import { messages } from '../messages.ts';
import type { AccountStatus } from '../model.ts';
import type { RequestScope } from '../scope.ts';

export const STATUS_HISTORY_MAX = 100;

export type StatusChangeOrigin = 'ADMIN' | 'REPORT_SANCTION' | 'SANCTION_ENDED';

export interface StatusChangeView {
  id: string;
  at: Date;
  from: AccountStatus;
  to: AccountStatus;
  until: Date | null;
  reason: string;
  origin: StatusChangeOrigin;
  reportId: string | null;
  actorId: string | null;
}

const STATUSES: readonly string[] = ['ACTIVE', 'SUSPENDED', 'BANNED'];
const isStatus = (value: unknown): value is AccountStatus => typeof value === 'string' && STATUSES.includes(value);
const field = (json: unknown, name: string): unknown => (json && typeof json === 'object' ? (json as Record<string, unknown>)[name] : undefined);

/**
 * One audit row as a change; null for a row that does not hold one (never written so, but the log
 * is JSON: a malformed row is left out rather than failing the whole history).
 * `source` is what applyStatusChange recorded: `admin`, or `report:<id>` for a report's sanction
 * and for the end of its suspension (the only change back to ACTIVE a report makes).
 */
export function statusChangeOf(row: StatusChangeRow, locale: Locale): StatusChangeView | null {
  const from = field(row.before, 'status');
  const to = field(row.after, 'status');
  if (!isStatus(from) || !isStatus(to)) return null;
  const source = String(field(row.after, 'source') ?? '');
  const reportId = source.startsWith('report:') ? source.slice('report:'.length) : null;
  const origin: StatusChangeOrigin = reportId === null ? 'ADMIN' : to === 'ACTIVE' ? 'SANCTION_ENDED' : 'REPORT_SANCTION';
  const until = field(row.after, 'statusUntil');
  const recorded = field(row.after, 'reason');
  return {
    id: row.id,
    at: row.at,
    from,
    to,
    until: typeof until === 'string' ? new Date(until) : null,
    // The automatic end is recorded in English for the log; moderators read it in their language.
    reason: origin === 'SANCTION_ENDED' ? pick(messages.suspensionEnded, locale) : typeof recorded === 'string' ? recorded : '',
    origin,
    reportId,
    actorId: row.actorId,
  };
}

export class StatusHistoryService {
  constructor(private readonly deps: { history: StatusHistoryRepository }) {}

  async of(scope: RequestScope, userId: string, first: number | null | undefined): Promise<StatusChangeView[]> {
    requireAdmin(scope);
    const take = first ?? 20;
    if (!Number.isInteger(take) || take < 1 || take > STATUS_HISTORY_MAX) {
      throw new BadInputError(messages.statusHistoryFirstRange, { fields: [{ field: 'first', reason: 'outOfRange', min: 1, max: STATUS_HISTORY_MAX }] });
    }
    const rows = await this.deps.history.of(userId, take);
    return rows.map((row) => statusChangeOf(row, scope.locale)).filter((change): change is StatusChangeView => change !== null);
  }
}
