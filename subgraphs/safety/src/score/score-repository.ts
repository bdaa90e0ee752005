// Scores and their history: the only code that reads or writes safety_scores and
// safety_score_changes. Writes are set-based: one statement stores any number of new scores, their
// history rows and their safety.score_changed outbox rows, so one user (an event) and 5000 users
// (a nightly batch page) take the same path and commit together with the change that caused them.
import { koreanDaySql, type LocalizedText, type SqlExecutor } from '@anshim/platform';
import type { SafetyPrisma } from '../database.ts';
import type { SafetyGrade, ScoreChangeRecord, ScoreRecord } from '../model.ts';
import type { OutboxRow } from '../outbound/safety-events.ts';

/** A score to store: the record without what the write itself sets (version, updatedAt). */
export interface ScoreWrite extends Omit<ScoreRecord, 'version' | 'updatedAt'> {
  /** The version read before computing; the write is skipped if someone wrote meanwhile. null: no score yet. */
  expectedVersion: number | null;
  history: { delta: number; reason: LocalizedText; reasonCode: string; cause: string; causeEventId: string | null } | null;
  event: OutboxRow | null;
}

const changeSelect = { userId: true, value: true, grade: true, delta: true, reason: true, reasonCode: true, cause: true, at: true } as const;

/**
 * One statement for any number of users: scores first, an update only where the version is still
 * the one read (someone else's newer write stands), an insert only where no score existed; then,
 * for the users actually written, their history rows and safety.score_changed outbox rows (same
 * shape as the platform's recordEvent). Returns who was written. One round trip instead of two: on
 * the event path each statement is a wake-up of PostgreSQL and of the worker, which under load costs
 * more than the work.
 */
const WRITE_SQL = `
WITH input AS (
  SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(
    user_id uuid, value float8, grade text, factors jsonb, badges jsonb, rule_version text, expected_version int)
),
updated AS (
  UPDATE safety_scores s
     SET value = i.value, grade = i.grade::"SafetyGrade", factors = i.factors,
         badges = ARRAY(SELECT jsonb_array_elements_text(i.badges)), rule_version = i.rule_version,
         version = s.version + 1, updated_at = $2::timestamp
    FROM input i
   WHERE s.user_id = i.user_id AND s.version = i.expected_version
  RETURNING s.user_id, s.version
),
inserted AS (
  INSERT INTO safety_scores (user_id, value, grade, factors, badges, rule_version, version, updated_at)
  SELECT i.user_id, i.value, i.grade::"SafetyGrade", i.factors, ARRAY(SELECT jsonb_array_elements_text(i.badges)), i.rule_version, 1, $2::timestamp
    FROM input i WHERE i.expected_version IS NULL
  ON CONFLICT (user_id) DO NOTHING
  RETURNING user_id, version
),
written AS (SELECT user_id, version FROM updated UNION ALL SELECT user_id, version FROM inserted),
history AS (
  INSERT INTO safety_score_changes (id, user_id, value, grade, delta, reason, reason_code, cause, cause_event_id, at)
  SELECT gen_random_uuid(), h.user_id, h.value, h.grade::"SafetyGrade", h.delta, h.reason, h.reason_code, h.cause, h.cause_event_id, $2::timestamp
    FROM jsonb_to_recordset($3::jsonb) AS h(user_id uuid, value float8, grade text, delta float8, reason jsonb, reason_code text, cause text, cause_event_id uuid)
   WHERE h.user_id IN (SELECT user_id FROM written)
),
outbox AS (
  INSERT INTO outbox_events (id, topic, type, payload, priority, created_at)
  SELECT o.id, o.topic, o.type, o.payload, o.priority, clock_timestamp()
    FROM jsonb_to_recordset($4::jsonb) AS o(user_id uuid, id uuid, topic text, type text, payload jsonb, priority int)
   WHERE o.user_id IN (SELECT user_id FROM written)
)
SELECT user_id::text AS user_id, version FROM written`;

/** Stored scores by user id: what a page's score loader reads on a cache miss. */
const SCORES_BY_IDS = `
SELECT user_id::text AS "userId", value, grade::text AS "grade", factors, badges,
       rule_version AS "ruleVersion", version, updated_at AS "updatedAt"
  FROM safety_scores WHERE user_id = ANY($1::uuid[])`;

