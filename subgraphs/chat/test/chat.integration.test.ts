// The chat subgraph against real PostgreSQL and Redis: starting conversations (once per buyer and
// listing, never with yourself, never about a hidden or sold listing), sending (length, parties,
// the sender's standing, encryption at rest, events), paging, unread counts, who may read, the
// screening seam and the subscription. Every refusal is a coded error with nothing written.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Identity } from '@anshim/platform';
import type { MessageScreen, ScreenInput } from '../src/model.ts';
import { admin, ChatHarness, MESSAGE_FIELDS, onlyError, user } from './support/harness.ts';

const START = `mutation($productId: ID!) { startConversation(productId: $productId) { id product { id } buyer { id } seller { id } counterpart { id } unreadCount } }`;
const SEND = `mutation($conversationId: ID!, $text: String!) { sendMessage(conversationId: $conversationId, text: $text) { ${MESSAGE_FIELDS} } }`;
const PAGE = `query($id: ID!, $first: Int, $before: String) { conversation(id: $id) { id unreadCount lastMessage { text } safetyNotice messages(first: $first, before: $before) { edges { cursor node { ${MESSAGE_FIELDS} } } pageInfo { hasNextPage endCursor } } } }`;
const READ = `mutation($id: ID!) { markConversationRead(conversationId: $id) { id unreadCount } }`;

/** Flags "계좌" (HIGH) and masks the word "사기계좌" (CRITICAL); everything else passes unchanged. */
const seen: ScreenInput[] = [];
const fakeScreen: MessageScreen = {
  screen: (input) => {
    seen.push(input);
    const masked = input.text.includes('사기계좌');
    const deliveredText = masked ? input.text.replaceAll('사기계좌', '••••') : input.text;
    const findings = [
      ...(input.text.includes('계좌') ? [{ code: 'PAYMENT_IDENTIFIER', level: 'HIGH' as const }] : []),
      ...(masked ? [{ code: 'KNOWN_FRAUD_IDENTIFIER', level: 'CRITICAL' as const }] : []),
    ];
    return { deliveredText, masked, findings };
  },
};

let h: ChatHarness;
beforeAll(async () => {
  h = await new ChatHarness({ CHAT_MEMBER_RATE_LIMIT: '6', CHAT_CONVERSATION_RATE_LIMIT: '10', CHAT_RATE_WINDOW_SECONDS: '60' }, fakeScreen).start();
});
afterAll(async () => {
  await h?.stop();
});

/** A fresh seller, buyer and conversation about one listing. */
async function conversationPair(): Promise<{ seller: Identity; buyer: Identity; productId: string; id: string }> {
  const seller = user();
  const buyer = user();
  const productId = await h.listing(seller);
  const { startConversation } = await h.ok(START, { productId }, { identity: buyer });
  return { seller, buyer, productId, id: startConversation.id };
}

const send = (conversationId: string, text: string, as: Identity) => h.gql(SEND, { conversationId, text }, { identity: as });
const messageCount = (conversationId: string) => h.prisma.message.count({ where: { conversationId } });
const outbox = (type: string, conversationId: string) =>
  h.prisma.outboxEvent.findMany({ where: { type, payload: { path: ['data', 'conversationId'], equals: conversationId } }, select: { payload: true } });

