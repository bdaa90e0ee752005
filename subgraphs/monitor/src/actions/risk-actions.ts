// What the monitor does about a user, and for how long (ARCHITECTURE §6: monitor risk expires with
// the signal). Automatic actions (a level that rose to HIGH or CRITICAL) always carry an expiry,
// per action (MONITOR_*_SECONDS); when it passes, the sweep (jobs/action-expiry-sweep.ts) renews the
// action for the same duration while the user's level still calls for it, and otherwise ends it and, unless something
// else keeps the same action on the user (a newer one, an admin's without an expiry), publishes
// monitor.action_ended so the copies in chat, transaction and user are lifted. An admin's action
// keeps its explicit duration (a hold: MONITOR_HOLD_HOURS; the others until a CLEAR); a CLEAR ends
// everything at once.
import type { Logger } from '@anshim/platform';
import type { AlertRepository } from '../alerts/alert-repository.ts';
import { transaction, type MonitorPrisma, type Tx } from '../database.ts';
import type { RiskActionType, RiskLevel } from '../model.ts';
import type { MonitorEvents } from '../outbound/monitor-events.ts';
import { automaticActions, combineLevels } from '../rules/index.ts';
import type { ActionRepository, LastingAction } from './action-repository.ts';

type AutomaticAction = ReturnType<typeof automaticActions>[number];

/** How long each automatic action lasts before the sweep looks at it again, in seconds. */
export type AutomaticDurations = Record<AutomaticAction, number>;

export interface RiskActionsDeps {
  prisma: MonitorPrisma;
  actions: ActionRepository;
  /** The user's live signals: the level the sweep judges a due action by. */
  alerts: Pick<AlertRepository, 'activeSignals'>;
  events: MonitorEvents;
  durations: AutomaticDurations;
  /** An admin's HOLD_TRANSACTIONS. */
  adminHoldHours: number;
  logger: Logger;
  /** Nudges the outbox relay: a sweep's events leave at once, not at the relay's next poll. */
  afterCommit: () => void;
}

export interface SweepResult {
  ended: number;
  renewed: number;
  /** monitor.action_ended events published. */
  lifted: number;
}

const SWEEP_BATCH = 200;

export class RiskActions {
  constructor(private readonly deps: RiskActionsDeps) {}

  /**
   * In the transaction that raised the user's level to `level`: the actions it calls for that are
   * not in effect already, each with its expiry. The event's time is never older than the user's
   * previous action event (a late activity after an expiry must not look older than the lift).
   */
  async actAutomatically(tx: Tx, userId: string, level: RiskLevel, reason: string, at: Date): Promise<void> {
    const wanted = automaticActions(level);
    if (wanted.length === 0) return;
    const { actions } = this.deps;
    await actions.lockUser(tx, userId);
    const inEffect = await actions.inEffect(tx, userId, at);
    const missing = wanted.filter((action) => !inEffect.has(action));
    if (missing.length === 0) return;
    const latest = await actions.latestEventAt(tx, userId);
    const takenAt = latest && latest.getTime() >= at.getTime() ? new Date(latest.getTime() + 1) : at;
    for (const action of missing) await this.take(tx, { userId, action, reason, by: null, at: takenAt, expiresAt: this.automaticExpiry(action, takenAt) });
  }

  /** takeRiskAction's effect (the caller audits): a hold lasts MONITOR_HOLD_HOURS, CLEAR ends every action in effect. */
  async adminAction(tx: Tx, input: { userId: string; action: RiskActionType; reason: string; by: string; at: Date }): Promise<void> {
    const { userId, action, at } = input;
    if (action === 'CLEAR') await this.deps.actions.endAll(tx, userId, at);
    const expiresAt = action === 'HOLD_TRANSACTIONS' ? new Date(at.getTime() + this.deps.adminHoldHours * 3_600_000) : null;
    await this.take(tx, { ...input, expiresAt });
  }

  /**
   * One pass of the expiry sweep as of `now`: one transaction per user, which takes the user's lock
   * before their rows (the order a rising level takes them in), so a sweep never waits on two users.
   */
  async sweep(now: Date): Promise<SweepResult> {
    const total: SweepResult = { ended: 0, renewed: 0, lifted: 0 };
    const done: string[] = [];
    for (;;) {
      const users = await this.deps.actions.dueUsers(this.deps.prisma, now, SWEEP_BATCH, done);
      if (users.length === 0) break;
      for (const userId of users) {
        const result = await transaction(this.deps.prisma, (tx) => this.sweepUser(tx, userId, now));
        if (result.renewed + result.lifted > 0) this.deps.afterCommit();
        total.ended += result.ended;
        total.renewed += result.renewed;
        total.lifted += result.lifted;
        done.push(userId);
      }
    }
    if (total.ended > 0) this.deps.logger.info({ ...total }, 'risk actions expired');
    return total;
  }

  private async sweepUser(tx: Tx, userId: string, now: Date): Promise<SweepResult> {
    const { actions, alerts } = this.deps;
    await actions.lockUser(tx, userId);
    const due = await actions.claimDue(tx, userId, now);
    const result = { ended: 0, renewed: 0, lifted: 0 };
    if (due.length === 0) return result; // another sweep has them
    const level = combineLevels(await alerts.activeSignals(tx, userId, now));
    const lifted = new Set<LastingAction>(); // two rows of one action ending together: consumers hear it once
    for (const row of due) {
      // Ended at its expiry, not at the sweep's pass: the time the action really stopped.
      await actions.end(tx, row.id, row.expiresAt);
      result.ended += 1;
      if (row.byUserId === null && isAutomatic(row.action) && automaticActions(level).includes(row.action)) {
        if (!(await actions.inEffect(tx, userId, now, row.action)).has(row.action)) {
          // For the duration it was taken with (whichever replica's settings run the sweep).
          const duration = row.expiresAt.getTime() - row.createdAt.getTime();
          await this.take(tx, { userId, action: row.action, reason: `automatic: renewed, still ${level}`, by: null, at: now, expiresAt: new Date(now.getTime() + duration) });
        }
        result.renewed += 1;
        continue;
      }
      if (lifted.has(row.action) || (await actions.inEffect(tx, userId, now, row.action)).has(row.action)) continue;
      lifted.add(row.action);
      await this.deps.events.actionEnded(tx, { userId, action: row.action, takenAt: row.createdAt, endedAt: row.expiresAt });
      result.lifted += 1;
    }
    return result;
  }

  private automaticExpiry(action: AutomaticAction, from: Date): Date {
    return new Date(from.getTime() + this.deps.durations[action] * 1_000);
  }

  private async take(tx: Tx, action: { userId: string; action: RiskActionType; reason: string; by: string | null; at: Date; expiresAt: Date | null }): Promise<void> {
    await this.deps.actions.record(tx, { userId: action.userId, action: action.action, reason: action.reason, byUserId: action.by, createdAt: action.at, expiresAt: action.expiresAt });
    await this.deps.events.actionTaken(tx, action);
  }
}

function isAutomatic(action: LastingAction): action is AutomaticAction {
  return (automaticActions('CRITICAL') as LastingAction[]).includes(action);
}

