// The safety subgraph under test (test/support/subgraph-harness.ts starts it, signs identity and
// cleans up) with its workers in-process and a stand-in producer for the events it consumes.
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { createLogger, type Identity } from '@anshim/platform';
import { SubgraphHarness, type Env } from '../../../../test/support/subgraph-harness.ts';
import { loadSafetyEnv } from '../../src/env.ts';
import { buildSafetyServer, type SafetyServer } from '../../src/server.ts';
import { buildSafetyWorkers, type SafetyWorkers } from '../../src/workers/safety-workers.ts';
import { TestEventPublisher } from './event-publisher.ts';

export { hex, type GraphQLResult } from '../../../../test/support/subgraph-harness.ts';
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

export class SafetyHarness extends SubgraphHarness<SafetyServer> {
  workers: SafetyWorkers | undefined;
  publisher!: TestEventPublisher;

  constructor(extraEnv: Env = {}) {
    super('safety', extraEnv);
  }

  protected override serviceEnv(): Env {
    return { SAFETY_NIGHTLY_ENABLED: 'false' };
  }

  protected override buildServer(env: Env): Promise<SafetyServer> {
    return buildSafetyServer(env);
  }

  override async start(options: { workers?: boolean } = {}): Promise<this> {
    await super.start();
    if (options.workers !== false) await this.startWorkers();
    this.publisher = await new TestEventPublisher(inject('databaseUrl'), { url: inject('redisUrl'), prefix: this.prefix }).start();
    return this;
  }

  async startWorkers(): Promise<SafetyWorkers> {
    const env = loadSafetyEnv(this.env(), 'safety-worker-test');
    this.workers = buildSafetyWorkers(env, createLogger('safety-worker', process.env.SAFETY_TEST_LOG ?? 'silent'));
    await this.workers.start();
    return this.workers;
  }

  override async stop(): Promise<void> {
    await this.publisher?.stop();
    await this.workers?.close();
    await super.stop();
  }

  /**
   * The user's score as `_entities` resolves it (what the gateway asks), seen by an ADMIN unless
   * `viewer` says otherwise (null: anonymous); others see only public factors.
   */
  async score(userId: string, lang?: 'en' | 'ko', viewer: Identity | null = ADMIN): Promise<{ value: number; grade: string; version: number; factors: Array<{ code: string; contribution: number; description: string }> }> {
    const result = await this.gql(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on User { safetyScore { value grade version factors { code contribution description } } } } }`,
      { r: [{ __typename: 'User', id: userId }] },
      { lang, identity: viewer },
    );
    if (result.errors) throw new Error(JSON.stringify(result.errors));
    return result.data!._entities[0].safetyScore;
  }

  async waitForScore(userId: string, accept: (score: Awaited<ReturnType<SafetyHarness['score']>>) => boolean, what = 'score'): Promise<Awaited<ReturnType<SafetyHarness['score']>>> {
    return waitFor(() => this.score(userId), accept, 10_000, `${what} of ${userId}`);
  }
}
