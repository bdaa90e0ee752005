// The gateway's entity cache (docs/caching.md) against real processes: user and safety subgraphs,
// the safety worker, the gateway with ENTITY_CACHE on, one Redis. A public field changes through
// the gateway within a second of the change; private views are never served from a shared entry;
// ENTITY_CACHE=false asks the subgraph every time.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createRedis, ENTITY_VERSION_TTL_SECONDS, type Redis } from '@anshim/platform';
import { graphql, startStack, type Stack } from '../support/stack.ts';
import { startProcess, type StartedProcess } from '../support/processes.ts';
import { devMessages } from '../support/dev-messages.ts';
import { waitFor } from '../support/wait-for.ts';

const adminEmail = `admin-${randomBytes(4).toString('hex')}@anshim.test`;
const adminPassword = 'admin-password-1234';

let stack: Stack;
let redis: Redis;
let uncached: StartedProcess | undefined;
beforeAll(async () => {
  stack = await startStack({
    subgraphs: ['user', 'safety'],
    workers: ['safety'],
    env: { ENTITY_CACHE: 'true', BOOTSTRAP_ADMIN_EMAIL: adminEmail, BOOTSTRAP_ADMIN_PASSWORD: adminPassword, SAFETY_NIGHTLY_ENABLED: 'false' },
  });
  redis = createRedis({ url: inject('redisUrl'), prefix: stack.env.REDIS_PREFIX! });
}, 300_000);
afterAll(async () => {
  await uncached?.stop();
  redis?.disconnect();
  await stack?.stop();
});

interface Seen {
  nickname: string;
  safetyDisplay: { grade: string; label: string };
  safetyScore: { value: number; version: number; factors: Array<{ code: string }> };
}
const PROFILE = `query Profile($id: ID!) { user(id: $id) { nickname safetyDisplay { grade label } safetyScore { value version factors { code } } } }`;

async function register(): Promise<{ id: string; token: string; email: string }> {
  const email = `cache.${randomBytes(5).toString('hex')}@example.com`;
  const result = await graphql<{ register: { accessToken: string; user: { id: string } } }>(stack.gatewayUrl, `mutation($input: RegisterInput!) { register(input: $input) { accessToken user { id } } }`, {
    input: { email, password: 'correct horse battery', nickname: '캐시' },
  });
  expect(result.body.errors).toBeUndefined();
  return { id: result.body.data!.register.user.id, token: result.body.data!.register.accessToken, email };
}

async function profile(id: string, token?: string, url = stack.gatewayUrl): Promise<Seen> {
  const result = await graphql<{ user: Seen }>(url, PROFILE, { id }, token ? { authorization: `Bearer ${token}` } : {});
  if (result.body.errors) throw new Error(JSON.stringify(result.body.errors));
  return result.body.data!.user;
}

async function counts(url = stack.operationsUrls.gateway!): Promise<Record<string, number>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const found: Record<string, number> = {};
  for (const match of text.matchAll(/^gateway_entity_cache_(\w+)_total\{[^}]*\} (\d+)/gm)) found[match[1]!] = Number(match[2]);
  return found;
}

async function login(email: string, password: string): Promise<string> {
  const result = await graphql<{ login: { accessToken: string } }>(stack.gatewayUrl, `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }`, { e: email, p: password });
  expect(result.body.errors).toBeUndefined();
  return result.body.data!.login.accessToken;
}

/**
 * Waits until the user's safety version was last bumped over 1.2 s ago: a relay bumps once more a
 * second after an event (entity-invalidation.ts), which would discard an entry a test just planted.
 */
async function versionSettled(userId: string): Promise<void> {
  const key = `ec:v:safety:User:${userId}`;
  await waitFor('the version to settle', async () => {
    const left = await redis.pttl(key);
    return left < 0 || ENTITY_VERSION_TTL_SECONDS * 1_000 - left >= 1_200;
  }, { timeoutMs: 10_000, intervalMs: 50 });
}

/** The safety subgraph's entries for a user (one per selection and language). */
const entriesOf = (userId: string) => redis.keys(`${stack.env.REDIS_PREFIX}:ec:e:safety:User:${userId}:*`);

/** Replaces every cached safety entry of the user with a marked one (its version kept): who reads it, sees the mark. */
async function poison(userId: string): Promise<number> {
  const keys = await entriesOf(userId);
  for (const prefixed of keys) {
    const key = prefixed.slice(`${stack.env.REDIS_PREFIX}:`.length);
    const stored = JSON.parse((await redis.get(key))!) as { v: string; d: Record<string, unknown> };
    const display = stored.d.safetyDisplay as Record<string, unknown> | undefined;
    if (display) display.label = 'POISONED';
    const score = stored.d.safetyScore as Record<string, unknown> | undefined;
    if (score) score.factors = [{ code: 'POISONED' }];
    await redis.set(key, JSON.stringify(stored), 'EX', 600);
  }
  return keys.length;
}

