// The monitor's assessment: turning activity (recordActivity, other services' events) into facts
// for the rule engine, raising alerts and signals, keeping each user's level (Redis, rebuilt from
// signals), and the actions a level takes by itself or an ADMIN takes on it. Alerts reach
// subscribers after commit (alerts/alert-channels.ts); reading them is alerts/alerts-service.ts.
import { randomUUID } from 'node:crypto';
import {
  BadInputError,
  ForbiddenError,
  requireAdmin,
  requireIdentity,
  systemClock,
  untimedSteps,
  type BusinessCounter,
  type Clock,
  type FieldCipher,
  type Logger,
  type Redis,
} from '@anshim/platform';
import {
  combinedReportWeight,
  reporterWeight,
  type ReporterTrust,
} from '@anshim/contracts';
import type { RiskActions } from '../actions/risk-actions.ts';
import type { AlertPublisher } from '../alerts/alert-channels.ts';
import { alertDedupeKey, eventDedupeKey } from '../alerts/alert-dedupe.ts';
import type { AlertRecord, AlertRepository } from '../alerts/alert-repository.ts';
import type { KnownRepository, KnownUserRecord } from '../copies/known-repository.ts';
import type { UserOwner } from '../copies/user-owner.ts';
import { transaction, type MonitorPrisma, type Tx } from '../database.ts';
import { messages } from '../messages.ts';
import { checkId, levelRank, RISK_LEVELS, type AccountStatus, type RiskActionType, type RiskLevel } from '../model.ts';
import type { MonitorEvents } from '../outbound/monitor-events.ts';
import {
  ACCOUNT_NOTICES,
  CONTACT_LOOKBACK_DAYS,
  combineLevels,
  evaluateRules,
  REPORT_BURST_WINDOW_SECONDS,
  RULES,
  RULES_BY_CODE,
  type ActivityFacts,
  type ActivityType,
  type ObservedOnlyActivity,
  type Rule,
  type RuleFacts,
} from '../rules/index.ts';
import type { MonitorScope } from '../scope.ts';
import type { ActivityBuffer } from './activity-buffer.ts';
import type { BehaviourWindows } from './behaviour-windows.ts';
import type { SlidingWindows } from './sliding-windows.ts';
import { timedTransaction, type RecordTimings } from './record-timings.ts';
import { gatherFacts } from './activity-facts.ts';

const MAX_TEXT = 5_000;

/** recordActivity's own path: its steps timed, and the audit row its alert's transaction is to carry. */
interface Recording {
  timed: RecordTimings;
  audit?: (tx: Tx) => Promise<void>;
  /** Set once the alert's transaction carrying `audit` committed: the audit row is written, not to be written again. */
  audited?: boolean;
}

export interface AssessmentRecord {
  level: RiskLevel;
  rulesMatched: string[];
  alerts: AlertRecord[];
}

/**
 * An assessment made while handling another service's event: inside the consumer's transaction
 * (the alert commits with the processed-event record), keyed by the event for idempotency, and
 * with its after-commit work (level cache, subscriber push, relay nudge) handed to `defer`.
 */
export interface FromEvent {
  tx: Tx;
  /** What keys the alerts it raises: the event's id, or a narrower scope (clusters/: a pair of linked accounts). */
  sourceEventId: string;
  defer: (work: () => Promise<void>) => void;
  /** The known_users copies a batch of events read at once (PlatformSignals.contactsObserved): no read per event when they hold everyone. */
  users?: ReadonlyMap<string, KnownUserRecord>;
}

/** recordActivity's input: what happened, and to whom (an ADMIN may name the member; default the caller). When comes from the request. */
export type ActivityInput = Omit<ActivityFacts, 'type' | 'userId' | 'at'> & { type: Exclude<ActivityType, ObservedOnlyActivity>; userId?: string | null };

