// The projection of every user's factor inputs, fed by other services' events: the only code that
// writes user_inputs, trade_facts, report_facts, sanction_facts, risk_signals and product_copies.
//
// Order independence: a state (status, profile, phone change, risk clearance) carries the time of
// the event that set it and only a newer event replaces it; everything that adds up is a row keyed
// by its own id (trade, report, sanction, alert), so events may arrive late, twice or out of order.
import { reporterWeight, type ReportInputsAnswer, type RiskInputsAnswer, type SqlExecutor, type TradeInputsAnswer } from '@anshim/platform';
import type {
  AccountStatus,
  ReportInput,
  RiskLevel,
  RiskSignalInput,
  SafetyGrade,
  SanctionInput,
  ScoreInputs,
  VerificationMethod,
} from './safety-score.ts';
import type { ScoreRecord } from './score-repository.ts';
import type { Factor } from './safety-score.ts';

const VERIFIED_COLUMN: Record<VerificationMethod, string> = {
  EMAIL: 'email_verified_at',
  SMS: 'phone_verified_at',
  ID_CARD: 'id_card_verified_at',
  OAUTH: 'oauth_verified_at',
};

export type TradeOutcome = 'COMPLETED' | 'CANCELLED' | 'DISPUTED';

export interface TradeChange {
  transactionId: string;
  buyerId: string;
  sellerId: string;
  outcome: TradeOutcome;
  byUserId: string;
  at: Date;
}

/** A user's inputs and current score, as loaded for a recalculation. */
export interface LoadedUser {
  userId: string;
  inputs: ScoreInputs;
  current: ScoreRecord | null;
}

/** PostgreSQL `timestamp(3)` values come out of json_build_object without a zone; they are UTC. */
const utc = (value: string | null | undefined): Date | null => (value ? new Date(value.endsWith('Z') ? value : `${value}Z`) : null);

/** Parameters for `timestamp without time zone` columns: UTC wall-clock text. */
const ts = (date: Date) => date.toISOString();

/**
 * Prefixes a fact's write with `touch` (a user_inputs row for each user, so the nightly batch and
 * the rebuild know them) as a CTE of the same statement: one round trip instead of two per event.
 * `param` is the index of the uuid[] parameter the caller appends.
 */
const touching = (param: number, statement: string) =>
  `WITH touched AS (INSERT INTO user_inputs (user_id, updated_at) SELECT DISTINCT unnest($${param}::uuid[]), now() ON CONFLICT (user_id) DO NOTHING)
   ${statement}`;

export class InputsRepository {
  // ---- user.events
  async registered(tx: SqlExecutor, userId: string, registeredAt: Date): Promise<void> {
    await tx.$executeRawUnsafe(
      `INSERT INTO user_inputs (user_id, registered_at, updated_at) VALUES ($1::uuid, $2::timestamp, now())
       ON CONFLICT (user_id) DO UPDATE SET registered_at = LEAST(COALESCE(user_inputs.registered_at, EXCLUDED.registered_at), EXCLUDED.registered_at), updated_at = now()`,
      userId,
      ts(registeredAt),
    );
  }

  /** A verification; an SMS verification older than the last phone change no longer counts. */
  async verified(tx: SqlExecutor, userId: string, method: VerificationMethod, verifiedAt: Date): Promise<void> {
    const column = VERIFIED_COLUMN[method];
    const guard = method === 'SMS' ? 'AND (user_inputs.phone_changed_at IS NULL OR user_inputs.phone_changed_at < EXCLUDED.phone_verified_at)' : '';
    await tx.$executeRawUnsafe(
      `INSERT INTO user_inputs (user_id, ${column}, updated_at) VALUES ($1::uuid, $2::timestamp, now())
       ON CONFLICT (user_id) DO UPDATE SET ${column} = GREATEST(COALESCE(user_inputs.${column}, EXCLUDED.${column}), EXCLUDED.${column}), updated_at = now()
       WHERE true ${guard}`,
      userId,
      ts(verifiedAt),
    );
  }

