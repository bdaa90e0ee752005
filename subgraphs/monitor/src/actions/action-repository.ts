// Risk actions as rows: recording them, which are in effect, ending them, and the due ones the
// expiry sweep takes. Only this file touches risk_actions.
import { randomUUID } from 'node:crypto';
import type { MonitorPrisma, Tx } from '../database.ts';
import type { RiskActionType } from '../model.ts';

export type LastingAction = Exclude<RiskActionType, 'CLEAR'>;

export interface ActionRecord {
  id: string;
  userId: string;
  action: LastingAction;
  byUserId: string | null;
  createdAt: Date;
  expiresAt: Date;
}

export class ActionRepository {
  async record(tx: Tx, action: { userId: string; action: RiskActionType; reason: string; byUserId: string | null; createdAt: Date; expiresAt: Date | null }): Promise<void> {
    // A CLEAR applies at once and is over: it never counts as in effect.
    await tx.riskAction.create({ data: { id: randomUUID(), ...action, endedAt: action.action === 'CLEAR' ? action.createdAt : null } });
  }

  /** The actions that apply to the user at `at`: not ended, not expired. */
  async inEffect(db: Tx | MonitorPrisma, userId: string, at: Date, only?: LastingAction): Promise<Set<LastingAction>> {
    const rows = await db.riskAction.findMany({
      where: { userId, endedAt: null, action: only ?? { not: 'CLEAR' }, OR: [{ expiresAt: null }, { expiresAt: { gt: at } }] },
      select: { action: true },
      distinct: ['action'],
    });
    return new Set(rows.map((row) => row.action as LastingAction));
  }

  /**
   * The latest time an event about this user's actions carried (taken or ended): consumers order
   * the user's action events by it, so a new one must not be older.
   */
  async latestEventAt(tx: Tx, userId: string): Promise<Date | null> {
    const [row] = await tx.$queryRaw<Array<{ at: Date | null }>>`
      SELECT GREATEST(max(created_at), max(ended_at)) AS at FROM risk_actions WHERE user_id = ${userId}::uuid`;
    return row?.at ?? null;
  }

  /** A CLEAR: every action of the user in effect ends now. */
  async endAll(tx: Tx, userId: string, at: Date): Promise<number> {
    const { count } = await tx.riskAction.updateMany({ where: { userId, endedAt: null, action: { not: 'CLEAR' } }, data: { endedAt: at } });
    return count;
  }

  async end(tx: Tx, id: string, at: Date): Promise<void> {
    await tx.riskAction.update({ where: { id }, data: { endedAt: at } });
  }

  /** Up to `limit` users with an action whose expiry has passed and that has not ended, besides `skip`. */
  async dueUsers(db: Tx | MonitorPrisma, now: Date, limit: number, skip: readonly string[]): Promise<string[]> {
    const rows = await db.$queryRaw<Array<{ userId: string }>>`
      SELECT DISTINCT user_id::text AS "userId" FROM risk_actions
       WHERE ended_at IS NULL AND expires_at <= ${now.toISOString()}::timestamp AND action <> 'CLEAR'
         AND NOT (user_id = ANY(${[...skip]}::uuid[]))
       LIMIT ${limit}`;
    return rows.map((row) => row.userId);
  }

  /** The user's due actions, locked for this transaction (another sweep skips them), oldest expiry first. */
  async claimDue(tx: Tx, userId: string, now: Date): Promise<ActionRecord[]> {
    return tx.$queryRaw<ActionRecord[]>`
      SELECT id::text AS id, user_id::text AS "userId", action::text AS action, by_user_id::text AS "byUserId", created_at AS "createdAt", expires_at AS "expiresAt"
        FROM risk_actions
       WHERE user_id = ${userId}::uuid AND ended_at IS NULL AND expires_at <= ${now.toISOString()}::timestamp AND action <> 'CLEAR'
       ORDER BY expires_at
         FOR UPDATE SKIP LOCKED`;
  }

  /**
   * Serializes what decides a user's actions (a level that rose, the sweep) for this transaction:
   * neither decides on what the other is about to change.
   */
  async lockUser(tx: Tx, userId: string): Promise<void> {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`monitor.actions:${userId}`}, 0))`;
  }
}