export interface AssessmentServiceDeps {
  prisma: MonitorPrisma;
  alerts: AlertRepository;
  known: KnownRepository;
  /** Whether a member an ADMIN names exists (the copy, else the user service). */
  owner: Pick<UserOwner, 'requireExisting'>;
  events: MonitorEvents;
  windows: SlidingWindows;
  behaviour: BehaviourWindows;
  buffer: ActivityBuffer;
  publisher: AlertPublisher;
  /** The level cache. */
  redis: Redis;
  logger: Logger;
  /** What a level does by itself and what an admin does, and for how long. */
  actions: RiskActions;
  allowedDomains: readonly string[];
  levelTtlSeconds: number;
  /** DATA_ENCRYPTION_KEY: the same keyed lookup hash as the report service's registry. */
  cipher: Pick<FieldCipher, 'lookupHash'>;
  afterCommit: () => void;
  /** anshim_risk_alerts_total: an alert is counted once the transaction that raised it committed. */
  alertCounter: BusinessCounter<'riskAlerts'>;
  /** anshim_alert_record_step_seconds: recordActivity's awaits up to its alerts' publish. */
  recordTimings?: RecordTimings;
}

export class AssessmentService {
  constructor(private readonly deps: AssessmentServiceDeps, private readonly now: Clock = systemClock) {}

  // ------------------------------------------------------------------ ingestion

  /**
   * recordActivity: ADMINs and trusted integrations only (members are observed by the platform,
   * never believed about themselves). The subject is the member the ADMIN names (who must exist;
   * audited), or the caller. A named counterpart is warned only when they really had a
   * conversation or trade with the subject.
   */
  async record(scope: MonitorScope, input: ActivityInput): Promise<AssessmentRecord> {
    const me = requireIdentity(scope);
    if (me.role !== 'ADMIN') throw new ForbiddenError(messages.recordActivityAdminOnly);
    const subjectId = checkId(input.userId) ?? me.userId;
    const counterpartId = checkId(input.counterpartId);
    if (counterpartId === subjectId) throw new BadInputError(messages.selfCounterpart);
    if (input.text && input.text.length > MAX_TEXT) throw new BadInputError(messages.textTooLong);
    if (input.amount != null && input.amount < 0) throw new BadInputError(messages.badAmount);
    const onBehalf = subjectId !== me.userId;
    // Before anything is written: an unknown member is NOT_FOUND with no trace.
    if (onBehalf) await this.deps.owner.requireExisting(subjectId);
    const activity: ActivityFacts = {
      type: input.type,
      userId: subjectId,
      counterpartId,
      productId: checkId(input.productId),
      transactionId: checkId(input.transactionId),
      text: input.text ?? null,
      deviceId: input.deviceId?.slice(0, 200) ?? null,
      amount: input.amount ?? null,
      at: this.now(),
    };
    const timed = this.deps.recordTimings ?? untimedSteps;
    // Who recorded what about whom; the text stays in the activity row, never in the audit log.
    // Written whenever an ADMIN records for a member, alert or not, failed or not: inside the
    // alert's transaction when a rule matched (one commit before the publish, not two), else alone.
    const audit = onBehalf
      ? (tx: Tx) =>
          this.deps.alerts.audit(tx, {
            actorId: me.userId,
            action: 'risk.record_activity',
            targetId: subjectId,
            details: { type: activity.type, counterpartId, productId: activity.productId, transactionId: activity.transactionId, at: activity.at.toISOString() },
          })
      : undefined;
    const recording: Recording = { timed, audit };
    // Alone when no alert's transaction committed it: no rule matched, or a failure before that commit
    // (a failure after it, e.g. the publish, must not write it twice).
    const auditAlone = async () => {
      if (audit && !recording.audited) await timed.time('audit', () => transaction(this.deps.prisma, audit));
    };
    let result: AssessmentRecord;
    try {
      result = await this.recordAndAssess(activity, recording);
    } catch (error) {
      await auditAlone();
      throw error;
    }
    await auditAlone();
    if (onBehalf) this.deps.logger.info({ by: me.userId, userId: subjectId, type: activity.type }, 'activity recorded by an admin for a member');
    return result;
  }

