// Who may open and write in chat, against real PostgreSQL and Redis with events fed through the
// real consumer: the ration of new conversations (a flood is refused with nothing written; a
// repeat is free), REQUIRE_VERIFICATION (user.verification_requirement_changed), and protected
// sellers (user.profile_updated + safety.score_changed). Copies tolerate events out of order.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Identity } from '@anshim/platform';
import { StartRateLimit } from '../src/conversations/start-rate-limit.ts';
import { ChatHarness, onlyError, user } from './support/harness.ts';

const START = `mutation($productId: ID!) { startConversation(productId: $productId) { id } }`;
const SEND = `mutation($conversationId: ID!, $text: String!) { sendMessage(conversationId: $conversationId, text: $text) { id } }`;

const START_LIMIT = 3;
let h: ChatHarness;
beforeAll(async () => {
  h = await new ChatHarness({ CHAT_START_LIMIT: String(START_LIMIT), CHAT_START_WINDOW_SECONDS: '600', CHAT_START_DAILY_LIMIT: '50' }).start();
});
afterAll(async () => {
  await h?.stop();
});

const start = (productId: string, as: Identity, lang?: string) => h.gql(START, { productId }, { identity: as, lang });
const conversationsOf = (buyer: Identity) => h.prisma.conversation.count({ where: { buyerId: buyer.userId } });

function verification(member: Identity, required: boolean, at: Date) {
  return h.deliver({
    type: 'user.verification_requirement_changed',
    producer: 'user',
    subjectUserId: member.userId,
    data: { userId: member.userId, required, missing: required ? ['SMS', 'ID_CARD'] : [], at: at.toISOString() },
  });
}

function grade(member: Identity, value: 'VERY_SAFE' | 'SAFE' | 'NORMAL' | 'CAUTION' | 'DANGER', version: number) {
  return h.deliver({
    type: 'safety.score_changed',
    producer: 'safety',
    subjectUserId: member.userId,
    data: { userId: member.userId, score: 50, grade: value, previousScore: null, previousGrade: null, version, cause: 'test', changedAt: new Date().toISOString() },
  });
}

function protection(seller: Identity, settings: { protectedMode: boolean; minCounterpartGrade: 'SAFE' | 'NORMAL' | null; protectChats?: boolean }) {
  return h.deliver({
    type: 'user.profile_updated',
    producer: 'user',
    subjectUserId: seller.userId,
    data: { userId: seller.userId, fields: ['protectedMode'], profileCompleteness: 50, ...settings },
  });
}

describe('the ration of new conversations', () => {
  it('refuses a flood beyond the limit with RATE_LIMITED and retryAfter, writing no conversation; repeats stay free', async () => {
    const seller = user();
    const buyer = user();
    const listings = await Promise.all(Array.from({ length: START_LIMIT + 5 }, () => h.listing(seller)));
    const results = await Promise.all(listings.map((productId) => start(productId, buyer)));
    const opened = results.filter((r) => !r.errors);
    const refused = results.filter((r) => r.errors).map(onlyError);
    expect(opened).toHaveLength(START_LIMIT);
    expect(refused).toHaveLength(5);
    for (const error of refused) expect(error).toMatchObject({ code: 'RATE_LIMITED', extensions: { reason: 'CONVERSATION_RATE', retryAfter: expect.any(Number) } });
    expect(refused[0]!.extensions.retryAfter).toBeGreaterThan(0);
    expect(await conversationsOf(buyer)).toBe(START_LIMIT);

    // Returning an existing conversation costs nothing, even with the ration spent.
    const openedIds = opened.map((r) => r.data!.startConversation.id);
    const again = await h.ok(START, { productId: listings[results.indexOf(opened[0]!)] }, { identity: buyer });
    expect(openedIds).toContain(again.startConversation.id);
    expect(onlyError(await start(listings.at(-1)!, buyer, 'en')).message).toMatch(/too many new conversations/);
  });

  it('counts concurrent starts of the same new conversation once, and one member\'s flood does not spend another\'s ration', async () => {
    const seller = user();
    const buyer = user();
    const first = await h.listing(seller);
    const same = await Promise.all(Array.from({ length: 6 }, () => start(first, buyer)));
    expect(same.every((r) => !r.errors)).toBe(true);
    for (let i = 1; i < START_LIMIT; i += 1) expect((await start(await h.listing(seller), buyer)).errors).toBeUndefined();
    expect(onlyError(await start(await h.listing(seller), buyer)).code).toBe('RATE_LIMITED');
    const neighbour = user();
    expect((await start(await h.listing(seller), neighbour)).errors).toBeUndefined();
  });

  it('has a daily ration beside the short one: its retryAfter runs to the end of the day window', async () => {
    const ration = new StartRateLimit(h.redis, { perShortWindow: 100, shortWindowSeconds: 600, perDay: 2 });
    const member = user().userId;
    await ration.take(member);
    await ration.take(member);
    const refused = await ration.take(member).then(() => null, (error: { extensions: Record<string, unknown> }) => error.extensions);
    expect(refused).toMatchObject({ code: 'RATE_LIMITED', reason: 'CONVERSATION_RATE' });
    expect(refused!.retryAfter).toBeGreaterThan(86_000);
    await ration.giveBack(member);
    await ration.take(member); // a count given back (an insert that failed) is usable again
  });
});

