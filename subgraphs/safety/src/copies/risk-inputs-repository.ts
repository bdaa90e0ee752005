// The copy of the monitor's risk signals against each member and when they were last cleared, fed by
// monitor.* events and refilled by the rebuild: the only code that writes risk_signals and
// user_inputs.risk_cleared_at. A signal is a row keyed by its alert id; a clearance only moves forward.
import type { SqlExecutor } from '@anshim/platform';
import type { RiskInputsAnswer } from '@anshim/contracts';
import type { RiskLevel } from '../model.ts';
import { moveUserTime, touchUsers, ts, writeFact } from './copy-sql.ts';

export class RiskInputsRepository {
  async riskDetected(tx: SqlExecutor, signal: { alertId: string; userId: string; level: RiskLevel; rule: string; detectedAt: Date; expiresAt: Date | null }): Promise<void> {
    await writeFact(
      tx,
      `INSERT INTO risk_signals (alert_id, user_id, level, rule, detected_at, expires_at) VALUES ($1::uuid, $2::uuid, $3::"RiskLevel", $4, $5::timestamp, $6::timestamp)
       ON CONFLICT (alert_id) DO UPDATE SET level = EXCLUDED.level, rule = EXCLUDED.rule, detected_at = EXCLUDED.detected_at, expires_at = EXCLUDED.expires_at
       WHERE risk_signals.detected_at <= EXCLUDED.detected_at`,
      [signal.alertId, signal.userId, signal.level, signal.rule, ts(signal.detectedAt), signal.expiresAt ? ts(signal.expiresAt) : null],
      [signal.userId],
    );
  }

  /** A clearance only moves forward. */
  async riskCleared(tx: SqlExecutor, userId: string, clearedAt: Date): Promise<void> {
    await moveUserTime(tx, userId, 'risk_cleared_at', 'GREATEST', clearedAt);
  }

  /** The rebuild: replaces the users' risk signals and clearance with monitor's answer. */
  async replace(tx: SqlExecutor, userIds: readonly string[], answer: RiskInputsAnswer): Promise<void> {
    await tx.$executeRawUnsafe(`DELETE FROM risk_signals WHERE user_id = ANY($1::uuid[])`, [...userIds]);
    await touchUsers(tx, userIds);
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
}
