// The user subgraph over HTTP against real PostgreSQL and Redis: every refusal says why with a
// code and writes nothing; the happy paths leave exactly the rows and events they should.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blacklistKey, bodySha256, signIdentityHeaders, verifyAccessToken } from '@anshim/platform';
import { sessionKey } from '../src/auth/auth-service.ts';
import { hex, onlyError, REGISTER, registerUser, registerWithBoundPhone, signedInToken, uniqueEmail, uniquePhone, UserHarness, type RegisteredUser } from './support/harness.ts';

const adminEmail = `admin-${hex(4)}@anshim.test`;
const adminPassword = 'admin-password-1234';
const h = new UserHarness({ BOOTSTRAP_ADMIN_EMAIL: adminEmail, BOOTSTRAP_ADMIN_PASSWORD: adminPassword });

beforeAll(() => h.start());
afterAll(() => h.stop());

const LOGIN = /* GraphQL */ `
  mutation Login($email: String!, $password: String!) {
    login(email: $email, password: $password) { accessToken refreshToken user { id email role } }
  }
`;
const REFRESH = /* GraphQL */ `
  mutation Refresh($token: String!) { refreshToken(refreshToken: $token) { accessToken refreshToken user { id } } }
`;
const REQUEST = /* GraphQL */ `
  mutation Request($method: VerificationMethod!) { requestVerification(method: $method) { id method sentTo expiresAt } }
`;
const CONFIRM = /* GraphQL */ `
  mutation Confirm($id: ID!, $code: String!) {
    confirmVerification(challengeId: $id, code: $code) { id verifications { method verifiedAt } profileCompleteness }
  }
`;
const UPDATE = /* GraphQL */ `
  mutation Update($input: UpdateProfileInput!, $userId: ID) {
    updateProfile(input: $input, userId: $userId) {
      id nickname phone bio region protectedMode minCounterpartGrade profileCompleteness verifications { method }
    }
  }
`;
const PROFILE_FIELDS = 'id nickname email phone role status statusUntil minCounterpartGrade protectedMode profileCompleteness';

// Other test files (and e2e runs) share this database, so "nothing was written" is judged by
// the SQL this server ran, not by row counts: no INSERT, UPDATE or DELETE during the request.
// The outbox relay's own bookkeeping (marking rows published) and the outbound sender's (leasing,
// marking sent or expired: it polls outbound_messages every few seconds) run in the background and are
// not writes by the request; a message the request enqueued would still show as an INSERT.
const WRITE = /^\s*(INSERT|UPDATE|DELETE|MERGE)\b/i;
const BACKGROUND_BOOKKEEPING = /^\s*UPDATE (outbox_events SET published_at|outbound_messages SET )/i;
const writesIn = (queries: string[]) => queries.filter((sql) => WRITE.test(sql) && !BACKGROUND_BOOKKEEPING.test(sql));

async function expectNothingWritten<T>(action: () => Promise<T>): Promise<T> {
  const from = h.queries.length;
  const result = await action();
  expect(writesIn(h.queries.slice(from))).toEqual([]);
  return result;
}

async function outboxFor(type: string, userId: string) {
  const rows = await h.prisma.outboxEvent.findMany({
    where: { type, payload: { path: ['subjectUserId'], equals: userId } },
    select: { type: true, topic: true, payload: true },
  });
  return rows.map((r) => ({ ...r, payload: r.payload as { data: Record<string, unknown>; producer: string } }));
}

const adminToken = () => signedInToken(h, adminEmail, adminPassword);

