// The projection read back for a recalculation: one member's (or a page of members') factor inputs
// and current score in one statement, and the per-user lock that keeps two workers from
// recalculating the same member at once. The copies it reads are written by the *-repository.ts
// files beside it, one per input kind.
import type { SqlExecutor } from '@anshim/platform';
import type {
  AccountStatus,
  Factor,
  ReportInput,
  RiskLevel,
  RiskSignalInput,
  SafetyGrade,
  SanctionInput,
  ScoreInputs,
  ScoreRecord,
  VerificationMethod,
} from '../model.ts';
import { ts } from './copy-sql.ts';

/** A user's inputs and current score, as loaded for a recalculation. */
export interface LoadedUser {
  userId: string;
  inputs: ScoreInputs;
  current: ScoreRecord | null;
}

/** PostgreSQL `timestamp(3)` values come out of json_build_object without a zone; they are UTC. */
const utc = (value: string | null | undefined): Date | null => (value ? new Date(value.endsWith('Z') ? value : `${value}Z`) : null);

export class InputsReader {
  /** Serializes recalculations of the same users across workers (held until the transaction ends). */
  async lockUsers(tx: SqlExecutor, userIds: readonly string[]): Promise<void> {
    for (const id of [...new Set(userIds)].sort()) {
      await tx.$executeRawUnsafe(`SELECT 1 FROM (SELECT pg_advisory_xact_lock(hashtextextended($1, 0))) AS locked`, `safety:${id}`);
    }
  }

  /** Inputs and current score of the given users, in one statement. Users without a row get empty inputs. */
  async loadByIds(db: SqlExecutor, userIds: readonly string[], now: Date): Promise<LoadedUser[]> {
    const ids = [...new Set(userIds)];
    if (ids.length === 0) return [];
    const rows = await db.$queryRawUnsafe<InputRow[]>(
      `${LOAD_SQL('SELECT unnest($1::uuid[]) AS user_id')}`,
      ids,
      ts(now),
    );
    return rows.map(toLoaded);
  }

  /** The next page of users (keyset on user_id) with inputs and current score: the nightly batch's read. */
  async loadPage(db: SqlExecutor, after: string | null, limit: number, now: Date): Promise<LoadedUser[]> {
    const rows = await db.$queryRawUnsafe<InputRow[]>(
      LOAD_SQL(`SELECT user_id FROM user_inputs WHERE user_id > COALESCE($1::uuid, '00000000-0000-0000-0000-000000000000') ORDER BY user_id LIMIT $3`),
      after,
      ts(now),
      limit,
    );
    return rows.map(toLoaded);
  }

  async countUsers(db: SqlExecutor): Promise<number> {
    const [row] = await db.$queryRawUnsafe<Array<{ n: bigint | number }>>(`SELECT count(*) AS n FROM user_inputs`);
    return Number(row?.n ?? 0);
  }
}

interface InputRow {
  user_id: string;
  doc: {
    registered_at: string | null;
    email: string | null;
    sms: string | null;
    id_card: string | null;
    oauth: string | null;
    profile_completeness: number | null;
    status: AccountStatus | null;
    status_until: string | null;
    risk_cleared_at: string | null;
    completed: number;
    escrow: number;
    rating_count: number;
    rating_avg: number | null;
    cancellations: string[];
    disputes: string[];
    reports: Array<{ type: ReportInput['type']; state: ReportInput['state']; filed_at: string; reporter_id: string; reporter_weight: number }>;
    sanctions: Array<{ type: SanctionInput['type']; starts_at: string; ends_at: string | null; ended_at: string | null }>;
    signals: Array<{ level: RiskLevel; detected_at: string; expires_at: string | null }>;
    score: {
      value: number;
      grade: SafetyGrade;
      factors: Factor[];
      badges: string[];
      rule_version: string;
      version: number;
      updated_at: string;
    } | null;
  };
}

/**
 * One statement for any set of users (`ids` is a query yielding user_id): the state row, trade
 * aggregates (with the trades released through safe payment), relevant reports, open sanctions, live risk signals and the current score, as one
 * JSON document per user. $2 is "now" (UTC text). Only what can still count is read: cancellations
 * and disputes of the last 90 days, pending reports of the last 30, unexpired signals. Every part is
 * a LATERAL lookup by the user's index, so a page of 5000 users costs the same in a table of 100k
 * users as in one of 10M (grouped joins made the planner scan whole tables per page).
 */
