// Account security in the user subgraph against real PostgreSQL and Redis: password reset by
// email code (no enumeration, throttles, lockout, every session ended), password change (other
// sessions ended), two-factor sign-in by SMS (signIn / completeSignIn, login refusing those
// accounts, lockout, the new-device rule with the copied grade), User.sessions and revokeSession
// (own sessions only). Every refusal is coded and changes nothing.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blacklistKey, revokedBeforeKey, verifyAccessToken, type ClientInfo } from '@anshim/platform';
import { onlyError, registerUser, registerWithBoundPhone, uniqueEmail, UserHarness, waitFor, type RegisteredUser } from './support/harness.ts';

const h = new UserHarness({ NEW_DEVICE_SECOND_FACTOR_MIN_GRADE: 'SAFE', PASSWORD_RESET_PER_ADDRESS: '6' });
beforeAll(() => h.start());
afterAll(() => h.stop());

const LOGIN = `mutation($email: String!, $password: String!) { login(email: $email, password: $password) { accessToken refreshToken user { id } } }`;
const SIGN_IN = `mutation($email: String!, $password: String!) {
  signIn(email: $email, password: $password) { auth { accessToken refreshToken user { id twoFactorEnabled } } secondFactor { id method sentTo expiresAt } }
}`;
const COMPLETE = `mutation($id: ID!, $code: String!) { completeSignIn(challengeId: $id, code: $code) { accessToken refreshToken user { id } } }`;
const REFRESH = `mutation($token: String!) { refreshToken(refreshToken: $token) { accessToken refreshToken } }`;
const REQUEST_RESET = `mutation($email: String!) { requestPasswordReset(email: $email) }`;
const RESET = `mutation($email: String!, $code: String!, $password: String!) { resetPassword(email: $email, code: $code, newPassword: $password) }`;
const CHANGE = `mutation($current: String!, $next: String!) { changePassword(currentPassword: $current, newPassword: $next) }`;
const SET_2FA = `mutation($enabled: Boolean!, $password: String!) { setTwoFactor(enabled: $enabled, password: $password) { id twoFactorEnabled } }`;
const SESSIONS = `{ me { id sessions { id deviceId client createdAt lastUsedAt current } } }`;
const REVOKE = `mutation($id: ID!) { revokeSession(id: $id) }`;

const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
const NEW_PASSWORD = 'a-much-better-passphrase';

const client = (deviceId: string | null, userAgent?: string, address = '198.51.100.20'): ClientInfo => ({ deviceId, address, ...(userAgent ? { userAgent } : {}) });
let addressSeq = 0;
/** A client address of its own for each test, so the per-address reset limit of one test does not reach another. */
const freshAddress = () => `203.0.113.${++addressSeq}`;

async function resetCode(email: string, count: number): Promise<string> {
  const mails = await waitFor(`reset mail #${count} to ${email}`, async () => {
    const all = (await h.messagesTo(email)).filter((m) => m.text.includes('비밀번호 재설정 코드'));
    return all.length >= count ? all : undefined;
  });
  return /\b(\d{6})\b/.exec(mails[0]!.text)![1]!;
}

async function signedInEvents(userId: string) {
  const rows = await h.prisma.outboxEvent.findMany({ where: { type: 'user.signed_in', payload: { path: ['subjectUserId'], equals: userId } }, orderBy: { createdAt: 'asc' }, select: { payload: true } });
  return rows.map((r) => (r.payload as { data: { method: string; deviceId: string | null; newDevice: boolean } }).data);
}

async function passwordHash(userId: string): Promise<string> {
  return (await h.prisma.user.findUniqueOrThrow({ where: { id: userId }, select: { passwordHash: true } })).passwordHash;
}

