// Account notices survive an email outage (issue 20): the new-device notice and the "your
// password was changed" notice are owed in the transaction of their cause (a row in
// outbound_messages) and the outbound sender delivers them once the mail server is back — each
// exactly once — instead of losing them as a fire-and-forget send did. The service runs with
// DELIVERY_PROVIDER=smtp against a local SMTP server (support/smtp-sink.ts) that is down at first.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freePort } from '../../../test/support/free-port.ts';
import { registerUser, UserHarness, waitFor } from './support/harness.ts';
import { SmtpSink, type ReceivedMail } from './support/smtp-sink.ts';

const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const sink = new SmtpSink();
let port: number;
let h: UserHarness;

beforeAll(async () => {
  port = await freePort(); // nothing listens there yet: the mail server is down
  h = new UserHarness({
    DELIVERY_PROVIDER: 'smtp',
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(port),
    SMS_EMAIL_GATEWAY_DOMAIN: 'sms.example.test',
    DELIVERY_TIMEOUT_MS: '1000',
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

/** The plain text of a quoted-printable mail as the sink received it. */
function bodyOf(mail: ReceivedMail): string {
  const body = mail.data.slice(mail.data.indexOf('\n\n') + 2).replace(/=\r?\n/g, '');
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

const noticesOf = (since: Date) =>
  h.prisma.outboundMessage.findMany({
    where: { deployment: h.prefix, channel: 'email', kind: { in: ['NEW_DEVICE', 'PASSWORD_CHANGED'] }, createdAt: { gte: since } },
    orderBy: { kind: 'asc' },
    select: { kind: true, status: true, attempts: true, lastError: true },
  });

it('keeps the new-device and password-changed notices through an email outage and sends each once when the server is back', async () => {
  const since = new Date(Date.now() - 1_000);
  const user = await registerUser(h);
  const signIn = await h.gql(
    `mutation($email: String!, $password: String!) { signIn(email: $email, password: $password) { auth { accessToken } } }`,
    { email: user.email, password: user.password },
    { client: { deviceId: 'outage-laptop', address: '198.51.100.77', userAgent: CHROME } },
  );
  // The sign-in and the password change go through: the mail server being down is not their problem.
  expect(signIn.errors).toBeUndefined();
  const changed = await h.gql(
    `mutation($current: String!, $next: String!) { changePassword(currentPassword: $current, newPassword: $next) }`,
    { current: user.password, next: 'a-much-better-passphrase' },
    { token: signIn.data!.signIn.auth.accessToken },
  );
  expect(changed).toMatchObject({ data: { changePassword: true } });

  // The sender tried during the outage and kept both.
  const waiting = await waitFor('both notices tried and kept pending', async () => {
    const rows = await noticesOf(since);
    return rows.length === 2 && rows.every((r) => r.status === 'PENDING' && r.attempts >= 1 && r.lastError) ? rows : undefined;
  }, { timeoutMs: 20_000 });
  expect(waiting.map((r) => r.kind)).toEqual(['NEW_DEVICE', 'PASSWORD_CHANGED']);
  expect(sink.mails).toEqual([]);

  await sink.start(port);
  await waitFor('both notices sent', async () => (await noticesOf(since)).every((r) => r.status === 'SENT') || undefined, { timeoutMs: 30_000 });
  const received = sink.mails.filter((m) => m.to.includes(user.email)).map(bodyOf);
  expect(received).toHaveLength(2);
  expect(received.some((text) => text.includes('처음 보는 기기(Chrome 131 on Windows)'))).toBe(true);
  expect(received.some((text) => text.includes('비밀번호가 바뀌었고'))).toBe(true);
  // Another sweep later, still once each.
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  expect(sink.mails.filter((m) => m.to.includes(user.email))).toHaveLength(2);
});
