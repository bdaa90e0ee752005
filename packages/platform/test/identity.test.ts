import { describe, expect, it } from 'vitest';
import { bodySha256, IDENTITY_MAX_AGE_MS, signIdentityHeaders, verifyIdentityHeaders, type SignedTarget } from '../src/identity.ts';
import { FieldCipher } from '../src/crypto.ts';
import { decodeClientInfo, encodeClientInfo, MAX_USER_AGENT_LENGTH, validClientAddress, validDeviceId, validUserAgent } from '../src/client-info.ts';
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

describe('signed client info (device id, address)', () => {
  const client = { deviceId: 'dev-7f3a', address: '203.0.113.9' };

  it('travels with the identity and comes back as signed', () => {
    const headers = signIdentityHeaders(secret, identity, target, 'req-1', Date.now(), client);
    expect(headers['x-anshim-user']).toBe('u-1;USER');
    expect(verifyIdentityHeaders(secret, headers, target)).toEqual({ ok: true, identity, client });
    expect(verifyIdentityHeaders(secret, signIdentityHeaders(secret, null, target, 'req-1', Date.now(), { deviceId: 'd', address: null }), target))
      .toEqual({ ok: true, identity: null, client: { deviceId: 'd', address: null } });
  });

  it('cannot be added, changed or dropped by anyone without the secret', () => {
    const plain = signIdentityHeaders(secret, identity, target, 'req-1');
    const signed = signIdentityHeaders(secret, identity, target, 'req-1', Date.now(), client);
    const forgedClient = encodeClientInfo({ deviceId: 'someone-elses-phone', address: '198.51.100.1' })!;
    expect(verifyIdentityHeaders(secret, { ...plain, 'x-anshim-client': forgedClient }, target)).toEqual({ ok: false, reason: 'forged' });
    expect(verifyIdentityHeaders(secret, { ...signed, 'x-anshim-client': forgedClient }, target)).toEqual({ ok: false, reason: 'forged' });
    const { 'x-anshim-client': _dropped, ...withoutClient } = signed;
    expect(verifyIdentityHeaders(secret, withoutClient, target)).toEqual({ ok: false, reason: 'forged' });
  });

  it('keeps only bounded, printable device ids and plausible addresses', () => {
    expect(validDeviceId(' abc-123 ')).toBe('abc-123');
    expect(validDeviceId(['first', 'second'])).toBe('first');
    for (const bad of ['', '   ', 'a'.repeat(129), 'tab\there', 'new\nline', '기기', 42, undefined]) expect(validDeviceId(bad)).toBeNull();
    expect(validClientAddress('::1')).toBe('::1');
    expect(validClientAddress('10.0.0.1')).toBe('10.0.0.1');
    for (const bad of ['unknown', 'subscription-event', '1.2.3.4; drop', undefined]) expect(validClientAddress(bad)).toBeNull();
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

describe('the user agent in the signed client info', () => {
  it('keeps printable ASCII only, cut to its maximum, and survives the header round trip', () => {
    expect(validUserAgent('  Mozilla/5.0 (iPhone)\u0007\n ')).toBe('Mozilla/5.0 (iPhone)');
    expect(validUserAgent('안심 앱')).toBeNull();
    expect(validUserAgent(['first', 'second'])).toBe('first');
    expect(validUserAgent(undefined)).toBeNull();
    expect(validUserAgent('a'.repeat(1_000))).toHaveLength(MAX_USER_AGENT_LENGTH);
    const client = { deviceId: 'ios-1', address: '203.0.113.9', userAgent: 'Anshim/2.3 (Android 14; a&b=c)' };
    expect(decodeClientInfo(encodeClientInfo(client))).toEqual(client);
    // Without one the decoded info has no userAgent key at all (older callers compare it whole).
    expect(decodeClientInfo(encodeClientInfo({ deviceId: 'ios-1', address: null }))).toEqual({ deviceId: 'ios-1', address: null });
  });
});