describe('requestPasswordReset', () => {
  it('answers true and runs the same SQL whether or not the email has an account; only the member gets a mail', async () => {
    const member = await registerUser(h);
    const stranger = uniqueEmail('nobody');
    const address = freshAddress();
    const statementsOf = async (email: string) => {
      const from = h.queries.length;
      const result = await h.gql(REQUEST_RESET, { email }, { client: client(null, undefined, address) });
      expect(result).toMatchObject({ data: { requestPasswordReset: true } });
      // The outbox relay polls in the background; what the request ran touches users and password_resets.
      return h.queries.slice(from).filter((sql) => /password_resets|"users"/.test(sql));
    };
    const known = await statementsOf(member.email);
    const unknown = await statementsOf(stranger);
    expect(known.length).toBeGreaterThanOrEqual(3);
    expect(unknown).toEqual(known);
    // A row is written either way; only the member's names an account.
    const rows = await h.prisma.passwordReset.findMany({ where: { createdAt: { gte: new Date(Date.now() - 60_000) } }, select: { userId: true } });
    expect(rows.some((r) => r.userId === member.id)).toBe(true);
    expect(rows.some((r) => r.userId === null)).toBe(true);
    await resetCode(member.email, 1);
    expect(await h.messagesTo(stranger)).toEqual([]);
  });

  it('is throttled per email (3 per hour) and per client address, whether or not the email is a member', async () => {
    const member = await registerUser(h);
    const seen: string[] = [];
    for (let i = 0; i < 4; i += 1) {
      const result = await h.gql(REQUEST_RESET, { email: member.email }, { client: client(null, undefined, freshAddress()) });
      seen.push(result.errors ? onlyError(result).code : 'OK');
    }
    expect(seen).toEqual(['OK', 'OK', 'OK', 'RATE_LIMITED']);

    const address = freshAddress();
    const codes: string[] = [];
    for (let i = 0; i < 7; i += 1) {
      const result = await h.gql(REQUEST_RESET, { email: uniqueEmail('spray') }, { client: client(null, undefined, address) });
      codes.push(result.errors ? onlyError(result).code : 'OK');
    }
    expect(codes).toEqual(['OK', 'OK', 'OK', 'OK', 'OK', 'OK', 'RATE_LIMITED']);
    expect(onlyError(await h.gql(REQUEST_RESET, { email: 'not-an-email' })).code).toBe('BAD_USER_INPUT');
  });
});

