// How alerts reach subscriptions: after commit, each alert is published on Redis channels that
// the `riskAlerts` and `myRiskAlerts` subscriptions read. Here: the channels, the wire form, and
// the publisher the assessment calls.
import { DELIVERY_HOP_BUCKETS, durationHistogram, publishToChannels, type Logger, type Metrics, type Redis, type RedisSettings } from '@anshim/platform';
import type { AlertRecord } from './alert-repository.ts';

/** Every alert is published here after commit: what ADMINs' `riskAlerts` subscriptions read. */
export const ALERT_CHANNEL = 'monitor:alerts';
/**
 * The alerts that concern one member (as subject or recipient). Each member's `myRiskAlerts` reads
 * only this channel, so an alert costs its two or three readers, not every open subscription.
 */
export const userAlertChannel = (userId: string): string => `monitor:alerts:user:${userId}`;

/** An alert as it travels on the channel (dates as strings). */
export type PublishedAlert = Omit<AlertRecord, 'createdAt' | 'acknowledgedAt' | 'recipients'> & {
  createdAt: string;
  recipientIds: string[];
};

export function toPublished(alert: AlertRecord): PublishedAlert {
  const { recipients, createdAt, acknowledgedAt: _ack, ...rest } = alert;
  return { ...rest, createdAt: createdAt.toISOString(), recipientIds: recipients.map((r) => r.userId) };
}

export function fromPublished(alert: PublishedAlert): AlertRecord {
  const { recipientIds, createdAt, ...rest } = alert;
  return { ...rest, createdAt: new Date(createdAt), acknowledgedAt: null, recipients: recipientIds.map((userId) => ({ userId, acknowledgedAt: null })) };
}

/** Whether a published alert belongs to the member's myRiskAlerts. */
export function concerns(alert: PublishedAlert, userId: string): boolean {
  return alert.subjectUserId === userId || alert.recipientIds.includes(userId);
}

type AlertAges = ReturnType<typeof durationHistogram<'stage'>>;

/**
 * `anshim_alert_publish_seconds{stage}`: an alert's age (since its createdAt, set just before its
 * transaction) when its publish starts (`publishing`: committed, after-commit work before it done)
 * and when Redis took it (`published`). The first hops of what a member waits for (issue 23 §5).
 */
export function alertPublishHistogram(metrics: Metrics): AlertAges {
  return durationHistogram(metrics, 'anshim_alert_publish_seconds', 'Age of an alert (since createdAt) when its publish to subscribers starts and ends', DELIVERY_HOP_BUCKETS, ['stage']);
}

export class AlertPublisher {
  constructor(private readonly deps: { redis: Redis; redisSettings: RedisSettings; logger: Logger; ages?: AlertAges }) {}

  /** Never throws: the alert is committed already, and subscribers are a courtesy on top. */
  async publish(alert: AlertRecord): Promise<void> {
    const age = () => (Date.now() - alert.createdAt.getTime()) / 1000;
    this.deps.ages?.observe({ stage: 'publishing' }, age());
    const concerned = new Set([alert.subjectUserId, ...alert.recipients.map((recipient) => recipient.userId)]);
    const channels = [ALERT_CHANNEL, ...[...concerned].map(userAlertChannel)];
    await publishToChannels(this.deps.redis, this.deps.redisSettings, channels, toPublished(alert)).then(
      () => this.deps.ages?.observe({ stage: 'published' }, age()),
      (error: unknown) => this.deps.logger.error({ err: error, alertId: alert.id }, 'could not publish an alert to subscribers'),
    );
  }
}
