// The monitor's risk actions that act on trading here, as copies fed by events:
// - the verification requirement (REQUIRE_VERIFICATION as the user service decided it, from
//   user.verification_requirement_changed): no listings, no new trades while required;
// - the counterpart warning (monitor.action_taken WARN_COUNTERPARTS until CLEAR): the other party
//   of each open trade sees a notice.
// Written only by event handlers, each ordered by the event's own time so a late, older event
// never undoes a newer one; read when a listing or trade starts and when a trade is shown.
import { Prisma, sqlTimestamp, type TransactionPrisma, type Tx } from '../database.ts';

export type MissingVerification = 'SMS' | 'ID_CARD';

export interface VerificationRequirement {
  required: boolean;
  missing: MissingVerification[];
}

export class RiskEffectsRepository {
  constructor(private readonly prisma: TransactionPrisma) {}

  /** The requirement in force for this user, or null when none is. */
  async requirementOf(userId: string): Promise<VerificationRequirement | null> {
    const row = await this.prisma.verificationRequirementCopy.findUnique({ where: { userId }, select: { required: true, missing: true } });
    return row?.required ? { required: true, missing: row.missing as MissingVerification[] } : null;
  }

  async applyRequirement(tx: Tx, data: { userId: string; required: boolean; missing: MissingVerification[]; at: Date }): Promise<void> {
    await tx.$executeRaw(Prisma.sql`
      INSERT INTO verification_requirement_copies (user_id, required, missing, changed_at)
      VALUES (${data.userId}::uuid, ${data.required}, ${data.missing}::text[], ${sqlTimestamp(data.at)})
      ON CONFLICT (user_id) DO UPDATE
         SET required = EXCLUDED.required, missing = EXCLUDED.missing, changed_at = EXCLUDED.changed_at
       WHERE verification_requirement_copies.changed_at <= EXCLUDED.changed_at`);
  }

  /** WARN_COUNTERPARTS (active) or CLEAR (inactive); a late, older action never undoes a newer one. */
  async applyCounterpartWarning(tx: Tx, data: { userId: string; active: boolean; at: Date }): Promise<void> {
    await tx.$executeRaw(Prisma.sql`
      INSERT INTO counterpart_warnings (user_id, active, action_at)
      VALUES (${data.userId}::uuid, ${data.active}, ${sqlTimestamp(data.at)})
      ON CONFLICT (user_id) DO UPDATE
         SET active = EXCLUDED.active, action_at = EXCLUDED.action_at
       WHERE counterpart_warnings.action_at <= EXCLUDED.action_at`);
  }

  /** Which of these users are under WARN_COUNTERPARTS now (one query for a page of trades). */
  async warnedAmong(userIds: readonly string[]): Promise<Set<string>> {
    if (userIds.length === 0) return new Set();
    const rows = await this.prisma.counterpartWarning.findMany({ where: { userId: { in: [...userIds] }, active: true }, select: { userId: true } });
    return new Set(rows.map((row) => row.userId));
  }
}
