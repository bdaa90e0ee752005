// /internal/user-facts: what a copy elsewhere asks before answering NOT_FOUND (a user whose
// user.registered event is still on its way), and what transaction reads when a trade starts so a
// protection setting changed a moment ago is already in force (issue 18 point 5). Read from the
// owner's own table, never a cache: the answer must include the member's latest action.
import type { UserFactsAnswer } from '@anshim/contracts';
import { effectiveStatus } from '../model.ts';
import type { UserRepository } from './user-repository.ts';

export async function userFacts(users: UserRepository, ids: readonly string[], now = new Date()): Promise<UserFactsAnswer> {
  const rows = await users.findManyByIds(ids);
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
      };
    }),
  };
}