describe('startConversation', () => {
  it('opens one conversation between the buyer and the seller, the same one on repeat and under concurrent starts', async () => {
    const seller = user();
    const buyer = user();
    const productId = await h.listing(seller);
    const { startConversation } = await h.ok(START, { productId }, { identity: buyer });
    expect(startConversation).toEqual({ id: expect.any(String), product: { id: productId }, buyer: { id: buyer.userId }, seller: { id: seller.userId }, counterpart: { id: seller.userId }, unreadCount: 0 });
    const again = await Promise.all(Array.from({ length: 5 }, () => h.ok(START, { productId }, { identity: buyer })));
    expect(new Set(again.map((r) => r.startConversation.id))).toEqual(new Set([startConversation.id]));
    expect(await h.prisma.conversation.count({ where: { productId } })).toBe(1);
  });

  it('concurrent first starts by one buyer meet in one row', async () => {
    const seller = user();
    const buyer = user();
    const productId = await h.listing(seller);
    const results = await Promise.all(Array.from({ length: 6 }, () => h.ok(START, { productId }, { identity: buyer })));
    expect(new Set(results.map((r) => r.startConversation.id)).size).toBe(1);
    expect(await h.prisma.conversation.count({ where: { productId } })).toBe(1);
  });

  it('refuses your own listing, a hidden or sold listing, one nobody can vouch for and a malformed id, writing nothing', async () => {
    const seller = user();
    const own = await h.listing(seller);
    const hidden = await h.listing(seller, 'HIDDEN');
    const sold = await h.listing(seller, 'SOLD');
    const buyer = user();
    const cases: Array<[string, Identity, string]> = [
      [own, seller, 'BAD_USER_INPUT'],
      [hidden, buyer, 'NOT_FOUND'],
      [sold, buyer, 'CONFLICT'],
      // Unknown to the copy, and this harness runs no transaction owner to ask: refused as retryable,
      // never a NOT_FOUND nobody confirmed (read-through-listings.integration.test.ts asks a real owner).
      [randomUUID(), buyer, 'TEMPORARILY_UNAVAILABLE'],
      ['not-an-id', buyer, 'BAD_USER_INPUT'],
    ];
    for (const [productId, as, code] of cases) expect(onlyError(await h.gql(START, { productId }, { identity: as })).code, productId).toBe(code);
    expect(await h.prisma.conversation.count({ where: { productId: { in: [own, hidden, sold] } } })).toBe(0);
    expect(onlyError(await h.gql(START, { productId: own }, {})).code).toBe('UNAUTHENTICATED');
    expect(onlyError(await h.gql(START, { productId: own }, { identity: seller, lang: 'en' })).message).toMatch(/your own listing/);
  });
});

