// Check-in at the meeting spot: only a party of an ACCEPTED trade checks in (not a stranger, not
// an ADMIN for someone), a repeat changes nothing, each party sees only their own check-in, and a
// check-in still open after TRANSACTION_CHECK_IN_ALERT_SECONDS (2 s here) publishes
// transaction.check_in_overdue exactly once; a check-out before then publishes nothing.
import { randomUUID } from 'node:crypto';
import type { Identity } from '@anshim/platform';
import { beforeAll, describe, expect, it } from 'vitest';
import { createProduct, hex, MOVE, newUser, onlyError, START, waitFor, withUserOwner } from './support/harness.ts';

const { h } = withUserOwner({ TRANSACTION_CHECK_IN_ALERT_SECONDS: '2' });

const CHECK_IN = `mutation($t: ID!) { checkInAtMeetingSpot(transactionId: $t) { id status checkedInAt } }`;
const CHECK_OUT = `mutation($t: ID!) { checkOutOfMeetingSpot(transactionId: $t) { id checkedInAt } }`;
const VIEW = `query($t: ID!) { transaction(id: $t) { id checkedInAt } }`;
const PROPOSE = `mutation($t: ID!, $z: ID!) { proposeMeetingSpot(transactionId: $t, zoneId: $z) { id } }`;
const UPSERT = `mutation($input: SafeTradeZoneInput!) { upsertSafeTradeZone(input: $input) { id } }`;

interface Trade { id: string; seller: Identity; buyer: Identity }

async function trade(accept = true): Promise<Trade> {
  const seller = newUser();
  const buyer = newUser();
  const product = await createProduct(h, seller);
  const started = (await h.ok<{ startTransaction: { id: string } }>(START, { id: product.id }, { identity: buyer })).startTransaction;
  if (accept) await h.ok(MOVE, { id: started.id, status: 'ACCEPTED' }, { identity: seller });
  return { id: started.id, seller, buyer };
}

const overdueEvents = (transactionId: string) =>
  h.prisma.outboxEvent.findMany({ where: { type: 'transaction.check_in_overdue', payload: { path: ['data', 'transactionId'], equals: transactionId } }, select: { payload: true } });