describe('REQUIRE_VERIFICATION', () => {
  it('stops sending and starting until the user service says it is satisfied; an older event does not lift it', async () => {
    const seller = user();
    const member = user();
    const existing = (await h.ok(START, { productId: await h.listing(seller) }, { identity: member })).startConversation.id;
    const t0 = new Date();
    await verification(member, true, t0);

    const sending = onlyError(await h.gql(SEND, { conversationId: existing, text: '안녕하세요' }, { identity: member }));
    expect(sending).toMatchObject({ code: 'FORBIDDEN', extensions: { reason: 'VERIFICATION_REQUIRED', missing: ['SMS', 'ID_CARD'] } });
    expect(sending.message).toMatch(/휴대폰\(SMS\) 인증과 신분증 인증/);
    const fresh = await h.listing(seller);
    const starting = onlyError(await start(fresh, member, 'en'));
    expect(starting).toMatchObject({ code: 'FORBIDDEN', extensions: { reason: 'VERIFICATION_REQUIRED' } });
    expect(starting.message).toMatch(/SMS verification and ID card verification/);
    // Abuse: asking for the existing conversation again is no way around it.
    expect(onlyError(await start((await h.prisma.conversation.findUniqueOrThrow({ where: { id: existing } })).productId, member)).code).toBe('FORBIDDEN');
    expect(await h.prisma.message.count({ where: { conversationId: existing } })).toBe(0);
    expect(await conversationsOf(member)).toBe(1);

    await verification(member, false, new Date(t0.getTime() - 60_000)); // late, older: ignored
    expect(onlyError(await h.gql(SEND, { conversationId: existing, text: '안녕하세요' }, { identity: member })).code).toBe('FORBIDDEN');
    await verification(member, false, new Date(t0.getTime() + 1_000));
    expect((await h.gql(SEND, { conversationId: existing, text: '안녕하세요' }, { identity: member })).errors).toBeUndefined();
    expect((await start(fresh, member)).errors).toBeUndefined();
  });
});

describe('protected sellers', () => {
  it('keeps a buyer below the seller\'s minimum out of a new conversation when the seller chose to protect chats', async () => {
    const seller = user();
    await protection(seller, { protectedMode: true, minCounterpartGrade: 'SAFE', protectChats: true });
    const productId = await h.listing(seller);

    const risky = user();
    await grade(risky, 'CAUTION', 1);
    const refused = onlyError(await start(productId, risky, 'en'));
    expect(refused).toMatchObject({ code: 'FORBIDDEN', extensions: { reason: 'BUYER_GRADE_BELOW_MINIMUM', minCounterpartGrade: 'SAFE' } });
    expect(refused.message).toMatch(/only chats with members whose safety grade is safe or better/);
    expect(onlyError(await start(productId, risky)).message).toMatch(/'안전' 이상/);
    // An unscored buyer counts as NORMAL: below SAFE too.
    expect(onlyError(await start(productId, user())).code).toBe('FORBIDDEN');
    expect(await h.prisma.conversation.count({ where: { productId } })).toBe(0);

    const trusted = user();
    await grade(trusted, 'SAFE', 2);
    await grade(trusted, 'CAUTION', 1); // an older recalculation arriving late changes nothing
    expect((await start(productId, trusted)).errors).toBeUndefined();
  });

  it('lets a low-grade buyer in when the seller protects trades only, or switched protection off', async () => {
    const seller = user();
    await protection(seller, { protectedMode: true, minCounterpartGrade: 'SAFE' });
    const buyer = user();
    await grade(buyer, 'CAUTION', 1);
    expect((await start(await h.listing(seller), buyer)).errors).toBeUndefined();

    const guarded = user();
    await protection(guarded, { protectedMode: true, minCounterpartGrade: null, protectChats: true });
    const listing = await h.listing(guarded);
    expect(onlyError(await start(listing, buyer)).extensions.minCounterpartGrade).toBe('NORMAL');
    await protection(guarded, { protectedMode: false, minCounterpartGrade: null, protectChats: true });
    expect((await start(listing, buyer)).errors).toBeUndefined();
  });
});