describe('register refuses bad input and writes nothing', () => {
  it('(the write detector sees the writes of a successful registration)', async () => {
    const from = h.queries.length;
    await registerUser(h);
    const writes = writesIn(h.queries.slice(from)).join('\n');
    expect(writes).toMatch(/INSERT INTO "svc_user"\."users"/);
    expect(writes).toMatch(/INSERT INTO "svc_user"\."refresh_tokens"/);
    expect(writes).toMatch(/INSERT INTO outbox_events/);
  });

  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['a malformed email', { email: 'not-an-email', password: 'long-enough-pw', nickname: '안심' }, 'email'],
    ['an email with spaces inside', { email: 'kim an@example.com', password: 'long-enough-pw', nickname: '안심' }, 'email'],
    ['a password shorter than 10', { email: uniqueEmail(), password: 'short-pw', nickname: '안심' }, 'password'],
    ['an empty nickname', { email: uniqueEmail(), password: 'long-enough-pw', nickname: '   ' }, 'nickname'],
    ['a nickname over 30 characters', { email: uniqueEmail(), password: 'long-enough-pw', nickname: '가'.repeat(31) }, 'nickname'],
    ['a phone that is not a Korean mobile', { email: uniqueEmail(), password: 'long-enough-pw', nickname: '안심', phone: '02-123-4567' }, 'phone'],
  ];
  it.each(cases)('%s → BAD_USER_INPUT naming the field', async (_name, input, field) => {
    const result = await expectNothingWritten(() => h.gql(REGISTER, { input }));
    const error = onlyError(result);
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.extensions.fields.map((f: { field: string }) => f.field)).toEqual([field]);
    expect(result.data).toBeNull();
  });

  it('accepts exactly 30 characters and 10-character passwords', async () => {
    const user = await registerUser(h, { nickname: '가'.repeat(30), password: 'sea-glass7' });
    expect(user.id).toBeTruthy();
  });

  it('refuses a common password or the email as the password, naming the field, and creates nothing', async () => {
    const email = uniqueEmail('weak');
    for (const [password, reason] of [['1234567890', 'passwordCommon'], ['Password123', 'passwordCommon'], [email.toUpperCase(), 'passwordIsEmail']] as const) {
      const error = onlyError(await h.gql(REGISTER, { input: { email, password, nickname: '약한비번' } }));
      expect([error.code, error.extensions.fields]).toEqual(['BAD_USER_INPUT', [{ field: 'password', reason, message: expect.any(String) }]]);
    }
    expect(await h.prisma.user.count({ where: { email } })).toBe(0);
  });

  it('lists every problem at once', async () => {
    const result = await expectNothingWritten(() => h.gql(REGISTER, { input: { email: 'x', password: 'y', nickname: '' } }));
    const error = onlyError(result);
    expect(error.extensions.fields.map((f: { field: string }) => f.field).sort()).toEqual(['email', 'nickname', 'password']);
    expect(error.message).toContain('비밀번호는 10자 이상');
  });

  it('refuses a duplicate email, whatever its case → CONFLICT', async () => {
    const first = await registerUser(h);
    const result = await expectNothingWritten(() =>
      h.gql(REGISTER, { input: { email: `  ${first.email.toUpperCase()} `, password: 'another-password', nickname: '둘째' } }),
    );
    const error = onlyError(result);
    expect(error.code).toBe('CONFLICT');
    expect(error.extensions.field).toBe('email');
  });

  it('refuses unknown input fields before running anything → GRAPHQL_VALIDATION_FAILED', async () => {
    const email = uniqueEmail();
    const result = await expectNothingWritten(() =>
      h.gql(REGISTER, { input: { email, password: 'long-enough-pw', nickname: '안심', role: 'ADMIN' } }),
    );
    // In variables, Apollo reports the unknown field while coercing them, before execution.
    expect(result.status).toBe(400);
    expect(onlyError(result).code).toBe('BAD_USER_INPUT');
    expect(onlyError(result).message).toContain('"role" is not defined');
    const literal = await expectNothingWritten(() =>
      h.gql(`mutation { register(input: { email: "${email}", password: "long-enough-pw", nickname: "안심", role: ADMIN }) { accessToken } }`),
    );
    expect(literal.status).toBe(400);
    expect(onlyError(literal).code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});

describe('register and sign in', () => {
  it('stores the account with a lowercased email, an argon2id hash and an encrypted phone, and emits user.registered', async () => {
    const phone = uniquePhone();
    const email = `Mixed.Case-${hex(4)}@Example.COM`;
    const result = await h.gql(REGISTER, { input: { email, password: 'correct-horse-battery', nickname: '  김안심  ', phone } });
    expect(result.errors).toBeUndefined();
    const { user, accessToken, refreshToken } = result.data!.register;
    // The new user sees their own private fields in the payload.
    // The phone waits for its SMS code (phone-binding.integration.test.ts): pending, not bound.
    expect(user).toMatchObject({ email: email.toLowerCase(), phone: null, pendingPhone: phone, nickname: '김안심', role: 'USER', status: 'ACTIVE' });
    expect(refreshToken).toMatch(/^[\w-]{40,}$/);
    const claims = await verifyAccessToken(h.secrets.JWT_SECRET, accessToken);
    expect(claims.ok && claims.claims.userId).toBe(user.id);
    expect(claims.ok && claims.claims.exp - Math.floor(Date.now() / 1000)).toBeLessThanOrEqual(15 * 60);

    const row = await h.prisma.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row.email).toBe(email.toLowerCase());
    expect(row.passwordHash).toMatch(/^\$argon2id\$/);
    expect(row.pendingPhoneEncrypted).not.toContain(phone.replace(/-/g, ''));
    expect(row.phoneEncrypted).toBeNull();
    expect(row.phoneHash).toBeNull();
    const tokens = await h.prisma.refreshToken.findMany({ where: { userId: user.id } });
    expect(tokens).toHaveLength(1);
    expect(tokens[0]!.tokenHash).not.toBe(refreshToken);

    const events = await outboxFor('user.registered', user.id);
    expect(events).toHaveLength(1);
    expect(events[0]!.topic).toBe('user.events');
    expect(events[0]!.payload).toMatchObject({ producer: 'user', data: { userId: user.id, nickname: '김안심' } });
    expect(JSON.stringify(events[0]!.payload)).not.toContain(email.toLowerCase()); // no PII on the bus
  });

  it('gives the same UNAUTHENTICATED answer for a wrong password and an unknown email', async () => {
    const user = await registerUser(h);
    const wrong = await expectNothingWritten(() => h.gql(LOGIN, { email: user.email, password: 'not-the-password' }));
    const unknown = await expectNothingWritten(() => h.gql(LOGIN, { email: uniqueEmail('ghost'), password: user.password }));
    expect(onlyError(wrong).code).toBe('UNAUTHENTICATED');
    expect(onlyError(unknown).code).toBe('UNAUTHENTICATED');
    expect(onlyError(wrong).message).toBe(onlyError(unknown).message);
    expect(onlyError(wrong).extensions).toEqual(onlyError(unknown).extensions);
    // An absurdly long password is refused the same way, without hashing it.
    const huge = await expectNothingWritten(() => h.gql(LOGIN, { email: user.email, password: 'x'.repeat(10_000) }));
    expect(onlyError(huge)).toMatchObject({ code: 'UNAUTHENTICATED', message: onlyError(wrong).message });
  });

  it('signs in with the email in any case', async () => {
    const user = await registerUser(h);
    const result = await h.gql(LOGIN, { email: user.email.toUpperCase(), password: user.password });
    expect(result.data!.login.user).toEqual({ id: user.id, email: user.email, role: 'USER' });
  });
});

