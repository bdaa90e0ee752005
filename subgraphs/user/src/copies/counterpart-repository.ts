// What the guardian notifications need to know of other services' data, fed by their events:
// each counterpart's latest safety grade (safety.score_changed → `counterpart_grades`) and who
// traded with whom (transaction.requested → `trade_pairs`). The only code that reads or writes them.
import type { Tx } from '../database.ts';
import type { SafetyGrade } from '../model.ts';

export class CounterpartRepository {
  /** Keeps the grade with the highest version seen. */
  async saveGrade(tx: Tx, userId: string, grade: SafetyGrade, version: number): Promise<void> {
    await tx.$executeRaw`
      INSERT INTO counterpart_grades (user_id, grade, version, updated_at) VALUES (${userId}::uuid, ${grade}::"SafetyGrade", ${version}, now())
      ON CONFLICT (user_id) DO UPDATE SET grade = EXCLUDED.grade, version = EXCLUDED.version, updated_at = now()
      WHERE counterpart_grades.version < EXCLUDED.version`;
  }

  async gradeOf(tx: Tx, userId: string): Promise<SafetyGrade | null> {
    const row = await tx.counterpartGrade.findUnique({ where: { userId }, select: { grade: true } });
    return row?.grade ?? null;
  }

  /** Both directions: each party traded with the other. */
  async saveTradePair(tx: Tx, a: string, b: string): Promise<void> {
    if (a === b) return;
    await tx.$executeRaw`
      INSERT INTO trade_pairs (user_id, counterpart_id) VALUES (${a}::uuid, ${b}::uuid), (${b}::uuid, ${a}::uuid)
      ON CONFLICT DO NOTHING`;
  }

  /** Everyone who ever traded with this user. */
  async tradedWith(tx: Tx, userId: string): Promise<string[]> {
    const rows = await tx.tradePair.findMany({ where: { counterpartId: userId }, select: { userId: true } });
    return rows.map((r) => r.userId);
  }
}
