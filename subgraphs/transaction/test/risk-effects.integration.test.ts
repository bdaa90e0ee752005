// The monitor's risk actions taking effect in trading, fed through the real consumer:
// - REQUIRE_VERIFICATION (as user.verification_requirement_changed): no listing and no new trade
//   while required, with a coded, plain refusal in Korean and English and nothing written; lifted
//   by a newer "not required"; a late, older event changes nothing;
// - WARN_COUNTERPARTS (monitor.action_taken): the other party of an open trade sees
//   Transaction.safetyNotice, on trades started before and after; the warned person and strangers
//   see nothing; CLEAR removes it; a late, older WARN after CLEAR is ignored.
import { describe, expect, it } from 'vitest';
import type { Identity } from '@anshim/platform';
import { CREATE_PRODUCT, createProduct, MOVE, newUser, onlyError, productInput, rowsNaming, START, withUserOwner } from './support/harness.ts';

// startTransaction reads protection from the user service: the owner starts first, on port 0.
const { h } = withUserOwner();


const requirement = (user: Identity, required: boolean, missing: Array<'SMS' | 'ID_CARD'>, at: number) =>
  h.deliver({
    type: 'user.verification_requirement_changed',
    producer: 'user',
    subjectUserId: user.userId,
    data: { userId: user.userId, required, missing, at: new Date(at).toISOString() },
  });

const action = (user: Identity, kind: 'WARN_COUNTERPARTS' | 'CLEAR' | 'REQUIRE_VERIFICATION', takenAt: number) =>
  h.deliver({
    type: 'monitor.action_taken',
    producer: 'monitor',
    subjectUserId: user.userId,
    data: { userId: user.userId, action: kind, reason: 'automatic: HIGH (OFF_PLATFORM_PAYMENT_REQUEST)', by: null, takenAt: new Date(takenAt).toISOString(), expiresAt: null },
  });

describe('REQUIRE_VERIFICATION (user.verification_requirement_changed)', () => {
  it('stops listing and starting trades with a coded plain refusal (ko and en), writing nothing; a newer "not required" lifts it', async () => {
    const member = newUser();
    const seller = newUser();
    const listing = await createProduct(h, seller);
    const hidden = await createProduct(h, member);
    await h.ok(`mutation($id: ID!) { hideProduct(id: $id) { id } }`, { id: hidden.id }, { identity: member });
    const at = Date.now();
    await requirement(member, true, ['SMS', 'ID_CARD'], at);

    const counts = () => rowsNaming(h, [member.userId, seller.userId]);
    const before = await counts();
    const listingKo = onlyError(await h.gql(CREATE_PRODUCT, { input: productInput() }, { identity: member }));
    expect(listingKo.code).toBe('FORBIDDEN');
    expect(listingKo.extensions).toMatchObject({ reason: 'VERIFICATION_REQUIRED', missing: ['SMS', 'ID_CARD'] });
    expect(listingKo.message).toContain('휴대폰 인증과 신분증 인증을 마치면 다시');
    const listingEn = onlyError(await h.gql(CREATE_PRODUCT, { input: productInput() }, { identity: member, lang: 'en' }));
    expect(listingEn.message).toContain('Complete phone (SMS) verification and ID card verification');
    const tradeKo = onlyError(await h.gql(START, { id: listing.id }, { identity: member }));
    expect(tradeKo).toMatchObject({ code: 'FORBIDDEN', extensions: { reason: 'VERIFICATION_REQUIRED' } });
    expect(tradeKo.message).toContain('거래를 시작할 수 있습니다');
    const tradeEn = onlyError(await h.gql(START, { id: listing.id }, { identity: member, lang: 'en' }));
    expect(tradeEn.message).toContain('start trades again');
    // Putting a hidden listing back on sale is listing too.
    const unhide = onlyError(await h.gql(`mutation($id: ID!) { unhideProduct(id: $id) { id } }`, { id: hidden.id }, { identity: member }));
    expect(unhide.extensions.reason).toBe('VERIFICATION_REQUIRED');
    expect((await h.prisma.product.findUnique({ where: { id: hidden.id }, select: { status: true } }))!.status).toBe('HIDDEN');
    expect(await counts()).toEqual(before);
    // The listing itself is untouched (a refused trade reserves nothing).
    expect((await h.prisma.product.findUnique({ where: { id: listing.id }, select: { status: true } }))!.status).toBe('ON_SALE');

    // SMS done: only the ID card is left, and the message says so.
    await requirement(member, true, ['ID_CARD'], at + 1000);
    const idOnly = onlyError(await h.gql(CREATE_PRODUCT, { input: productInput() }, { identity: member }));
    expect(idOnly.extensions.missing).toEqual(['ID_CARD']);
    expect(idOnly.message).toContain('신분증 인증을 마치면');
    expect(idOnly.message).not.toContain('휴대폰');

    await requirement(member, false, [], at + 2000);
    expect((await createProduct(h, member)).id).toBeTruthy();
    const started = await h.ok<{ startTransaction: { status: string } }>(START, { id: listing.id }, { identity: member });
    expect(started.startTransaction.status).toBe('REQUESTED');
  });

  it('a late, older "required" after the lift changes nothing, and a repeat changes nothing twice', async () => {
    const member = newUser();
    const at = Date.now();
    await requirement(member, true, ['SMS', 'ID_CARD'], at);
    await requirement(member, false, [], at + 5000);
    await requirement(member, true, ['SMS', 'ID_CARD'], at); // stale (e.g. a retried delivery of the first)
    await requirement(member, false, [], at + 5000); // the same fact again
    const copy = await h.prisma.verificationRequirementCopy.findUnique({ where: { userId: member.userId } });
    expect(copy).toMatchObject({ required: false, missing: [], changedAt: new Date(at + 5000) });
    expect((await createProduct(h, member)).id).toBeTruthy();
  });

  it('only the subject is stopped: someone else may still buy from a member under the requirement', async () => {
    const seller = newUser();
    const listing = await createProduct(h, seller);
    await requirement(seller, true, ['ID_CARD'], Date.now());
    const started = await h.ok<{ startTransaction: { status: string } }>(START, { id: listing.id }, { identity: newUser() });
    expect(started.startTransaction.status).toBe('REQUESTED');
  });
});

