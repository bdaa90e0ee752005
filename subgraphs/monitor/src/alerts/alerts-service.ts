// Alerts as members and ADMINs see them: who may read which alert, acknowledging it, the warnings
// recent alerts put on a product, and the alert subscriptions. Raising alerts is the assessment's
// (assessment/assessment-service.ts); this service only reads what it raised.
import {
  BadInputError,
  channelIterator,
  ForbiddenError,
  isUuid,
  NotFoundError,
  pick,
  requireAdmin,
  requireIdentity,
  systemClock,
  type ChannelIterator,
  type Clock,
  type Locale,
} from '@anshim/platform';
import { messages } from '../messages.ts';
import { checkId, RISK_LEVELS, type RiskLevel } from '../model.ts';
import { atLeast, RULES_BY_CODE } from '../rules/index.ts';
import type { MonitorScope } from '../scope.ts';
import { ALERT_CHANNEL, concerns, userAlertChannel, type PublishedAlert } from './alert-channels.ts';
import type { AlertRecord, AlertRepository } from './alert-repository.ts';

/** How long a listing alert keeps showing on its product. */
const PRODUCT_WARNING_DAYS = 7;

export interface AlertsServiceDeps {
  alerts: AlertRepository;
}

/** `first` outside 1–100, naming the argument as the other pages do (extensions.fields). */
const firstOutOfRange = () => new BadInputError(messages.firstRange, { fields: [{ field: 'first', reason: 'outOfRange', min: 1, max: 100 }] });

export class AlertsService {
  constructor(private readonly deps: AlertsServiceDeps, private readonly now: Clock = systemClock) {}

  async list(scope: MonitorScope, userId: string | null | undefined, first: number | null | undefined, subjectOnly?: boolean | null): Promise<AlertRecord[]> {
    const me = requireIdentity(scope);
    const take = first ?? 20;
    if (take < 1 || take > 100) throw firstOutOfRange();
    const target = checkId(userId) ?? me.userId;
    if (target !== me.userId && me.role !== 'ADMIN') throw new ForbiddenError(messages.ownAlertsOnly);
    return this.deps.alerts.forUser(target, take, subjectOnly ?? false);
  }

  /** Query.recentRiskAlerts: ADMIN, the newest alerts about anyone at or above `minLevel`. */
  async recent(scope: MonitorScope, minLevel: RiskLevel, first: number | null | undefined): Promise<AlertRecord[]> {
    requireAdmin(scope);
    const take = first ?? 50;
    if (take < 1 || take > 100) throw firstOutOfRange();
    return this.deps.alerts.latest(take, RISK_LEVELS.filter((level) => atLeast(level, minLevel)));
  }

  /** One alert, for its subject, a recipient or an ADMIN; null for anyone else. */
  async visible(scope: MonitorScope, id: string): Promise<AlertRecord | null> {
    const me = scope.identity;
    if (!me || !isUuid(id)) return null;
    const alert = await this.deps.alerts.findById(id.toLowerCase());
    if (!alert) return null;
    return me.role === 'ADMIN' || alert.subjectUserId === me.userId || alert.recipients.some((r) => r.userId === me.userId) ? alert : null;
  }

  /** A recipient acknowledges their own copy; an ADMIN marks the alert reviewed. */
  async acknowledge(scope: MonitorScope, id: string): Promise<AlertRecord> {
    const me = requireIdentity(scope);
    const alertId = checkId(id)!;
    const alert = await this.deps.alerts.findById(alertId);
    const recipient = alert?.recipients.some((r) => r.userId === me.userId);
    if (!alert || (!recipient && me.role !== 'ADMIN' && alert.subjectUserId !== me.userId)) throw new NotFoundError(messages.alertNotFound);
    if (recipient) await this.deps.alerts.acknowledgeAsRecipient(alertId, me.userId, this.now());
    else if (me.role === 'ADMIN') await this.deps.alerts.acknowledgeAsAdmin(alertId, this.now());
    else throw new ForbiddenError();
    return (await this.deps.alerts.findById(alertId))!;
  }

  /** For the caller: their own copy if they are a recipient, otherwise whether an ADMIN reviewed it. */
  acknowledged(scope: MonitorScope, alert: AlertRecord): boolean {
    const mine = scope.identity && alert.recipients.find((r) => r.userId === scope.identity!.userId);
    return mine ? mine.acknowledgedAt != null : alert.acknowledgedAt != null;
  }

  message(locale: Locale, alert: AlertRecord): string {
    return pick({ ko: alert.messageKo, en: alert.messageEn }, locale);
  }

  /** Alerts newer than this still warn on their product. */
  productWarningsSince(): Date {
    return new Date(this.now().getTime() - PRODUCT_WARNING_DAYS * 24 * 3_600_000);
  }

  /** Product.riskWarnings: short warnings from recent listing alerts on the product (batched per request). */
  async productWarnings(scope: MonitorScope, productId: string): Promise<string[]> {
    if (!isUuid(productId)) return [];
    const rows = await scope.loaders.productAlertRules.load(productId.toLowerCase());
    const warnings = rows.map((row) => RULES_BY_CODE.get(row.rule)?.productWarning).map((text) => (text ? pick(text, scope.locale) : null));
    return [...new Set(warnings.filter((w): w is string => w !== null))];
  }

  /** Subscription.myRiskAlerts: the caller's own channel (alerts where they are the subject or a recipient). */
  myAlerts(scope: MonitorScope): ChannelIterator<PublishedAlert> {
    const me = requireIdentity(scope);
    return channelIterator<PublishedAlert>(scope.hub, userAlertChannel(me.userId), { filter: (alert) => concerns(alert, me.userId), logger: scope.logger });
  }

  /** Subscription.riskAlerts: ADMIN, every alert at or above `minLevel`. */
  allAlerts(scope: MonitorScope, minLevel: RiskLevel): ChannelIterator<PublishedAlert> {
    requireAdmin(scope);
    return channelIterator<PublishedAlert>(scope.hub, ALERT_CHANNEL, { filter: (alert) => atLeast(alert.level, minLevel), logger: scope.logger });
  }
}
