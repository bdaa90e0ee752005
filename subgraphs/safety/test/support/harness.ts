// Starts a real safety subgraph on port 0 and its workers in-process, against the run's fresh
// database and a Redis prefix of their own, plus a stand-in producer publishing through the real
// outbox and relay. Talks to the subgraph the way the gateway does (signed identity headers).
import { randomBytes, randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { createLogger, createRedis, signIdentityHeaders, type Identity, type Redis } from '@anshim/platform';
import { loadSafetyEnv } from '../../src/env.ts';
import { buildSafetyServer, type SafetyServer } from '../../src/server.ts';
import { buildSafetyWorkers, type SafetyWorkers } from '../../src/workers/safety-workers.ts';
import { TestEventPublisher } from './event-publisher.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    redisUrl: string;
    redisPrefix: string;
  }
}

export interface GraphQLResult<T = Record<string, any>> {
  status: number;
  data: T | null | undefined;
  errors: Array<{ message: string; extensions?: Record<string, any> }> | undefined;
}

export const hex = (bytes: number) => randomBytes(bytes).toString('hex');
export const ADMIN: Identity = { userId: randomUUID(), role: 'ADMIN' };
export const asUser = (userId: string): Identity => ({ userId, role: 'USER' });

/** Polls `probe` until `accept` says yes; fails with the last value after `timeoutMs`. No blind sleeps. */
export async function waitFor<T>(probe: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (let delay = 10; ; delay = Math.min(delay * 2, 200)) {
    last = await probe();
    if (accept(last)) return last;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

export class SafetyHarness {
  server!: SafetyServer;
  workers: SafetyWorkers | undefined;
  publisher!: TestEventPublisher;
  redis!: Redis;
  url!: string;
  readonly prefix = `${inject('redisPrefix')}:safety-${hex(4)}`;
  readonly secrets = { INTERNAL_SECRET: hex(32), JWT_SECRET: hex(32), DATA_ENCRYPTION_KEY: hex(32) };

  constructor(private readonly extraEnv: Record<string, string | undefined> = {}) {}

  env(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
    return {
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATABASE_URL: inject('databaseUrl'),
      REDIS_URL: inject('redisUrl'),
      REDIS_PREFIX: this.prefix,
      SAFETY_NIGHTLY_ENABLED: 'false',
      ...this.secrets,
      ...this.extraEnv,
      ...extra,
    };
  }

  async start(options: { workers?: boolean } = {}): Promise<this> {
    this.server = await buildSafetyServer(this.env());
    this.url = (await this.server.start(0)).url;
    if (options.workers !== false) await this.startWorkers();
    this.publisher = await new TestEventPublisher(inject('databaseUrl'), { url: inject('redisUrl'), prefix: this.prefix }).start();
    this.redis = createRedis({ url: inject('redisUrl'), prefix: this.prefix });
    return this;
  }

  async startWorkers(): Promise<SafetyWorkers> {
    const env = loadSafetyEnv(this.env(), 'safety-worker-test');
    this.workers = buildSafetyWorkers(env, createLogger('safety-worker', process.env.SAFETY_TEST_LOG ?? 'silent'));
    await this.workers.start();
    return this.workers;
  }

  async stop(): Promise<void> {
    await this.publisher?.stop();
    await this.workers?.close();
    await this.server?.stop();
    if (this.redis) {
      const keys = await this.redis.keys(`${this.prefix}:*`);
      const bare = keys.map((k) => k.slice(this.prefix.length + 1));
      if (bare.length) await this.redis.del(...bare);
      await this.redis.quit();
    }
  }

  async gql<T = Record<string, any>>(query: string, variables: Record<string, unknown> = {}, options: { identity?: Identity; lang?: 'en' | 'ko' } = {}): Promise<GraphQLResult<T>> {
    const requestId = randomUUID();
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-request-id': requestId };
    if (options.lang) headers['accept-language'] = options.lang;
    if (options.identity) Object.assign(headers, signIdentityHeaders(this.secrets.INTERNAL_SECRET, options.identity, requestId));
    const response = await fetch(this.url, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
    const body = (await response.json()) as { data?: T | null; errors?: GraphQLResult['errors'] };
    return { status: response.status, data: body.data, errors: body.errors };
  }

  /** The user's score as `_entities` resolves it (what the gateway asks). */
  async score(userId: string, lang?: 'en' | 'ko'): Promise<{ value: number; grade: string; version: number; factors: Array<{ code: string; contribution: number; description: string }> }> {
    const result = await this.gql(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on User { safetyScore { value grade version factors { code contribution description } } } } }`,
      { r: [{ __typename: 'User', id: userId }] },
      { lang },
    );
    if (result.errors) throw new Error(JSON.stringify(result.errors));
    return result.data!._entities[0].safetyScore;
  }

  async waitForScore(userId: string, accept: (score: Awaited<ReturnType<SafetyHarness['score']>>) => boolean, what = 'score'): Promise<Awaited<ReturnType<SafetyHarness['score']>>> {
    return waitFor(() => this.score(userId), accept, 10_000, `${what} of ${userId}`);
  }
}
