// Retention (CHAT_RETENTION_DAYS: conversations past it are deleted with their messages, read
// states, blocks and orphaned ADMIN links, and then answer NOT_FOUND to everything), blocking
// (the counterpart cannot send; the blocker still reads; strangers cannot block), and what
// chat.message_screened tells the monitor (the listing and the identifiers' lookup hashes, never
// the identifiers), against real PostgreSQL and Redis with the default screen.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageScreen } from '../src/model.ts';
import { normalizePaymentIdentifier, paymentIdentifierHash } from '@anshim/contracts';
import { FieldCipher, type Identity } from '@anshim/platform';
import { RETENTION_SWEEP_SCHEDULER } from '../src/jobs/retention-sweep.ts';
import { admin, ChatHarness, onlyError, user } from './support/harness.ts';

const START = `mutation($productId: ID!) { startConversation(productId: $productId) { id } }`;
const SEND = `mutation($conversationId: ID!, $text: String!) { sendMessage(conversationId: $conversationId, text: $text) { id } }`;
const READ = `mutation($id: ID!) { markConversationRead(conversationId: $id) { id } }`;
const VIEW = `query($id: ID!) { conversation(id: $id) { id blockedByViewer messages { edges { node { text } } } } }`;
const BLOCK = `mutation($id: ID!) { blockConversation(conversationId: $id) { id blockedByViewer } }`;
const UNBLOCK = `mutation($id: ID!) { unblockConversation(conversationId: $id) { id blockedByViewer } }`;

