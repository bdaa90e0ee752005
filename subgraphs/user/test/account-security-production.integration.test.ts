// Account security as it runs in production (NODE_ENV=production, DELIVERY_PROVIDER=smtp against a
// local SMTP server, support/smtp-sink.ts, with SMS through its email-to-SMS gateway), issue 20:
// - requestPasswordReset never waits for the mail: it answers while the mail server still holds
//   the connection without a word (so a member's email is not slower to answer than a stranger's);
// - the new-device and "your password was changed" notices are owed in the transaction of their
//   cause (outbound_messages) and survive an email outage: sent once each when the server is back;
// - an ADMIN needs the SMS second factor to sign in (login refuses, signIn challenges, an ADMIN
//   without a phone cannot sign in), cannot turn two-factor off, and keeps no password-only session
//   from before being made ADMIN (its refresh is refused).
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../test/support/free-port.ts';
import { onlyError, registerUser, uniquePhone, UserHarness, waitFor, type RegisteredUser } from './support/harness.ts';
import { SmtpSink, type ReceivedMail } from './support/smtp-sink.ts';

const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const SMS_DOMAIN = 'sms.example.test';
const sink = new SmtpSink();
let port: number;
let h: UserHarness;

beforeAll(async () => {
  port = await freePort(); // nothing listens there yet: the mail server is down
  h = new UserHarness({
    NODE_ENV: 'production',
    USER_PUBLIC_URL: 'https://anshim.example',
    DELIVERY_PROVIDER: 'smtp',
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(port),
    SMS_EMAIL_GATEWAY_DOMAIN: SMS_DOMAIN,
    // Long enough that a send to a silent server is still waiting when the reset answers.
    DELIVERY_TIMEOUT_MS: '8000',
    OUTBOUND_SWEEP_SECONDS: '0.5',
    OUTBOUND_RETRY_BASE_SECONDS: '0.5',
    OUTBOUND_RETRY_MAX_SECONDS: '2',
  });
  await h.start();
});
afterAll(async () => {
  await h?.stop();
  await sink.stop();
});

/** The plain text of a mail as the sink received it (nodemailer picks base64 or quoted-printable). */
function bodyOf(mail: ReceivedMail): string {
  const split = mail.data.indexOf('\n\n');
  const raw = mail.data.slice(split + 2);
  if (/^content-transfer-encoding:\s*base64/im.test(mail.data.slice(0, split))) return Buffer.from(raw.replace(/\s+/g, ''), 'base64').toString('utf8');
  const body = raw.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < body.length; i += 1) {
    const hex = body.slice(i + 1, i + 3);
    if (body[i] === '=' && /^[0-9A-F]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else bytes.push(body.charCodeAt(i));
  }
  return Buffer.from(bytes).toString('utf8');
}

const mailsTo = (address: string) => sink.mails.filter((m) => m.to.includes(address));
const smsAddress = (phone: string) => `${phone.replace(/-/g, '')}@${SMS_DOMAIN}`;

/** The newest 6-digit code texted to `phone` (through the email-to-SMS gateway), once `count` arrived. */
async function textedCode(phone: string, count: number): Promise<string> {
  const texts = await waitFor(`SMS #${count} to ${phone}`, () => (mailsTo(smsAddress(phone)).length >= count ? mailsTo(smsAddress(phone)) : undefined));
  return /\b(\d{6})\b/.exec(bodyOf(texts.at(-1)!))![1]!;
}

const SIGN_IN = `mutation($email: String!, $password: String!) { signIn(email: $email, password: $password) { auth { accessToken user { role } } secondFactor { id method } } }`;
const LOGIN = `mutation($email: String!, $password: String!) { login(email: $email, password: $password) { accessToken } }`;
const REFRESH = `mutation($token: String!) { refreshToken(refreshToken: $token) { accessToken refreshToken } }`;