  private async recordAndAssess(activity: ActivityFacts, recording: Recording): Promise<AssessmentRecord> {
    const { counterpartId, userId: subjectId } = activity;
    // Independent round trips (PostgreSQL, Redis) side by side: the alert's createdAt is already
    // set, so every one made in turn is time its member waits (issue 23 §5).
    const [counterpartDealt] = await recording.timed.time('prepare', () => Promise.all([
      counterpartId ? this.deps.known.haveDealt(subjectId, counterpartId) : undefined,
      this.deps.buffer.push({
        id: randomUUID(),
        userId: activity.userId,
        type: activity.type,
        counterpartId: activity.counterpartId ?? null,
        productId: activity.productId ?? null,
        transactionId: activity.transactionId ?? null,
        text: activity.text ?? null,
        deviceId: activity.deviceId ?? null,
        amount: activity.amount ?? null,
        occurredAt: activity.at.toISOString(),
      }),
    ]));
    return this.evaluate({ ...activity, counterpartDealt }, {}, undefined, RULES, recording);
  }

  /** Gathers the facts an activity needs (copies, windows), runs the rules (all, or those given) and raises what matched. */
  async assess(activity: ActivityFacts, extra: Partial<RuleFacts> = {}, from?: FromEvent, rules: readonly Rule[] = RULES): Promise<AssessmentRecord> {
    return this.evaluate(activity, extra, from, rules);
  }

  private async evaluate(activity: ActivityFacts, extra: Partial<RuleFacts>, from: FromEvent | undefined, rules: readonly Rule[], recording?: Recording): Promise<AssessmentRecord> {
    const facts = await (recording?.timed ?? untimedSteps).time('facts', () => gatherFacts(this.deps, activity, extra, from?.tx, from?.users));
    // A banned account is already stopped and graded DANGER, and its counterparts were warned
    // when the ban came: its later activity adds only noise to the admins' queue.
    if (facts.subjectStatus === 'BANNED') return { level: await this.levelOf(activity.userId), rulesMatched: [], alerts: [] };
    const matched = evaluateRules(facts, rules);
    return this.raise(activity, matched, from, recording);
  }

  /**
   * report.filed: weighs the reporter (what the event says about them, reporter-trust.ts) and adds
   * up distinct reporters' weights against the target in a sliding window.
   */
  async reportFiled(
    report: { targetUserId: string; reporterId: string; productId: string | null; transactionId: string | null; at: Date; reporter?: ReporterTrust },
    from?: FromEvent,
  ): Promise<AssessmentRecord> {
    const combined = (inWindow: Array<{ member: string; weight: number }>) => combinedReportWeight(inWindow.map(({ member, weight }) => ({ reporterId: member, weight })));
    const inWindow = await this.deps.windows.addWeighted('reports', report.targetUserId, report.reporterId, reporterWeight(report.reporter), REPORT_BURST_WINDOW_SECONDS, report.at, combined);
    const reportWeightInWindow = combined(inWindow);
    const activity: ActivityFacts = { type: 'REPORT_FILED', userId: report.targetUserId, productId: report.productId, transactionId: report.transactionId, at: report.at };
    const [target] = await this.deps.known.users([report.targetUserId], from?.tx);
    if (target?.accountStatus === 'BANNED') return { level: await this.levelOf(report.targetUserId), rulesMatched: [], alerts: [] };
    return this.raise(activity, evaluateRules({ activity, reportWeightInWindow, allowedDomains: this.deps.allowedDomains }), from);
  }

