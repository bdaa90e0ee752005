// Clusters of linked accounts through the real consumer (real PostgreSQL, Redis and BullMQ; events
// published the way their producers publish them): a ban flags the accounts several hops away, a
// hub value links nobody, a banned member returning on a new account is flagged CRITICAL at sign-up,
// and a redelivered event raises nothing twice.
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { consumerQueueName, createQueueConnection, queuePrefix } from '@anshim/platform';
import type { EventData, EventType } from '@anshim/contracts';
import { admin, hex, MonitorHarness, user, waitFor } from './support/harness.ts';

let h: MonitorHarness;
let queue: Queue;
let connection: ReturnType<typeof createQueueConnection>;
beforeAll(async () => {
  h = await new MonitorHarness({ MONITOR_CLUSTER_MAX_ACCOUNTS_PER_LINK: '5', MONITOR_CLUSTER_MAX_HOPS: '3' }).start();
  const settings = { url: inject('redisUrl'), prefix: h.prefix };
  connection = createQueueConnection(settings);
  queue = new Queue(consumerQueueName('monitor'), { connection, prefix: queuePrefix(settings, consumerQueueName('monitor')) });
});
afterAll(async () => {
  await queue?.close();
  connection?.disconnect();
  await h?.stop();
});

const DAY = 24 * 3_600_000;
const now = () => new Date().toISOString();
type Id = ReturnType<typeof user>;

const registered = (who: Id, deviceId: string | null, createdAt = now()) =>
  h.deliver({ type: 'user.registered', producer: 'user', subjectUserId: who.userId, data: { userId: who.userId, nickname: '안심이', createdAt, deviceId } });
const signedIn = (who: Id, deviceId: string) =>
  h.deliver({ type: 'user.signed_in', producer: 'user', subjectUserId: who.userId, data: { userId: who.userId, method: 'PASSWORD', deviceId, clientAddress: '203.0.113.7', newDevice: true, at: now() } });
const phoneVerified = (who: Id, phoneLookupHash: string) =>
  h.deliver({ type: 'user.verified', producer: 'user', subjectUserId: who.userId, data: { userId: who.userId, method: 'SMS', verifiedAt: now(), phoneLookupHash } });
const wroteInChat = (sender: Id, recipient: Id, identifierHashes: string[]) =>
  h.deliver({
    type: 'chat.message_screened',
    producer: 'chat',
    subjectUserId: sender.userId,
    data: { conversationId: randomUUID(), messageId: randomUUID(), senderId: sender.userId, recipientId: recipient.userId, masked: false, findings: [{ code: 'PAYMENT_IDENTIFIER', level: 'MEDIUM' }], at: now(), identifierHashes },
  });
const banEvent = (who: Id): EventData<'user.status_changed'> => ({ userId: who.userId, status: 'BANNED', until: null });

/** Delivers one envelope again under a fresh job id, as a redelivery would. */
async function redeliver<T extends EventType>(type: T, id: string, data: EventData<T>, subjectUserId: string, producer: string): Promise<void> {
  await queue.add(type, { id, type, occurredAt: now(), producer, subjectUserId, data, schemaVersion: 1 }, { jobId: `redelivery-${randomUUID()}` });
  await waitFor('the redelivery to be handled', async () => (await queue.getActiveCount()) === 0 && (await queue.getWaitingCount()) === 0 && (await queue.getPrioritizedCount()) === 0);
}

const alertsOf = (who: Id, rule?: string) => h.prisma.riskAlert.findMany({ where: { subjectUserId: who.userId, ...(rule ? { rule } : {}) }, include: { recipients: true } });
/** The alerts this file is about; other rules (SHARED_DEVICE, chat findings) see the same events and raise their own. */
const CLUSTER_RULES = ['LINKED_TO_CONFIRMED_FRAUD', 'RETURNING_BANNED_MEMBER'];
const clusterAlertsOf = async (who: Id) => (await alertsOf(who)).filter((alert) => CLUSTER_RULES.includes(alert.rule));

