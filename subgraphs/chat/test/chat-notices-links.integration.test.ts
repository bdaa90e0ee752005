// What a conversation tells its viewer about the counterpart (Conversation.safetyNotice: grade,
// the monitor's HOLD_TRANSACTIONS and WARN_COUNTERPARTS, something held back) and when an ADMIN may
// read it (linked by report.filed or monitor.alert_raised), against real PostgreSQL and Redis with
// the events fed through the real consumer, out of order and twice.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizePaymentIdentifier, paymentIdentifierHash } from '@anshim/contracts';
import { FieldCipher, type Identity } from '@anshim/platform';
import { admin, ChatHarness, onlyError, user } from './support/harness.ts';

const START = `mutation($productId: ID!) { startConversation(productId: $productId) { id } }`;
const SEND = `mutation($conversationId: ID!, $text: String!) { sendMessage(conversationId: $conversationId, text: $text) { id masked } }`;
const NOTICE = `query($id: ID!) { conversation(id: $id) { id safetyNotice } }`;

let h: ChatHarness;
beforeAll(async () => {
  h = await new ChatHarness().start();
});
afterAll(async () => {
  await h?.stop();
});

async function pair(): Promise<{ seller: Identity; buyer: Identity; productId: string; id: string }> {
  const seller = user();
  const buyer = user();
  const productId = await h.listing(seller);
  const { startConversation } = await h.ok(START, { productId }, { identity: buyer });
  return { seller, buyer, productId, id: startConversation.id };
}

const notice = async (id: string, as: Identity, lang = 'en') => (await h.ok(NOTICE, { id }, { identity: as, lang })).conversation.safetyNotice as string | null;

function action(member: Identity, kind: 'WARN_COUNTERPARTS' | 'HOLD_TRANSACTIONS' | 'CLEAR', takenAt: Date, expiresAt: Date | null = null) {
  return h.deliver({
    type: 'monitor.action_taken',
    producer: 'monitor',
    subjectUserId: member.userId,
    data: { userId: member.userId, action: kind, reason: 'test', by: null, takenAt: takenAt.toISOString(), expiresAt: expiresAt?.toISOString() ?? null },
  });
}

function grade(member: Identity, value: 'NORMAL' | 'CAUTION' | 'DANGER', version: number) {
  return h.deliver({
    type: 'safety.score_changed',
    producer: 'safety',
    subjectUserId: member.userId,
    data: { userId: member.userId, score: 30, grade: value, previousScore: null, previousGrade: null, version, cause: 'test', changedAt: new Date().toISOString() },
  });
}

describe('Conversation.safetyNotice', () => {
  it('says the most serious thing about the counterpart, in Korean by default, and nothing about a clean one', async () => {
    const { seller, buyer, id } = await pair();
    expect(await notice(id, buyer)).toBeNull();
    await grade(seller, 'CAUTION', 1);
    expect(await notice(id, buyer)).toMatch(/safety grade is CAUTION/);
    expect(await notice(id, buyer, 'ko')).toMatch(/'주의'/);
    expect(await notice(id, seller)).toBeNull(); // the buyer is unscored (NORMAL)
    // Abuse: a stranger cannot learn anything about the seller through someone else's conversation.
    expect(onlyError(await h.gql(NOTICE, { id }, { identity: user() })).code).toBe('NOT_FOUND');

    const t0 = Date.now();
    await action(seller, 'WARN_COUNTERPARTS', new Date(t0));
    expect(await notice(id, buyer)).toMatch(/noticed risky behaviour.*Do not pay outside the app/);
    await action(seller, 'HOLD_TRANSACTIONS', new Date(t0 + 1_000), new Date(t0 + 3_600_000));
    expect(await notice(id, buyer)).toMatch(/on hold/);
    await grade(seller, 'DANGER', 2);
    expect(await notice(id, buyer)).toMatch(/on hold/); // a hold is more serious still

    await action(seller, 'CLEAR', new Date(t0 + 2_000));
    await action(seller, 'HOLD_TRANSACTIONS', new Date(t0 + 1_500), null); // older than the CLEAR, arriving late
    expect(await notice(id, buyer)).toMatch(/safety grade is DANGER/);
    await grade(seller, 'NORMAL', 3);
    await grade(seller, 'DANGER', 2); // an older recalculation redelivered
    expect(await notice(id, buyer)).toBeNull();
  });

  it('applies a burst of the monitor\'s actions and grades for many members (handled in batches) as one by one: the newest wins', async () => {
    const pairs = await Promise.all(Array.from({ length: 6 }, () => pair()));
    const t0 = Date.now();
    const published = pairs.flatMap(({ seller }, i) => {
      const act = (kind: 'WARN_COUNTERPARTS' | 'HOLD_TRANSACTIONS' | 'CLEAR', at: number) =>
        h.publish({ type: 'monitor.action_taken', producer: 'monitor', subjectUserId: seller.userId, data: { userId: seller.userId, action: kind, reason: 'test', by: null, takenAt: new Date(at).toISOString(), expiresAt: null } });
      const scored = (value: 'NORMAL' | 'DANGER', version: number) =>
        h.publish({ type: 'safety.score_changed', producer: 'safety', subjectUserId: seller.userId, data: { userId: seller.userId, score: 30, grade: value, previousScore: null, previousGrade: null, version, cause: 'test', changedAt: new Date().toISOString() } });
      // Even members end cleared of a warning, odd ones warned; a late older event must not move either back.
      return i % 2 === 0
        ? [act('WARN_COUNTERPARTS', t0), act('CLEAR', t0 + 2_000), act('WARN_COUNTERPARTS', t0 + 1_000), scored('DANGER', 2), scored('NORMAL', 1)]
        : [act('CLEAR', t0), act('WARN_COUNTERPARTS', t0 + 2_000), act('CLEAR', t0 + 1_000), scored('NORMAL', 2), scored('DANGER', 1)];
    });
    for (const id of await Promise.all(published)) await h.processed(id);
    for (const [i, { buyer, id }] of pairs.entries()) {
      expect(await notice(id, buyer), `member ${i}`).toMatch(i % 2 === 0 ? /safety grade is DANGER/ : /noticed risky behaviour/);
    }
  });

  it('ignores a hold whose expiresAt has passed', async () => {
    const { seller, buyer, id } = await pair();
    await action(seller, 'HOLD_TRANSACTIONS', new Date(Date.now() - 7_200_000), new Date(Date.now() - 3_600_000));
    expect(await notice(id, buyer)).toBeNull();
  });

  it('tells the recipient that something was held back, not the sender of it', async () => {
    const { seller, buyer, id } = await pair();
    const cipher = new FieldCipher(h.server.env.DATA_ENCRYPTION_KEY);
    const lookupHash = paymentIdentifierHash(cipher, normalizePaymentIdentifier('BANK_ACCOUNT', '3333-01-2345678')!);
    await h.deliver({
      type: 'report.identifiers_confirmed',
      producer: 'report',
      subjectUserId: seller.userId,
      data: { reportId: randomUUID(), targetUserId: seller.userId, identifiers: [{ type: 'BANK_ACCOUNT', lookupHash }], confirmedAt: new Date().toISOString() },
    });
    const { sendMessage } = await h.ok(SEND, { conversationId: id, text: '카카오뱅크 3333-01-2345678 로 보내주세요' }, { identity: seller });
    expect(sendMessage.masked).toBe(true);
    expect(await notice(id, buyer)).toMatch(/hidden because it could be unsafe/);
    expect(await notice(id, seller)).toBeNull();
  });
});