  /**
   * user.status_changed to BANNED or SUSPENDED: one alert for everyone who dealt with the user in
   * the last CONTACT_LOOKBACK_DAYS (chats with them as counterpart, trade requests), telling them
   * what to do. No signal on the subject: the sanction already sets their grade.
   */
  async accountStatusChanged(change: { userId: string; status: AccountStatus; at: Date }, from: FromEvent): Promise<AlertRecord | null> {
    if (change.status === 'ACTIVE') return null;
    const notice = ACCOUNT_NOTICES[change.status];
    const since = new Date(change.at.getTime() - CONTACT_LOOKBACK_DAYS * 24 * 3_600_000);
    const recipients = await this.deps.known.contactsOf(from.tx, change.userId, since);
    if (recipients.length === 0) return null;
    const alert = await this.deps.alerts.createAlert(from.tx, {
      level: notice.level,
      rule: notice.code,
      messageKo: notice.message.ko,
      messageEn: notice.message.en,
      subjectUserId: change.userId,
      productId: null,
      transactionId: null,
      recipientIds: recipients,
      createdAt: change.at,
      dedupeKey: eventDedupeKey(from.sourceEventId, notice.code),
    });
    if (!alert) return null;
    await this.deps.events.alertRaised(from.tx, alert);
    from.defer(async () => {
      this.deps.afterCommit();
      this.deps.alertCounter.inc({ rule: alert.rule, level: alert.level });
      await this.deps.publisher.publish(alert);
    });
    return alert;
  }

  /**
   * One transaction (the caller's, when assessing an event): an alert and a signal per matched
   * rule that has not raised its alert already (see alerts/alert-dedupe.ts), the new level, and automatic
   * actions when the level rose to HIGH or CRITICAL. After commit: the level cache and the channel.
   */
  private async raise(activity: ActivityFacts, matched: Rule[], from?: FromEvent, recording?: Recording): Promise<AssessmentRecord> {
    const timed = recording?.timed ?? untimedSteps;
    const { alerts, events } = this.deps;
    const userId = activity.userId;
    if (matched.length === 0) {
      return { level: await this.levelOf(userId), rulesMatched: [], alerts: [] };
    }
    const at = activity.at;
    const work = async (tx: Tx) => {
      await recording?.audit?.(tx);
      const { active, created: raised } = await alerts.openRaise(
        tx,
        userId,
        at,
        matched.map((rule) => ({
          level: rule.level,
          rule: rule.code,
          messageKo: rule.message.ko,
          messageEn: rule.message.en,
          subjectUserId: userId,
          productId: activity.productId ?? null,
          transactionId: activity.transactionId ?? null,
          recipientIds: rule.recipients === 'counterpart' && activity.counterpartId && activity.counterpartDealt !== false ? [activity.counterpartId] : [],
          createdAt: at,
          dedupeKey: alertDedupeKey(activity, rule.code, from?.sourceEventId ?? null),
        })),
      );
      // Those not raised are raised already: by the other path of this listing, or by this event's earlier delivery.
      const before = combineLevels(active);
      // The live signals after this one are those before plus the ones raised here (each lives
      // signalHours past `at`): the level needs no second read, and each signal is written with it.
      const level = combineLevels([...active, ...raised.map(({ rule, level: raisedLevel }) => ({ rule, level: raisedLevel }))]);
      const expiry = (alert: AlertRecord) => new Date(at.getTime() + RULES_BY_CODE.get(alert.rule)!.signalHours * 3_600_000);
      // Their recipients, signals and events (each alert's alert_raised, then every risk_detected) in one statement.
      if (raised.length > 0) {
        await alerts.writeRaised(tx, {
          recipients: raised.flatMap((alert) => alert.recipients.map(({ userId: recipient }) => ({ alertId: alert.id, userId: recipient }))),
          signals: raised.map((alert) => ({ userId, rule: alert.rule, level: alert.level, alertId: alert.id, createdAt: at, expiresAt: expiry(alert), userLevel: level })),
          events: [...raised.map((alert) => events.alertRaisedRow(alert)), ...raised.map((alert) => events.riskDetectedRow(userId, level, alert, expiry(alert)))],
        });
      }
      const risen = raised.filter((alert) => RULES_BY_CODE.has(alert.rule)).map((alert) => RULES_BY_CODE.get(alert.rule)!);
      if (levelRank(level) > levelRank(before)) await this.deps.actions.actAutomatically(tx, userId, level, `automatic: ${level} (${risen.map((rule) => rule.code).join(', ')})`, at);
      return { raised, level };
    };
    const afterCommit = async ({ raised, level }: { raised: AlertRecord[]; level: RiskLevel }) => {
      if (raised.length > 0) this.deps.afterCommit();
      // Not awaited before the publish: both go out on the same Redis connection, in this order,
      // so a member who reads their level on hearing of the alert still finds the new one.
      const caching = timed.time('cache_level', () => this.cacheLevel(userId, level));
      for (const alert of raised) {
        this.deps.alertCounter.inc({ rule: alert.rule, level: alert.level });
        await timed.time('publish', () => this.deps.publisher.publish(alert));
      }
      await caching;
    };
    const result = from ? await work(from.tx) : await timedTransaction(this.deps.prisma, timed, work);
    if (recording) recording.audited = true; // committed with the alert (recordActivity never passes `from`)
    if (from) from.defer(() => afterCommit(result));
    else await afterCommit(result);
    return { level: result.level, rulesMatched: matched.map((rule) => rule.code), alerts: result.raised };
  }

