// Protected mode in both directions, read from the owner (issue 18 points 4 and 5): a protected
// seller refuses buyers below their minimum grade as a protected buyer refuses sellers, and a
// setting changed a moment ago is in force for the very next trade. The user subgraph is real and
// starts first (port 0); its events never reach this transaction subgraph (each harness has its own
// Redis prefix), so the local copy knows nothing of what the member just did: only the owner read
// can refuse. Without the owner, startTransaction fails closed and writes nothing.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bodySha256, signIdentityHeaders, signServiceHeaders, type Identity } from '@anshim/platform';
import { TRADE_FACTS_ROUTE, USER_FACTS_ROUTE, type SubgraphName } from '@anshim/contracts';
import { createProduct, onlyError, rowsNaming, START, TransactionHarness, withUserOwner } from './support/harness.ts';
import { registerUser, type RegisteredUser } from '../../user/test/support/harness.ts';

// startTransaction reads protection from the user service: the owner starts first, on port 0.
const { owner, h } = withUserOwner();

const PROFILE = `mutation($input: UpdateProfileInput!) { updateProfile(input: $input) { id protectedMode minCounterpartGrade protectChats } }`;
const asIdentity = (u: RegisteredUser): Identity => ({ userId: u.id, role: 'USER' });

async function protect(u: RegisteredUser, input: Record<string, unknown>) {
  const result = await owner.gql(PROFILE, { input }, { token: u.accessToken });
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  return result.data!.updateProfile;
}
const grade = async (userId: string, g: string, score: number) =>
  h.processed(
    await h.publish({
      type: 'safety.score_changed',
      producer: 'safety',
      subjectUserId: userId,
      data: { userId, score, grade: g as 'SAFE', previousScore: null, previousGrade: null, version: 1, cause: 'test', changedAt: new Date().toISOString() },
    }),
  );
// What a refused start could have written for these members (never a whole table: files run side by side).
const tradeCount = (...members: Array<{ id: string }>) => rowsNaming(h, members.map((m) => m.id));

describe('a protected seller', () => {
  it('refuses a buyer below their minimum with a plain reason that does not reveal the minimum; nothing is written', async () => {
    const seller = await registerUser(owner);
    const buyer = await registerUser(owner);
    const product = await createProduct(h, asIdentity(seller));
    // Switched on a moment ago: no event has reached this service's copy.
    expect(await protect(seller, { protectedMode: true, minCounterpartGrade: 'SAFE' })).toMatchObject({ protectedMode: true, minCounterpartGrade: 'SAFE' });
    expect(await h.prisma.userCopy.findUnique({ where: { userId: seller.id } })).toBeNull();

    const before = await tradeCount(seller, buyer);
    const ko = onlyError(await h.gql(START, { id: product.id }, { identity: asIdentity(buyer) }));
    expect(ko).toMatchObject({ code: 'FORBIDDEN', extensions: { reason: 'BUYER_GRADE_BELOW_MINIMUM', buyerGrade: 'NORMAL' } });
    expect(ko.message).toContain('보호 모드');
    expect(ko.message).toContain('(보통)'); // the buyer's own grade
    expect(ko.message).not.toContain('(안전)'); // the seller's private minimum
    expect(ko.extensions).not.toHaveProperty('minCounterpartGrade');
    const en = onlyError(await h.gql(START, { id: product.id }, { identity: asIdentity(buyer), lang: 'en' }));
    expect(en.message).toMatch(/^This seller uses protected mode/);
    expect(en.message).not.toContain('(safe)');
    expect(await tradeCount(seller, buyer)).toEqual(before);
  });

  it('lets a buyer at or above the minimum start the trade', async () => {
    const seller = await registerUser(owner);
    const atMinimum = await registerUser(owner);
    const above = await registerUser(owner);
    await protect(seller, { protectedMode: true, minCounterpartGrade: 'SAFE' });
    await grade(atMinimum.id, 'SAFE', 65);
    await grade(above.id, 'VERY_SAFE', 90);
    for (const buyer of [atMinimum, above]) {
      const product = await createProduct(h, asIdentity(seller));
      const trade = (await h.ok<{ startTransaction: { status: string; seller: { id: string } } }>(START, { id: product.id }, { identity: asIdentity(buyer) })).startTransaction;
      expect(trade).toMatchObject({ status: 'REQUESTED', seller: { id: seller.id } });
    }
  });

  it('with no minimum picked, protection still refuses below NORMAL', async () => {
    const seller = await registerUser(owner);
    const buyer = await registerUser(owner);
    await protect(seller, { protectedMode: true });
    await grade(buyer.id, 'CAUTION', 30);
    const product = await createProduct(h, asIdentity(seller));
    expect(onlyError(await h.gql(START, { id: product.id }, { identity: asIdentity(buyer) })).extensions.reason).toBe('BUYER_GRADE_BELOW_MINIMUM');
  });
});