describe('WARN_COUNTERPARTS (monitor.action_taken)', () => {
  const NOTICE = /* GraphQL */ `query($id: ID!) { transaction(id: $id) { id safetyNotice } }`;
  const ENTITY = /* GraphQL */ `query($r: [_Any!]!) { _entities(representations: $r) { ... on Transaction { id safetyNotice } } }`;
  const noticeFor = async (tradeId: string, as: Identity, lang?: string) =>
    (await h.ok<{ transaction: { safetyNotice: string | null } }>(NOTICE, { id: tradeId }, { identity: as, lang })).transaction.safetyNotice;
  const startTrade = async (productId: string, buyer: Identity) => (await h.ok<{ startTransaction: { id: string } }>(START, { id: productId }, { identity: buyer })).startTransaction.id;

  it('the counterpart of an open trade sees a plain notice (old and new trades); the subject and strangers do not; CLEAR removes it', async () => {
    const fraudster = newUser();
    const buyer = newUser();
    const laterBuyer = newUser();
    const stranger = newUser();
    const first = await createProduct(h, fraudster);
    const second = await createProduct(h, fraudster);
    const openTrade = await startTrade(first.id, buyer);
    expect(await noticeFor(openTrade, buyer)).toBeNull();

    const at = Date.now();
    await action(fraudster, 'WARN_COUNTERPARTS', at);
    const ko = await noticeFor(openTrade, buyer);
    expect(ko).toContain('돈을 먼저 보내지 말고');
    expect(await noticeFor(openTrade, buyer, 'en')).toContain('Do not send money first');
    // The warned person learns nothing from their own trade.
    expect(await noticeFor(openTrade, fraudster)).toBeNull();
    // A trade started after the warning shows it too.
    const laterTrade = await startTrade(second.id, laterBuyer);
    expect(await noticeFor(laterTrade, laterBuyer)).toBe(ko);

    // Abuse: a stranger asking for someone else's trade gets nothing new (refused; null via _entities).
    const refused = onlyError(await h.gql(NOTICE, { id: openTrade }, { identity: stranger }));
    expect(refused.code).toBe('FORBIDDEN');
    expect(refused.message).not.toContain('돈을 먼저');
    const viaEntities = await h.ok<{ _entities: Array<unknown> }>(ENTITY, { r: [{ __typename: 'Transaction', id: openTrade }] }, { identity: stranger });
    expect(viaEntities._entities).toEqual([null]);

    // A finished trade no longer needs it.
    await h.ok(MOVE, { id: laterTrade, status: 'CANCELLED' }, { identity: laterBuyer });
    expect(await noticeFor(laterTrade, laterBuyer)).toBeNull();

    await action(fraudster, 'CLEAR', at + 1000);
    expect(await noticeFor(openTrade, buyer)).toBeNull();
    await action(fraudster, 'WARN_COUNTERPARTS', at); // late and older than the CLEAR: ignored
    expect(await noticeFor(openTrade, buyer)).toBeNull();
    expect(await h.prisma.counterpartWarning.findUnique({ where: { userId: fraudster.userId } })).toMatchObject({ active: false, actionAt: new Date(at + 1000) });
  });

  it('REQUIRE_VERIFICATION from the monitor alone stops nothing here: the user service decides when it is in force', async () => {
    const member = newUser();
    await action(member, 'REQUIRE_VERIFICATION', Date.now());
    expect((await createProduct(h, member)).id).toBeTruthy();
  });
});