describe('a cluster over three hops', () => {
  it('A–device–B–phone–C–identifier–D: banning A flags B, C and D (HIGH, to admins only, naming the kinds of link, not the values)', async () => {
    const [a, b, c, d, buyer1, buyer2] = [user(), user(), user(), user(), user(), user()];
    const device = `device-${hex(6)}`;
    const phone = hex(32);
    const account = hex(32);
    await h.knownSince(new Date(Date.now() - 200 * DAY), b, c, d, buyer1, buyer2);
    await registered(a, device);
    await signedIn(b, device);
    await phoneVerified(b, phone);
    await phoneVerified(c, phone);
    await wroteInChat(c, buyer1, [account]);
    // buyer1 quotes C's account back ("is this yours?"): that does not link buyer1 to it.
    await wroteInChat(buyer1, c, [account]);
    await wroteInChat(d, buyer2, [account]);
    const links = await h.prisma.accountLink.findMany({ where: { userId: { in: [a.userId, b.userId] }, kind: 'DEVICE' } });
    expect(links).toHaveLength(2);
    expect(links.every((link) => link.valueHash !== device && /^[0-9a-f]{64}$/.test(link.valueHash))).toBe(true);
    expect(await h.prisma.accountLink.count({ where: { userId: buyer1.userId } })).toBe(0);
    for (const who of [b, c, d]) expect(await alertsOf(who, 'LINKED_TO_CONFIRMED_FRAUD')).toEqual([]);

    const banId = await h.publish({ type: 'user.status_changed', producer: 'user', subjectUserId: a.userId, data: banEvent(a) });
    await h.processed(banId);

    const flagged = async (who: Id) => {
      const alerts = await alertsOf(who, 'LINKED_TO_CONFIRMED_FRAUD');
      expect(alerts).toHaveLength(1);
      return alerts[0]!;
    };
    const [ab, ac, ad] = [await flagged(b), await flagged(c), await flagged(d)];
    for (const alert of [ab, ac, ad]) {
      expect(alert).toMatchObject({ level: 'HIGH', recipients: [] });
      for (const text of [alert.messageKo, alert.messageEn]) {
        expect(text).not.toContain(a.userId);
        expect(text).not.toContain(device);
        expect(text).not.toContain(phone);
      }
    }
    expect(ab.messageKo).toContain('같은 기기로 직접 연결');
    expect(ac.messageKo).toContain('같은 기기·같은 전화번호로 2단계를 거쳐');
    expect(ad.messageEn).toContain('3 steps away to an account confirmed as fraud through the same device, the same phone number and the same bank account or payment number written in chat');
    expect(await alertsOf(buyer1, 'LINKED_TO_CONFIRMED_FRAUD')).toEqual([]);
    expect(await alertsOf(buyer2, 'LINKED_TO_CONFIRMED_FRAUD')).toEqual([]);
    // A signal on each linked account: their level is HIGH and its automatic actions were taken.
    for (const who of [b, c, d]) expect(await h.prisma.riskSignal.count({ where: { userId: who.userId, rule: 'LINKED_TO_CONFIRMED_FRAUD' } })).toBe(1);
    // D also asked for payment to an account in chat (its own HIGH rule), so D may be CRITICAL by now.
    expect((await h.prisma.riskAction.findMany({ where: { userId: d.userId } })).map((action) => action.action)).toEqual(expect.arrayContaining(['REQUIRE_VERIFICATION', 'WARN_COUNTERPARTS']));
    expect(['HIGH', 'CRITICAL']).toContain(await h.server.assessment.levelOf(d.userId));
    expect(await h.server.assessment.levelOf(b.userId)).toBe('HIGH');
    // Only ADMINs and the flagged account itself read it.
    // (buyer2 is warned about D's payment request in their chat, but never about the cluster.)
    expect((await h.ok(`{ riskAlerts { rule } }`, {}, { identity: buyer2 })).riskAlerts).not.toContainEqual({ rule: 'LINKED_TO_CONFIRMED_FRAUD' });

    // The same ban again (a redelivery), then the report service's sanction for it: nothing new.
    await redeliver('user.status_changed', banId, banEvent(a), a.userId, 'user');
    await h.deliver({
      type: 'report.sanction_applied',
      producer: 'report',
      subjectUserId: a.userId,
      data: { reportId: randomUUID(), userId: a.userId, sanction: 'BAN', reason: '사기', startsAt: now(), endsAt: null },
    });
    for (const who of [b, c, d]) expect(await alertsOf(who, 'LINKED_TO_CONFIRMED_FRAUD')).toHaveLength(1);
    expect(await h.prisma.riskSignal.count({ where: { userId: { in: [b.userId, c.userId, d.userId] }, rule: 'LINKED_TO_CONFIRMED_FRAUD' } })).toBe(3);
  });

  it('report.identifiers_confirmed ties the account to its target and flags who wrote it in chat', async () => {
    const [fraudster, mule, buyer] = [user(), user(), user()];
    const account = hex(32);
    await h.knownSince(new Date(Date.now() - 10 * DAY), fraudster, mule, buyer);
    await wroteInChat(mule, buyer, [account]);
    await h.deliver({
      type: 'report.identifiers_confirmed',
      producer: 'report',
      subjectUserId: fraudster.userId,
      data: { reportId: randomUUID(), targetUserId: fraudster.userId, identifiers: [{ type: 'BANK_ACCOUNT', lookupHash: account }], confirmedAt: now() },
    });
    const [alert] = await alertsOf(mule, 'LINKED_TO_CONFIRMED_FRAUD');
    expect(alert?.messageKo).toContain('채팅에 쓴 같은 계좌·결제 번호로 직접 연결');
    expect(await clusterAlertsOf(buyer)).toEqual([]);
  });
});