export class ScoreRepository {
  constructor(
    private readonly prisma: SafetyPrisma,
    /** Plain pg (sql-client.ts): the read behind every page's scores, without Prisma's per-call cost. */
    private readonly reads: SqlExecutor,
  ) {}

  /**
   * Stores scores, and the history and outbox rows of those actually written: one statement for
   * any number of users. Returns who was written, with the new version.
   */
  async write(db: SqlExecutor, rows: readonly ScoreWrite[], now: Date): Promise<Map<string, number>> {
    if (rows.length === 0) return new Map();
    const scores = rows.map((r) => ({
      user_id: r.userId,
      value: r.value,
      grade: r.grade,
      factors: r.factors,
      badges: r.badges,
      rule_version: r.ruleVersion,
      expected_version: r.expectedVersion,
    }));
    const history = rows.flatMap((r) =>
      r.history
        ? [{ user_id: r.userId, value: r.value, grade: r.grade, delta: r.history.delta, reason: r.history.reason, reason_code: r.history.reasonCode, cause: r.history.cause, cause_event_id: r.history.causeEventId }]
        : [],
    );
    const events = rows.flatMap((r) => (r.event ? [{ user_id: r.userId, ...r.event }] : []));
    const written = await db.$queryRawUnsafe<Array<{ user_id: string; version: number }>>(
      WRITE_SQL,
      JSON.stringify(scores),
      now.toISOString(),
      JSON.stringify(history),
      JSON.stringify(events),
    );
    return new Map(written.map((w) => [w.user_id, Number(w.version)]));
  }

  async findByIds(ids: readonly string[]): Promise<ScoreRecord[]> {
    if (ids.length === 0) return [];
    return this.reads.$queryRawUnsafe<ScoreRecord[]>(SCORES_BY_IDS, [...ids]);
  }

  async history(userId: string, first: number): Promise<ScoreChangeRecord[]> {
    const rows = await this.prisma.safetyScoreChange.findMany({
      where: { userId },
      orderBy: [{ at: 'desc' }, { id: 'desc' }],
      take: first,
      select: changeSelect,
    });
    return rows.map(toChange);
  }

  async countsByGrade(): Promise<Map<SafetyGrade, number>> {
    const rows = await this.prisma.safetyScore.groupBy({ by: ['grade'], _count: { _all: true } });
    return new Map(rows.map((r) => [r.grade, r._count._all]));
  }

  async averageValue(): Promise<number | null> {
    const result = await this.prisma.safetyScore.aggregate({ _avg: { value: true } });
    return result._avg.value;
  }

  /**
   * The average of every member's score as it stood at the end of each of `days` Korean days from
   * `since`: each change holds from its time until the member's next change, so one window pass over
   * the changes and a range join with the days, whatever the number of members (no query per day).
   */
  async averageAtDayEnds(since: Date, days: number): Promise<Array<{ day: string; average: number; members: number }>> {
    return this.prisma.$queryRawUnsafe(
      `WITH runs AS (
         SELECT value, at, lead(at) OVER (PARTITION BY user_id ORDER BY at, id) AS next_at FROM safety_score_changes
       ), day_ends AS (
         SELECT ($1::timestamptz AT TIME ZONE 'UTC') + make_interval(days => n) AS day_end FROM generate_series(1, $2::int) AS n
       )
       SELECT ${koreanDaySql("day_ends.day_end - interval '1 millisecond'")} AS day, avg(runs.value)::float AS average, count(*)::int AS members
       FROM day_ends JOIN runs ON runs.at < day_ends.day_end AND (runs.next_at IS NULL OR runs.next_at >= day_ends.day_end)
       GROUP BY day_ends.day_end`,
      since.toISOString(),
      days,
    );
  }

  /** The largest drops since `since`, largest first. */
  async largestDrops(since: Date, first: number): Promise<ScoreChangeRecord[]> {
    const rows = await this.prisma.safetyScoreChange.findMany({
      where: { at: { gte: since }, delta: { lt: 0 } },
      orderBy: [{ delta: 'asc' }, { at: 'desc' }],
      take: first,
      select: changeSelect,
    });
    return rows.map(toChange);
  }
}

function toChange(row: { userId: string; value: number; grade: SafetyGrade; delta: number; reason: unknown; reasonCode: string | null; cause: string; at: Date }): ScoreChangeRecord {
  return { ...row, reason: row.reason as LocalizedText };
}