describe('sessions', () => {
  it('rotates refresh tokens, and reusing an old one revokes its whole family', async () => {
    const user = await registerUser(h);
    const login = (await h.gql(LOGIN, { email: user.email, password: user.password })).data!.login;
    const r1 = login.refreshToken as string;
    const second = (await h.gql(REFRESH, { token: r1 })).data!.refreshToken;
    expect(second.user.id).toBe(user.id);
    expect(second.refreshToken).not.toBe(r1);
    const third = (await h.gql(REFRESH, { token: second.refreshToken })).data!.refreshToken;

    const reuse = await h.gql(REFRESH, { token: r1 });
    expect(onlyError(reuse).code).toBe('UNAUTHENTICATED');
    // The newest token of that family is dead too: a thief and the owner are both signed out.
    expect(onlyError(await h.gql(REFRESH, { token: third.refreshToken })).code).toBe('UNAUTHENTICATED');
    const family = await h.prisma.refreshToken.findMany({ where: { userId: user.id, revokedAt: { not: null } } });
    expect(family).toHaveLength(3);
    // The session from registration is another family and keeps working.
    expect((await h.gql(REFRESH, { token: user.refreshToken })).errors).toBeUndefined();
  });

  it('refuses an unknown refresh token', async () => {
    const result = await expectNothingWritten(() => h.gql(REFRESH, { token: 'not-a-real-token' }));
    expect(onlyError(result).code).toBe('UNAUTHENTICATED');
  });

  it('logout blacklists the access token until it expires and ends that session only', async () => {
    const user = await registerUser(h);
    const login = (await h.gql(LOGIN, { email: user.email, password: user.password })).data!.login;
    const claims = await verifyAccessToken(h.secrets.JWT_SECRET, login.accessToken);
    if (!claims.ok) throw new Error('token did not verify');
    expect(await h.redis.get(sessionKey(claims.claims.jti))).toBeTruthy();

    const result = await h.gql('mutation { logout }', {}, { token: login.accessToken });
    expect(result.data).toEqual({ logout: true });
    const ttl = await h.redis.ttl(blacklistKey(claims.claims.jti));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(15 * 60);
    expect(await h.gatewayIdentity(login.accessToken)).toBeNull();
    expect(onlyError(await h.gql(REFRESH, { token: login.refreshToken })).code).toBe('UNAUTHENTICATED');
    // Other devices stay signed in.
    expect((await h.gql(REFRESH, { token: user.refreshToken })).errors).toBeUndefined();
    expect((await h.gql('{ me { id } }', {}, { token: user.accessToken })).data).toEqual({ me: { id: user.id } });
  });

  it('logout needs a signed-in caller', async () => {
    expect(onlyError(await h.gql('mutation { logout }')).code).toBe('UNAUTHENTICATED');
  });
});

