// Alerts raised from other services' events, against real PostgreSQL, Redis and BullMQ: each is
// written in the consumer's transaction and keyed, so a redelivered event or the second report of
// the same listing raises nothing twice; a ban or suspension warns the people who dealt with the
// user, and a banned user's later activity raises nothing.
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumerQueueName, createQueueConnection, queuePrefix } from '@anshim/platform';
import type { EventData, EventType } from '@anshim/contracts';
import { inject } from 'vitest';
import { admin, chatted as sendChat, MonitorHarness, PAYMENT, screened, user, waitFor } from './support/harness.ts';

const RECORD = `mutation($input: ActivityInput!) { recordActivity(input: $input) { level rulesMatched alerts { id rule } } }`;

let h: MonitorHarness;
let queue: Queue;
let connection: ReturnType<typeof createQueueConnection>;
beforeAll(async () => {
  h = await new MonitorHarness().start();
  const settings = { url: inject('redisUrl'), prefix: h.prefix };
  connection = createQueueConnection(settings);
  queue = new Queue(consumerQueueName('monitor'), { connection, prefix: queuePrefix(settings, consumerQueueName('monitor')) });
});
afterAll(async () => {
  await queue?.close();
  connection?.disconnect();
  await h?.stop();
});

/** Delivers one envelope to the monitor's queue under a fresh job id, as a redelivery would. */
async function deliver<T extends EventType>(type: T, id: string, data: EventData<T>, subjectUserId: string, producer: string): Promise<void> {
  const envelope = { id, type, occurredAt: new Date().toISOString(), producer, subjectUserId, data, schemaVersion: 1 };
  await queue.add(type, envelope, { jobId: `redelivery-${randomUUID()}` });
}

const alertsOf = (subjectUserId: string, rule?: string) => h.prisma.riskAlert.findMany({ where: { subjectUserId, ...(rule ? { rule } : {}) }, include: { recipients: true } });
const outboxCount = (type: string, userId: string) => h.prisma.outboxEvent.count({ where: { type, payload: { path: ['subjectUserId'], equals: userId } } });

describe('alerts from events are raised once', () => {
  it('a product.created delivered twice (a new job id) raises one alert, one signal, one event', async () => {
    const seller = user();
    await h.knownSince(new Date(Date.now() - 24 * 3_600_000), seller);
    const eventId = randomUUID();
    const data = { productId: randomUUID(), sellerId: seller.userId, title: '아이폰 15 프로', price: 1_300_000, category: 'DIGITAL', region: null, createdAt: new Date().toISOString() };
    await deliver('product.created', eventId, data, seller.userId, 'transaction');
    await h.processed(eventId);
    await deliver('product.created', eventId, data, seller.userId, 'transaction');
    await waitFor('the redelivery to be handled', async () => (await queue.getCompletedCount()) >= 2 && (await queue.getActiveCount()) === 0 && (await queue.getWaitingCount()) === 0);
    expect(await alertsOf(seller.userId, 'NEW_ACCOUNT_HIGH_VALUE')).toHaveLength(1);
    expect(await h.prisma.riskSignal.count({ where: { userId: seller.userId } })).toBe(1);
    expect(await outboxCount('monitor.alert_raised', seller.userId)).toBe(1);
  });

  it('an assessment whose transaction rolled back raises nothing; the retry raises it once, and a second run nothing', async () => {
    const seller = user();
    await h.knownSince(new Date(Date.now() - 24 * 3_600_000), seller);
    const activity = { type: 'LISTING_CREATED' as const, userId: seller.userId, productId: randomUUID(), amount: 2_000_000, at: new Date() };
    const sourceEventId = randomUUID();
    const run = (fail: boolean) =>
      h.prisma.$transaction(async (tx) => {
        const result = await h.server.assessment.assess(activity, {}, { tx, sourceEventId, defer: () => undefined });
        if (fail) throw new Error('the consumer transaction failed after the assessment');
        return result;
      });
    await expect(run(true)).rejects.toThrow(/failed after/);
    expect(await alertsOf(seller.userId)).toHaveLength(0);
    expect((await run(false)).alerts.map((a) => a.rule)).toEqual(['NEW_ACCOUNT_HIGH_VALUE']);
    expect((await run(false)).alerts).toEqual([]);
    expect(await alertsOf(seller.userId)).toHaveLength(1);
  });
});