describe('resetPassword', () => {
  it('refuses weak passwords and wrong codes without changing anything, then sets the password and ends every session', async () => {
    const user = await registerUser(h);
    const second = (await h.gql(LOGIN, { email: user.email, password: user.password })).data!.login;
    await h.gql(REQUEST_RESET, { email: user.email }, { client: client(null, undefined, freshAddress()) });
    const code = await resetCode(user.email, 1);
    const before = await passwordHash(user.id);

    for (const [weak, reason] of [['short1234', 'TOO_SHORT'], [user.email, 'EQUALS_EMAIL'], ['Password123', 'COMMON'], ['1q2w3e4r5t', 'COMMON']] as const) {
      const refused = onlyError(await h.gql(RESET, { email: user.email, code, password: weak }));
      expect([refused.code, refused.extensions.reason]).toEqual(['BAD_USER_INPUT', reason]);
    }
    const wrong = onlyError(await h.gql(RESET, { email: user.email, code: code === '000000' ? '111111' : '000000', password: NEW_PASSWORD }));
    expect([wrong.code, wrong.extensions.attemptsLeft]).toEqual(['BAD_USER_INPUT', 4]);
    // Someone else's email with this code: no code there, one answer for "no account" and "no code".
    expect(onlyError(await h.gql(RESET, { email: uniqueEmail('other'), code, password: NEW_PASSWORD })).extensions.reason).toBe('CODE_INVALID');
    expect(await passwordHash(user.id)).toBe(before);
    expect((await h.gql(REFRESH, { token: second.refreshToken })).errors).toBeUndefined();

    const tokens = await h.prisma.refreshToken.findMany({ where: { userId: user.id, revokedAt: null } });
    expect(tokens.length).toBeGreaterThanOrEqual(2);
    expect(await h.gql(RESET, { email: user.email.toUpperCase(), code, password: NEW_PASSWORD })).toMatchObject({ data: { resetPassword: true } });

    // Every refresh family revoked; every access token issued so far refused by the gateway.
    expect(await h.prisma.refreshToken.count({ where: { userId: user.id, revokedAt: null } })).toBe(0);
    // A trace in the audit log, once, with the sign-ins it ended.
    expect(await h.prisma.auditLog.findMany({ where: { subjectId: user.id, action: 'user.password_reset' }, select: { actorId: true, after: true } })).toEqual([
      { actorId: user.id, after: { sessionsEnded: expect.any(Number), by: 'EMAIL_CODE' } },
    ]);
    expect(onlyError(await h.gql(REFRESH, { token: user.refreshToken })).code).toBe('UNAUTHENTICATED');
    const revokedBefore = Number(await h.redis.get(revokedBeforeKey(user.id)));
    const claims = await verifyAccessToken(h.secrets.JWT_SECRET, user.accessToken);
    expect(claims.ok && claims.claims.iat * 1000 <= revokedBefore).toBe(true);
    // The old password is gone, the new one works and its token is not caught by the revocation.
    expect(onlyError(await h.gql(LOGIN, { email: user.email, password: user.password })).code).toBe('UNAUTHENTICATED');
    const fresh = (await h.gql(LOGIN, { email: user.email, password: NEW_PASSWORD })).data!.login;
    const freshClaims = await verifyAccessToken(h.secrets.JWT_SECRET, fresh.accessToken);
    expect(freshClaims.ok && freshClaims.claims.iat * 1000 > revokedBefore).toBe(true);

    // A used code stays used.
    expect(onlyError(await h.gql(RESET, { email: user.email, code, password: 'yet-another-passphrase' })).extensions.reason).toBe('CODE_USED');
    await waitFor('the password changed notice', async () => (await h.messagesTo(user.email)).find((m) => m.text.includes('비밀번호가 바뀌었고')));
  });

  it('gives an account made through a provider (no password) a password, and with it a way to leave', async () => {
    const member = await registerUser(h);
    await h.prisma.user.update({ where: { id: member.id }, data: { hasPassword: false } });
    await h.gql(REQUEST_RESET, { email: member.email }, { client: client(null, undefined, freshAddress()) });
    const code = await resetCode(member.email, 1);
    expect(await h.gql(RESET, { email: member.email, code, password: NEW_PASSWORD })).toMatchObject({ data: { resetPassword: true } });
    expect((await h.prisma.user.findUniqueOrThrow({ where: { id: member.id } })).hasPassword).toBe(true);
    const fresh = (await h.gql(`mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }`, { e: member.email, p: NEW_PASSWORD })).data!.login;
    expect(await h.gql(`mutation($p: String!) { deleteAccount(password: $p) }`, { p: NEW_PASSWORD }, { token: fresh.accessToken })).toMatchObject({ data: { deleteAccount: true } });
  });

  it('locks the code after 5 wrong tries: even the right code is refused afterwards', async () => {
    const user = await registerUser(h);
    await h.gql(REQUEST_RESET, { email: user.email }, { client: client(null, undefined, freshAddress()) });
    const code = await resetCode(user.email, 1);
    const wrongCode = code === '123456' ? '654321' : '123456';
    const left: unknown[] = [];
    for (let i = 0; i < 5; i += 1) left.push(onlyError(await h.gql(RESET, { email: user.email, code: wrongCode, password: NEW_PASSWORD })).extensions.attemptsLeft);
    expect(left).toEqual([4, 3, 2, 1, 0]);
    expect(onlyError(await h.gql(RESET, { email: user.email, code, password: NEW_PASSWORD })).extensions.reason).toBe('CODE_LOCKED');
    expect((await h.gql(LOGIN, { email: user.email, password: user.password })).errors).toBeUndefined();
  });

  it('a code lasts 15 minutes: once expired even the right code is refused and nothing changes', async () => {
    const user = await registerUser(h);
    await h.gql(REQUEST_RESET, { email: user.email }, { client: client(null, undefined, freshAddress()) });
    const code = await resetCode(user.email, 1);
    const row = await h.prisma.passwordReset.findFirstOrThrow({ where: { userId: user.id }, orderBy: { createdAt: 'desc' } });
    expect(row.expiresAt.getTime() - row.createdAt.getTime()).toBe(15 * 60 * 1000);
    const before = await passwordHash(user.id);
    await h.prisma.passwordReset.update({ where: { id: row.id }, data: { expiresAt: new Date(Date.now() - 1_000) } });
    expect(onlyError(await h.gql(RESET, { email: user.email, code, password: NEW_PASSWORD })).extensions.reason).toBe('CODE_INVALID');
    expect(await passwordHash(user.id)).toBe(before);
  });
});