describe('the owner decides, not the copy', () => {
  it('a protected buyer switched on a moment ago is protected in the very next trade', async () => {
    const seller = await registerUser(owner);
    const buyer = await registerUser(owner);
    const product = await createProduct(h, asIdentity(seller));
    await protect(buyer, { protectedMode: true, minCounterpartGrade: 'VERY_SAFE' });
    const refused = onlyError(await h.gql(START, { id: product.id }, { identity: asIdentity(buyer) }));
    expect(refused.extensions).toMatchObject({ reason: 'SELLER_GRADE_BELOW_MINIMUM', minCounterpartGrade: 'VERY_SAFE' });
  });

  it('protection switched off a moment ago is off, though the copy still says on', async () => {
    const seller = await registerUser(owner);
    const buyer = await registerUser(owner);
    const product = await createProduct(h, asIdentity(seller));
    await protect(seller, { protectedMode: true, minCounterpartGrade: 'VERY_SAFE' });
    // The copy learnt "protected" from an older event; the seller has since switched it off.
    await h.processed(
      await h.publish({
        type: 'user.profile_updated',
        producer: 'user',
        subjectUserId: seller.id,
        data: { userId: seller.id, fields: ['protectedMode'], profileCompleteness: 40, protectedMode: true, minCounterpartGrade: 'VERY_SAFE' },
      }),
    );
    await protect(seller, { protectedMode: false });
    expect((await h.ok<{ startTransaction: { status: string } }>(START, { id: product.id }, { identity: asIdentity(buyer) })).startTransaction.status).toBe('REQUESTED');
  });
});

describe('fail closed', () => {
  it('refuses with TEMPORARILY_UNAVAILABLE and writes nothing when the user service cannot answer', async () => {
    const orphan = new TransactionHarness(); // its owner URL points nowhere
    await orphan.start();
    try {
      const seller = { userId: randomUUID(), role: 'USER' } as const;
      const product = await createProduct(orphan, seller);
      const buyer = { userId: randomUUID(), role: 'USER' } as const;
      const counts = () => rowsNaming(orphan, [seller.userId, buyer.userId]);
      const before = await counts();
      const refused = onlyError(await orphan.gql(START, { id: product.id }, { identity: buyer }));
      expect(refused).toMatchObject({ code: 'TEMPORARILY_UNAVAILABLE', extensions: { reason: 'USER_SERVICE_UNAVAILABLE', retryable: true } });
      expect(refused.message).toContain('보호 설정을 확인할 수 없어');
      expect(await counts()).toEqual(before);
    } finally {
      await orphan.stop();
    }
  });

  it('also when the owner refuses the read (a transaction service with another secret is not believed)', async () => {
    const stranger = new TransactionHarness({ TRANSACTION_USER_SUBGRAPH_URL: owner.url });
    // Its own secrets, not the owner's: every read is answered 401.
    await stranger.start();
    try {
      const product = await createProduct(stranger, { userId: randomUUID(), role: 'USER' });
      const refused = onlyError(await stranger.gql(START, { id: product.id }, { identity: { userId: randomUUID(), role: 'USER' } }));
      expect(refused.code).toBe('TEMPORARILY_UNAVAILABLE');
      expect(await stranger.prisma.transaction.count({ where: { productId: product.id } })).toBe(0);
    } finally {
      await stranger.stop();
    }
  });
});

describe('the internal routes refuse abuse', () => {
  async function post(base: string, target: SubgraphName, route: string, payload: unknown, sign: 'none' | 'member' | SubgraphName) {
    const body = JSON.stringify(payload);
    const signed = { method: 'POST', subgraph: target, path: `/internal/${route}`, bodySha256: bodySha256(body) };
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (sign === 'member') Object.assign(headers, signIdentityHeaders(owner.secrets.INTERNAL_SECRET, { userId: randomUUID(), role: 'ADMIN' }, signed, randomUUID()));
    else if (sign !== 'none') Object.assign(headers, signServiceHeaders(owner.secrets.INTERNAL_SECRET, sign, signed, randomUUID()));
    return fetch(`${base}/internal/${route}`, { method: 'POST', headers, body });
  }

  it('user-facts: unsigned or member-signed is 401, a service that is not a caller 403; a caller gets the facts', async () => {
    const member = await registerUser(owner);
    await protect(member, { protectedMode: true, minCounterpartGrade: 'SAFE', protectChats: true });
    const body = { userIds: [member.id, randomUUID()] };
    expect((await post(owner.base, 'user', USER_FACTS_ROUTE, body, 'none')).status).toBe(401);
    expect((await post(owner.base, 'user', USER_FACTS_ROUTE, body, 'member')).status).toBe(401);
    expect((await post(owner.base, 'user', USER_FACTS_ROUTE, body, 'safety')).status).toBe(403);
    expect((await post(owner.base, 'user', USER_FACTS_ROUTE, { userIds: Array.from({ length: 11 }, () => randomUUID()) }, 'transaction')).status).toBe(400);
    const ok = await post(owner.base, 'user', USER_FACTS_ROUTE, body, 'transaction');
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({
      users: [{ userId: member.id, status: 'ACTIVE', statusUntil: null, protectedMode: true, minCounterpartGrade: 'SAFE', protectChats: true, registeredAt: expect.any(String), paymentApprovingGuardianIds: [] }],
    });
  });

  it('trade-facts: unsigned or member-signed is 401, the user service 403; report and chat get the seller and status', async () => {
    const seller = { userId: randomUUID(), role: 'USER' } as const;
    const product = await createProduct(h, seller);
    const body = { productId: product.id };
    expect((await post(h.base, 'transaction', TRADE_FACTS_ROUTE, body, 'none')).status).toBe(401);
    expect((await post(h.base, 'transaction', TRADE_FACTS_ROUTE, body, 'member')).status).toBe(401);
    expect((await post(h.base, 'transaction', TRADE_FACTS_ROUTE, body, 'user')).status).toBe(403);
    const { updatedAt } = await h.prisma.product.findUniqueOrThrow({ where: { id: product.id }, select: { updatedAt: true } });
    const facts = { product: { productId: product.id, sellerId: seller.userId, status: 'ON_SALE', statusAt: updatedAt.toISOString() }, transaction: null };
    for (const caller of ['report', 'chat'] as const) expect(await (await post(h.base, 'transaction', TRADE_FACTS_ROUTE, body, caller)).json(), caller).toEqual(facts);
  });
});
