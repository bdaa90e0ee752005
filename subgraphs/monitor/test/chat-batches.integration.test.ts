// The monitor's chat events arrive many at once (issue 18): chat.contact_observed and
// chat.message_screened are handled in batches (platform event-batches.ts; PlatformSignals.contactsObserved
// writes every party and contact of a batch in one statement each). Many published together must
// come out exactly as one by one: every event processed once, the contacts both ways with the
// latest time, each screened message's alert raised once and sent to its recipient.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MonitorHarness, PAYMENT, screened, user } from './support/harness.ts';

let h: MonitorHarness;
beforeAll(async () => {
  h = await new MonitorHarness().start();
});
afterAll(async () => {
  await h?.stop();
});

describe('chat events in batches', () => {
  it('many messages published together: each processed once, contacts both ways at the latest time, one alert per screened message', async () => {
    const pairs = Array.from({ length: 8 }, () => ({ seller: user(), buyer: user() }));
    const base = Date.now() - 60_000;
    const sent = (from: { userId: string }, to: { userId: string }, offsetMs: number) =>
      h.publish({
        type: 'chat.contact_observed',
        producer: 'chat',
        subjectUserId: from.userId,
        data: { conversationId: randomUUID(), messageId: randomUUID(), productId: randomUUID(), senderId: from.userId, recipientId: to.userId, sentAt: new Date(base + offsetMs).toISOString() },
      });
    const ids = await Promise.all(
      pairs.flatMap(({ seller, buyer }, i) => [
        sent(buyer, seller, i * 10),
        sent(seller, buyer, i * 10 + 1_000), // the latest of the pair
        sent(buyer, seller, i * 10 + 500),
        screened(h, seller, buyer, [PAYMENT], { wait: false }),
      ]),
    );
    for (const id of ids) await h.processed(id, 20_000);

    const processed = await h.prisma.processedEvent.count({ where: { consumer: 'monitor', eventId: { in: ids } } });
    expect(processed).toBe(ids.length);
    for (const [i, { seller, buyer }] of pairs.entries()) {
      const contacts = await h.prisma.contact.findMany({
        where: { OR: [{ userId: seller.userId, counterpartId: buyer.userId }, { userId: buyer.userId, counterpartId: seller.userId }] },
      });
      expect(contacts).toHaveLength(2);
      for (const contact of contacts) expect(contact.lastAt.getTime()).toBe(base + i * 10 + 1_000);
      expect(await h.prisma.knownUser.count({ where: { id: { in: [seller.userId, buyer.userId] } } })).toBe(2);
      const alerts = await h.prisma.riskAlert.findMany({ where: { subjectUserId: seller.userId }, include: { recipients: true } });
      expect(alerts.map((alert) => ({ rule: alert.rule, to: alert.recipients.map((r) => r.userId) }))).toEqual([{ rule: 'OFF_PLATFORM_PAYMENT_REQUEST', to: [buyer.userId] }]);
      expect(await h.prisma.riskAlert.count({ where: { subjectUserId: buyer.userId } })).toBe(0);
    }
  });
});
