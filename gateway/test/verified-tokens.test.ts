// The gateway's memory of verified access tokens: a good token is checked by signature once, an
// expired one is refused even when remembered, and a forged or altered one is never remembered.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signAccessToken, verifyAccessToken } from '@anshim/platform';
import { VerifiedTokens } from '../src/verified-tokens.ts';

const SECRET = 'a'.repeat(64);

function counted() {
  const calls: string[] = [];
  return { calls, verify: (token: string) => (calls.push(token), verifyAccessToken(SECRET, token)) };
}

describe('VerifiedTokens', () => {
  it('verifies a good token once and answers its claims from memory until it expires', async () => {
    const { calls, verify } = counted();
    let now = Date.now();
    const tokens = new VerifiedTokens(verify, 10, () => now);
    const { token, claims } = await signAccessToken(SECRET, { userId: randomUUID(), role: 'USER' });
    expect(await tokens.check(token)).toEqual({ ok: true, claims });
    expect(await tokens.check(token)).toEqual({ ok: true, claims });
    expect(calls).toHaveLength(1);
    now = claims.exp * 1000;
    expect(await tokens.check(token)).toEqual({ ok: false, reason: 'expired' });
  });

  it('never remembers a forged, altered or foreign token', async () => {
    const { calls, verify } = counted();
    const tokens = new VerifiedTokens(verify);
    const { token } = await signAccessToken(SECRET, { userId: randomUUID(), role: 'ADMIN' });
    const foreign = (await signAccessToken('b'.repeat(64), { userId: randomUUID(), role: 'ADMIN' })).token;
    const altered = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;
    for (const bad of [foreign, altered, 'not.a.token']) {
      expect((await tokens.check(bad)).ok).toBe(false);
      expect((await tokens.check(bad)).ok).toBe(false);
    }
    expect(calls).toHaveLength(6);
    expect((await tokens.check(token)).ok).toBe(true);
  });

  it('forgets the oldest token beyond its capacity', async () => {
    const { calls, verify } = counted();
    const tokens = new VerifiedTokens(verify, 2);
    const [a, b, c] = await Promise.all([1, 2, 3].map(async () => (await signAccessToken(SECRET, { userId: randomUUID(), role: 'USER' })).token));
    for (const token of [a!, b!, c!, c!, b!]) await tokens.check(token);
    expect(calls).toEqual([a, b, c]);
    await tokens.check(a!);
    expect(calls).toEqual([a, b, c, a]);
  });
});
