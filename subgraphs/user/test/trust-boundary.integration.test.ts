// A subgraph's public port trusts only the gateway (issue 16 point 2): without a signature made
// for THIS subgraph, this method and path and THESE body bytes, everything but /healthz and
// /readyz is a coded 401 — /graphql (so `_service` and `_entities` too), /internal/*, the browser
// routes under /auth and /files, /metrics and /dev/messages — and a captured header set does not
// replay with another body or against another subgraph. /metrics, the detailed /readyz and
// /dev/messages live on the operations port.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodySha256, signIdentityHeaders, signServiceHeaders } from '@anshim/platform';
import { UserHarness } from './support/harness.ts';

const h = new UserHarness();
beforeAll(async () => {
  await h.start();
});
afterAll(async () => {
  await h.stop();
});

const post = (path: string, body: string, headers: Record<string, string> = {}) =>
  fetch(`${h.base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

async function expect401(response: Response): Promise<void> {
  expect(response.status).toBe(401);
  const body = (await response.json()) as { errors: Array<{ message: string; extensions: Record<string, unknown> }> };
  expect(body.errors).toHaveLength(1);
  expect(body.errors[0]!.extensions.code).toBe('UNAUTHENTICATED');
  expect(JSON.stringify(body)).not.toMatch(/stacktrace|at .*\.ts/);
}

describe('unsigned requests', () => {
  it.each([
    ['{ __typename }'],
    ['{ _service { sdl } }'],
    ['query($r: [_Any!]!) { _entities(representations: $r) { ... on User { id email } } }'],
  ])('are refused on /graphql: %s', async (query) => {
    await expect401(await post('/graphql', JSON.stringify({ query, variables: { r: [{ __typename: 'User', id: randomUUID() }] } })));
  });

  it.each([
    ['GET', '/graphql'],
    ['POST', '/internal/safety-inputs'],
    ['GET', '/auth/oidc/local/start'],
    ['PUT', `/auth/id-card/upload/${randomUUID()}?exp=1&sig=x`],
    ['GET', '/files/products/x/y.png'],
    ['GET', '/metrics'],
    ['GET', '/dev/messages?to=a%40b.c'],
  ])('are refused on %s %s', async (method, path) => {
    await expect401(await fetch(`${h.base}${path}`, { method, ...(method === 'GET' ? {} : { body: method === 'POST' ? '{}' : 'x', headers: { 'content-type': method === 'POST' ? 'application/json' : 'image/png' } }) }));
  });

  it('answers English on request', async () => {
    const response = await post('/graphql', '{"query":"{ __typename }"}', { 'accept-language': 'en' });
    expect(((await response.json()) as { errors: Array<{ message: string }> }).errors[0]!.message).toBe('The caller identity could not be verified.');
  });

  it('still answers plain /healthz and a status-only /readyz', async () => {
    expect(await (await fetch(`${h.base}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${h.base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });
});

describe('signed requests', () => {
  const query = JSON.stringify({ query: '{ __typename }' });
  const signedFor = (subgraph: string, body: string, identity = null) =>
    signIdentityHeaders(h.secrets.INTERNAL_SECRET, identity, { method: 'POST', subgraph, path: '/graphql', bodySha256: bodySha256(body) }, randomUUID());

  it('answers an anonymous caller the gateway signed', async () => {
    const response = await post('/graphql', query, signedFor('user', query));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { __typename: 'Query' } });
  });

  it('refuses a captured header set replayed with another body or against another subgraph', async () => {
    const captured = signedFor('user', query);
    const other = JSON.stringify({ query: '{ _service { sdl } }' });
    const replayed = await post('/graphql', other, captured);
    await expect401(replayed.clone());
    expect(((await replayed.json()) as { errors: Array<{ extensions: { reason: string } }> }).errors[0]!.extensions.reason).toBe('forged');
    await expect401(await post('/graphql', query, signedFor('transaction', query)));
  });

  it('binds a service signature on /internal/* to the target, path and body', async () => {
    const body = JSON.stringify({ userIds: [randomUUID()] });
    const target = { method: 'POST', subgraph: 'user', path: '/internal/safety-inputs', bodySha256: bodySha256(body) };
    // Valid for user and this body: passes the signature (the user service has no such route: 404).
    expect((await post('/internal/safety-inputs', body, signServiceHeaders(h.secrets.INTERNAL_SECRET, 'safety', target, randomUUID()))).status).toBe(404);
    await expect401(await post('/internal/safety-inputs', JSON.stringify({ userIds: [] }), signServiceHeaders(h.secrets.INTERNAL_SECRET, 'safety', target, randomUUID())));
    await expect401(await post('/internal/safety-inputs', body, signServiceHeaders(h.secrets.INTERNAL_SECRET, 'safety', { ...target, subgraph: 'report' }, randomUUID())));
    // A user identity the gateway signed is not a service identity.
    await expect401(await post('/internal/safety-inputs', body, signIdentityHeaders(h.secrets.INTERNAL_SECRET, { userId: randomUUID(), role: 'ADMIN' }, target, randomUUID())));
  });
});

describe('the operations port', () => {
  it('serves /metrics, the detailed /readyz and (development) /dev/messages on loopback', async () => {
    expect(new URL(h.operationsUrl).hostname).toBe('127.0.0.1');
    expect((await fetch(`${h.operationsUrl}/metrics`)).status).toBe(200);
    expect(await (await fetch(`${h.operationsUrl}/readyz`)).json()).toEqual({ status: 'ready', checks: { postgres: 'ok', redis: 'ok' } });
    expect(await h.messagesTo('nobody@example.com')).toEqual([]);
  });
});