const RETENTION_DAYS = 30;
const DAY = 86_400_000;
let h: ChatHarness;
beforeAll(async () => {
  h = await new ChatHarness({ CHAT_RETENTION_DAYS: String(RETENTION_DAYS) }).start();
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

const send = (id: string, text: string, as: Identity, lang?: string) => h.gql(SEND, { conversationId: id, text }, { identity: as, lang });

describe('retention', () => {
  it('deletes conversations idle past CHAT_RETENTION_DAYS with everything in them; a deleted one answers NOT_FOUND to every operation', async () => {
    const old = await pair();
    const recent = await pair();
    await send(old.id, '아직 판매 중인가요?', old.buyer);
    await send(old.id, '네 있어요', old.seller);
    await h.ok(READ, { id: old.id }, { identity: old.buyer });
    await h.ok(BLOCK, { id: old.id }, { identity: old.seller });
    await send(recent.id, '안녕하세요', recent.buyer);
    const longAgo = new Date(Date.now() - (RETENTION_DAYS + 1) * DAY);
    await h.deliver({
      type: 'report.filed',
      producer: 'report',
      subjectUserId: old.seller.userId,
      data: { reportId: randomUUID(), reporterId: old.buyer.userId, targetUserId: old.seller.userId, type: 'FRAUD', priority: 'NORMAL', productId: null, transactionId: null, filedAt: longAgo.toISOString() },
    });
    await h.prisma.conversation.update({ where: { id: old.id }, data: { lastMessageAt: longAgo } });
    // One day short of the retention: kept.
    await h.prisma.conversation.update({ where: { id: recent.id }, data: { lastMessageAt: new Date(Date.now() - (RETENTION_DAYS - 1) * DAY) } });

    const result = await h.server.retention.job.run({});
    expect(result.conversationsDeleted).toBeGreaterThanOrEqual(1);
    expect(await h.prisma.conversation.findUnique({ where: { id: old.id } })).toBeNull();
    expect(await h.prisma.message.count({ where: { conversationId: old.id } })).toBe(0);
    expect(await h.prisma.readState.count({ where: { conversationId: old.id } })).toBe(0);
    expect(await h.prisma.conversationBlock.count({ where: { conversationId: old.id } })).toBe(0);
    const [low, high] = [old.buyer.userId, old.seller.userId].sort();
    expect(await h.prisma.adminReadLink.count({ where: { userLow: low, userHigh: high } })).toBe(0);
    expect(await h.prisma.message.count({ where: { conversationId: recent.id } })).toBe(1);

    const boss = admin();
    for (const [query, variables, as] of [
      [VIEW, { id: old.id }, old.buyer],
      [VIEW, { id: old.id }, boss],
      [SEND, { conversationId: old.id, text: '여보세요?' }, old.buyer],
      [READ, { id: old.id }, old.seller],
      [BLOCK, { id: old.id }, old.buyer],
      [UNBLOCK, { id: old.id }, old.seller],
    ] as const) {
      expect(onlyError(await h.gql(query, variables, { identity: as })).code, query).toBe('NOT_FOUND');
    }
    const stream = h.subscribe(`subscription($id: ID) { chatMessages(conversationId: $id) { id } }`, old.buyer, { id: old.id });
    const refused = (await stream.next()).value as any;
    expect(refused?.errors?.[0]?.extensions?.code ?? refused?.errors?.[0]?.message).toBe('NOT_FOUND');
    expect(await h.prisma.conversation.count({ where: { id: old.id } })).toBe(0);
    // Starting again about the listing opens a new, empty conversation.
    const again = await h.ok(START, { productId: old.productId }, { identity: old.buyer });
    expect(again.startConversation.id).not.toBe(old.id);
  });

  it('registers its sweep as one repeatable job', async () => {
    const schedulers = await h.server.retention.job.queue.getJobSchedulers();
    expect(schedulers.map((s) => s.key)).toContain(RETENTION_SWEEP_SCHEDULER);
  });
});

describe('a send racing the retention sweep', () => {
  // A screen that deletes the sender's conversations while it runs: the conversation was found
  // when the send began and is gone when its transaction starts, as when the sweep wins the race.
  let racing: ChatHarness;
  const sweepingScreen: MessageScreen = {
    screen: async ({ text, senderId }) => {
      if (text === 'swept meanwhile') await racing.prisma.conversation.deleteMany({ where: { buyerId: senderId } });
      return { deliveredText: text, masked: false, findings: [{ code: 'OFF_APP_CONTACT', level: 'MEDIUM' }] };
    },
  };
  beforeAll(async () => {
    racing = await new ChatHarness({}, sweepingScreen).start();
  });
  afterAll(async () => {
    await racing?.stop();
  });

  it('answers NOT_FOUND and writes nothing (no message, no event) when the conversation was deleted meanwhile', async () => {
    const seller = user();
    const buyer = user();
    const productId = await racing.listing(seller);
    const { startConversation } = await racing.ok(START, { productId }, { identity: buyer });
    const refused = await racing.gql(SEND, { conversationId: startConversation.id, text: 'swept meanwhile' }, { identity: buyer });
    expect(onlyError(refused).code).toBe('NOT_FOUND');
    expect(await racing.prisma.message.count({ where: { conversationId: startConversation.id } })).toBe(0);
    expect(await racing.prisma.outboxEvent.count({ where: { payload: { path: ['data', 'conversationId'], equals: startConversation.id } } })).toBe(0);
  });
});

describe('blocking', () => {
  it('stops the counterpart from sending without saying more than needed; the blocker still reads and writes; unblock lifts it', async () => {
    const { seller, buyer, id } = await pair();
    await send(id, '직거래 가능하세요?', buyer);
    const blocked = await h.ok(BLOCK, { id }, { identity: buyer });
    expect(blocked.blockConversation).toEqual({ id, blockedByViewer: true });
    expect((await h.ok(BLOCK, { id }, { identity: buyer })).blockConversation.blockedByViewer).toBe(true); // repeat: no change
    expect(await h.prisma.conversationBlock.count({ where: { conversationId: id } })).toBe(1);

    const refused = onlyError(await send(id, '카톡으로 연락 주세요', seller, 'en'));
    expect(refused).toMatchObject({ code: 'FORBIDDEN', extensions: { reason: 'CANNOT_SEND_HERE' } });
    expect(refused.message).not.toMatch(/block/i);
    expect(onlyError(await send(id, '카톡으로 연락 주세요', seller)).message).not.toMatch(/차단/);
    expect(await h.prisma.message.count({ where: { conversationId: id, senderId: seller.userId } })).toBe(0);

    const buyerView = (await h.ok(VIEW, { id }, { identity: buyer })).conversation;
    expect(buyerView.blockedByViewer).toBe(true);
    expect(buyerView.messages.edges.map((e: any) => e.node.text)).toEqual(['직거래 가능하세요?']);
    expect((await h.ok(VIEW, { id }, { identity: seller })).conversation.blockedByViewer).toBe(false);
    expect((await send(id, '괜찮아요, 다른 분과 거래할게요', buyer)).errors).toBeUndefined();

    expect((await h.ok(UNBLOCK, { id }, { identity: buyer })).unblockConversation.blockedByViewer).toBe(false);
    expect((await send(id, '알겠습니다', seller)).errors).toBeUndefined();
  });

  it('lets only a party block: a stranger and an ADMIN get NOT_FOUND, bad input is coded, and nothing is written', async () => {
    const { seller, id } = await pair();
    for (const as of [user(), admin()]) {
      expect(onlyError(await h.gql(BLOCK, { id }, { identity: as })).code).toBe('NOT_FOUND');
      expect(onlyError(await h.gql(UNBLOCK, { id }, { identity: as })).code).toBe('NOT_FOUND');
    }
    expect(onlyError(await h.gql(BLOCK, { id: randomUUID() }, { identity: seller })).code).toBe('NOT_FOUND');
    expect(onlyError(await h.gql(BLOCK, { id: 'not-an-id' }, { identity: seller })).code).toBe('BAD_USER_INPUT');
    expect(onlyError(await h.gql(BLOCK, { id }, {})).code).toBe('UNAUTHENTICATED');
    expect(await h.prisma.conversationBlock.count({ where: { conversationId: id } })).toBe(0);
    // A stranger's block attempt changed nothing: the seller still sends.
    expect((await send(id, '네 가능해요', seller)).errors).toBeUndefined();
  });
});

describe('chat.message_screened for the monitor', () => {
  it('carries the listing and the lookup hashes of the identifiers written, never the identifiers', async () => {
    const { seller, buyer, productId, id } = await pair();
    const { sendMessage } = await h.ok(SEND, { conversationId: id, text: '국민 123456-78-901234 으로 선입금 주세요' }, { identity: seller });
    const rows = await h.prisma.outboxEvent.findMany({ where: { type: 'chat.message_screened', payload: { path: ['data', 'messageId'], equals: sendMessage.id } } });
    expect(rows).toHaveLength(1);
    const data = (rows[0]!.payload as any).data;
    const expected = paymentIdentifierHash(new FieldCipher(h.server.env.DATA_ENCRYPTION_KEY), normalizePaymentIdentifier('BANK_ACCOUNT', '123456-78-901234')!);
    expect(data).toMatchObject({ conversationId: id, productId, senderId: seller.userId, recipientId: buyer.userId });
    expect(data.identifierHashes).toContain(expected);
    expect(JSON.stringify(rows[0]!.payload)).not.toMatch(/123456|901234/);

    const smallTalk = await h.ok(SEND, { conversationId: id, text: '오픈채팅으로 얘기해요' }, { identity: seller });
    const offApp = await h.prisma.outboxEvent.findMany({ where: { type: 'chat.message_screened', payload: { path: ['data', 'messageId'], equals: smallTalk.sendMessage.id } } });
    expect((offApp[0]!.payload as any).data).toMatchObject({ productId, findings: [{ code: 'OFF_APP_CONTACT', level: 'MEDIUM' }] });
    expect((offApp[0]!.payload as any).data.identifierHashes).toBeUndefined();
  });
});
