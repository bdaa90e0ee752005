// user.deleted: the monitor's only copy of a member's own words is the `text` of activities an
// ADMIN or trusted integration recorded (recordActivity); it goes when the member leaves. What
// fraud prevention needs stays: device ids, amounts, counterparts, risk signals and alerts (the
// retention in docs/security/privacy.md). Activities still buffered in Redis at that moment are
// flushed with their text; the next user.deleted redelivery would not see them, a known gap.
import type { Tx } from '../database.ts';

export async function forgetActivityText(tx: Tx, userId: string): Promise<number> {
  const { count } = await tx.activity.updateMany({ where: { userId, text: { not: null } }, data: { text: null } });
  return count;
}
