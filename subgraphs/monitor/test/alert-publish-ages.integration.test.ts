// anshim_alert_publish_seconds (alerts/alert-channels.ts): an alert's age when its publish starts
// and when Redis took it, on a real Redis, as bench/subscription-city.ts reads it per hop.
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { channelName, createLogger, createMetrics, createRedis } from '@anshim/platform';
import { AlertPublisher, alertPublishHistogram, userAlertChannel } from '../src/alerts/alert-channels.ts';

const settings = { url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', prefix: `test-alert-ages-${randomUUID().slice(0, 8)}` };
const redis = createRedis(settings);
const listener = createRedis(settings);

afterAll(() => {
  redis.disconnect();
  listener.disconnect();
});

describe('AlertPublisher timing', () => {
  it('observes the alert age at publishing and at published, and the member channel gets the alert', async () => {
    const metrics = createMetrics('monitor');
    const publisher = new AlertPublisher({ redis, redisSettings: settings, logger: createLogger('test', 'silent'), ages: alertPublishHistogram(metrics) });
    const member = randomUUID();
    await listener.subscribe(channelName(settings, userAlertChannel(member)));
    const received = new Promise<string>((resolve) => listener.once('message', (_channel, text: string) => resolve(text)));
    const createdAt = new Date(Date.now() - 120);
    await publisher.publish({
      id: randomUUID(), level: 'HIGH', rule: 'OFF_PLATFORM_PAYMENT_REQUEST', messageKo: '경고', messageEn: 'warning',
      subjectUserId: randomUUID(), productId: null, transactionId: null, createdAt, acknowledgedAt: null, recipients: [{ userId: member, acknowledgedAt: null }],
    });
    expect(JSON.parse(await received)).toMatchObject({ recipientIds: [member], createdAt: createdAt.toISOString() });
    // Histogram values carry metricName (_bucket, _sum, _count); the generic MetricValue type does not say so.
    const values = (await metrics.registry.getSingleMetric('anshim_alert_publish_seconds')!.get()).values as Array<{ metricName?: string; labels: Record<string, string | number>; value: number }>;
    const counts = Object.fromEntries(values.filter((v) => v.metricName === 'anshim_alert_publish_seconds_count').map((v) => [v.labels.stage, v.value]));
    expect(counts).toEqual({ publishing: 1, published: 1 });
    const sums = values.filter((v) => v.metricName === 'anshim_alert_publish_seconds_sum').map((v) => v.value);
    for (const seconds of sums) expect(seconds).toBeGreaterThanOrEqual(0.12);
  });
});