describe('the gateway entity cache', () => {
  it('serves a public field from Redis, and the changed value within a second of the change', async () => {
    const member = await register();
    await waitFor('the first score', async () => (await profile(member.id)).safetyScore.version >= 1);
    await versionSettled(member.id);
    const first = await profile(member.id);
    const before = await counts();
    const second = await profile(member.id);
    expect(second).toEqual(first);
    expect((await counts()).hits! - before.hits!).toBe(1);
    expect((await entriesOf(member.id)).length).toBeGreaterThanOrEqual(1);

    // Verifying the email raises the score: user.verified → the safety worker → safety.score_changed.
    const auth = { authorization: `Bearer ${member.token}` };
    const challenge = await graphql<{ requestVerification: { id: string } }>(stack.gatewayUrl, 'mutation { requestVerification(method: EMAIL) { id } }', {}, auth);
    expect(challenge.body.errors).toBeUndefined();
    const code = /\b(\d{6})\b/.exec((await devMessages(stack.operationsUrls.user!, member.email))[0]!.text)?.[1];
    const confirmed = await graphql(stack.gatewayUrl, 'mutation($id: ID!, $code: String!) { confirmVerification(challengeId: $id, code: $code) { id } }', { id: challenge.body.data!.requestVerification.id, code }, auth);
    expect(confirmed.body.errors).toBeUndefined();

    // The member's own view is never cached: it is the subgraph's truth. Both views are sampled at the
    // same moments (one request each, sent together), so the lag is the cache's, not the requests'
    // latency on a loaded machine: the anonymous (cached) view must follow within one second.
    let truthAt: number | undefined;
    const { fresh, lagMs } = await waitFor('the cached view to follow', async () => {
      const sampledAt = Date.now();
      const [own, seen] = await Promise.all([profile(member.id, member.token), profile(member.id)]);
      if (own.safetyScore.version > first.safetyScore.version) truthAt ??= sampledAt;
      return truthAt !== undefined && seen.safetyScore.version > first.safetyScore.version && { fresh: seen, lagMs: sampledAt - truthAt };
    }, { timeoutMs: 20_000, intervalMs: 10 });
    expect(lagMs).toBeLessThanOrEqual(1_000);
    expect(fresh.safetyScore.value).toBeGreaterThan(first.safetyScore.value);
    expect(fresh.safetyScore.factors.map((f) => f.code)).toContain('EMAIL_VERIFIED');
    expect((await counts()).stale).toBeGreaterThanOrEqual(1);
  }, 120_000);

  it('never serves a shared entry to the member themself or to an ADMIN, nor writes theirs for others', async () => {
    const member = await register();
    const other = await register();
    // The member's own reads are never written for others.
    const own = await waitFor('the first score', async () => {
      const seen = await profile(member.id, member.token);
      return seen.safetyScore.version >= 1 && seen;
    });
    expect(await entriesOf(member.id)).toEqual([]);
    const admin = await login(adminEmail, adminPassword);
    await profile(member.id, admin);
    expect(await entriesOf(member.id)).toEqual([]);

    await versionSettled(member.id);
    await profile(member.id); // an anonymous visitor fills the shared entry
    expect(await poison(member.id)).toBeGreaterThanOrEqual(1);
    // Anyone who shares the public view reads the entry (the mark proves it came from Redis) ...
    expect((await profile(member.id)).safetyDisplay.label).toBe('POISONED');
    expect((await profile(member.id, other.token)).safetyScore.factors).toEqual([{ code: 'POISONED' }]);
    // ... the member and ADMINs never do: they get the subgraph's answer.
    const ownAgain = await profile(member.id, member.token);
    expect(ownAgain.safetyDisplay.label).not.toBe('POISONED');
    expect(ownAgain.safetyScore.factors).toEqual(own.safetyScore.factors);
    const adminView = await profile(member.id, admin);
    expect(adminView.safetyScore.factors.map((f) => f.code)).not.toContain('POISONED');
  });

  it('never caches a fetch that selects a field without a hint, for anyone', async () => {
    const member = await register();
    const other = await register();
    // safetyHistory names private causes to the member and ADMINs only: it carries no hint.
    const query = `query($id: ID!) { user(id: $id) { nickname safetyDisplay { grade } safetyHistory { cause } } }`;
    const before = await counts();
    for (const token of [member.token, other.token, undefined]) {
      const answer = await graphql(stack.gatewayUrl, query, { id: member.id }, token ? { authorization: `Bearer ${token}` } : {});
      expect(answer.body.errors).toBeUndefined();
    }
    const after = await counts();
    expect(after.bypassed! - before.bypassed!).toBe(3);
    expect(after.hits).toBe(before.hits);
    expect(await entriesOf(member.id)).toEqual([]);
  });

  it('ENTITY_CACHE=false asks the subgraph every time', async () => {
    uncached = await startProcess('gateway-uncached', 'gateway/src/index.ts', { ...stack.env, ENTITY_CACHE: 'false', GATEWAY_PORT: '0', SUBGRAPH_URLS: JSON.stringify(stack.subgraphUrls) });
    const url = `http://127.0.0.1:${uncached.port}/graphql`;
    const member = await register();
    await waitFor('the first score', async () => (await profile(member.id)).safetyScore.version >= 1);
    await versionSettled(member.id);
    await profile(member.id); // the cached gateway fills the entry
    expect(await poison(member.id)).toBeGreaterThanOrEqual(1);
    expect((await profile(member.id)).safetyDisplay.label).toBe('POISONED');
    const seen = await profile(member.id, undefined, url);
    expect(seen.safetyDisplay.label).not.toBe('POISONED');
    expect(await counts(uncached.operationsUrl!)).toEqual({});
  }, 240_000);
});
