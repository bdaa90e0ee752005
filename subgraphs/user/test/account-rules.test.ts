// The pure rules of account security: how a client is described from its user agent, what a new
// password must be, and when a sign-in needs the second factor (ADMIN in production, the member's
// choice, a new device on a SAFE-or-better account with a bound phone).
import { describe, expect, it } from 'vitest';
import { NO_CLIENT, type Logger } from '@anshim/platform';
import { describeClient } from '../src/auth/client-description.ts';
import { assertStrongPassword, commonPasswords } from '../src/auth/password-policy.ts';
import { TwoFactorService, type TwoFactorSettings } from '../src/auth/two-factor.ts';
import type { UserRecord } from '../src/model.ts';
import type { RequestScope } from '../src/scope.ts';

describe('describeClient', () => {
  it.each([
    ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36', 'Chrome 131 on Windows'],
    ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.70', 'Edge 131 on Windows'],
    ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1', 'Safari 17 on iOS'],
    ['Mozilla/5.0 (Linux; Android 14; SM-S921N) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36', 'Samsung Internet 25 on Android'],
    ['Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:128.0) Gecko/20100101 Firefox/128.0', 'Firefox 128 on macOS'],
    ['Anshim/2.3.1 (Android 14; Pixel 8)', 'Anshim app 2.3.1 on Android'],
    ['curl/8.5.0', 'curl 8.5.0'],
  ])('%s → %s', (ua, expected) => expect(describeClient(ua)).toBe(expected));

  it('is null without a user agent and cuts an unknown one short', () => {
    expect(describeClient(null)).toBeNull();
    expect(describeClient('   ')).toBeNull();
    expect(describeClient(`SomeBot ${'x'.repeat(100)}`)).toHaveLength(60);
  });
});

describe('assertStrongPassword', () => {
  const reasonOf = (password: string, email = 'kim@example.com') => {
    try {
      assertStrongPassword(password, email);
      return 'OK';
    } catch (error) {
      return (error as { extensions: { reason: string; code: string } }).extensions.reason;
    }
  };

  it('refuses short, overlong, email-equal and common passwords, ignoring case', () => {
    expect(commonPasswords().size).toBeGreaterThan(200);
    expect(reasonOf('short')).toBe('TOO_SHORT');
    expect(reasonOf('x'.repeat(201))).toBe('TOO_LONG');
    expect(reasonOf('KIM@example.com')).toBe('EQUALS_EMAIL');
    expect(reasonOf('QwertyUIOP')).toBe('COMMON');
    expect(reasonOf('password123')).toBe('COMMON');
    expect(reasonOf('바다가 보이는 작은 창문')).toBe('OK');
    expect(reasonOf('correct horse battery staple')).toBe('OK');
  });
});

describe('when a sign-in needs the second factor', () => {
  const user = (over: Partial<UserRecord> = {}) => ({ id: '00000000-0000-4000-8000-000000000001', role: 'USER', twoFactorEnabled: false, phoneEncrypted: 'sealed', ...over }) as UserRecord;
  const scope = (deviceId: string | null) => ({ client: { ...NO_CLIENT, deviceId } }) as RequestScope;
  const service = (settings: TwoFactorSettings, known: boolean, grade: string | null) =>
    new TwoFactorService({
      settings,
      prisma: {} as never,
      devices: { isKnown: async () => known } as never,
      grades: { gradeOf: async () => grade } as never,
      auth: {} as never, credentials: {} as never, challenges: {} as never, delivery: {} as never, cipher: {} as never,
      logger: {} as Logger, afterCommit: () => undefined,
    });

  it('always for two-factor accounts, and for every ADMIN in production only', async () => {
    const dev = service({ production: false, newDeviceMinGrade: null }, true, null);
    const prod = service({ production: true, newDeviceMinGrade: null }, true, null);
    expect(await dev.reasonFor(scope(null), user({ twoFactorEnabled: true }))).toBe('TWO_FACTOR');
    expect(await dev.reasonFor(scope(null), user({ role: 'ADMIN' }))).toBeNull();
    expect(await prod.reasonFor(scope(null), user({ role: 'ADMIN' }))).toBe('ADMIN');
    expect(await prod.reasonFor(scope(null), user())).toBeNull();
  });

  it('on a new device only for accounts at the configured grade or better, with a phone to send to', async () => {
    const settings = { production: false, newDeviceMinGrade: 'SAFE' } as const;
    expect(await service(settings, false, 'VERY_SAFE').reasonFor(scope('new-phone'), user())).toBe('NEW_DEVICE');
    expect(await service(settings, false, 'SAFE').reasonFor(scope('new-phone'), user())).toBe('NEW_DEVICE');
    expect(await service(settings, false, 'NORMAL').reasonFor(scope('new-phone'), user())).toBeNull();
    expect(await service(settings, false, null).reasonFor(scope('new-phone'), user())).toBeNull();
    expect(await service(settings, true, 'SAFE').reasonFor(scope('old-phone'), user())).toBeNull();
    expect(await service(settings, false, 'SAFE').reasonFor(scope(null), user())).toBeNull();
    expect(await service(settings, false, 'SAFE').reasonFor(scope('new-phone'), user({ phoneEncrypted: null }))).toBeNull();
    expect(await service({ production: false, newDeviceMinGrade: null }, false, 'VERY_SAFE').reasonFor(scope('new-phone'), user())).toBeNull();
  });
});