  async profileUpdated(tx: SqlExecutor, userId: string, change: { completeness: number; phoneChanged: boolean; at: Date }): Promise<void> {
    await tx.$executeRawUnsafe(
      `INSERT INTO user_inputs (user_id, profile_completeness, profile_at, phone_changed_at, updated_at)
       VALUES ($1::uuid, $2, $3::timestamp, CASE WHEN $4 THEN $3::timestamp END, now())
       ON CONFLICT (user_id) DO UPDATE SET
         profile_completeness = CASE WHEN user_inputs.profile_at IS NULL OR user_inputs.profile_at <= EXCLUDED.profile_at
                                     THEN EXCLUDED.profile_completeness ELSE user_inputs.profile_completeness END,
         profile_at = GREATEST(COALESCE(user_inputs.profile_at, EXCLUDED.profile_at), EXCLUDED.profile_at),
         phone_changed_at = CASE WHEN $4 THEN GREATEST(COALESCE(user_inputs.phone_changed_at, EXCLUDED.phone_changed_at), EXCLUDED.phone_changed_at)
                                 ELSE user_inputs.phone_changed_at END,
         phone_verified_at = CASE WHEN $4 AND user_inputs.phone_verified_at < EXCLUDED.profile_at THEN NULL ELSE user_inputs.phone_verified_at END,
         updated_at = now()`,
      userId,
      Math.max(0, Math.min(100, Math.round(change.completeness))),
      ts(change.at),
      change.phoneChanged,
    );
  }

  async statusChanged(tx: SqlExecutor, userId: string, status: AccountStatus, until: Date | null, at: Date): Promise<void> {
    await tx.$executeRawUnsafe(
      `INSERT INTO user_inputs (user_id, status, status_until, status_at, updated_at) VALUES ($1::uuid, $2::"AccountStatus", $3::timestamp, $4::timestamp, now())
       ON CONFLICT (user_id) DO UPDATE SET status = EXCLUDED.status, status_until = EXCLUDED.status_until, status_at = EXCLUDED.status_at, updated_at = now()
       WHERE user_inputs.status_at IS NULL OR user_inputs.status_at <= EXCLUDED.status_at`,
      userId,
      status,
      until ? ts(until) : null,
      ts(at),
    );
  }

  /** Makes sure a user has a row (so the nightly batch and rebuild know them). */
  async touch(tx: SqlExecutor, userIds: readonly string[]): Promise<void> {
    if (userIds.length === 0) return;
    await tx.$executeRawUnsafe(
      `INSERT INTO user_inputs (user_id, updated_at) SELECT unnest($1::uuid[]), now() ON CONFLICT (user_id) DO NOTHING`,
      [...new Set(userIds)],
    );
  }

  // ---- transaction.events
  async tradeOutcome(tx: SqlExecutor, change: TradeChange): Promise<void> {
    await tx.$executeRawUnsafe(
      touching(
        7,
        `INSERT INTO trade_facts (transaction_id, user_id, counterpart_id, role, outcome, by_user_id, at)
       VALUES ($1::uuid, $2::uuid, $3::uuid, 'BUYER', $4::"TradeOutcome", $5::uuid, $6::timestamp),
              ($1::uuid, $3::uuid, $2::uuid, 'SELLER', $4::"TradeOutcome", $5::uuid, $6::timestamp)
       ON CONFLICT (transaction_id, user_id) DO UPDATE SET outcome = EXCLUDED.outcome, by_user_id = EXCLUDED.by_user_id, at = EXCLUDED.at,
         counterpart_id = EXCLUDED.counterpart_id, role = EXCLUDED.role
       WHERE trade_facts.at <= EXCLUDED.at`,
      ),
      change.transactionId,
      change.buyerId,
      change.sellerId,
      change.outcome,
      change.byUserId,
      ts(change.at),
      [change.buyerId, change.sellerId],
    );
  }

