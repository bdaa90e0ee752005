// How alerts reach subscriptions: after commit, each alert is published on Redis channels that
// the `riskAlerts` and `myRiskAlerts` subscriptions read. Here: the channels, the wire form, and
// the publisher the assessment calls.
import { publishToChannels, type Logger, type Redis, type RedisSettings } from '@anshim/platform';
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

export class AlertPublisher {
  constructor(private readonly deps: { redis: Redis; redisSettings: RedisSettings; logger: Logger }) {}

  /** Never throws: the alert is committed already, and subscribers are a courtesy on top. */
  async publish(alert: AlertRecord): Promise<void> {
    const concerned = new Set([alert.subjectUserId, ...alert.recipients.map((recipient) => recipient.userId)]);
    const channels = [ALERT_CHANNEL, ...[...concerned].map(userAlertChannel)];
    await publishToChannels(this.deps.redis, this.deps.redisSettings, channels, toPublished(alert)).catch((error: unknown) =>
      this.deps.logger.error({ err: error, alertId: alert.id }, 'could not publish an alert to subscribers'),
    );
  }
}
