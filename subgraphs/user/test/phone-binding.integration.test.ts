// A phone number is bound to an account only through a code sent to it first, and no answer tells
// whether another member holds the number: register and updateProfile keep it pending and answer
// alike either way, the code is sent either way, and a number another account already proved stays
// there while the new confirmer gets a CONFLICT that names no one. User subgraph, real PostgreSQL
// and Redis, the console SMS provider.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bindPendingPhone, onlyError, REGISTER, registerUser, registerWithBoundPhone, uniqueEmail, uniquePhone, UserHarness } from './support/harness.ts';

const h = new UserHarness();
beforeAll(() => h.start());
afterAll(() => h.stop());

const UPDATE = `mutation($input: UpdateProfileInput!) { updateProfile(input: $input) { id phone pendingPhone verifications { method } } }`;
const REQUEST = `mutation { requestVerification(method: SMS) { id method sentTo } }`;
const CONFIRM = `mutation($id: ID!, $code: String!) { confirmVerification(challengeId: $id, code: $code) { id phone pendingPhone verifications { method } } }`;
const ME = `{ me { phone pendingPhone verifications { method } } }`;

/** The answer with what differs between any two registrations (ids, tokens, emails, the number typed) blanked out. */
function shapeOf(result: { status: number; errors?: unknown; data?: Record<string, any> | null }) {
  const user = result.data?.register?.user ?? result.data?.updateProfile;
  return { status: result.status, errors: result.errors ?? null, keys: Object.keys(user ?? {}).sort(), phone: user?.phone ?? null, pending: user?.pendingPhone ? 'set' : null };
}

describe('register and updateProfile never bind a phone', () => {
  it('register keeps the number pending: not the account phone, no lookup hash, masked for no one else', async () => {
    const phone = uniquePhone();
    const user = await registerUser(h, { phone });
    const row = await h.prisma.user.findUniqueOrThrow({ where: { id: user.id }, select: { phoneEncrypted: true, phoneHash: true, pendingPhoneEncrypted: true } });
    expect(row).toMatchObject({ phoneEncrypted: null, phoneHash: null, pendingPhoneEncrypted: expect.any(String) });
    expect((await h.gql(ME, {}, { token: user.accessToken })).data!.me).toEqual({ phone: null, pendingPhone: phone, verifications: [] });
    const stranger = await registerUser(h);
    const seen = (await h.gql(`query($id: ID!) { user(id: $id) { phone pendingPhone } }`, { id: user.id }, { token: stranger.accessToken })).data!.user;
    expect(seen).toEqual({ phone: null, pendingPhone: null });
  });

  it('registering or updating with a number another member holds answers exactly like a free number', async () => {
    const holder = await registerWithBoundPhone(h);
    const held = holder.phone!;
    const input = (phone: string) => ({ input: { email: uniqueEmail(), password: 'correct-horse-battery', nickname: '둘째', phone } });
    const withHeld = await h.gql(REGISTER, input(`+82 ${held.slice(1)}`));
    const withFree = await h.gql(REGISTER, input(uniquePhone()));
    expect(shapeOf(withHeld)).toEqual(shapeOf(withFree));
    expect(withHeld.errors).toBeUndefined();

    const someone = await registerUser(h);
    const updateHeld = await h.gql(UPDATE, { input: { phone: held } }, { token: someone.accessToken });
    const other = await registerUser(h);
    const updateFree = await h.gql(UPDATE, { input: { phone: uniquePhone() } }, { token: other.accessToken });
    expect(shapeOf(updateHeld)).toEqual(shapeOf(updateFree));
    expect(updateHeld.errors).toBeUndefined();

    // The code goes out either way, with the same kind of answer.
    const requestHeld = await h.gql(REQUEST, {}, { token: someone.accessToken });
    const requestFree = await h.gql(REQUEST, {}, { token: other.accessToken });
    expect(requestHeld.errors).toBeUndefined();
    expect(Object.keys(requestHeld.data!.requestVerification)).toEqual(Object.keys(requestFree.data!.requestVerification));
    expect(requestHeld.data!.requestVerification.sentTo).toBe(`010-****-${held.slice(-4)}`);
  });
});

