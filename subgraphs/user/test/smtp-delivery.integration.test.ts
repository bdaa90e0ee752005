// The smtp provider against a real (tiny) SMTP server on a free port, and the service wired
// to it: codes leave by SMTP, and /dev/messages does not exist outside the console provider.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, DependencyUnavailableError } from '@anshim/platform';
import { SmtpDeliveryProvider } from '../src/delivery/smtp-provider.ts';
import { DeliveryError } from '../src/delivery/delivery.ts';
import { SmtpSink } from './support/smtp-sink.ts';
import { onlyError, registerUser, uniquePhone, UserHarness } from './support/harness.ts';

const logger = createLogger('user-test', 'silent');

describe('SmtpDeliveryProvider', () => {
  const sink = new SmtpSink();
  beforeAll(() => sink.start());
  afterAll(() => sink.stop());

  it('sends email to the address and SMS through the email-to-SMS gateway', async () => {
    const provider = new SmtpDeliveryProvider(
      { host: '127.0.0.1', port: sink.port, secure: false, from: 'Anshim <no-reply@anshim.test>', smsGatewayDomain: 'sms.example.test', timeoutMs: 2_000 },
      logger,
    );
    try {
      await provider.sendEmail({ to: 'kim@example.com', subject: '인증번호', text: '코드 123456' });
      await provider.sendSms({ to: '01012345678', text: '코드 654321' });
      await sink.waitFor(2);
      expect(sink.mails[0]).toMatchObject({ from: 'no-reply@anshim.test', to: ['kim@example.com'] });
      expect(sink.mails[1]!.to).toEqual(['01012345678@sms.example.test']);
    } finally {
      await provider.close();
    }
  });

  it('without an SMS gateway, SMS fails with a DeliveryError', async () => {
    const provider = new SmtpDeliveryProvider({ host: '127.0.0.1', port: sink.port, secure: false, from: 'a@b.test', timeoutMs: 2_000 }, logger);
    try {
      await expect(provider.sendSms({ to: '01012345678', text: 'x' })).rejects.toBeInstanceOf(DeliveryError);
    } finally {
      await provider.close();
    }
  });

  it('retries, then fails with DependencyUnavailableError (an outage to wait out) when the server is down', async () => {
    const down = new SmtpSink();
    await down.start();
    const port = down.port;
    await down.stop(); // nothing listens there any more
    const provider = new SmtpDeliveryProvider(
      { host: '127.0.0.1', port, secure: false, from: 'a@b.test', timeoutMs: 1_000, attempts: 2, backoffMs: 5 },
      logger,
    );
    try {
      const error = await provider.sendEmail({ to: 'kim@example.com', subject: 's', text: 't' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DependencyUnavailableError);
      expect((error as DependencyUnavailableError).dependency).toBe('email');
      expect(String((error as DependencyUnavailableError).cause)).toMatch(/ECONNREFUSED|connect/i);
    } finally {
      await provider.close();
    }
  });
});

describe('the service with DELIVERY_PROVIDER=smtp', () => {
  const sink = new SmtpSink();
  let h: UserHarness;
  beforeAll(async () => {
    await sink.start();
    h = new UserHarness({ DELIVERY_PROVIDER: 'smtp', SMTP_HOST: '127.0.0.1', SMTP_PORT: String(sink.port), SMS_EMAIL_GATEWAY_DOMAIN: 'sms.example.test' });
    await h.start();
  });
  afterAll(async () => {
    await h.stop();
    await sink.stop();
  });

  it('mails the code, and has no /dev/messages route', async () => {
    const user = await registerUser(h, { phone: uniquePhone() });
    const request = await h.gql('mutation { requestVerification(method: SMS) { id sentTo } }', {}, { token: user.accessToken });
    expect(request.errors).toBeUndefined();
    await sink.waitFor(1);
    const mail = sink.mails.at(-1)!;
    expect(mail.to).toEqual([`${user.phone!.replace(/-/g, '')}@sms.example.test`]);
    const code = /\b(\d{6})\b/.exec(mail.data)?.[1];
    expect(code).toBeTruthy();
    const confirmed = await h.gql(
      'mutation($id: ID!, $code: String!) { confirmVerification(challengeId: $id, code: $code) { verifications { method } } }',
      { id: request.data!.requestVerification.id, code },
      { token: user.accessToken },
    );
    expect(confirmed.data!.confirmVerification.verifications).toEqual([{ method: 'SMS' }]);
    expect((await fetch(`${h.operationsUrl}/dev/messages?to=${user.phone}`)).status).toBe(404);
  });

  it('a failed delivery leaves no challenge behind and says to try later', async () => {
    const user = await registerUser(h);
    await sink.stop();
    try {
      const before = await h.prisma.verificationChallenge.count({ where: { userId: user.id } });
      const result = await h.gql('mutation { requestVerification(method: EMAIL) { id } }', {}, { token: user.accessToken });
      expect(onlyError(result).code).toBe('INTERNAL_SERVER_ERROR');
      expect(await h.prisma.verificationChallenge.count({ where: { userId: user.id } })).toBe(before);
    } finally {
      await sink.start();
    }
  });
});

describe('production mode', () => {
  it('has no /dev/messages and masks internal errors', async () => {
    const h = new UserHarness({ NODE_ENV: 'production', DELIVERY_PROVIDER: 'smtp', SMTP_HOST: '127.0.0.1', SMTP_PORT: '9', USER_PUBLIC_URL: 'https://anshim.example' });
    await h.start();
    try {
      expect((await fetch(`${h.operationsUrl}/dev/messages?to=a@b.c`)).status).toBe(404);
      const user = await registerUser(h);
      const result = await h.gql('mutation { requestVerification(method: EMAIL) { id } }', {}, { token: user.accessToken });
      const error = onlyError(result);
      expect(error.code).toBe('INTERNAL_SERVER_ERROR');
      expect(error.extensions.stacktrace).toBeUndefined();
    } finally {
      await h.stop();
    }
  });
});
