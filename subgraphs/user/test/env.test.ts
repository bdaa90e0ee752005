import { describe, expect, it } from 'vitest';
import { userEnvSchema } from '../src/env.ts';
import { effectiveStatus } from '../src/model.ts';

const issuesOf = (input: Record<string, string>) => {
  const result = userEnvSchema.safeParse(input);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('user configuration', () => {
  it('works with no settings at all outside production', () => {
    const result = userEnvSchema.parse({});
    expect(result.USER_PORT).toBe(4001);
    expect(result.DELIVERY_PROVIDER).toBeUndefined(); // loadUserEnv turns this into console
  });

  it('refuses the console provider and a missing provider in production', () => {
    expect(issuesOf({ NODE_ENV: 'production', DELIVERY_PROVIDER: 'console' }).some((i) => i.startsWith('DELIVERY_PROVIDER'))).toBe(true);
    expect(issuesOf({ NODE_ENV: 'production' }).some((i) => i.startsWith('DELIVERY_PROVIDER'))).toBe(true);
  });

  it('needs SMTP_HOST for smtp, and pairs that go together', () => {
    expect(issuesOf({ DELIVERY_PROVIDER: 'smtp' })).toContain('SMTP_HOST: required when DELIVERY_PROVIDER=smtp');
    expect(issuesOf({ DELIVERY_PROVIDER: 'smtp', SMTP_HOST: 'mail', SMTP_USER: 'u' }).some((i) => i.startsWith('SMTP_PASSWORD'))).toBe(true);
    expect(issuesOf({ BOOTSTRAP_ADMIN_EMAIL: 'a@b.co' }).some((i) => i.startsWith('BOOTSTRAP_ADMIN_PASSWORD'))).toBe(true);
  });

  it('treats empty variables as unset and refuses a bootstrap admin in production', () => {
    expect(issuesOf({ SMTP_HOST: '', DELIVERY_PROVIDER: '' })).toEqual([]);
    const prod = { NODE_ENV: 'production', DELIVERY_PROVIDER: 'smtp', SMTP_HOST: 'mail', BOOTSTRAP_ADMIN_EMAIL: 'a@b.co', BOOTSTRAP_ADMIN_PASSWORD: 'x'.repeat(12) };
    expect(issuesOf(prod).some((i) => i.startsWith('BOOTSTRAP_ADMIN_EMAIL'))).toBe(true);
  });
});

describe('verification settings', () => {
  const prod = { NODE_ENV: 'production', DELIVERY_PROVIDER: 'smtp', SMTP_HOST: 'mail' };
  it('production needs the public URL of /auth/* and refuses http issuers', () => {
    expect(issuesOf(prod).some((i) => i.startsWith('USER_PUBLIC_URL'))).toBe(true);
    expect(issuesOf({ ...prod, USER_PUBLIC_URL: 'https://anshim.example' })).toEqual([]);
    expect(issuesOf({ ...prod, USER_PUBLIC_URL: 'https://anshim.example', OIDC_ALLOW_HTTP: 'true' }).some((i) => i.startsWith('OIDC_ALLOW_HTTP'))).toBe(true);
  });

  it('SMS over HTTP needs its URL template; provider names must be usable in URLs', () => {
    expect(issuesOf({ SMS_PROVIDER: 'http' })).toContain('SMS_HTTP_URL: required when SMS_PROVIDER=http');
    expect(issuesOf({ SMS_PROVIDER: 'http', SMS_HTTP_URL: 'https://sms.example/send?to={to}' })).toEqual([]);
    expect(issuesOf({ SMS_HTTP_AUTH_HEADER: 'no colon' }).some((i) => i.startsWith('SMS_HTTP_AUTH_HEADER'))).toBe(true);
    expect(issuesOf({ OIDC_PROVIDERS: 'google, bad name' }).some((i) => i.startsWith('OIDC_PROVIDERS'))).toBe(true);
    expect(userEnvSchema.parse({ OIDC_PROVIDERS: 'Google,kakao' }).OIDC_PROVIDERS).toEqual(['google', 'kakao']);
  });
});

describe('effectiveStatus', () => {
  const now = new Date('2026-11-23T12:00:00Z');
  it('lets a suspension lapse at its end', () => {
    expect(effectiveStatus({ status: 'SUSPENDED', statusUntil: new Date('2026-11-24T00:00:00Z') }, now)).toBe('SUSPENDED');
    expect(effectiveStatus({ status: 'SUSPENDED', statusUntil: new Date('2026-11-23T11:59:59Z') }, now)).toBe('ACTIVE');
    expect(effectiveStatus({ status: 'SUSPENDED', statusUntil: null }, now)).toBe('SUSPENDED');
    expect(effectiveStatus({ status: 'BANNED', statusUntil: null }, now)).toBe('BANNED');
  });
});