describe('changePassword', () => {
  it('needs the right current password and a strong new one; then ends the other sessions but not the caller\'s', async () => {
    const user = await registerUser(h);
    const other = (await h.gql(LOGIN, { email: user.email, password: user.password })).data!.login;
    const before = await passwordHash(user.id);

    const wrong = onlyError(await h.gql(CHANGE, { current: 'not-my-password-at-all', next: NEW_PASSWORD }, { token: user.accessToken }));
    expect([wrong.code, wrong.extensions.reason]).toEqual(['BAD_USER_INPUT', 'WRONG_PASSWORD']);
    expect(onlyError(await h.gql(CHANGE, { current: user.password, next: 'qwertyuiop' }, { token: user.accessToken })).extensions.reason).toBe('COMMON');
    expect(onlyError(await h.gql(CHANGE, { current: user.password, next: NEW_PASSWORD })).code).toBe('UNAUTHENTICATED');
    expect(await passwordHash(user.id)).toBe(before);

    expect(await h.gql(CHANGE, { current: user.password, next: NEW_PASSWORD }, { token: user.accessToken })).toMatchObject({ data: { changePassword: true } });
    // The other session: refresh token revoked, access token blacklisted at once.
    expect(onlyError(await h.gql(REFRESH, { token: other.refreshToken })).code).toBe('UNAUTHENTICATED');
    const otherClaims = await verifyAccessToken(h.secrets.JWT_SECRET, other.accessToken);
    expect(otherClaims.ok && (await h.redis.exists(blacklistKey(otherClaims.claims.jti)))).toBe(1);
    expect(await h.prisma.auditLog.findMany({ where: { subjectId: user.id, action: 'user.password_changed' }, select: { after: true } })).toEqual([{ after: { sessionsEnded: 1 } }]);
    // The caller's session goes on.
    expect(await h.gatewayIdentity(user.accessToken)).not.toBeNull();
    expect((await h.gql(REFRESH, { token: user.refreshToken })).errors).toBeUndefined();
    expect((await h.gql(LOGIN, { email: user.email, password: NEW_PASSWORD })).errors).toBeUndefined();
    await waitFor('the password changed notice', async () => (await h.messagesTo(user.email)).find((m) => m.text.includes('비밀번호가 바뀌었고')));
  });
});