describe('with the mail server down', () => {
  it('requestPasswordReset answers while the mail server holds the member\'s mail without a word', async () => {
    const member = await registerUser(h);
    // A mail server that accepts connections and never says anything (not even its greeting).
    const open = new Set<Socket>();
    const silent: Server = createServer((socket) => {
      open.add(socket);
      socket.on('close', () => open.delete(socket));
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => silent.listen(port, '127.0.0.1', resolve));
    try {
      const answer = await h.gql(`mutation($email: String!) { requestPasswordReset(email: $email) }`, { email: member.email }, { client: { deviceId: null, address: '198.51.100.70' } });
      expect(answer).toMatchObject({ data: { requestPasswordReset: true } });
      // The code's mail was on its way, and is still stuck: the answer did not wait for it.
      await waitFor('the reset mail to reach the silent server', () => open.size > 0 || undefined);
      expect(open.size).toBeGreaterThan(0);
    } finally {
      const closed = new Promise<void>((resolve) => silent.close(() => resolve())); // no new connections from now
      for (const socket of open) socket.destroy();
      await closed;
    }
  });

  it('keeps the new-device and password-changed notices through the outage and sends each once when the server is back', async () => {
    const since = new Date(Date.now() - 1_000);
    const user = await registerUser(h);
    const signIn = await h.gql(SIGN_IN, { email: user.email, password: user.password }, { client: { deviceId: 'outage-laptop', address: '198.51.100.77', userAgent: CHROME } });
    // The sign-in and the password change go through: the mail server being down is not their problem.
    expect(signIn.errors).toBeUndefined();
    const changed = await h.gql(
      `mutation($current: String!, $next: String!) { changePassword(currentPassword: $current, newPassword: $next) }`,
      { current: user.password, next: 'a-much-better-passphrase' },
      { token: signIn.data!.signIn.auth.accessToken },
    );
    expect(changed).toMatchObject({ data: { changePassword: true } });

    const notices = () =>
      h.prisma.outboundMessage.findMany({
        where: { deployment: h.prefix, channel: 'email', kind: { in: ['NEW_DEVICE', 'PASSWORD_CHANGED'] }, createdAt: { gte: since } },
        orderBy: { kind: 'asc' },
        select: { kind: true, status: true, attempts: true, lastError: true },
      });
    // The sender tried during the outage and kept both.
    const waiting = await waitFor('both notices tried and kept pending', async () => {
      const rows = await notices();
      return rows.length === 2 && rows.every((r) => r.status === 'PENDING' && r.attempts >= 1 && r.lastError) ? rows : undefined;
    }, { timeoutMs: 20_000 });
    expect(waiting.map((r) => r.kind)).toEqual(['NEW_DEVICE', 'PASSWORD_CHANGED']);
    expect(mailsTo(user.email)).toEqual([]);

    await sink.start(port);
    await waitFor('both notices sent', async () => (await notices()).every((r) => r.status === 'SENT') || undefined, { timeoutMs: 30_000 });
    const received = mailsTo(user.email).map(bodyOf);
    expect(received).toHaveLength(2);
    expect(received.some((text) => text.includes('처음 보는 기기(Chrome 131 on Windows)'))).toBe(true);
    expect(received.some((text) => text.includes('비밀번호가 바뀌었고'))).toBe(true);
    // Another sweep later, still once each.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(mailsTo(user.email)).toHaveLength(2);
  });
});

describe('an ADMIN in production (the mail server up)', () => {
  async function admin(phone?: string): Promise<RegisteredUser> {
    const user = await registerUser(h, phone ? { phone } : {});
    if (phone) {
      const before = mailsTo(smsAddress(phone)).length;
      const request = await h.gql(`mutation { requestVerification(method: SMS) { id } }`, {}, { token: user.accessToken });
      const code = await textedCode(phone, before + 1);
      const confirmed = await h.gql(`mutation($id: ID!, $code: String!) { confirmVerification(challengeId: $id, code: $code) { phone } }`, { id: request.data!.requestVerification.id, code }, { token: user.accessToken });
      expect(confirmed.errors).toBeUndefined();
    }
    // No API makes an ADMIN: operators do, in the database.
    await h.prisma.user.update({ where: { id: user.id }, data: { role: 'ADMIN' } });
    return user;
  }

  it('signs in only with the SMS code, even without turning two-factor on, and cannot turn it off', async () => {
    if (!sink.port) await sink.start(port); // the outage test above brought it back already
    const phone = uniquePhone();
    const user = await admin(phone);

    expect(onlyError(await h.gql(LOGIN, { email: user.email, password: user.password })).extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'SECOND_FACTOR_REQUIRED', use: 'signIn' });
    const off = onlyError(await h.gql(`mutation($pw: String!) { setTwoFactor(enabled: false, password: $pw) { twoFactorEnabled } }`, { pw: user.password }, { token: user.accessToken }));
    expect([off.code, off.extensions.reason]).toEqual(['FORBIDDEN', 'ADMIN_TWO_FACTOR']);

    const texted = mailsTo(smsAddress(phone)).length;
    const started = await h.gql(SIGN_IN, { email: user.email, password: user.password });
    expect(started.data!.signIn).toMatchObject({ auth: null, secondFactor: { method: 'SMS' } });
    const code = await textedCode(phone, texted + 1);
    const done = await h.gql(`mutation($id: ID!, $code: String!) { completeSignIn(challengeId: $id, code: $code) { accessToken refreshToken user { role } } }`, { id: started.data!.signIn.secondFactor.id, code });
    expect(done.errors).toBeUndefined();
    expect(done.data!.completeSignIn.user.role).toBe('ADMIN');

    // The session the SMS code opened refreshes; the password-only one from before the promotion ends.
    expect((await h.gql(REFRESH, { token: done.data!.completeSignIn.refreshToken })).errors).toBeUndefined();
    expect(onlyError(await h.gql(REFRESH, { token: user.refreshToken })).extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'SECOND_FACTOR_REQUIRED' });
    expect(onlyError(await h.gql(REFRESH, { token: user.refreshToken })).code).toBe('UNAUTHENTICATED');
  });

  it('without a phone an ADMIN cannot sign in at all, and no session is opened', async () => {
    const user = await admin();
    const sessions = await h.prisma.refreshToken.count({ where: { userId: user.id } });
    expect(onlyError(await h.gql(SIGN_IN, { email: user.email, password: user.password })).extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'SECOND_FACTOR_UNAVAILABLE' });
    expect(onlyError(await h.gql(LOGIN, { email: user.email, password: user.password })).extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'SECOND_FACTOR_REQUIRED' });
    expect(await h.prisma.refreshToken.count({ where: { userId: user.id } })).toBe(sessions);
  });
});