describe('sendMessage', () => {
  it('stores the trimmed text encrypted, announces it by ids only, and returns it', async () => {
    const { buyer, seller, id } = await conversationPair();
    const { sendMessage } = await h.ok(SEND, { conversationId: id, text: '  내일 7시에 합정역에서 뵐게요  ' }, { identity: buyer });
    expect(sendMessage).toMatchObject({ conversationId: id, sender: { id: buyer.userId }, text: '내일 7시에 합정역에서 뵐게요', masked: false, warnings: [], readAt: null });
    const [row] = await h.prisma.message.findMany({ where: { conversationId: id } });
    expect(row!.textCipher).not.toContain('합정역');
    const [sent] = await outbox('chat.contact_observed', id);
    expect((sent!.payload as any).data).toEqual({ conversationId: id, messageId: sendMessage.id, productId: expect.any(String), senderId: buyer.userId, recipientId: seller.userId, sentAt: sendMessage.sentAt });
    expect(JSON.stringify(sent!.payload)).not.toContain('합정역');
    expect(await outbox('chat.message_screened', id)).toHaveLength(0);
  });

  it('refuses empty and oversized text, someone else\'s conversation and a malformed id, writing nothing', async () => {
    const { buyer, id } = await conversationPair();
    const stranger = user();
    expect(onlyError(await send(id, '', buyer)).code).toBe('BAD_USER_INPUT');
    expect(onlyError(await send(id, '   \n ', buyer)).code).toBe('BAD_USER_INPUT');
    expect(onlyError(await send(id, 'ㄱ'.repeat(2_001), buyer)).code).toBe('BAD_USER_INPUT');
    expect(onlyError(await h.gql(SEND, { conversationId: id, text: 'x'.repeat(2_001) }, { identity: buyer, lang: 'en' })).message).toMatch(/2,000 characters/);
    expect(onlyError(await send(id, '안녕하세요', stranger)).code).toBe('NOT_FOUND');
    expect(onlyError(await send(id, '안녕하세요', admin())).code).toBe('NOT_FOUND');
    expect(onlyError(await send(randomUUID(), '안녕하세요', buyer)).code).toBe('NOT_FOUND');
    expect(onlyError(await send('nope', '안녕하세요', buyer)).code).toBe('BAD_USER_INPUT');
    expect(await messageCount(id)).toBe(0);
    expect(await outbox('chat.contact_observed', id)).toHaveLength(0);
    expect((await send(id, 'ㄱ'.repeat(2_000), buyer)).errors).toBeUndefined();
  });

  it('announces each party\'s contact once per CHAT_CONTACT_SIGNAL_MINUTES, not every message, and once under concurrent sends', async () => {
    const { buyer, seller, id } = await conversationPair();
    const senders = async () => (await outbox('chat.contact_observed', id)).map((row) => (row.payload as any).data.senderId as string);
    // Two sends of the buyer at once on a fresh conversation: the row lock lets one of them announce.
    const first = await Promise.all([send(id, '안녕하세요', buyer), send(id, '아직 판매 중인가요?', buyer)]);
    expect(first.map((answer) => answer.errors)).toEqual([undefined, undefined]);
    expect(await senders()).toEqual([buyer.userId]);
    expect((await send(id, '네 판매 중이에요', seller)).errors).toBeUndefined();
    expect((await send(id, '내일 7시 어떠세요?', buyer)).errors).toBeUndefined();
    expect((await send(id, '좋아요', seller)).errors).toBeUndefined();
    expect((await senders()).sort()).toEqual([buyer.userId, seller.userId].sort());
    expect(await messageCount(id)).toBe(5);
    // An hour after the buyer's last announcement (moved back here rather than waited for), their next message announces again.
    await h.prisma.conversation.update({ where: { id }, data: { buyerContactAt: new Date(Date.now() - 61 * 60_000) } });
    expect((await send(id, '도착했어요', buyer)).errors).toBeUndefined();
    expect((await senders()).filter((sender) => sender === buyer.userId)).toHaveLength(2);
    expect((await senders()).filter((sender) => sender === seller.userId)).toHaveLength(1);
  });

  it('refuses a banned or suspended sender and a restricted one until CLEAR, writing nothing', async () => {
    const { buyer, seller, id } = await conversationPair();
    await h.deliver({ type: 'user.status_changed', producer: 'user', subjectUserId: seller.userId, data: { userId: seller.userId, status: 'BANNED' } });
    const banned = onlyError(await h.gql(SEND, { conversationId: id, text: '입금 먼저요' }, { identity: seller, lang: 'en' }));
    expect(banned).toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/banned/) });
    const until = new Date(Date.now() + 3_600_000).toISOString();
    await h.deliver({ type: 'user.status_changed', producer: 'user', subjectUserId: buyer.userId, data: { userId: buyer.userId, status: 'SUSPENDED', until } });
    expect(onlyError(await send(id, '안녕하세요', buyer)).code).toBe('FORBIDDEN');
    expect(await messageCount(id)).toBe(0);

    const other = await conversationPair();
    const action = (kind: 'RESTRICT_ACCOUNT' | 'CLEAR') =>
      h.deliver({
        type: 'monitor.action_taken',
        producer: 'monitor',
        subjectUserId: other.buyer.userId,
        data: { userId: other.buyer.userId, action: kind, reason: 'test', by: null, takenAt: new Date().toISOString(), expiresAt: null },
      });
    await action('RESTRICT_ACCOUNT');
    expect(onlyError(await send(other.id, '안녕하세요', other.buyer)).code).toBe('FORBIDDEN');
    expect(await messageCount(other.id)).toBe(0);
    await action('CLEAR');
    expect((await send(other.id, '안녕하세요', other.buyer)).errors).toBeUndefined();
  });

  it('limits each member and each conversation per window (RATE_LIMITED with retryAfter), writing nothing beyond', async () => {
    const { buyer, seller, id } = await conversationPair();
    for (let i = 0; i < 6; i += 1) expect((await send(id, `메시지 ${i}`, buyer)).errors).toBeUndefined();
    const limited = onlyError(await send(id, '하나 더', buyer));
    expect(limited).toMatchObject({ code: 'RATE_LIMITED', extensions: { retryAfter: expect.any(Number) } });
    expect(await messageCount(id)).toBe(6);
    // The conversation's own limit (10) counts both parties.
    for (let i = 0; i < 4; i += 1) expect((await send(id, `답장 ${i}`, seller)).errors).toBeUndefined();
    expect(onlyError(await send(id, '또 답장', seller)).code).toBe('RATE_LIMITED');
    expect(await messageCount(id)).toBe(10);
  });
});