describe('two-factor sign-in', () => {
  it('cannot be turned on without a verified phone or with a wrong password', async () => {
    const user = await registerUser(h, { phone: '010-5555-0101' }); // pending, not verified
    const noPhone = onlyError(await h.gql(SET_2FA, { enabled: true, password: user.password }, { token: user.accessToken }));
    expect([noPhone.code, noPhone.extensions.reason]).toEqual(['BAD_USER_INPUT', 'PHONE_NOT_VERIFIED']);
    const bound = await registerWithBoundPhone(h);
    expect(onlyError(await h.gql(SET_2FA, { enabled: true, password: 'wrong-password-here' }, { token: bound.accessToken })).extensions.reason).toBe('WRONG_PASSWORD');
    const rows = await h.prisma.user.findMany({ where: { id: { in: [user.id, bound.id] } }, select: { twoFactorEnabled: true } });
    expect(rows.map((r) => r.twoFactorEnabled)).toEqual([false, false]);
  });

  it('turns signIn into an SMS challenge, refuses the old login with SECOND_FACTOR_REQUIRED, and completeSignIn gives the tokens', async () => {
    const user = await registerWithBoundPhone(h);
    expect(await h.gql(SET_2FA, { enabled: true, password: user.password }, { token: user.accessToken })).toMatchObject({ data: { setTwoFactor: { twoFactorEnabled: true } } });

    const login = onlyError(await h.gql(LOGIN, { email: user.email, password: user.password }));
    expect([login.code, login.extensions.reason]).toEqual(['FORBIDDEN', 'SECOND_FACTOR_REQUIRED']);
    expect(login.message).toContain('문자 인증번호');
    // A wrong password is still just a wrong password: nothing about the second factor.
    expect(onlyError(await h.gql(SIGN_IN, { email: user.email, password: 'wrong-password-here' })).code).toBe('UNAUTHENTICATED');

    const started = await h.gql(SIGN_IN, { email: user.email, password: user.password }, { client: client('phone-2fa') });
    expect(started.errors).toBeUndefined();
    const challenge = started.data!.signIn.secondFactor;
    expect(started.data!.signIn.auth).toBeNull();
    expect(challenge).toMatchObject({ method: 'SMS', sentTo: expect.stringMatching(/^010-\*\*\*\*-\d{4}$/) });
    const sms = await h.messagesTo(user.phone!);
    expect(sms[0]!.text).toContain('로그인 인증번호');
    const code = /\b(\d{6})\b/.exec(sms[0]!.text)![1]!;

    const wrong = onlyError(await h.gql(COMPLETE, { id: challenge.id, code: code === '000000' ? '999999' : '000000' }));
    expect([wrong.code, wrong.extensions.attemptsLeft]).toEqual(['BAD_USER_INPUT', 4]);
    const done = await h.gql(COMPLETE, { id: challenge.id, code }, { client: client('phone-2fa') });
    expect(done.errors).toBeUndefined();
    expect(await h.gatewayIdentity(done.data!.completeSignIn.accessToken)).toMatchObject({ userId: user.id });
    // Published for the monitor like any sign-in; the challenge is spent.
    expect((await signedInEvents(user.id)).at(-1)).toMatchObject({ method: 'SECOND_FACTOR', deviceId: 'phone-2fa' });
    expect(onlyError(await h.gql(COMPLETE, { id: challenge.id, code })).extensions.reason).toBe('CHALLENGE_CLOSED');
    expect(onlyError(await h.gql(COMPLETE, { id: randomUUID(), code })).code).toBe('NOT_FOUND');
    // The number the codes go to cannot be removed while two-factor is on.
    const removal = onlyError(await h.gql(`mutation { updateProfile(input: { phone: null }) { id phone } }`, {}, { token: user.accessToken }));
    expect([removal.code, removal.extensions.reason]).toEqual(['BAD_USER_INPUT', 'TWO_FACTOR_ON']);
    expect((await h.prisma.user.findUniqueOrThrow({ where: { id: user.id }, select: { phoneHash: true } })).phoneHash).not.toBeNull();
  });

  it('locks a challenge after 5 wrong codes; the right one is refused afterwards and no session is made', async () => {
    const user = await registerWithBoundPhone(h);
    await h.gql(SET_2FA, { enabled: true, password: user.password }, { token: user.accessToken });
    const challenge = (await h.gql(SIGN_IN, { email: user.email, password: user.password })).data!.signIn.secondFactor;
    const code = await h.latestCode(user.phone!);
    const families = await h.prisma.refreshToken.count({ where: { userId: user.id } });
    const wrongCode = code === '123456' ? '654321' : '123456';
    const left: unknown[] = [];
    for (let i = 0; i < 5; i += 1) left.push(onlyError(await h.gql(COMPLETE, { id: challenge.id, code: wrongCode })).extensions.attemptsLeft);
    expect(left).toEqual([4, 3, 2, 1, 0]);
    expect(onlyError(await h.gql(COMPLETE, { id: challenge.id, code })).extensions.reason).toBe('CODE_LOCKED');
    expect(await h.prisma.refreshToken.count({ where: { userId: user.id } })).toBe(families);
  });

  it('signIn gives tokens at once to an account without two-factor, and login keeps working for it', async () => {
    const user = await registerUser(h);
    const result = await h.gql(SIGN_IN, { email: user.email, password: user.password });
    expect(result.data!.signIn).toMatchObject({ auth: { user: { id: user.id, twoFactorEnabled: false } }, secondFactor: null });
    expect((await h.gql(LOGIN, { email: user.email, password: user.password })).errors).toBeUndefined();
    expect((await signedInEvents(user.id)).map((e) => e.method)).toEqual(['PASSWORD', 'PASSWORD']);
  });

  it('asks a SAFE account for the SMS code on a device it never used, and tells the member about a new device', async () => {
    const user = await registerWithBoundPhone(h);
    // Register signed in from no device; the first sign-in from phone A is itself new, so grade it only afterwards.
    expect((await h.gql(SIGN_IN, { email: user.email, password: user.password }, { client: client('device-a', IPHONE) })).data!.signIn.auth).not.toBeNull();
    await waitFor('the new-device notice', async () => (await h.messagesTo(user.email)).find((m) => m.text.includes('처음 보는 기기') && m.text.includes('Safari 17 on iOS')));
    await h.prisma.counterpartGrade.create({ data: { userId: user.id, grade: 'SAFE', version: 1 } });

    expect((await h.gql(SIGN_IN, { email: user.email, password: user.password }, { client: client('device-a') })).data!.signIn.auth).not.toBeNull();
    const fromB = await h.gql(SIGN_IN, { email: user.email, password: user.password }, { client: client('device-b') });
    expect(fromB.data!.signIn).toMatchObject({ auth: null, secondFactor: { method: 'SMS' } });
    expect(onlyError(await h.gql(LOGIN, { email: user.email, password: user.password }, { client: client('device-b') })).extensions.reason).toBe('SECOND_FACTOR_REQUIRED');

    // NORMAL is below the configured grade: a new device only brings the notice.
    await h.prisma.counterpartGrade.update({ where: { userId: user.id }, data: { grade: 'NORMAL', version: 2 } });
    expect((await h.gql(SIGN_IN, { email: user.email, password: user.password }, { client: client('device-c') })).data!.signIn.auth).not.toBeNull();
  });
});