  // ------------------------------------------------------------------ level

  private levelKey(userId: string): string {
    return `monitor:level:${userId}`;
  }

  private async cacheLevel(userId: string, level: RiskLevel): Promise<void> {
    await this.deps.redis.set(this.levelKey(userId), level, 'EX', this.deps.levelTtlSeconds).catch(() => undefined);
  }

  /** The current level: Redis first (5 min), rebuilt from the persisted signals on a miss. */
  async levelOf(userId: string): Promise<RiskLevel> {
    const cached = await this.deps.redis.get(this.levelKey(userId)).catch(() => null);
    if (cached && (RISK_LEVELS as readonly string[]).includes(cached)) return cached as RiskLevel;
    const level = combineLevels(await this.deps.alerts.activeSignals(this.deps.prisma, userId, this.now()));
    await this.cacheLevel(userId, level);
    return level;
  }

  /** User.riskLevel: the user themself or an ADMIN. */
  async riskLevel(scope: MonitorScope, userId: string): Promise<RiskLevel> {
    const me = requireIdentity(scope);
    if (me.userId !== userId && me.role !== 'ADMIN') throw new ForbiddenError(messages.ownLevelOnly);
    return this.levelOf(userId);
  }

  // ------------------------------------------------------------------ actions

  /** takeRiskAction (ADMIN, audited). CLEAR ends every active signal and lifts a hold. */
  async takeAction(scope: MonitorScope, input: { userId: string; action: RiskActionType; reason: string }): Promise<boolean> {
    const admin = requireAdmin(scope);
    const userId = checkId(input.userId)!;
    const reason = input.reason.trim();
    if (!reason) throw new BadInputError(messages.reasonRequired);
    const at = this.now();
    await transaction(this.deps.prisma, async (tx) => {
      await this.deps.alerts.audit(tx, { actorId: admin.userId, action: `risk.${input.action.toLowerCase()}`, targetId: userId, details: { reason } });
      if (input.action === 'CLEAR') {
        const cleared = await this.deps.alerts.clearSignals(tx, userId, at);
        await this.deps.events.riskCleared(tx, userId, at, admin.userId);
        this.deps.logger.info({ userId, cleared, by: admin.userId }, 'risk cleared');
      }
      await this.deps.actions.adminAction(tx, { userId, action: input.action, reason, by: admin.userId, at });
    });
    this.deps.afterCommit();
    if (input.action === 'CLEAR') await this.cacheLevel(userId, 'NONE');
    return true;
  }
}
