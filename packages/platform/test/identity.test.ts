import { describe, expect, it } from 'vitest';
import { bodySha256, IDENTITY_MAX_AGE_MS, signIdentityHeaders, verifyIdentityHeaders, type SignedTarget } from '../src/identity.ts';
import { FieldCipher } from '../src/crypto.ts';
import { localeFromHeader } from '../src/i18n.ts';

const secret = 'x'.repeat(40);
const identity = { userId: 'u-1', role: 'USER' as const };
const body = JSON.stringify({ query: '{ me { id } }' });
const target: SignedTarget = { method: 'POST', subgraph: 'user', path: '/graphql', bodySha256: bodySha256(body) };

describe('gateway signature v2', () => {
  it('verifies a signed identity, and an explicitly signed anonymous caller', () => {
    expect(verifyIdentityHeaders(secret, signIdentityHeaders(secret, identity, target, 'req-1'), target)).toEqual({ ok: true, identity });
    expect(verifyIdentityHeaders(secret, signIdentityHeaders(secret, null, target, 'req-1'), target)).toEqual({ ok: true, identity: null });
  });

  it('refuses a request with no signature at all (no implicit anonymous)', () => {
    expect(verifyIdentityHeaders(secret, {}, target)).toEqual({ ok: false, reason: 'unsigned' });
    expect(verifyIdentityHeaders(secret, { 'x-anshim-user': 'anonymous' }, target)).toEqual({ ok: false, reason: 'unsigned' });
  });

  it('refuses the same headers replayed against another subgraph, method, path or body', () => {
    const headers = signIdentityHeaders(secret, identity, target, 'req-1');
    expect(verifyIdentityHeaders(secret, headers, { ...target, subgraph: 'report' })).toEqual({ ok: false, reason: 'forged' });
    expect(verifyIdentityHeaders(secret, headers, { ...target, method: 'GET' })).toEqual({ ok: false, reason: 'forged' });
    expect(verifyIdentityHeaders(secret, headers, { ...target, path: '/internal/safety-inputs' })).toEqual({ ok: false, reason: 'forged' });
    expect(verifyIdentityHeaders(secret, headers, { ...target, bodySha256: bodySha256(`${body} `) })).toEqual({ ok: false, reason: 'forged' });
  });

  it('refuses a changed identity, another secret or another request id', () => {
    const headers = signIdentityHeaders(secret, identity, target, 'req-1');
    expect(verifyIdentityHeaders(secret, { ...headers, 'x-anshim-user': 'u-1;ADMIN' }, target)).toEqual({ ok: false, reason: 'forged' });
    expect(verifyIdentityHeaders(secret, { ...headers, 'x-anshim-user': 'anonymous' }, target)).toEqual({ ok: false, reason: 'forged' });
    expect(verifyIdentityHeaders('y'.repeat(40), headers, target)).toEqual({ ok: false, reason: 'forged' });
    expect(verifyIdentityHeaders(secret, { ...headers, 'x-request-id': 'req-2' }, target)).toEqual({ ok: false, reason: 'forged' });
  });

  it('refuses a stale signature', () => {
    const headers = signIdentityHeaders(secret, identity, target, 'req-1', Date.now() - IDENTITY_MAX_AGE_MS - 1_000);
    expect(verifyIdentityHeaders(secret, headers, target)).toEqual({ ok: false, reason: 'stale' });
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
