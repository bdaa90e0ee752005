// The README walkthrough, through the gateway, against real processes:
// register → verify email with the code from the dev message sink → me.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql, startStack, type Stack } from '../support/stack.ts';
import { devMessages, type DevMessage } from '../support/dev-messages.ts';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ subgraphs: ['user'] });
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

const REGISTER = `mutation Register($input: RegisterInput!) {
  register(input: $input) { accessToken refreshToken user { id nickname email } }
}`;

function messagesTo(to: string): Promise<DevMessage[]> {
  return devMessages(stack.operationsUrls.user!, to);
}

describe('walkthrough through the gateway', () => {
  it('registers, verifies the email and reads me', async () => {
    const email = `Mina.${randomBytes(4).toString('hex')}@Example.com`;
    const registered = await graphql<{ register: { accessToken: string; user: { id: string; email: string } } }>(
      stack.gatewayUrl, REGISTER, { input: { email, password: 'correct horse battery', nickname: '민아' } },
    );
    expect(registered.body.errors).toBeUndefined();
    const { accessToken, user } = registered.body.data!.register;
    expect(user.email).toBe(email.toLowerCase());
    const auth = { authorization: `Bearer ${accessToken}` };

    const challenge = await graphql<{ requestVerification: { id: string; sentTo: string } }>(
      stack.gatewayUrl, 'mutation { requestVerification(method: EMAIL) { id sentTo expiresAt } }', {}, auth,
    );
    expect(challenge.body.errors).toBeUndefined();
    const messages = await messagesTo(email.toUpperCase()); // newest first; emails match case-insensitively
    const code = /\b(\d{6})\b/.exec(messages[0]!.text)?.[1];
    expect(code).toMatch(/^\d{6}$/);

    const confirmed = await graphql(
      stack.gatewayUrl,
      'mutation($id: ID!, $code: String!) { confirmVerification(challengeId: $id, code: $code) { id } }',
      { id: challenge.body.data!.requestVerification.id, code }, auth,
    );
    expect(confirmed.body.errors).toBeUndefined();

    const me = await graphql<{ me: { id: string; nickname: string; verifications: Array<{ method: string }> } }>(
      stack.gatewayUrl, '{ me { id nickname verifications { method } } }', {}, auth,
    );
    expect(me.body.data!.me).toEqual({ id: user.id, nickname: '민아', verifications: [{ method: 'EMAIL' }] });
  });

  it('logout revokes the access token at the gateway', async () => {
    const email = `logout.${randomBytes(4).toString('hex')}@example.com`;
    const registered = await graphql<{ register: { accessToken: string } }>(
      stack.gatewayUrl, REGISTER, { input: { email, password: 'another long password', nickname: 'logout' } },
    );
    const auth = { authorization: `Bearer ${registered.body.data!.register.accessToken}` };
    const out = await graphql<{ logout: boolean }>(stack.gatewayUrl, 'mutation { logout }', {}, auth);
    expect(out.body.data?.logout).toBe(true);
    const after = await graphql(stack.gatewayUrl, '{ me { id } }', {}, auth);
    expect(after.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(after.status).not.toBe(500);
  });

  it('refuses an identity header forged straight to the subgraph', async () => {
    const res = await fetch(stack.subgraphUrls.user!, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-anshim-user': '00000000-0000-0000-0000-000000000000;ADMIN', 'x-anshim-timestamp': String(Date.now()), 'x-anshim-signature': 'forged' },
      body: JSON.stringify({ query: '{ me { id role } }' }),
    });
    const body = (await res.json()) as { data?: unknown; errors?: Array<{ extensions?: { code?: string } }> };
    expect(res.status).not.toBe(500);
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(body.data ?? null).toBeNull();
  });

  it('answers invalid JSON with 400 and a subscription over HTTP with 400', async () => {
    const bad = await fetch(stack.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
    expect(bad.status).toBe(400);
    const sub = await graphql(stack.gatewayUrl, 'subscription { mySafetyScore { value } }');
    expect([400]).toContain(sub.status);
  });
});