describe('the code binds the number', () => {
  it('confirming the code sent to the pending number binds it, verifies SMS and tells the other services', async () => {
    const phone = uniquePhone();
    const user = await registerUser(h, { phone });
    const wrong = await h.gql(REQUEST, {}, { token: user.accessToken });
    const code = await h.latestCode(phone);
    const typo = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    expect(onlyError(await h.gql(CONFIRM, { id: wrong.data!.requestVerification.id, code: typo }, { token: user.accessToken })).code).toBe('BAD_USER_INPUT');
    expect((await h.gql(ME, {}, { token: user.accessToken })).data!.me.phone).toBeNull();

    const confirmed = await h.gql(CONFIRM, { id: wrong.data!.requestVerification.id, code }, { token: user.accessToken });
    expect(confirmed.errors).toBeUndefined();
    expect(confirmed.data!.confirmVerification).toMatchObject({ phone, pendingPhone: null, verifications: [{ method: 'SMS' }] });
    const events = await h.prisma.outboxEvent.findMany({ where: { payload: { path: ['subjectUserId'], equals: user.id } }, select: { type: true, payload: true } });
    const profile = events.find((e) => e.type === 'user.profile_updated')!;
    const verified = events.find((e) => e.type === 'user.verified')!;
    expect((profile.payload as any).data.fields).toEqual(['phone', 'verifications']);
    // The phone change is dated before its verification, so consumers keep the verification.
    expect(Date.parse((profile.payload as any).occurredAt)).toBeLessThan(Date.parse((verified.payload as any).data.verifiedAt));
  });

  it('a verified member changing numbers keeps the old one (and its verification) until the new code is confirmed', async () => {
    const user = await registerWithBoundPhone(h);
    const next = uniquePhone();
    expect((await h.gql(UPDATE, { input: { phone: next } }, { token: user.accessToken })).data!.updateProfile).toMatchObject({ phone: user.phone, pendingPhone: next, verifications: [{ method: 'SMS' }] });
    const bound = await bindPendingPhone(h, { accessToken: user.accessToken, phone: next });
    expect(bound.data!.confirmVerification).toMatchObject({ phone: next, pendingPhone: null, verifications: [{ method: 'SMS' }] });
  });

  it('a number another account proved stays there: the new confirmer gets a CONFLICT naming no one, and nothing changes', async () => {
    const holder = await registerWithBoundPhone(h, { nickname: '먼저인증한사람' });
    const claimant = await registerUser(h, { phone: holder.phone });
    const challenge = (await h.gql(REQUEST, {}, { token: claimant.accessToken })).data!.requestVerification;
    const code = await h.latestCode(holder.phone!);
    const refused = await h.gql(CONFIRM, { id: challenge.id, code }, { token: claimant.accessToken });
    const error = onlyError(refused);
    expect(error.code).toBe('CONFLICT');
    expect(error.message).toBe('이 번호는 이 계정에 연결할 수 없습니다. 번호를 다시 확인하고, 문제가 계속되면 고객센터에 문의해 주세요.');
    expect(JSON.stringify(refused.errors)).not.toMatch(new RegExp(`${holder.id}|${holder.email}|먼저인증한사람`));
    // The holder keeps the number and its verification; the claimant has neither; the code is spent.
    expect((await h.gql(ME, {}, { token: holder.accessToken })).data!.me).toMatchObject({ phone: holder.phone, verifications: [{ method: 'SMS' }] });
    expect((await h.gql(ME, {}, { token: claimant.accessToken })).data!.me).toMatchObject({ phone: null, verifications: [] });
    expect(onlyError(await h.gql(CONFIRM, { id: challenge.id, code }, { token: claimant.accessToken })).code).toBe('BAD_USER_INPUT');
    const en = await h.gql(CONFIRM, { id: (await h.gql(REQUEST, {}, { token: claimant.accessToken })).data!.requestVerification.id, code: await h.latestCode(holder.phone!) }, { token: claimant.accessToken, lang: 'en' });
    expect(onlyError(en).message).toBe('This number cannot be linked to this account. Check the number, and contact support if the problem continues.');
  });

  it('two accounts confirming the same number: the first binds it, the second is refused the same way', async () => {
    const phone = uniquePhone();
    const [first, second] = [await registerUser(h, { phone }), await registerUser(h, { phone })];
    const firstChallenge = (await h.gql(REQUEST, {}, { token: first.accessToken })).data!.requestVerification;
    const firstCode = await h.latestCode(phone);
    const secondChallenge = (await h.gql(REQUEST, {}, { token: second.accessToken })).data!.requestVerification;
    const secondCode = await h.latestCode(phone);
    expect((await h.gql(CONFIRM, { id: firstChallenge.id, code: firstCode }, { token: first.accessToken })).data!.confirmVerification.phone).toBe(phone);
    expect(onlyError(await h.gql(CONFIRM, { id: secondChallenge.id, code: secondCode }, { token: second.accessToken })).code).toBe('CONFLICT');
    expect(await h.prisma.user.count({ where: { phoneHash: { not: null }, id: { in: [first.id, second.id] } } })).toBe(1);
  });
});