describe('sessions', () => {
  async function twoSessions(): Promise<{ user: RegisteredUser; phone: { accessToken: string; refreshToken: string } }> {
    const email = uniqueEmail('sessions');
    const registered = await h.gql(
      `mutation($input: RegisterInput!) { register(input: $input) { accessToken refreshToken user { id } } }`,
      { input: { email, password: 'correct-horse-battery', nickname: '세션' } },
      { client: client('laptop-1', CHROME) },
    );
    const { accessToken, refreshToken, user } = registered.data!.register;
    const phone = (await h.gql(LOGIN, { email, password: 'correct-horse-battery' }, { client: client('phone-1', IPHONE) })).data!.login;
    return { user: { id: user.id, email, phone: undefined, password: 'correct-horse-battery', accessToken, refreshToken }, phone };
  }

  it('lists the member\'s own sessions with device, readable client and which one is current; nobody else sees them', async () => {
    const { user, phone } = await twoSessions();
    const listed = await h.gql(SESSIONS, {}, { token: phone.accessToken });
    expect(listed.errors).toBeUndefined();
    const sessions = listed.data!.me.sessions as Array<Record<string, unknown>>;
    expect(sessions.map(({ deviceId, client: described, current }) => ({ deviceId, client: described, current }))).toEqual([
      { deviceId: 'phone-1', client: 'Safari 17 on iOS', current: true },
      { deviceId: 'laptop-1', client: 'Chrome 131 on Windows', current: false },
    ]);
    // A refresh keeps the session (same id, same device) and moves its last use.
    const rotated = await h.gql(REFRESH, { token: user.refreshToken }, { client: client('laptop-1', CHROME) });
    const after = (await h.gql(SESSIONS, {}, { token: rotated.data!.refreshToken.accessToken })).data!.me.sessions as Array<Record<string, string | boolean>>;
    expect(after.map((s) => s.id).sort()).toEqual(sessions.map((s) => s.id).sort());
    expect(after[0]).toMatchObject({ deviceId: 'laptop-1', current: true });
    const laptopBefore = sessions.find((s) => s.deviceId === 'laptop-1')!;
    expect(after[0]!.createdAt).toBe(laptopBefore.createdAt);
    expect(Date.parse(after[0]!.lastUsedAt as string)).toBeGreaterThan(Date.parse(laptopBefore.lastUsedAt as string));

    const stranger = await registerUser(h);
    const peek = await h.gql(`query($id: ID!) { user(id: $id) { id sessions { id } twoFactorEnabled } }`, { id: user.id }, { token: stranger.accessToken });
    expect(peek.data!.user).toEqual({ id: user.id, sessions: [], twoFactorEnabled: false });
  });

  it('revokeSession ends one own session at once; someone else\'s is NOT_FOUND and stays', async () => {
    const { user, phone } = await twoSessions();
    const sessions = (await h.gql(SESSIONS, {}, { token: phone.accessToken })).data!.me.sessions as Array<{ id: string; deviceId: string }>;
    const laptop = sessions.find((s) => s.deviceId === 'laptop-1')!;

    const stranger = await registerUser(h);
    for (const id of [laptop.id, randomUUID(), 'not-a-uuid']) {
      expect(onlyError(await h.gql(REVOKE, { id }, { token: stranger.accessToken })).code).toBe('NOT_FOUND');
    }
    expect(await h.gatewayIdentity(user.accessToken)).not.toBeNull();

    expect(await h.gql(REVOKE, { id: laptop.id }, { token: phone.accessToken })).toMatchObject({ data: { revokeSession: true } });
    expect(await h.gatewayIdentity(user.accessToken)).toBeNull();
    expect(onlyError(await h.gql(REFRESH, { token: user.refreshToken })).code).toBe('UNAUTHENTICATED');
    const left = (await h.gql(SESSIONS, {}, { token: phone.accessToken })).data!.me.sessions as Array<{ deviceId: string }>;
    expect(left.map((s) => s.deviceId)).toEqual(['phone-1']);
  });
});