  /** A rating may arrive before the trade's completion: the row waits as OPEN with the earliest time. */
  async rated(tx: SqlExecutor, rating: { transactionId: string; rateeId: string; raterId: string; rateeRole: 'SELLER' | 'BUYER'; stars: number; at: Date }): Promise<void> {
    await tx.$executeRawUnsafe(
      touching(
        7,
        `INSERT INTO trade_facts (transaction_id, user_id, counterpart_id, role, outcome, by_user_id, at, stars, rated_at)
       VALUES ($1::uuid, $2::uuid, $3::uuid, $4, 'OPEN', $3::uuid, 'epoch'::timestamp, $5, $6::timestamp)
       ON CONFLICT (transaction_id, user_id) DO UPDATE SET stars = EXCLUDED.stars, rated_at = EXCLUDED.rated_at
       WHERE trade_facts.rated_at IS NULL OR trade_facts.rated_at <= EXCLUDED.rated_at`,
      ),
      rating.transactionId,
      rating.rateeId,
      rating.raterId,
      rating.rateeRole,
      rating.stars,
      ts(rating.at),
      [rating.rateeId],
    );
  }

  async productCreated(tx: SqlExecutor, product: { productId: string; sellerId: string; category: string; price: number; createdAt: Date }): Promise<void> {
    await tx.$executeRawUnsafe(
      `INSERT INTO product_copies (product_id, seller_id, category, price, first_price, price_at, created_at)
       VALUES ($1::uuid, $2::uuid, $3, $4, $4, $5::timestamp, $5::timestamp)
       ON CONFLICT (product_id) DO UPDATE SET seller_id = EXCLUDED.seller_id, category = EXCLUDED.category,
         first_price = EXCLUDED.first_price, created_at = EXCLUDED.created_at,
         price = CASE WHEN product_copies.price_at <= EXCLUDED.price_at THEN EXCLUDED.price ELSE product_copies.price END,
         price_at = GREATEST(product_copies.price_at, EXCLUDED.price_at)`,
      product.productId,
      product.sellerId,
      product.category,
      product.price,
      ts(product.createdAt),
    );
  }

  /** A price change seen before its product.created keeps the old price as the first one. */
  async priceChanged(tx: SqlExecutor, change: { productId: string; sellerId: string; category: string; oldPrice: number; newPrice: number; at: Date }): Promise<void> {
    await tx.$executeRawUnsafe(
      `INSERT INTO product_copies (product_id, seller_id, category, price, first_price, price_at, created_at)
       VALUES ($1::uuid, $2::uuid, $3, $5, $4, $6::timestamp, $6::timestamp)
       ON CONFLICT (product_id) DO UPDATE SET price = EXCLUDED.price, price_at = EXCLUDED.price_at
       WHERE product_copies.price_at <= EXCLUDED.price_at`,
      change.productId,
      change.sellerId,
      change.category,
      change.oldPrice,
      change.newPrice,
      ts(change.at),
    );
  }

  // ---- report.events
  /** `reporterWeight`: what the report weighs while pending (reporter-trust.ts). Returns whether it was new. */
  async reportFiled(tx: SqlExecutor, report: { reportId: string; targetUserId: string; reporterId: string; type: string; filedAt: Date; reporterWeight: number }): Promise<boolean> {
    const inserted = await tx.$executeRawUnsafe(
      touching(
        7,
        `INSERT INTO report_facts (report_id, target_user_id, reporter_id, type, state, filed_at, reporter_weight)
       VALUES ($1::uuid, $2::uuid, $3::uuid, $4, 'PENDING', $5::timestamp, $6) ON CONFLICT (report_id) DO NOTHING`,
      ),
      report.reportId,
      report.targetUserId,
      report.reporterId,
      report.type,
      ts(report.filedAt),
      report.reporterWeight,
      [report.targetUserId],
    );
    return inserted > 0;
  }

  /** A decision is final: it replaces PENDING whenever it arrives, and a late report.filed changes nothing. */
  async reportProcessed(tx: SqlExecutor, report: { reportId: string; targetUserId: string; reporterId: string; type: string; decision: 'ACCEPT' | 'DISMISS'; filedAt: Date; processedAt: Date }): Promise<void> {
    await tx.$executeRawUnsafe(
      touching(
        8,
        `INSERT INTO report_facts (report_id, target_user_id, reporter_id, type, state, filed_at, decided_at)
       VALUES ($1::uuid, $2::uuid, $3::uuid, $4, $5::"ReportState", $6::timestamp, $7::timestamp)
       ON CONFLICT (report_id) DO UPDATE SET state = EXCLUDED.state, type = EXCLUDED.type, filed_at = EXCLUDED.filed_at, decided_at = EXCLUDED.decided_at
       WHERE report_facts.decided_at IS NULL OR report_facts.decided_at <= EXCLUDED.decided_at`,
      ),
      report.reportId,
      report.targetUserId,
      report.reporterId,
      report.type,
      report.decision === 'ACCEPT' ? 'ACCEPTED' : 'DISMISSED',
      ts(report.filedAt),
      ts(report.processedAt),
      [report.targetUserId],
    );
  }