describe('ADMIN reads', () => {
  function reportFiled(reporter: Identity, target: Identity, productId: string | null) {
    return h.deliver({
      type: 'report.filed',
      producer: 'report',
      subjectUserId: target.userId,
      data: { reportId: randomUUID(), reporterId: reporter.userId, targetUserId: target.userId, type: 'FRAUD', priority: 'NORMAL', productId, transactionId: null, filedAt: new Date().toISOString() },
    });
  }

  it('refuses an unlinked conversation (FORBIDDEN, nothing audited), then reads one a report links, audited each time', async () => {
    const { seller, buyer, productId, id } = await pair();
    const other = await h.ok(START, { productId: await h.listing(seller) }, { identity: buyer });
    const boss = admin();
    const refused = onlyError(await h.gql(NOTICE, { id }, { identity: boss, lang: 'en' }));
    expect(refused).toMatchObject({ code: 'FORBIDDEN', extensions: { reason: 'NOT_LINKED' } });
    expect(refused.message).toMatch(/only when it is linked to a report or a risk alert/);
    expect(await h.prisma.adminRead.count({ where: { conversationId: id } })).toBe(0);

    // A report about someone else, and one between the parties about another listing: no link to this one.
    await reportFiled(buyer, user(), productId);
    await reportFiled(seller, buyer, randomUUID());
    expect(onlyError(await h.gql(NOTICE, { id }, { identity: boss })).code).toBe('FORBIDDEN');

    await reportFiled(seller, buyer, productId); // the target reports back: either direction links
    expect((await h.ok(NOTICE, { id }, { identity: boss })).conversation.id).toBe(id);
    expect((await h.ok(NOTICE, { id }, { identity: boss })).conversation.id).toBe(id);
    expect(await h.prisma.adminRead.count({ where: { conversationId: id, adminId: boss.userId } })).toBe(2);
    // That report named this listing: the pair's other conversation stays closed.
    expect(onlyError(await h.gql(NOTICE, { id: other.startConversation.id }, { identity: boss })).code).toBe('FORBIDDEN');
    // A stranger who is no ADMIN still gets NOT_FOUND, as for a conversation that does not exist.
    expect(onlyError(await h.gql(NOTICE, { id }, { identity: user() })).code).toBe('NOT_FOUND');
  });

  it('links every conversation of the pair for a report without a listing, and for a risk alert naming a party as recipient', async () => {
    const { seller, buyer, id } = await pair();
    const boss = admin();
    await reportFiled(buyer, seller, null);
    expect((await h.ok(NOTICE, { id }, { identity: boss })).conversation.id).toBe(id);

    const alerted = await pair();
    const alert = {
      type: 'monitor.alert_raised' as const,
      producer: 'monitor' as const,
      subjectUserId: alerted.seller.userId,
      data: {
        alertId: randomUUID(),
        subjectUserId: alerted.seller.userId,
        recipientIds: [user().userId],
        level: 'HIGH' as const,
        rule: 'test',
        productId: null,
        transactionId: null,
        createdAt: new Date().toISOString(),
      },
    };
    await h.deliver(alert); // an alert sent to someone else links nothing here
    expect(onlyError(await h.gql(NOTICE, { id: alerted.id }, { identity: boss })).code).toBe('FORBIDDEN');
    const toBuyer = { ...alert, data: { ...alert.data, alertId: randomUUID(), recipientIds: [alerted.buyer.userId] } };
    await h.deliver(toBuyer);
    await h.deliver(toBuyer); // redelivered: one link
    expect((await h.ok(NOTICE, { id: alerted.id }, { identity: boss })).conversation.id).toBe(alerted.id);
    expect(await h.prisma.adminReadLink.count({ where: { source: { startsWith: `alert:${toBuyer.data.alertId}` } } })).toBe(1);
  });
});
