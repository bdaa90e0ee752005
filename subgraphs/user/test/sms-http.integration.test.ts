// The generic HTTP SMS provider against a real local HTTP server that fails on purpose: retries,
// the circuit breaker opening (sends then fail fast, without reaching the server, with a clear
// error), and closing again once the server recovers. Also the service wired to it by env.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, DependencyUnavailableError } from '@anshim/platform';
import { DeliveryRefusedError } from '../src/delivery/delivery.ts';
import { HttpSmsSender, type HttpSmsSettings } from '../src/delivery/http-sms-provider.ts';
import { SmsVendor } from '../../../test/support/sms-vendor.ts';
import { onlyError, registerUser, uniquePhone, UserHarness } from './support/harness.ts';

const logger = createLogger('user-test', 'silent');

const vendor = new SmsVendor();
beforeAll(async () => {
  await vendor.start();
});
afterAll(() => vendor.stop());

function sender(overrides: Partial<HttpSmsSettings> = {}): HttpSmsSender {
  return new HttpSmsSender(
    {
      urlTemplate: `${vendor.url}/send?to={to}`,
      method: 'POST',
      bodyTemplate: '{"to":"{to}","text":"{text}"}',
      contentType: 'application/json',
      authHeader: 'Authorization: Bearer vendor-key',
      timeoutMs: 1_000,
      attempts: 2,
      backoffMs: 10,
      breaker: { errorPercent: 50, volume: 3, resetMs: 300 },
      ...overrides,
    },
    logger,
  );
}

describe('HttpSmsSender', () => {
  it('fills the templates (URL-encoded, JSON-escaped) and sends the auth header', async () => {
    vendor.reset();
    const sms = sender();
    try {
      await sms.sendSms({ to: '01012345678', text: '인증번호 "123456"\n안심' });
      expect(vendor.received).toHaveLength(1);
      expect(vendor.received[0]!.url).toBe('/send?to=01012345678');
      expect(vendor.received[0]!.auth).toBe('Bearer vendor-key');
      expect(JSON.parse(vendor.received[0]!.body)).toEqual({ to: '01012345678', text: '인증번호 "123456"\n안심' });
    } finally {
      sms.close();
    }
  });

  it('passes the idempotency key in the configured header and the {id} placeholder; one key for every retry of one message', async () => {
    vendor.reset();
    const sms = sender({ urlTemplate: `${vendor.url}/send?ref={id}`, idempotencyHeader: 'Idempotency-Key', bodyTemplate: '{"to":"{to}","text":"{text}","id":"{id}"}', attempts: 3 });
    try {
      await sms.sendSms({ to: '01012345678', text: 'keyed', idempotencyKey: 'msg-1' });
      expect(vendor.received).toHaveLength(1);
      expect(vendor.received[0]).toMatchObject({ key: 'msg-1', url: '/send?ref=msg-1' });
      expect(JSON.parse(vendor.received[0]!.body).id).toBe('msg-1');
      // Without a key (a code sent now) each message gets its own, the same on each of its retries.
      const retrying = sender({ idempotencyHeader: 'Idempotency-Key', attempts: 3, backoffMs: 60, breaker: { errorPercent: 100, volume: 100, resetMs: 300 } });
      try {
        vendor.requests = [];
        vendor.failFor(50);
        await retrying.sendSms({ to: '01012345678', text: 'unkeyed' });
        await retrying.sendSms({ to: '01012345678', text: 'unkeyed 2' });
      } finally {
        retrying.close();
      }
      const [first, ...rest] = vendor.requests;
      expect(first!.status).toBe(503);
      const firstMessage = vendor.requests.filter((r) => r.key === first!.key);
      expect(firstMessage.at(-1)!.status).toBe(200);
      const second = rest.filter((r) => r.key !== first!.key);
      expect(second).toEqual([{ key: expect.any(String), status: 200, to: '01012345678', text: 'unkeyed 2', at: expect.any(Number) }]);
    } finally {
      sms.close();
    }
  });

  it('a vendor refusal (4xx) is not retried and does not open the breaker', async () => {
    vendor.mode = 'refuse';
    const sms = sender();
    try {
      const before = vendor.hits;
      for (let i = 0; i < 5; i++) {
        const error = await sms.sendSms({ to: '01012345678', text: 'x' }).then(() => null, (e: unknown) => e);
        expect(error).toBeInstanceOf(DeliveryRefusedError);
        expect(String(error)).toMatch(/refused the message \(HTTP 400\)/);
      }
      expect(vendor.hits - before).toBe(5);
      expect(sms.state).toBe('closed');
    } finally {
      sms.close();
    }
  });

  it('opens after repeated failures, then fails fast with a clear error, and closes once the vendor is back', async () => {
    vendor.mode = 'fail';
    const sms = sender();
    try {
      // Each send tries twice; failures pile up until the breaker opens.
      let opened = false;
      for (let i = 0; i < 5 && !opened; i++) {
        const error = await sms.sendSms({ to: '01012345678', text: 'x' }).then(() => null, (e: unknown) => e);
        // An outage, not a refusal: what the outbound sender waits out.
        expect(error).toBeInstanceOf(DependencyUnavailableError);
        expect((error as DependencyUnavailableError).dependency).toBe('sms');
        opened = sms.state === 'open';
      }
      expect(sms.state).toBe('open');

      // While open: no request reaches the vendor, the error says why, and it is immediate.
      const hitsWhileOpen = vendor.hits;
      const started = performance.now();
      const fast = await sms.sendSms({ to: '01012345678', text: 'x' }).then(() => null, (e: unknown) => e as Error);
      expect(fast).toBeInstanceOf(DependencyUnavailableError);
      expect(fast!.message).toMatch(/circuit open/);
      expect(vendor.hits).toBe(hitsWhileOpen);
      expect(performance.now() - started).toBeLessThan(200);

      // The vendor recovers; after resetMs the next send is the trial, succeeds and closes the breaker.
      vendor.mode = 'ok';
      await new Promise<void>((resolve) => {
        const timer = setInterval(() => {
          if (sms.state === 'half-open') {
            clearInterval(timer);
            resolve();
          }
        }, 20);
      });
      await sms.sendSms({ to: '01012345678', text: 'back' });
      expect(sms.state).toBe('closed');
      await sms.sendSms({ to: '01012345678', text: 'again' });
    } finally {
      sms.close();
    }
  });
});

describe('SMS_PROVIDER=http in the service', () => {
  let h: UserHarness;
  // Built once the vendor listens: its URL goes into the environment.
  beforeAll(async () => {
    h = await new UserHarness({ SMS_PROVIDER: 'http', SMS_HTTP_URL: `${vendor.url}/send`, SMS_HTTP_ATTEMPTS: '1', SMS_BREAKER_RESET_MS: '60000' }).start();
  });
  afterAll(() => h?.stop());

  it('sends verification codes through the vendor and says plainly when it is down', async () => {
    vendor.reset();
    const REQUEST = `mutation { requestVerification(method: SMS) { id sentTo } }`;
    const user = await registerUser(h, { phone: uniquePhone() });
    expect((await h.gql(REQUEST, {}, { token: user.accessToken })).errors).toBeUndefined();
    expect(JSON.parse(vendor.received[0]!.body).text).toMatch(/\d{6}/);

    vendor.mode = 'fail';
    const other = await registerUser(h, { phone: uniquePhone() });
    const down = await h.gql(REQUEST, {}, { token: other.accessToken, lang: 'en' });
    expect(onlyError(down).code).toBe('INTERNAL_SERVER_ERROR');
    expect(onlyError(down).message).toContain('cannot send the code right now');
  });
});