const LOAD_SQL = (ids: string) => `
WITH ids AS MATERIALIZED (${ids})
SELECT ids.user_id::text AS user_id,
       json_build_object(
         'registered_at', u.registered_at, 'email', u.email_verified_at, 'sms', u.phone_verified_at,
         'id_card', u.id_card_verified_at, 'oauth', u.oauth_verified_at,
         'profile_completeness', u.profile_completeness, 'status', u.status, 'status_until', u.status_until,
         'risk_cleared_at', u.risk_cleared_at,
         'completed', t.completed + es.escrow_only, 'escrow', es.escrow,
         'rating_count', t.rating_count, 'rating_avg', t.rating_avg,
         'cancellations', t.cancellations, 'disputes', t.disputes,
         'reports', r.reports, 'sanctions', s.sanctions, 'signals', k.signals,
         'score', sc.score
       ) AS doc
  FROM ids
  LEFT JOIN LATERAL (SELECT * FROM user_inputs WHERE user_inputs.user_id = ids.user_id) u ON true
  CROSS JOIN LATERAL (
    SELECT count(*) FILTER (WHERE t.outcome = 'COMPLETED')::int AS completed,
           count(t.stars)::int AS rating_count,
           avg(t.stars)::float8 AS rating_avg,
           COALESCE(json_agg(t.at) FILTER (WHERE t.outcome = 'CANCELLED' AND t.by_user_id = t.user_id AND t.at > $2::timestamp - interval '90 days'), '[]') AS cancellations,
           COALESCE(json_agg(t.at) FILTER (WHERE t.outcome = 'DISPUTED' AND t.by_user_id <> t.user_id AND t.at > $2::timestamp - interval '90 days'), '[]') AS disputes
      FROM trade_facts t WHERE t.user_id = ids.user_id) t
  CROSS JOIN LATERAL (
    -- A released payment is a completed trade even when transaction never said so (auto-release
    -- after the buyer stayed silent, a moderator releasing a disputed payment): those add to completed.
    SELECT count(*)::int AS escrow,
           count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM trade_facts f
                                               WHERE f.user_id = es.user_id AND f.transaction_id = es.transaction_id AND f.outcome = 'COMPLETED'))::int AS escrow_only
      FROM escrow_releases es WHERE es.user_id = ids.user_id) es
  CROSS JOIN LATERAL (
    SELECT COALESCE(json_agg(json_build_object('type', r.type, 'state', r.state, 'filed_at', r.filed_at, 'reporter_id', r.reporter_id, 'reporter_weight', r.reporter_weight)), '[]') AS reports
      FROM report_facts r
     WHERE r.target_user_id = ids.user_id
       AND (r.state = 'ACCEPTED' OR (r.state = 'PENDING' AND r.filed_at > $2::timestamp - interval '30 days'))) r
  CROSS JOIN LATERAL (
    SELECT COALESCE(json_agg(json_build_object('type', s.type, 'starts_at', s.starts_at, 'ends_at', s.ends_at, 'ended_at', s.ended_at)), '[]') AS sanctions
      FROM sanction_facts s
     WHERE s.user_id = ids.user_id AND s.ended_at IS NULL AND (s.ends_at IS NULL OR s.ends_at > $2::timestamp)) s
  CROSS JOIN LATERAL (
    SELECT COALESCE(json_agg(json_build_object('level', k.level, 'detected_at', k.detected_at, 'expires_at', k.expires_at)), '[]') AS signals
      FROM risk_signals k
     WHERE k.user_id = ids.user_id AND (k.expires_at IS NULL OR k.expires_at > $2::timestamp)) k
  LEFT JOIN LATERAL (
    SELECT json_build_object('value', sc.value, 'grade', sc.grade, 'factors', sc.factors, 'badges', sc.badges,
                             'rule_version', sc.rule_version, 'version', sc.version, 'updated_at', sc.updated_at) AS score
      FROM safety_scores sc WHERE sc.user_id = ids.user_id) sc ON true
 ORDER BY ids.user_id`;

function toLoaded(row: InputRow): LoadedUser {
  const d = row.doc;
  const verifiedMethods: VerificationMethod[] = [];
  if (d.email) verifiedMethods.push('EMAIL');
  if (d.sms) verifiedMethods.push('SMS');
  if (d.id_card) verifiedMethods.push('ID_CARD');
  if (d.oauth) verifiedMethods.push('OAUTH');
  const inputs: ScoreInputs = {
    registeredAt: utc(d.registered_at),
    verifiedMethods,
    profileCompleteness: d.profile_completeness ?? 0,
    completedTrades: d.completed,
    escrowTrades: d.escrow,
    ratingCount: d.rating_count,
    ratingAverage: d.rating_avg,
    cancellations: d.cancellations.map((at) => utc(at)!),
    disputes: d.disputes.map((at) => utc(at)!),
    reports: d.reports.map((r) => ({ type: r.type, state: r.state, filedAt: utc(r.filed_at)!, reporterId: r.reporter_id, reporterWeight: r.reporter_weight })),
    accountStatus: d.status ?? 'ACTIVE',
    statusUntil: utc(d.status_until),
    sanctions: d.sanctions.map((s) => ({ type: s.type, startsAt: utc(s.starts_at)!, endsAt: utc(s.ends_at), endedAt: utc(s.ended_at) })),
    riskSignals: d.signals.map((k): RiskSignalInput => ({ level: k.level, detectedAt: utc(k.detected_at)!, expiresAt: utc(k.expires_at) })),
    riskClearedAt: utc(d.risk_cleared_at),
  };
  const current: ScoreRecord | null = d.score
    ? {
        userId: row.user_id,
        value: d.score.value,
        grade: d.score.grade,
        factors: d.score.factors,
        badges: d.score.badges,
        ruleVersion: d.score.rule_version,
        version: d.score.version,
        updatedAt: utc(d.score.updated_at)!,
      }
    : null;
  return { userId: row.user_id, inputs, current };
}
