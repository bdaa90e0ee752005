// The copy of the reports against each member and the sanctions they led to, fed by report.* events
// and refilled by the rebuild: the only code that writes report_facts and sanction_facts. Every
// report and sanction is a row keyed by its own id, so events may arrive late, twice or out of order.
import type { SqlExecutor } from '@anshim/platform';
import { reporterWeight, type ReportInputsAnswer } from '@anshim/contracts';
import { ts, writeFact } from './copy-sql.ts';

export class ReportInputsRepository {
  /** `reporterWeight`: what the report weighs while pending (reporter-trust.ts). Returns whether it was new. */
  async reportFiled(tx: SqlExecutor, report: { reportId: string; targetUserId: string; reporterId: string; type: string; filedAt: Date; reporterWeight: number }): Promise<boolean> {
    const inserted = await writeFact(
      tx,
      `INSERT INTO report_facts (report_id, target_user_id, reporter_id, type, state, filed_at, reporter_weight)
       VALUES ($1::uuid, $2::uuid, $3::uuid, $4, 'PENDING', $5::timestamp, $6) ON CONFLICT (report_id) DO NOTHING`,
      [report.reportId, report.targetUserId, report.reporterId, report.type, ts(report.filedAt), report.reporterWeight],
      [report.targetUserId],
    );
    return inserted > 0;
  }

  /** A decision is final: it replaces PENDING whenever it arrives, and a late report.filed changes nothing. */
  async reportProcessed(tx: SqlExecutor, report: { reportId: string; targetUserId: string; reporterId: string; type: string; decision: 'ACCEPT' | 'DISMISS'; filedAt: Date; processedAt: Date }): Promise<void> {
    await writeFact(
      tx,
      `INSERT INTO report_facts (report_id, target_user_id, reporter_id, type, state, filed_at, decided_at)
       VALUES ($1::uuid, $2::uuid, $3::uuid, $4, $5::"ReportState", $6::timestamp, $7::timestamp)
       ON CONFLICT (report_id) DO UPDATE SET state = EXCLUDED.state, type = EXCLUDED.type, filed_at = EXCLUDED.filed_at, decided_at = EXCLUDED.decided_at
       WHERE report_facts.decided_at IS NULL OR report_facts.decided_at <= EXCLUDED.decided_at`,
      [report.reportId, report.targetUserId, report.reporterId, report.type, report.decision === 'ACCEPT' ? 'ACCEPTED' : 'DISMISSED', ts(report.filedAt), ts(report.processedAt)],
      [report.targetUserId],
    );
  }

  async sanctionApplied(tx: SqlExecutor, sanction: { reportId: string; userId: string; type: string; startsAt: Date; endsAt: Date | null }): Promise<void> {
    await writeFact(
      tx,
      `INSERT INTO sanction_facts (report_id, user_id, type, starts_at, ends_at) VALUES ($1::uuid, $2::uuid, $3, $4::timestamp, $5::timestamp)
       ON CONFLICT (report_id, type) DO UPDATE SET starts_at = EXCLUDED.starts_at, ends_at = EXCLUDED.ends_at`,
      [sanction.reportId, sanction.userId, sanction.type, ts(sanction.startsAt), sanction.endsAt ? ts(sanction.endsAt) : null],
      [sanction.userId],
    );
  }

  /** An end seen before its start is kept: the later sanction_applied fills in the start, not the end. */
  async sanctionEnded(tx: SqlExecutor, sanction: { reportId: string; userId: string; type: string; endedAt: Date }): Promise<void> {
    await writeFact(
      tx,
      `INSERT INTO sanction_facts (report_id, user_id, type, starts_at, ended_at) VALUES ($1::uuid, $2::uuid, $3, $4::timestamp, $4::timestamp)
       ON CONFLICT (report_id, type) DO UPDATE SET ended_at = EXCLUDED.ended_at`,
      [sanction.reportId, sanction.userId, sanction.type, ts(sanction.endedAt)],
      [sanction.userId],
    );
  }

  /** The rebuild: replaces the reports against the users and their sanctions with report's answer. */
  async replace(tx: SqlExecutor, userIds: readonly string[], answer: ReportInputsAnswer): Promise<void> {
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
}