describe('check-in at the meeting spot', () => {
  let zoneId: string;
  beforeAll(async () => {
    const input = { name: `마포경찰서 안전거래존 ${hex(2)}`, kind: 'POLICE_STATION', address: '서울 마포구 마포대로 183', region: '서울 마포구', latitude: 37.55, longitude: 126.95 };
    zoneId = (await h.ok<{ upsertSafeTradeZone: { id: string } }>(UPSERT, { input }, { identity: newUser('ADMIN') })).upsertSafeTradeZone.id;
  });

  it('only a party checks in or out: strangers and ADMINs are refused, unknown and malformed ids are not found', async () => {
    const t = await trade();
    for (const identity of [newUser(), newUser('ADMIN')]) {
      expect(onlyError(await h.gql(CHECK_IN, { t: t.id }, { identity })).code).toBe('FORBIDDEN');
      expect(onlyError(await h.gql(CHECK_OUT, { t: t.id }, { identity })).code).toBe('FORBIDDEN');
    }
    expect(onlyError(await h.gql(CHECK_IN, { t: randomUUID() }, { identity: t.buyer })).code).toBe('NOT_FOUND');
    expect(onlyError(await h.gql(CHECK_IN, { t: 'not-a-uuid' }, { identity: t.buyer })).code).toBe('NOT_FOUND');
    expect(onlyError(await h.gql(CHECK_OUT, { t: 'not-a-uuid' }, { identity: t.buyer })).code).toBe('NOT_FOUND');
    expect(onlyError(await h.gql(CHECK_IN, { t: t.id })).code).toBe('UNAUTHENTICATED');
    expect(await h.prisma.meetingCheckIn.count({ where: { transactionId: t.id } })).toBe(0);
  });

  it('only while the trade is ACCEPTED; a check-out needs a check-in; errors speak Korean, or English when asked', async () => {
    const requested = await trade(false);
    const refused = onlyError(await h.gql(CHECK_IN, { t: requested.id }, { identity: requested.buyer }));
    expect(refused.code).toBe('BAD_USER_INPUT');
    expect(refused.extensions).toMatchObject({ reason: 'TRADE_NOT_ACCEPTED', status: 'REQUESTED' });
    expect(refused.message).toMatch(/수락한 거래에서만/);
    const english = onlyError(await h.gql(CHECK_IN, { t: requested.id }, { identity: requested.buyer, lang: 'en' }));
    expect(english.message).toMatch(/accepted/);

    const done = await trade();
    await h.ok(MOVE, { id: done.id, status: 'COMPLETED' }, { identity: done.buyer });
    expect(onlyError(await h.gql(CHECK_IN, { t: done.id }, { identity: done.seller })).extensions).toMatchObject({ reason: 'TRADE_NOT_ACCEPTED', status: 'COMPLETED' });
    const cancelled = await trade();
    await h.ok(MOVE, { id: cancelled.id, status: 'CANCELLED' }, { identity: cancelled.seller });
    expect(onlyError(await h.gql(CHECK_IN, { t: cancelled.id }, { identity: cancelled.buyer })).extensions).toMatchObject({ reason: 'TRADE_NOT_ACCEPTED', status: 'CANCELLED' });

    const outWithoutIn = onlyError(await h.gql(CHECK_OUT, { t: done.id }, { identity: done.buyer }));
    expect(outWithoutIn.code).toBe('BAD_USER_INPUT');
    expect(outWithoutIn.extensions.reason).toBe('NOT_CHECKED_IN');
  });

  it('a repeated check-in is the same check-in; each party sees only their own', async () => {
    const t = await trade();
    const first = (await h.ok<{ checkInAtMeetingSpot: { checkedInAt: string } }>(CHECK_IN, { t: t.id }, { identity: t.buyer })).checkInAtMeetingSpot;
    expect(Date.now() - new Date(first.checkedInAt).getTime()).toBeLessThan(5_000);
    const again = (await h.ok<{ checkInAtMeetingSpot: { checkedInAt: string } }>(CHECK_IN, { t: t.id }, { identity: t.buyer })).checkInAtMeetingSpot;
    expect(again.checkedInAt).toBe(first.checkedInAt);
    // Two at once: still one open check-in.
    const both = await Promise.all([h.gql(CHECK_IN, { t: t.id }, { identity: t.seller }), h.gql(CHECK_IN, { t: t.id }, { identity: t.seller })]);
    expect(both.map((r) => r.errors)).toEqual([undefined, undefined]);
    expect(await h.prisma.meetingCheckIn.count({ where: { transactionId: t.id, userId: t.buyer.userId } })).toBe(1);
    expect(await h.prisma.meetingCheckIn.count({ where: { transactionId: t.id, userId: t.seller.userId } })).toBe(1);

    const sellerCheckIn = await h.prisma.meetingCheckIn.findFirstOrThrow({ where: { transactionId: t.id, userId: t.seller.userId } });
    expect((await h.ok(VIEW, { t: t.id }, { identity: t.buyer })).transaction.checkedInAt).toBe(first.checkedInAt);
    expect((await h.ok(VIEW, { t: t.id }, { identity: t.seller })).transaction.checkedInAt).toBe(sellerCheckIn.checkedInAt.toISOString());
    // An ADMIN may read the trade, but nobody's whereabouts.
    expect((await h.ok(VIEW, { t: t.id }, { identity: newUser('ADMIN') })).transaction.checkedInAt).toBeNull();
    // Before checking in, the seller of another trade sees null.
    const other = await trade();
    expect((await h.ok(VIEW, { t: other.id }, { identity: other.seller })).transaction.checkedInAt).toBeNull();

    // After check-out, the last check-in is still shown; checking in again starts a new one.
    const out = (await h.ok<{ checkOutOfMeetingSpot: { checkedInAt: string } }>(CHECK_OUT, { t: t.id }, { identity: t.buyer })).checkOutOfMeetingSpot;
    expect(out.checkedInAt).toBe(first.checkedInAt);
    expect(onlyError(await h.gql(CHECK_OUT, { t: t.id }, { identity: t.buyer })).extensions.reason).toBe('NOT_CHECKED_IN');
  });

  it('still checked in after the alert time: exactly one transaction.check_in_overdue, with the place and the counterpart', async () => {
    const t = await trade();
    await h.ok(PROPOSE, { t: t.id, z: zoneId }, { identity: t.seller });
    await h.ok(CHECK_IN, { t: t.id }, { identity: t.buyer });
    const checkIn = await h.prisma.meetingCheckIn.findFirstOrThrow({ where: { transactionId: t.id, userId: t.buyer.userId } });

    const [event] = await waitFor('the overdue event', async () => {
      const found = await overdueEvents(t.id);
      return found.length > 0 ? found : undefined;
    });
    expect((event!.payload as { data: Record<string, unknown> }).data).toMatchObject({
      checkInId: checkIn.id,
      userId: t.buyer.userId,
      counterpartId: t.seller.userId,
      place: { name: expect.stringContaining('마포경찰서'), address: '서울 마포구 마포대로 183' },
      checkedInAt: checkIn.checkedInAt.toISOString(),
      overdueAfterSeconds: 2,
    });
    // The job running again (a retry, a restart's reschedule) publishes nothing more.
    expect(await h.server.checkInAlerts.run({ checkInId: checkIn.id })).toBe('nothing');
    expect(await overdueEvents(t.id)).toHaveLength(1);
    expect((await h.prisma.meetingCheckIn.findUniqueOrThrow({ where: { id: checkIn.id } })).alertedAt).not.toBeNull();
    // A bad payload is never retried.
    await expect(h.server.checkInAlerts.run({ checkInId: 'nope' })).rejects.toThrow(/invalid/);
  });

  it('without a proposed meeting spot the place is null', async () => {
    const t = await trade();
    await h.ok(CHECK_IN, { t: t.id }, { identity: t.seller });
    const event = await waitFor('the overdue event', async () => (await overdueEvents(t.id))[0]);
    expect((event.payload as { data: Record<string, unknown> }).data).toMatchObject({ userId: t.seller.userId, counterpartId: t.buyer.userId, place: null });
  });

  it('checked out before the alert time: the alert is withdrawn and nothing is published', async () => {
    const t = await trade();
    await h.ok(CHECK_IN, { t: t.id }, { identity: t.buyer });
    const checkIn = await h.prisma.meetingCheckIn.findFirstOrThrow({ where: { transactionId: t.id, userId: t.buyer.userId } });
    expect(await h.server.checkInAlerts.job.queue.getJob(checkIn.id)).toBeDefined();
    await h.ok(CHECK_OUT, { t: t.id }, { identity: t.buyer });
    expect(await h.server.checkInAlerts.job.queue.getJob(checkIn.id)).toBeUndefined();
    // Even if the job had run anyway (removal is best effort), it does nothing.
    expect(await h.server.checkInAlerts.run({ checkInId: checkIn.id })).toBe('nothing');
    expect(await overdueEvents(t.id)).toHaveLength(0);
  });
});