describe('an account number other members wrote (why the monitor e2e writes a number of its own)', () => {
  it('asking for an advance transfer to an account a banned member wrote in chat adds LINKED_TO_CONFIRMED_FRAUD to the message\'s HIGH: CRITICAL', async () => {
    const [banned, victim, seller, buyer] = [user(), user(), user(), user()];
    const account = hex(32);
    await h.knownSince(new Date(Date.now() - 10 * DAY), banned, victim, seller, buyer);
    await wroteInChat(banned, victim, [account]);
    await h.deliver({ type: 'user.status_changed', producer: 'user', subjectUserId: banned.userId, data: banEvent(banned) });
    await wroteInChat(seller, buyer, [account]);
    const rules = async (who: Id) => (await alertsOf(who)).map((alert) => `${alert.rule}:${alert.level}`).sort();
    expect(await rules(seller)).toEqual(['LINKED_TO_CONFIRMED_FRAUD:HIGH', 'OFF_PLATFORM_PAYMENT_REQUEST:HIGH']);
    const LEVEL = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on User { riskLevel } } }`;
    const levelOf = async (who: Id) => (await h.ok(LEVEL, { reps: [{ __typename: 'User', id: who.userId }] }, { identity: admin() }))._entities[0].riskLevel;
    expect(await levelOf(seller)).toBe('CRITICAL');

    // The same message with an account nobody else wrote: the message's rule alone, HIGH.
    const [honest, other] = [user(), user()];
    await h.knownSince(new Date(Date.now() - 10 * DAY), honest, other);
    await wroteInChat(honest, other, [hex(32)]);
    expect(await rules(honest)).toEqual(['OFF_PLATFORM_PAYMENT_REQUEST:HIGH']);
    expect(await levelOf(honest)).toBe('HIGH');
  });
});

describe('hubs', () => {
  it('a device id shared by more accounts than MONITOR_CLUSTER_MAX_ACCOUNTS_PER_LINK (5) links nobody; a phone two accounts share does', async () => {
    const cafe = `shared-tablet-${hex(6)}`;
    const visitors = Array.from({ length: 6 }, () => user());
    const [banned, ...others] = visitors;
    const sibling = user();
    const familyPhone = hex(32);
    await h.knownSince(new Date(Date.now() - 100 * DAY), ...visitors, sibling);
    for (const visitor of visitors) await signedIn(visitor, cafe);
    await phoneVerified(banned!, familyPhone);
    await phoneVerified(sibling, familyPhone);
    await h.deliver({ type: 'user.status_changed', producer: 'user', subjectUserId: banned!.userId, data: banEvent(banned!) });

    // Six accounts on one tablet in a day is SHARED_DEVICE's business, not a cluster.
    for (const other of others) expect(await clusterAlertsOf(other)).toEqual([]);
    expect((await clusterAlertsOf(sibling)).map((alert) => alert.rule)).toEqual(['LINKED_TO_CONFIRMED_FRAUD']);
    // Nor does the hub flag a new account signing up on it as a returning member.
    const newcomer = user();
    await registered(newcomer, cafe);
    expect(await clusterAlertsOf(newcomer)).toEqual([]);
  });
});

describe('a returning banned member', () => {
  it('a new account with the banned account\'s device id is flagged CRITICAL at sign-up, with the automatic actions of CRITICAL; a redelivery raises nothing twice', async () => {
    const [old, fresh] = [user(), user()];
    const device = `galaxy-${hex(6)}`;
    await registered(old, device, new Date(Date.now() - 300 * DAY).toISOString());
    await h.deliver({ type: 'user.status_changed', producer: 'user', subjectUserId: old.userId, data: banEvent(old) });

    const data: EventData<'user.registered'> = { userId: fresh.userId, nickname: '새사람', createdAt: now(), deviceId: device };
    const signUp = await h.publish({ type: 'user.registered', producer: 'user', subjectUserId: fresh.userId, data });
    await h.processed(signUp);
    const [alert, ...more] = await alertsOf(fresh);
    expect(more).toEqual([]);
    expect(alert).toMatchObject({ rule: 'RETURNING_BANNED_MEMBER', level: 'CRITICAL', recipients: [] });
    expect(alert!.messageKo).toContain('같은 기기로 가입하거나 로그인');
    expect(alert!.messageEn).not.toContain(device);
    expect(await h.server.assessment.levelOf(fresh.userId)).toBe('CRITICAL');
    expect((await h.prisma.riskAction.findMany({ where: { userId: fresh.userId } })).map((action) => action.action).sort()).toEqual(['HOLD_TRANSACTIONS', 'REQUIRE_VERIFICATION', 'WARN_COUNTERPARTS']);
    const detected = await h.prisma.outboxEvent.findMany({ where: { type: 'monitor.risk_detected', payload: { path: ['subjectUserId'], equals: fresh.userId } } });
    expect(detected.map((event) => (event.payload as { data: { level: string } }).data.level)).toEqual(['CRITICAL']);

    await redeliver('user.registered', signUp, data, fresh.userId, 'user');
    await signedIn(fresh, device);
    expect(await alertsOf(fresh)).toHaveLength(1);
    expect(await h.prisma.riskAction.count({ where: { userId: fresh.userId } })).toBe(3);
  });

  it('also at sign-in on a new device and at phone verification', async () => {
    const [old, returning, other] = [user(), user(), user()];
    const device = `iphone-${hex(6)}`;
    const phone = hex(32);
    await registered(old, device);
    await phoneVerified(old, phone);
    await h.deliver({ type: 'user.status_changed', producer: 'user', subjectUserId: old.userId, data: banEvent(old) });
    await h.knownSince(new Date(Date.now() - 400 * DAY), returning, other);
    await signedIn(returning, device);
    await phoneVerified(other, phone);
    expect((await alertsOf(returning)).map((alert) => [alert.rule, alert.level])).toEqual([['RETURNING_BANNED_MEMBER', 'CRITICAL']]);
    const [byPhone] = await alertsOf(other);
    expect(byPhone).toMatchObject({ rule: 'RETURNING_BANNED_MEMBER', level: 'CRITICAL' });
    expect(byPhone!.messageEn).toContain('with the same phone number as a banned account');
  });
});