describe('email verification', () => {
  it('sends a code that /dev/messages shows, and confirming it verifies the email', async () => {
    const user = await registerUser(h, { email: `Verify-${hex(4)}@Example.com` });
    const challenge = (await h.gql(REQUEST, { method: 'EMAIL' }, { token: user.accessToken })).data!.requestVerification;
    expect(challenge.method).toBe('EMAIL');
    expect(challenge.sentTo).toMatch(/^ve\*\*\*@example\.com$/);
    expect(new Date(challenge.expiresAt).getTime() - Date.now()).toBeGreaterThan(9 * 60 * 1000);
    // Matched case-insensitively.
    const code = await h.latestCode(user.email.toUpperCase());
    const stored = await h.prisma.verificationChallenge.findUniqueOrThrow({ where: { id: challenge.id } });
    expect(stored.codeHash).not.toContain(code);

    const confirmed = await h.gql(CONFIRM, { id: challenge.id, code }, { token: user.accessToken });
    expect(confirmed.errors).toBeUndefined();
    expect(confirmed.data!.confirmVerification.verifications.map((v: { method: string }) => v.method)).toEqual(['EMAIL']);
    expect(confirmed.data!.confirmVerification.profileCompleteness).toBe(10 + 20);
    const events = await outboxFor('user.verified', user.id);
    expect(events.map((e) => e.payload.data.method)).toEqual(['EMAIL']);

    // A used challenge cannot be confirmed twice.
    const again = await expectNothingWritten(() => h.gql(CONFIRM, { id: challenge.id, code }, { token: user.accessToken }));
    expect(onlyError(again).code).toBe('BAD_USER_INPUT');
    // Nor can a verified method be requested again.
    expect(onlyError(await h.gql(REQUEST, { method: 'EMAIL' }, { token: user.accessToken })).code).toBe('CONFLICT');
  });

  it('a wrong code says how many tries are left and verifies nothing; the fifth kills the challenge', async () => {
    const user = await registerUser(h);
    const challenge = (await h.gql(REQUEST, { method: 'EMAIL' }, { token: user.accessToken })).data!.requestVerification;
    const code = await h.latestCode(user.email);
    const wrongCode = code === '000000' ? '111111' : '000000';
    for (let attempt = 1; attempt <= 5; attempt++) {
      const result = await h.gql(CONFIRM, { id: challenge.id, code: wrongCode }, { token: user.accessToken });
      const error = onlyError(result);
      expect(error.code).toBe('BAD_USER_INPUT');
      expect(error.extensions.attemptsLeft).toBe(5 - attempt);
    }
    // Even the right code is refused now.
    const late = await h.gql(CONFIRM, { id: challenge.id, code }, { token: user.accessToken });
    expect(onlyError(late).code).toBe('BAD_USER_INPUT');
    expect(onlyError(late).message).toContain('여러 번 틀려');
    expect(await h.prisma.verification.count({ where: { userId: user.id } })).toBe(0);
    expect(await outboxFor('user.verified', user.id)).toHaveLength(0);
  });

  it('a code in the wrong format does not use up a try', async () => {
    const user = await registerUser(h);
    const challenge = (await h.gql(REQUEST, { method: 'EMAIL' }, { token: user.accessToken })).data!.requestVerification;
    const result = await expectNothingWritten(() => h.gql(CONFIRM, { id: challenge.id, code: '12ab' }, { token: user.accessToken }));
    expect(onlyError(result).code).toBe('BAD_USER_INPUT');
  });

  it('refuses an expired code', async () => {
    const user = await registerUser(h);
    const challenge = (await h.gql(REQUEST, { method: 'EMAIL' }, { token: user.accessToken })).data!.requestVerification;
    const code = await h.latestCode(user.email);
    // Ten minutes pass.
    await h.prisma.verificationChallenge.update({ where: { id: challenge.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const result = await expectNothingWritten(() => h.gql(CONFIRM, { id: challenge.id, code }, { token: user.accessToken }));
    expect(onlyError(result).code).toBe('BAD_USER_INPUT');
    expect(onlyError(result).message).toContain('유효 시간');
  });

  it("someone else's challenge is NOT_FOUND", async () => {
    const owner = await registerUser(h);
    const other = await registerUser(h);
    const challenge = (await h.gql(REQUEST, { method: 'EMAIL' }, { token: owner.accessToken })).data!.requestVerification;
    const code = await h.latestCode(owner.email);
    const result = await expectNothingWritten(() => h.gql(CONFIRM, { id: challenge.id, code }, { token: other.accessToken }));
    expect(onlyError(result).code).toBe('NOT_FOUND');
    expect(onlyError(await h.gql(CONFIRM, { id: 'nope', code }, { token: other.accessToken })).code).toBe('NOT_FOUND');
  });

  it('only the newest code works', async () => {
    const user = await registerUser(h);
    const first = (await h.gql(REQUEST, { method: 'EMAIL' }, { token: user.accessToken })).data!.requestVerification;
    const firstCode = await h.latestCode(user.email);
    await h.gql(REQUEST, { method: 'EMAIL' }, { token: user.accessToken });
    const result = await h.gql(CONFIRM, { id: first.id, code: firstCode }, { token: user.accessToken });
    expect(onlyError(result).code).toBe('BAD_USER_INPUT');
  });

  it('too many code requests → RATE_LIMITED with retryAfter, and no challenge is created', async () => {
    const user = await registerUser(h);
    for (let i = 0; i < 5; i++) expect((await h.gql(REQUEST, { method: 'EMAIL' }, { token: user.accessToken })).errors).toBeUndefined();
    const messagesBefore = (await h.messagesTo(user.email)).length;
    const result = await expectNothingWritten(() => h.gql(REQUEST, { method: 'EMAIL' }, { token: user.accessToken }));
    const error = onlyError(result);
    expect(error.code).toBe('RATE_LIMITED');
    expect(error.extensions.retryAfter).toBeGreaterThan(3500);
    expect(error.extensions.retryAfter).toBeLessThanOrEqual(3600);
    expect((await h.messagesTo(user.email)).length).toBe(messagesBefore);
    // The limit is per method: SMS is still allowed.
    expect(onlyError(await h.gql(REQUEST, { method: 'SMS' }, { token: user.accessToken })).message).toContain('휴대전화 번호');
  });

  it('needs a signed-in caller', async () => {
    expect(onlyError(await expectNothingWritten(() => h.gql(REQUEST, { method: 'EMAIL' }))).code).toBe('UNAUTHENTICATED');
  });
});

describe('SMS verification', () => {
  it('works with a dashed phone number, found in /dev/messages by its digits', async () => {
    const phone = uniquePhone();
    const digits = phone.replace(/-/g, '');
    const user = await registerUser(h, { phone });
    const challenge = (await h.gql(REQUEST, { method: 'SMS' }, { token: user.accessToken })).data!.requestVerification;
    expect(challenge.sentTo).toBe(`010-****-${digits.slice(-4)}`);
    const [message] = await h.messagesTo(phone);
    expect(message).toMatchObject({ channel: 'sms', to: digits });
    expect((await h.messagesTo(digits))[0]).toEqual(message);
    const code = await h.latestCode(digits);
    const confirmed = await h.gql(CONFIRM, { id: challenge.id, code }, { token: user.accessToken });
    expect(confirmed.data!.confirmVerification.verifications.map((v: { method: string }) => v.method)).toEqual(['SMS']);
    // nickname 10 + phone 15 + phone verified 30
    expect(confirmed.data!.confirmVerification.profileCompleteness).toBe(55);
  });

  it('needs a phone on the profile', async () => {
    const user = await registerUser(h);
    const result = await expectNothingWritten(() => h.gql(REQUEST, { method: 'SMS' }, { token: user.accessToken }));
    expect(onlyError(result).code).toBe('BAD_USER_INPUT');
  });

  it('a code sent to the old number does not verify a new one', async () => {
    const user = await registerUser(h, { phone: uniquePhone() });
    const challenge = (await h.gql(REQUEST, { method: 'SMS' }, { token: user.accessToken })).data!.requestVerification;
    const code = await h.latestCode(user.phone!);
    await h.gql(UPDATE, { input: { phone: uniquePhone() } }, { token: user.accessToken });
    const result = await h.gql(CONFIRM, { id: challenge.id, code }, { token: user.accessToken });
    expect(onlyError(result).code).toBe('BAD_USER_INPUT');
    expect(await h.prisma.verification.count({ where: { userId: user.id } })).toBe(0);
  });

  it('OAUTH has no code: the refusal points to account linking, in both languages', async () => {
    const user = await registerUser(h);
    const ko = await expectNothingWritten(() => h.gql(REQUEST, { method: 'OAUTH' }, { token: user.accessToken }));
    const en = await h.gql(REQUEST, { method: 'OAUTH' }, { token: user.accessToken, lang: 'en' });
    expect(onlyError(ko).code).toBe('BAD_USER_INPUT');
    expect(onlyError(ko).message).toContain('계정 연결');
    expect(onlyError(en).message).toContain('linking an account');
  });
});

describe('profile', () => {
  it('updates fields, recomputes completeness and emits user.profile_updated', async () => {
    const user = await registerUser(h);
    const result = await h.gql(
      UPDATE,
      { input: { nickname: ' 새 닉네임 ', bio: '직거래만 합니다.', region: '서울 마포구', protectedMode: true } },
      { token: user.accessToken },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.updateProfile).toMatchObject({
      nickname: '새 닉네임',
      bio: '직거래만 합니다.',
      region: '서울 마포구',
      protectedMode: true,
      // Protection without a chosen minimum defaults to NORMAL.
      minCounterpartGrade: 'NORMAL',
      profileCompleteness: 10 + 10 + 15,
    });
    const events = await outboxFor('user.profile_updated', user.id);
    expect(events).toHaveLength(1);
    expect(events[0]!.payload.data).toMatchObject({ profileCompleteness: 35, protectedMode: true, minCounterpartGrade: 'NORMAL' });
    expect((events[0]!.payload.data.fields as string[]).sort()).toEqual(['bio', 'minCounterpartGrade', 'nickname', 'protectedMode', 'region']);

    // Clearing with "" and a no-op change.
    const cleared = await h.gql(UPDATE, { input: { bio: '', region: null, minCounterpartGrade: 'SAFE' } }, { token: user.accessToken });
    expect(cleared.data!.updateProfile).toMatchObject({ bio: null, region: null, minCounterpartGrade: 'SAFE', profileCompleteness: 10 });
    await expectNothingWritten(() => h.gql(UPDATE, { input: { nickname: '새 닉네임' } }, { token: user.accessToken }));
  });

  it('a new phone waits for its code beside the verified one; removing the phone removes its SMS verification', async () => {
    const user = await registerWithBoundPhone(h);
    const newPhone = uniquePhone();
    const result = await h.gql(UPDATE, { input: { phone: newPhone.replace(/-/g, ' ') } }, { token: user.accessToken });
    expect(result.data!.updateProfile).toMatchObject({ phone: user.phone, verifications: [{ method: 'SMS' }], profileCompleteness: 55 });
    expect((await h.gql(`{ me { pendingPhone } }`, {}, { token: user.accessToken })).data!.me.pendingPhone).toBe(newPhone);
    // Removing the phone altogether.
    const removed = await h.gql(UPDATE, { input: { phone: null } }, { token: user.accessToken });
    expect(removed.data!.updateProfile).toMatchObject({ phone: null, verifications: [], profileCompleteness: 10 });
    const [event] = (await outboxFor('user.profile_updated', user.id)).slice(-1);
    expect(event!.payload.data.fields).toEqual(['phone', 'verifications']);
    expect((await h.gql(`{ me { pendingPhone } }`, {}, { token: user.accessToken })).data!.me.pendingPhone).toBeNull();
  });

  it.each([
    ['an empty nickname', { nickname: '' }, 'nickname'],
    ['a null nickname', { nickname: null }, 'nickname'],
    ['a nickname over 30 characters', { nickname: 'x'.repeat(31) }, 'nickname'],
    ['a bio over 500 characters', { bio: '가'.repeat(501) }, 'bio'],
    ['a malformed phone', { phone: '010-12' }, 'phone'],
  ])('refuses %s and writes nothing', async (_name, input, field) => {
    const user = await registerUser(h);
    const result = await expectNothingWritten(() => h.gql(UPDATE, { input }, { token: user.accessToken }));
    expect(onlyError(result).code).toBe('BAD_USER_INPUT');
    expect(onlyError(result).extensions.fields[0].field).toBe(field);
  });

  it("only an ADMIN may change someone else's profile, and that is audited", async () => {
    const target = await registerUser(h);
    const other = await registerUser(h);
    const refused = await expectNothingWritten(() => h.gql(UPDATE, { input: { nickname: '해킹' }, userId: target.id }, { token: other.accessToken }));
    expect(onlyError(refused).code).toBe('FORBIDDEN');

    const admin = await adminToken();
    const done = await h.gql(UPDATE, { input: { nickname: '순화된 닉네임' }, userId: target.id }, { token: admin });
    expect(done.data!.updateProfile.nickname).toBe('순화된 닉네임');
    const audit = await h.prisma.auditLog.findMany({ where: { subjectId: target.id, action: 'user.profile_updated' } });
    expect(audit).toHaveLength(1);
    expect(audit[0]!.before).toEqual({ nickname: '안심이' });
    expect(audit[0]!.after).toEqual({ nickname: '순화된 닉네임' });
  });

  it('needs a signed-in caller', async () => {
    expect(onlyError(await h.gql(UPDATE, { input: { bio: 'x' } })).code).toBe('UNAUTHENTICATED');
  });
});

describe('who sees what', () => {
  let owner: RegisteredUser;
  let stranger: RegisteredUser;
  beforeAll(async () => {
    owner = await registerWithBoundPhone(h);
    stranger = await registerUser(h);
  });
  const query = `query($id: ID!) { user(id: $id) { ${PROFILE_FIELDS} } }`;

  it('the user sees their own email and whole phone', async () => {
    const me = (await h.gql(`{ me { ${PROFILE_FIELDS} } }`, {}, { token: owner.accessToken })).data!.me;
    expect(me).toMatchObject({ id: owner.id, email: owner.email, phone: owner.phone, role: 'USER', status: 'ACTIVE' });
  });

  it('others get no email and a masked phone', async () => {
    const seen = (await h.gql(query, { id: owner.id }, { token: stranger.accessToken })).data!.user;
    expect(seen.email).toBeNull();
    expect(seen.phone).toBe(`010-****-${owner.phone!.slice(-4)}`);
    const anonymous = (await h.gql(query, { id: owner.id })).data!.user;
    expect(anonymous).toMatchObject({ email: null, phone: seen.phone });
  });

  it('an ADMIN sees everything', async () => {
    const seen = (await h.gql(query, { id: owner.id }, { token: await adminToken() })).data!.user;
    expect(seen).toMatchObject({ email: owner.email, phone: owner.phone });
  });

  it('unknown or malformed ids give null, not an error', async () => {
    expect(await h.gql(query, { id: randomUUID() })).toMatchObject({ data: { user: null }, errors: undefined });
    expect(await h.gql(query, { id: 'not-a-uuid' })).toMatchObject({ data: { user: null }, errors: undefined });
    expect((await h.gql('{ me { id } }')).data).toEqual({ me: null });
  });
});

describe('federation', () => {
  it('resolves many _entities representations with one users query and one verifications query', async () => {
    const users = await Promise.all([registerUser(h), registerUser(h), registerUser(h, { phone: uniquePhone() })]);
    const representations = [
      ...users.map((u) => ({ __typename: 'User', id: u.id })),
      { __typename: 'User', id: randomUUID() },
      { __typename: 'User', id: 'garbage' },
    ];
    h.queries = [];
    const result = await h.gql(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on User { id nickname phone verifications { method } profileCompleteness } } }`,
      { r: representations },
    );
    expect(result.errors).toBeUndefined();
    const entities = result.data!._entities as Array<{ id: string } | null>;
    expect(entities.slice(0, 3).map((e) => e?.id)).toEqual(users.map((u) => u.id));
    expect(entities.slice(3)).toEqual([null, null]);
    // The outbox relay polls in the background on the same client; its queries do not count.
    const selects = h.queries.filter((sql) => /^\s*SELECT/i.test(sql) && !/outbox_events/.test(sql));
    // users on plain pg (unqualified: search_path), verifications through Prisma (qualified).
    expect(selects.filter((sql) => /FROM ("svc_user"\.)?"?users"?\s/.test(sql))).toHaveLength(1);
    expect(selects.filter((sql) => /FROM "svc_user"\."verifications"/.test(sql))).toHaveLength(1);
    expect(selects).toHaveLength(2);
  });

  it('publishes the subgraph SDL with the User key', async () => {
    const sdl = (await h.gql('{ _service { sdl } }')).data!._service.sdl as string;
    expect(sdl).toMatch(/type User\s+@key\(fields: "id"\)/);
  });
});

describe('identity headers', () => {
  it('refuses a forged identity straight to the subgraph with 401, not 500, and writes nothing', async () => {
    const victim = await registerUser(h);
    const requestId = randomUUID();
    const body = JSON.stringify({ query: UPDATE, variables: { input: { nickname: '탈취' } } });
    const forged = signIdentityHeaders('a-secret-that-is-not-the-real-one-at-all', { userId: victim.id, role: 'ADMIN' }, { method: 'POST', subgraph: 'user', path: '/graphql', bodySha256: bodySha256(body) }, requestId);
    const result = await expectNothingWritten(() => h.gql(UPDATE, { input: { nickname: '탈취' } }, { headers: forged }));
    expect(result.status).toBe(401);
    expect(onlyError(result).code).toBe('UNAUTHENTICATED');
    expect(onlyError(result).extensions.reason).toBe('forged');
  });

  it('refuses a stale or half-signed identity', async () => {
    const user = await registerUser(h);
    const requestId = randomUUID();
    const body = JSON.stringify({ query: '{ me { id } }', variables: {} });
    const stale = signIdentityHeaders(h.secrets.INTERNAL_SECRET, { userId: user.id, role: 'USER' }, { method: 'POST', subgraph: 'user', path: '/graphql', bodySha256: bodySha256(body) }, requestId, Date.now() - 5 * 60_000);
    expect(onlyError(await h.gql('{ me { id } }', {}, { headers: stale })).extensions.reason).toBe('stale');
    const unsigned = await h.gql('{ me { id } }', {}, { unsigned: true, headers: { 'x-anshim-user': `${user.id};ADMIN` } });
    expect(unsigned.status).toBe(401);
    expect(onlyError(unsigned).extensions.reason).toBe('unsigned');
  });
});

describe('account status (ADMIN)', () => {
  const SET_STATUS = /* GraphQL */ `
    mutation SetStatus($userId: ID!, $status: AccountStatus!, $until: DateTime, $reason: String!) {
      setUserStatus(userId: $userId, status: $status, until: $until, reason: $reason) { id status statusUntil }
    }
  `;

  it('a suspended user is refused at sign-in with the date it ends; sessions end; audited and published', async () => {
    const user = await registerUser(h);
    const until = new Date(Date.now() + 3 * 24 * 3600 * 1000);
    const admin = await adminToken();
    const result = await h.gql(SET_STATUS, { userId: user.id, status: 'SUSPENDED', until: until.toISOString(), reason: '사기 신고 확인' }, { token: admin });
    expect(result.data!.setUserStatus).toEqual({ id: user.id, status: 'SUSPENDED', statusUntil: until.toISOString() });

    const login = await h.gql(LOGIN, { email: user.email, password: user.password });
    expect(onlyError(login).code).toBe('FORBIDDEN');
    expect(onlyError(login).message).toContain(`${until.getFullYear()}년`);
    expect(onlyError(login).message).toContain('까지');
    expect(onlyError(login).extensions.until).toBe(until.toISOString());
    const english = await h.gql(LOGIN, { email: user.email, password: user.password }, { lang: 'en' });
    expect(onlyError(english).message).toMatch(/suspended.*until .*\(Korea time\)/);
    expect(onlyError(await h.gql(REFRESH, { token: user.refreshToken })).code).toBe('UNAUTHENTICATED');

    expect(await h.prisma.auditLog.count({ where: { subjectId: user.id, action: 'user.status_changed' } })).toBe(1);
    const [event] = await outboxFor('user.status_changed', user.id);
    expect(event!.payload.data).toEqual({ userId: user.id, status: 'SUSPENDED', until: until.toISOString() });

    // A wrong password still says only "wrong credentials": the status is not revealed to strangers.
    expect(onlyError(await h.gql(LOGIN, { email: user.email, password: 'wrong-password' })).code).toBe('UNAUTHENTICATED');
  });

  it('a banned user is refused', async () => {
    const user = await registerUser(h);
    await h.gql(SET_STATUS, { userId: user.id, status: 'BANNED', reason: '반복된 사기' }, { token: await adminToken() });
    const login = await h.gql(LOGIN, { email: user.email, password: user.password });
    expect(onlyError(login)).toMatchObject({ code: 'FORBIDDEN' });
    expect(onlyError(login).message).toContain('영구 정지');
  });

  it('only an ADMIN may do it, and a suspension needs a future end date', async () => {
    const user = await registerUser(h);
    const refused = await expectNothingWritten(() => h.gql(SET_STATUS, { userId: user.id, status: 'BANNED', reason: 'x' }, { token: user.accessToken }));
    expect(onlyError(refused).code).toBe('FORBIDDEN');
    const admin = await adminToken();
    const noDate = await expectNothingWritten(() => h.gql(SET_STATUS, { userId: user.id, status: 'SUSPENDED', reason: 'x' }, { token: admin }));
    expect(onlyError(noDate).code).toBe('BAD_USER_INPUT');
    const past = await expectNothingWritten(() =>
      h.gql(SET_STATUS, { userId: user.id, status: 'SUSPENDED', until: '2020-01-01T00:00:00Z', reason: 'x' }, { token: admin }),
    );
    expect(onlyError(past).code).toBe('BAD_USER_INPUT');
  });
});

describe('languages', () => {
  it('answers in Korean by default and in English for Accept-Language: en', async () => {
    const input = { email: 'bad', password: 'long-enough-pw', nickname: '안심' };
    const ko = onlyError(await h.gql(REGISTER, { input }));
    const en = onlyError(await h.gql(REGISTER, { input }, { lang: 'en' }));
    expect(ko.message).toContain('이메일 주소 형식');
    expect(en.message).toBe('That email address does not look right. Example: name@example.com');
    expect(en.extensions.fields[0].message).toBe(en.message);
    const login = onlyError(await h.gql(LOGIN, { email: uniqueEmail(), password: 'whatever-123' }, { lang: 'en' }));
    expect(login.message).toBe('The email or password is not correct.');
  });
});

describe('bootstrap admin', () => {
  it('is created once, even when several replicas start at the same time', async () => {
    const email = `boot-${hex(4)}@anshim.test`;
    const env = { BOOTSTRAP_ADMIN_EMAIL: email, BOOTSTRAP_ADMIN_PASSWORD: 'bootstrap-password' };
    const replicas = [new UserHarness(env), new UserHarness(env)];
    try {
      await Promise.all(replicas.map((r) => r.start()));
      const restarted = new UserHarness(env);
      replicas.push(restarted);
      await restarted.start();
      const admins = await h.prisma.user.findMany({ where: { email }, select: { id: true, role: true } });
      expect(admins).toHaveLength(1);
      expect(admins[0]!.role).toBe('ADMIN');
      expect(await h.prisma.auditLog.count({ where: { subjectId: admins[0]!.id, action: 'admin.bootstrapped' } })).toBe(1);
    } finally {
      await Promise.all(replicas.map((r) => r.stop()));
    }
  });

  it('never promotes an existing non-admin account with that email', async () => {
    const user = await registerUser(h);
    const replica = new UserHarness({ BOOTSTRAP_ADMIN_EMAIL: user.email, BOOTSTRAP_ADMIN_PASSWORD: 'bootstrap-password' });
    try {
      await replica.start();
      expect((await h.prisma.user.findUniqueOrThrow({ where: { id: user.id } })).role).toBe('USER');
    } finally {
      await replica.stop();
    }
  });

  it('the configured admin of this server signs in as ADMIN', async () => {
    const result = await h.gql(LOGIN, { email: adminEmail.toUpperCase(), password: adminPassword });
    expect(result.data!.login.user.role).toBe('ADMIN');
  });
});