describe('screening seam', () => {
  it('hands the screen the text and the sender\'s recent texts; findings warn the recipient, not the sender, and are announced', async () => {
    const { buyer, seller, id } = await conversationPair();
    await h.ok(SEND, { conversationId: id, text: '국민 1234' }, { identity: seller });
    const { sendMessage } = await h.ok(SEND, { conversationId: id, text: '사기계좌 5678 으로 선입금 주세요' }, { identity: seller });
    expect(seen.at(-1)).toEqual({ text: '사기계좌 5678 으로 선입금 주세요', senderId: seller.userId, recentTexts: ['국민 1234'] });
    expect(sendMessage).toMatchObject({ text: '•••• 5678 으로 선입금 주세요', masked: true, warnings: [] });

    const buyerView = await h.ok(PAGE, { id, first: 1 }, { identity: buyer, lang: 'en' });
    expect(buyerView.conversation.messages.edges[0].node.warnings).toEqual([
      { code: 'PAYMENT_IDENTIFIER', level: 'HIGH', message: expect.stringMatching(/Do not pay in advance/) },
      { code: 'KNOWN_FRAUD_IDENTIFIER', level: 'CRITICAL', message: expect.stringMatching(/Do not send any money/) },
    ]);
    expect(buyerView.conversation.safetyNotice).toMatch(/hidden/);
    const sellerView = await h.ok(PAGE, { id, first: 1 }, { identity: seller });
    expect(sellerView.conversation.messages.edges[0].node.warnings).toEqual([]);
    expect((await h.prisma.message.findUnique({ where: { id: sendMessage.id } }))!.textCipher).not.toContain('선입금');

    const screened = await outbox('chat.message_screened', id);
    expect(screened.map((row) => (row.payload as any).data)).toEqual([
      {
        conversationId: id,
        messageId: sendMessage.id,
        senderId: seller.userId,
        recipientId: buyer.userId,
        masked: true,
        findings: [
          { code: 'PAYMENT_IDENTIFIER', level: 'HIGH' },
          { code: 'KNOWN_FRAUD_IDENTIFIER', level: 'CRITICAL' },
        ],
        at: sendMessage.sentAt,
        productId: expect.any(String),
      },
    ]);
  });
});

