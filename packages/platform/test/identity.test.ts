import { describe, expect, it } from 'vitest';
import { signIdentityHeaders, verifyIdentityHeaders, IDENTITY_MAX_AGE_MS } from '../src/identity.ts';
import { FieldCipher } from '../src/crypto.ts';
import { localeFromHeader } from '../src/i18n.ts';

const secret = 'x'.repeat(40);
const identity = { userId: '6f1c1f7e-8a43-4b8e-9d61-0c8d7a6b5e4f', role: 'USER' as const };

describe('signed identity headers', () => {
  it('accepts what the gateway signed', () => {
    const headers = signIdentityHeaders(secret, identity, 'req-1');
    expect(verifyIdentityHeaders(secret, headers)).toEqual({ ok: true, identity });
  });

  it('treats a request without identity as anonymous', () => {
    expect(verifyIdentityHeaders(secret, {})).toEqual({ ok: true, identity: null });
  });

  it('refuses an identity without a signature', () => {
    expect(verifyIdentityHeaders(secret, { 'x-anshim-user': `${identity.userId};ADMIN` })).toEqual({ ok: false, reason: 'unsigned' });
  });

  it('refuses a role raised after signing, another key, or another request id', () => {
    const headers = signIdentityHeaders(secret, identity, 'req-1');
    expect(verifyIdentityHeaders(secret, { ...headers, 'x-anshim-user': `${identity.userId};ADMIN` })).toMatchObject({ ok: false, reason: 'forged' });
    expect(verifyIdentityHeaders('y'.repeat(40), headers)).toMatchObject({ ok: false, reason: 'forged' });
    expect(verifyIdentityHeaders(secret, { ...headers, 'x-request-id': 'req-2' })).toMatchObject({ ok: false, reason: 'forged' });
  });

  it('refuses a stale identity', () => {
    const headers = signIdentityHeaders(secret, identity, 'req-1', Date.now() - IDENTITY_MAX_AGE_MS - 1_000);
    expect(verifyIdentityHeaders(secret, headers)).toEqual({ ok: false, reason: 'stale' });
  });
});

describe('field cipher', () => {
  const cipher = new FieldCipher('ab'.repeat(32));
  it('round-trips and never repeats a ciphertext', () => {
    const a = cipher.encrypt('01012345678');
    expect(cipher.decrypt(a)).toBe('01012345678');
    expect(cipher.encrypt('01012345678')).not.toBe(a);
  });
  it('detects tampering', () => {
    const sealed = cipher.encrypt('01012345678');
    const parts = sealed.split('.');
    parts[3] = Buffer.from('01099999999').toString('base64url');
    expect(() => cipher.decrypt(parts.join('.'))).toThrow();
  });
  it('gives a stable lookup hash', () => {
    expect(cipher.lookupHash('01012345678')).toBe(cipher.lookupHash('01012345678'));
  });
});

describe('locale', () => {
  it('is Korean unless English comes first', () => {
    expect(localeFromHeader(undefined)).toBe('ko');
    expect(localeFromHeader('en-US,en;q=0.9')).toBe('en');
    expect(localeFromHeader('ko-KR,en;q=0.5')).toBe('ko');
  });
});