describe('one listing, two reports of it', () => {
  const listing = async (seller: ReturnType<typeof user>, productId: string) =>
    h.publish({
      type: 'product.created',
      producer: 'transaction',
      subjectUserId: seller.userId,
      data: { productId, sellerId: seller.userId, title: '캠핑 텐트', price: 1_200_000, category: 'SPORTS', region: null, createdAt: new Date().toISOString() },
    });

  it('recordActivity(LISTING_CREATED) first (a trusted integration), then product.created: NEW_ACCOUNT_HIGH_VALUE once', async () => {
    const seller = admin();
    await h.knownSince(new Date(Date.now() - 2 * 24 * 3_600_000), seller);
    const productId = randomUUID();
    const first = await h.ok(RECORD, { input: { type: 'LISTING_CREATED', productId, amount: 1_200_000 } }, { identity: seller });
    expect(first.recordActivity.alerts.map((a: { rule: string }) => a.rule)).toEqual(['NEW_ACCOUNT_HIGH_VALUE']);
    await h.processed(await listing(seller, productId));
    const alerts = await alertsOf(seller.userId, 'NEW_ACCOUNT_HIGH_VALUE');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.productId).toBe(productId);
    expect(await h.prisma.riskSignal.count({ where: { userId: seller.userId } })).toBe(1);
  });

  it('product.created first, then recordActivity: the integration is told the rule matched, and no second alert is raised', async () => {
    const seller = admin();
    await h.knownSince(new Date(Date.now() - 2 * 24 * 3_600_000), seller);
    const productId = randomUUID();
    await h.processed(await listing(seller, productId));
    expect(await alertsOf(seller.userId, 'NEW_ACCOUNT_HIGH_VALUE')).toHaveLength(1);
    const second = await h.ok(RECORD, { input: { type: 'LISTING_CREATED', productId, amount: 1_200_000 } }, { identity: seller });
    expect(second.recordActivity).toMatchObject({ rulesMatched: ['NEW_ACCOUNT_HIGH_VALUE'], alerts: [] });
    expect(await alertsOf(seller.userId, 'NEW_ACCOUNT_HIGH_VALUE')).toHaveLength(1);
    expect(await outboxCount('monitor.risk_detected', seller.userId)).toBe(1);
  });
});

describe('user.status_changed', () => {
  it('a ban warns whoever chatted or traded with the user in the last 30 days, once, without a signal on the banned user', async () => {
    const seller = user();
    const chatted = user();
    const traded = user();
    const stranger = user();
    await h.knownSince(new Date(Date.now() - 90 * 24 * 3_600_000), seller, chatted, traded, stranger);
    await sendChat(h, seller, chatted);
    await h.processed(await h.publish({
      type: 'transaction.requested',
      producer: 'transaction',
      subjectUserId: traded.userId,
      data: { transactionId: randomUUID(), productId: randomUUID(), buyerId: traded.userId, sellerId: seller.userId, amount: 50_000, by: traded.userId, at: new Date().toISOString() },
    }));
    const ban = await h.publish({ type: 'user.status_changed', producer: 'user', subjectUserId: seller.userId, data: { userId: seller.userId, status: 'BANNED', until: null } });
    await h.processed(ban);

    const [notice, ...more] = await alertsOf(seller.userId);
    expect(more).toEqual([]);
    expect(notice).toMatchObject({ rule: 'COUNTERPART_BANNED', level: 'HIGH' });
    expect(notice!.recipients.map((r) => r.userId).sort()).toEqual([chatted.userId, traded.userId].sort());
    expect(notice!.messageKo).toMatch(/영구 정지/);
    expect(notice!.messageEn).toMatch(/banned/);
    expect(await h.prisma.riskSignal.count({ where: { userId: seller.userId } })).toBe(0);
    expect(await outboxCount('monitor.alert_raised', seller.userId)).toBe(1);
    expect(await outboxCount('monitor.risk_detected', seller.userId)).toBe(0);
    const visible = await h.ok(`{ riskAlerts { rule message } }`, {}, { identity: chatted, lang: 'en' });
    expect(visible.riskAlerts).toEqual([{ rule: 'COUNTERPART_BANNED', message: expect.stringMatching(/Do not send them money/) }]);
    expect((await h.ok(`{ riskAlerts { id } }`, {}, { identity: stranger })).riskAlerts).toEqual([]);

    // Its later activity raises nothing: neither a chat asking for an advance transfer nor a burst of
    // reports (from long-standing, identity-verified people who traded with it: full weight each).
    await screened(h, seller, chatted, [PAYMENT]);
    for (let i = 0; i < 3; i += 1) {
      await h.processed(await h.publish({
        type: 'report.filed',
        producer: 'report',
        subjectUserId: seller.userId,
        data: {
          reportId: randomUUID(), reporterId: randomUUID(), targetUserId: seller.userId, type: 'FRAUD', priority: 'HIGH', productId: null, transactionId: null, filedAt: new Date().toISOString(),
          reporter: { verifiedMethods: ['SMS', 'ID_CARD'], accountAgeDays: 400, tradedWithTarget: true },
        },
      }));
    }
    expect(await alertsOf(seller.userId)).toHaveLength(1);
  });

  it('a suspension warns counterparts at MEDIUM; a user nobody dealt with raises nothing; lifting it raises nothing', async () => {
    const seller = user();
    const buyer = user();
    await sendChat(h, seller, buyer);
    const until = new Date(Date.now() + 7 * 24 * 3_600_000).toISOString();
    await h.processed(await h.publish({ type: 'user.status_changed', producer: 'user', subjectUserId: seller.userId, data: { userId: seller.userId, status: 'SUSPENDED', until } }));
    const alerts = await alertsOf(seller.userId);
    expect(alerts.map((a) => [a.rule, a.level, a.recipients.map((r) => r.userId)])).toEqual([['COUNTERPART_SUSPENDED', 'MEDIUM', [buyer.userId]]]);
    await h.processed(await h.publish({ type: 'user.status_changed', producer: 'user', subjectUserId: seller.userId, data: { userId: seller.userId, status: 'ACTIVE', until: null } }));
    const loner = user();
    await h.processed(await h.publish({ type: 'user.status_changed', producer: 'user', subjectUserId: loner.userId, data: { userId: loner.userId, status: 'BANNED', until: null } }));
    expect(await alertsOf(seller.userId)).toHaveLength(1);
    expect(await alertsOf(loner.userId)).toHaveLength(0);
  });
});