  async sanctionApplied(tx: SqlExecutor, sanction: { reportId: string; userId: string; type: string; startsAt: Date; endsAt: Date | null }): Promise<void> {
    await tx.$executeRawUnsafe(
      touching(
        6,
        `INSERT INTO sanction_facts (report_id, user_id, type, starts_at, ends_at) VALUES ($1::uuid, $2::uuid, $3, $4::timestamp, $5::timestamp)
       ON CONFLICT (report_id, type) DO UPDATE SET starts_at = EXCLUDED.starts_at, ends_at = EXCLUDED.ends_at`,
      ),
      sanction.reportId,
      sanction.userId,
      sanction.type,
      ts(sanction.startsAt),
      sanction.endsAt ? ts(sanction.endsAt) : null,
      [sanction.userId],
    );
  }

  /** An end seen before its start is kept: the later sanction_applied fills in the start, not the end. */
  async sanctionEnded(tx: SqlExecutor, sanction: { reportId: string; userId: string; type: string; endedAt: Date }): Promise<void> {
    await tx.$executeRawUnsafe(
      touching(
        5,
        `INSERT INTO sanction_facts (report_id, user_id, type, starts_at, ended_at) VALUES ($1::uuid, $2::uuid, $3, $4::timestamp, $4::timestamp)
       ON CONFLICT (report_id, type) DO UPDATE SET ended_at = EXCLUDED.ended_at`,
      ),
      sanction.reportId,
      sanction.userId,
      sanction.type,
      ts(sanction.endedAt),
      [sanction.userId],
    );
  }

  // ---- monitor.events
  async riskDetected(tx: SqlExecutor, signal: { alertId: string; userId: string; level: RiskLevel; rule: string; detectedAt: Date; expiresAt: Date | null }): Promise<void> {
    await tx.$executeRawUnsafe(
      touching(
        7,
        `INSERT INTO risk_signals (alert_id, user_id, level, rule, detected_at, expires_at) VALUES ($1::uuid, $2::uuid, $3::"RiskLevel", $4, $5::timestamp, $6::timestamp)
       ON CONFLICT (alert_id) DO UPDATE SET level = EXCLUDED.level, rule = EXCLUDED.rule, detected_at = EXCLUDED.detected_at, expires_at = EXCLUDED.expires_at
       WHERE risk_signals.detected_at <= EXCLUDED.detected_at`,
      ),
      signal.alertId,
      signal.userId,
      signal.level,
      signal.rule,
      ts(signal.detectedAt),
      signal.expiresAt ? ts(signal.expiresAt) : null,
      [signal.userId],
    );
  }

  async riskCleared(tx: SqlExecutor, userId: string, clearedAt: Date): Promise<void> {
    await tx.$executeRawUnsafe(
      `INSERT INTO user_inputs (user_id, risk_cleared_at, updated_at) VALUES ($1::uuid, $2::timestamp, now())
       ON CONFLICT (user_id) DO UPDATE SET risk_cleared_at = GREATEST(COALESCE(user_inputs.risk_cleared_at, EXCLUDED.risk_cleared_at), EXCLUDED.risk_cleared_at), updated_at = now()`,
      userId,
      ts(clearedAt),
    );
  }

  // ---- rebuild (workers/rebuild.ts): the owners' answers replace what events brought

