// Sanctions state as the rest of the service should see it. A suspension ends on its own at
// `statusUntil`: no job has to flip the row back for the person to be let in again.

export type AccountStatus = 'ACTIVE' | 'SUSPENDED' | 'BANNED';

export interface StatusFacts {
  status: AccountStatus;
  statusUntil: Date | null;
}

export function effectiveStatus(facts: StatusFacts, now: Date = new Date()): AccountStatus {
  if (facts.status === 'SUSPENDED' && facts.statusUntil && facts.statusUntil.getTime() <= now.getTime()) return 'ACTIVE';
  return facts.status;
}