describe('reading', () => {
  it('pages newest last with cursors, refuses a malformed cursor, and counts and clears unread messages', async () => {
    const { buyer, seller, id } = await conversationPair();
    for (const text of ['하나', '둘', '셋', '넷', '다섯']) await h.ok(SEND, { conversationId: id, text }, { identity: seller });
    const first = (await h.ok(PAGE, { id, first: 2 }, { identity: buyer })).conversation;
    expect(first.messages.edges.map((e: any) => e.node.text)).toEqual(['넷', '다섯']);
    expect(first.messages.pageInfo).toEqual({ hasNextPage: true, endCursor: first.messages.edges[0].cursor });
    expect(first.unreadCount).toBe(5);
    expect(first.lastMessage).toEqual({ text: '다섯' });
    const second = (await h.ok(PAGE, { id, first: 2, before: first.messages.pageInfo.endCursor }, { identity: buyer })).conversation;
    expect(second.messages.edges.map((e: any) => e.node.text)).toEqual(['둘', '셋']);
    const last = (await h.ok(PAGE, { id, first: 2, before: second.messages.pageInfo.endCursor }, { identity: buyer })).conversation;
    expect(last.messages.edges.map((e: any) => e.node.text)).toEqual(['하나']);
    expect(last.messages.pageInfo.hasNextPage).toBe(false);

    for (const before of ['garbage!', 'bXNnOmFiYw', Buffer.from('msg:0').toString('base64url')]) {
      expect(onlyError(await h.gql(PAGE, { id, first: 2, before }, { identity: buyer })).code, before).toBe('BAD_USER_INPUT');
    }
    expect(onlyError(await h.gql(PAGE, { id, first: 0 }, { identity: buyer })).code).toBe('BAD_USER_INPUT');

    const { markConversationRead } = await h.ok(READ, { id }, { identity: buyer });
    expect(markConversationRead).toEqual({ id, unreadCount: 0 });
    const sellerView = (await h.ok(PAGE, { id, first: 5 }, { identity: seller })).conversation;
    expect(sellerView.messages.edges.every((e: any) => e.node.readAt !== null)).toBe(true);
    expect(sellerView.unreadCount).toBe(0);
    expect(onlyError(await h.gql(READ, { id }, { identity: user() })).code).toBe('NOT_FOUND');
  });

  it('shows a conversation to its parties only: anyone else gets NOT_FOUND, an ADMIN reads a linked one and is audited', async () => {
    const { buyer, seller, productId, id } = await conversationPair();
    const stranger = user();
    expect(onlyError(await h.gql(PAGE, { id }, { identity: stranger })).code).toBe('NOT_FOUND');
    expect(onlyError(await h.gql(PAGE, { id: randomUUID() }, { identity: stranger })).code).toBe('NOT_FOUND');
    expect(onlyError(await h.gql(PAGE, { id }, {})).code).toBe('UNAUTHENTICATED');
    expect((await h.ok(PAGE, { id }, { identity: buyer })).conversation.id).toBe(id);
    const boss = admin();
    expect(onlyError(await h.gql(PAGE, { id }, { identity: boss }))).toMatchObject({ code: 'FORBIDDEN', extensions: { reason: 'NOT_LINKED' } });
    await h.deliver({
      type: 'report.filed',
      producer: 'report',
      subjectUserId: seller.userId,
      data: { reportId: randomUUID(), reporterId: buyer.userId, targetUserId: seller.userId, type: 'FRAUD', priority: 'HIGH', productId, transactionId: null, filedAt: new Date().toISOString() },
    });
    expect((await h.ok(PAGE, { id }, { identity: boss })).conversation.id).toBe(id);
    expect(await h.prisma.adminRead.findMany({ where: { conversationId: id }, select: { adminId: true } })).toEqual([{ adminId: boss.userId }]);
  });

  it('lists the member\'s conversations, newest activity first', async () => {
    const seller = user();
    const buyer = user();
    const older = (await h.ok(START, { productId: await h.listing(seller) }, { identity: buyer })).startConversation.id;
    const newer = (await h.ok(START, { productId: await h.listing(seller) }, { identity: buyer })).startConversation.id;
    await h.ok(SEND, { conversationId: older, text: '아직 있나요?' }, { identity: buyer });
    const listed = await h.ok(`{ conversations(first: 10) { id } }`, {}, { identity: seller });
    expect(listed.conversations.map((c: any) => c.id)).toEqual([older, newer]);
    expect((await h.ok(`{ conversations { id } }`, {}, { identity: user() })).conversations).toEqual([]);
  });
});

describe('chatMessages subscription', () => {
  it('delivers each message once, in order, to the parties only', async () => {
    const { buyer, seller, id } = await conversationPair();
    const query = `subscription($id: ID) { chatMessages(conversationId: $id) { id text sender { id } } }`;
    const inbox = h.subscribe<{ chatMessages: { id: string; text: string } }>(query, buyer, { id });
    const everything = h.subscribe<{ chatMessages: { id: string; text: string } }>(query, seller, {});
    const first = inbox.next();
    const firstOfSeller = everything.next();
    // The subscriptions listen once graphql-ws answered; give them a moment, then send.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const texts = ['첫째', '둘째', '셋째'];
    const sent = [];
    for (const text of texts) sent.push((await h.ok(SEND, { conversationId: id, text }, { identity: seller })).sendMessage.id);
    const received = [(await first).value!.data!.chatMessages];
    for (let i = 1; i < 3; i += 1) received.push((await inbox.next()).value!.data!.chatMessages);
    expect(received.map((m) => m.id)).toEqual(sent);
    expect((await firstOfSeller).value!.data!.chatMessages.id).toBe(sent[0]);
    await inbox.return?.();
    await everything.return?.();

    const stranger = h.subscribe(query, user(), { id });
    const refused = await stranger.next();
    expect((refused.value as any)?.errors?.[0]?.extensions?.code ?? (refused.value as any)?.errors?.[0]?.message).toBe('NOT_FOUND');
  });
});