  /** Replaces the users' trade rows (their side of each trade) and ratings with transaction's answer. */
  async replaceTrades(tx: SqlExecutor, userIds: readonly string[], answer: TradeInputsAnswer): Promise<void> {
    await tx.$executeRawUnsafe(`DELETE FROM trade_facts WHERE user_id = ANY($1::uuid[])`, [...userIds]);
    const mine = new Set(userIds);
    for (const t of answer.trades) {
      for (const [userId, counterpartId, role] of [[t.buyerId, t.sellerId, 'BUYER'], [t.sellerId, t.buyerId, 'SELLER']] as const) {
        if (!mine.has(userId)) continue;
        await tx.$executeRawUnsafe(
          `INSERT INTO trade_facts (transaction_id, user_id, counterpart_id, role, outcome, by_user_id, at)
           VALUES ($1::uuid, $2::uuid, $3::uuid, $4, $5::"TradeOutcome", $6::uuid, $7::timestamp)`,
          t.transactionId, userId, counterpartId, role, t.outcome, t.by, t.at,
        );
      }
    }
    for (const r of answer.ratings) {
      if (mine.has(r.rateeId)) await this.rated(tx, { ...r, at: new Date(r.at) });
    }
    // Listings the copy lacks; a known one keeps its first price (transaction keeps only the current one).
    for (const p of answer.products) {
      if (!mine.has(p.sellerId)) continue;
      await tx.$executeRawUnsafe(
        `INSERT INTO product_copies (product_id, seller_id, category, price, first_price, price_at, created_at)
         VALUES ($1::uuid, $2::uuid, $3, $4, $4, $5::timestamp, $5::timestamp) ON CONFLICT (product_id) DO NOTHING`,
        p.productId, p.sellerId, p.category, p.price, p.createdAt,
      );
    }
  }

  /** Replaces the reports against the users and their sanctions with report's answer. */
  async replaceReports(tx: SqlExecutor, userIds: readonly string[], answer: ReportInputsAnswer): Promise<void> {
    await tx.$executeRawUnsafe(`DELETE FROM report_facts WHERE target_user_id = ANY($1::uuid[])`, [...userIds]);
    await tx.$executeRawUnsafe(`DELETE FROM sanction_facts WHERE user_id = ANY($1::uuid[])`, [...userIds]);
    for (const r of answer.reports) {
      await tx.$executeRawUnsafe(
        `INSERT INTO report_facts (report_id, target_user_id, reporter_id, type, state, filed_at, decided_at, reporter_weight)
         VALUES ($1::uuid, $2::uuid, $3::uuid, $4, $5::"ReportState", $6::timestamp, $7::timestamp, $8)`,
        r.reportId, r.targetUserId, r.reporterId, r.type, r.state, r.filedAt, r.decidedAt, reporterWeight(r.reporter),
      );
    }
    for (const x of answer.sanctions) {
      await tx.$executeRawUnsafe(
        `INSERT INTO sanction_facts (report_id, user_id, type, starts_at, ends_at, ended_at) VALUES ($1::uuid, $2::uuid, $3, $4::timestamp, $5::timestamp, $6::timestamp)`,
        x.reportId, x.userId, x.type, x.startsAt, x.endsAt, x.endedAt,
      );
    }
  }

  /** Replaces the users' risk signals and clearance with monitor's answer. */
  async replaceRisk(tx: SqlExecutor, userIds: readonly string[], answer: RiskInputsAnswer): Promise<void> {
    await tx.$executeRawUnsafe(`DELETE FROM risk_signals WHERE user_id = ANY($1::uuid[])`, [...userIds]);
    await this.touch(tx, userIds);
    for (const u of answer.users) {
      await tx.$executeRawUnsafe(`UPDATE user_inputs SET risk_cleared_at = $2::timestamp, updated_at = now() WHERE user_id = $1::uuid`, u.userId, u.riskClearedAt);
      for (const k of u.signals) {
        await tx.$executeRawUnsafe(
          `INSERT INTO risk_signals (alert_id, user_id, level, rule, detected_at, expires_at) VALUES ($1::uuid, $2::uuid, $3::"RiskLevel", $4, $5::timestamp, $6::timestamp)
           ON CONFLICT (alert_id) DO NOTHING`,
          k.alertId, u.userId, k.level, k.rule, k.detectedAt, k.expiresAt,
        );
      }
    }
  }

  // ---- reads for recalculation

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
 * aggregates, relevant reports, open sanctions, live risk signals and the current score, as one
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
         'completed', t.completed, 'rating_count', t.rating_count, 'rating_avg', t.rating_avg,
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
