// /internal/user-facts: what a copy elsewhere asks before answering NOT_FOUND (a user whose
// user.registered event is still on its way), and what transaction reads when a trade starts so a
// protection setting changed a moment ago is already in force (issue 18 point 5); payment reads
// which guardians approve a member's payments when one starts (issue 19 point 4). Read from the
// owner's own table, never a cache: the answer must include the member's latest action.
import type { UserFactsAnswer } from '@anshim/contracts';
import type { GuardianRepository } from '../guardians/guardian-repository.ts';
import { effectiveStatus } from '../model.ts';
import type { UserRepository } from './user-repository.ts';

export async function userFacts(users: UserRepository, guardians: GuardianRepository, ids: readonly string[], now = new Date()): Promise<UserFactsAnswer> {
  const [rows, approvers] = await Promise.all([users.findManyByIds(ids), guardians.paymentApproversOf(ids)]);
  return {
    users: rows.map((row) => {
      const status = effectiveStatus(row, now);
      return {
        userId: row.id,
        status,
        statusUntil: status === 'SUSPENDED' && row.statusUntil ? row.statusUntil.toISOString() : null,
        protectedMode: row.protectedMode,
        minCounterpartGrade: row.minCounterpartGrade,
        protectChats: row.protectChats,
        registeredAt: row.createdAt.toISOString(),
        paymentApprovingGuardianIds: approvers.filter((guardian) => guardian.userId === row.id).map((guardian) => guardian.id),
      };
    }),
  };
}
