// defineSubgraph against real PostgreSQL and Redis: the settings it reads by the subgraph's name,
// the order it starts and stops things in, the `listening` line npm start waits for, the relay it
// runs (an event written with outboxWriter leaves after the nudge), and the context it serves.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { consumersOf } from '@anshim/contracts';
import { bodySha256, signIdentityHeaders } from '../../src/identity.ts';
import { defineSubgraph, type BackgroundWork } from '../../src/kit/define-subgraph.ts';
import { durationHistogram } from '../../src/metrics.ts';
import { outboxWriter } from '../../src/kit/outbox-writer.ts';
import { envLoader, subgraphEnvShape } from '../../src/kit/subgraph-env.ts';
import type { RequestContext } from '../../src/server.ts';
import { EventBusTestEnvironment, waitFor, type Scenario } from '../events/event-bus-fixture.ts';

const secrets = { INTERNAL_SECRET: randomBytes(32).toString('hex'), JWT_SECRET: randomBytes(32).toString('hex'), DATA_ENCRYPTION_KEY: randomBytes(32).toString('hex') };
const testEnvSchema = z.object({ ...subgraphEnvShape('monitor', { port: 4005, opsPort: 9105 }), MONITOR_GREETING: z.string().default('hello').describe('what the test resolver answers') });
const loadTestEnv = envLoader(testEnvSchema, 'monitor-kit-test');

const bus = new EventBusTestEnvironment();
const schemaDir = mkdtempSync(join(tmpdir(), 'anshim-kit-'));
const schemaFile = join(schemaDir, 'schema.graphql');
writeFileSync(schemaFile, 'type Query { greeting: String! }\n');
beforeAll(() => bus.setUp());
afterEach(() => bus.disposeLeftovers());
afterAll(async () => {
  await bus.tearDown();
  rmSync(schemaDir, { recursive: true, force: true });
});

/** Logs at info into an array, so the test reads the `listening` line. */
function recordingLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, sink), lines };
}

function work(name: string, steps: string[]): BackgroundWork {
  return {
    start: async () => void steps.push(`${name} started`),
    close: async () => void steps.push(`${name} closed`),
  };
}

/** `partialConsumer`: an event consumer with one handler of the many CONSUMED_EVENTS lists for monitor. */
async function buildTestSubgraph(scenario: Scenario, steps: string[], { partialConsumer = false } = {}) {
  const env = loadTestEnv({ ...secrets, NODE_ENV: 'test', REDIS_URL: scenario.redis.url, REDIS_PREFIX: scenario.redis.prefix, MONITOR_PORT: '0', MONITOR_OPS_PORT: '0' });
  const { logger, lines } = recordingLogger();
  // The scenario ends the pool itself; disconnecting is only recorded.
  const database = Object.assign(Object.create(scenario.db) as typeof scenario.db, { $disconnect: async () => void steps.push('prisma closed') });
  const server = await defineSubgraph({
    name: 'monitor',
    env,
    schema: new URL(`file://${schemaFile}`),
    resolvers: { Query: { greeting: (_: unknown, __: unknown, context: RequestContext & { greeting: string }) => context.greeting } },
    database: () => database,
    logger,
    compose: ({ env: own, afterCommit, metrics, consume }) => {
      // A service's own timing goes into the registry the operations port serves.
      durationHistogram(metrics, 'anshim_kit_test_seconds', 'a timing the service registered itself', [0.001, 0.01]).observe(0.002);
      return {
        context: (base: RequestContext) => ({ ...base, greeting: own.MONITOR_GREETING }),
        prepare: async () => void steps.push('prepared'),
        consumer: partialConsumer ? consume(() => ({ 'user.verified': async () => undefined })) : work('consumer', steps),
        jobs: [work('first job', steps), work('second job', steps)],
        closing: [() => steps.push('delivery closed')],
        expose: { afterCommit },
      };
    },
  });
  return { server, lines };
}

describe('subgraphEnvShape and envLoader', () => {
  it('name the listening settings after the subgraph, with the given defaults and descriptions', () => {
    const shape = subgraphEnvShape('monitor', { port: 4005, opsPort: 9105 });
    const parsed = z.object(shape).parse({});
    expect(parsed).toMatchObject({ MONITOR_PORT: 4005, MONITOR_OPS_PORT: 9105, MONITOR_HOST: '127.0.0.1', REDIS_PREFIX: 'anshim', LOG_LEVEL: 'info' });
    for (const setting of ['MONITOR_PORT', 'MONITOR_OPS_PORT', 'MONITOR_HOST'] as const) expect(z.globalRegistry.get(shape[setting])?.description).toMatch(/monitor subgraph/);
  });

  it('parse overrides over process.env and fill the secrets in', () => {
    const env = loadTestEnv({ ...secrets, MONITOR_PORT: '0', MONITOR_GREETING: 'hi' });
    expect(env).toMatchObject({ MONITOR_PORT: 0, MONITOR_GREETING: 'hi', INTERNAL_SECRET: secrets.INTERNAL_SECRET });
  });
});

describe('defineSubgraph', () => {
  it('starts prepare → relay → consumer → jobs → HTTP, logs `listening`, and stops consumer → jobs → the rest → Prisma', async () => {
    const scenario = await bus.scenario();
    const steps: string[] = [];
    const { server, lines } = await buildTestSubgraph(scenario, steps);

    const running = await server.start();
    expect(steps).toEqual(['prepared', 'consumer started', 'first job started', 'second job started']);
    expect(running.port).toBeGreaterThan(0);
    const listening = lines.find((line) => line.msg === 'listening');
    expect(listening).toMatchObject({ url: running.url, port: running.port, operationsUrl: running.operationsUrl });
    expect((await fetch(`${running.operationsUrl}/readyz`)).status).toBe(200);
    expect(await (await fetch(`${running.operationsUrl}/metrics`)).text()).toMatch(/^anshim_kit_test_seconds_count\{[^}]*\} 1$/m);

    await server.stop();
    expect(steps.slice(4)).toEqual(['consumer closed', 'first job closed', 'second job closed', 'delivery closed', 'prisma closed']);
    await expect(fetch(running.url.replace('/graphql', '/healthz'))).rejects.toThrow();
  });

  it('runs the relay: an event written with outboxWriter reaches its subscribers after the nudge', async () => {
    const scenario = await bus.scenario();
    const { server } = await buildTestSubgraph(scenario, []);
    scenario.track(server, (s) => s.stop());
    await server.start(0);

    const write = outboxWriter('monitor');
    const userId = randomUUID();
    const envelope = await scenario.db.$transaction((tx) =>
      write(tx, { type: 'monitor.risk_cleared', subjectUserId: userId, data: { userId, clearedAt: new Date().toISOString(), by: null } }),
    );
    server.afterCommit();

    expect(envelope.producer).toBe('monitor');
    const [subscriber] = consumersOf('monitor.risk_cleared');
    const queue = scenario.queue(subscriber!);
    await waitFor('the relay to publish', async () => (await queue.getJob(envelope.id)) !== undefined, { timeoutMs: 5_000 });
    await waitFor('the row to be marked sent', async () => (await scenario.unsentCount()) === 0, { timeoutMs: 5_000 });
  });

  it("refuses to start a consumer that lacks a handler for a type CONSUMED_EVENTS sends to its queue", async () => {
    const scenario = await bus.scenario();
    const partial = buildTestSubgraph(scenario, [], { partialConsumer: true });
    await expect(partial).rejects.toThrow(/^monitor: CONSUMED_EVENTS \(@anshim\/contracts\) lists user\.registered, .*chat\.contact_observed.*, but its consumer has no handler/);
  });

  it('serves the schema with the context compose built, to signed requests only', async () => {
    const scenario = await bus.scenario();
    const { server } = await buildTestSubgraph(scenario, []);
    scenario.track(server, (s) => s.stop());
    const { url } = await server.start(0);

    const body = JSON.stringify({ query: '{ greeting }' });
    const target = { method: 'POST', subgraph: 'monitor', path: '/graphql', bodySha256: bodySha256(body) };
    const signed = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...signIdentityHeaders(secrets.INTERNAL_SECRET, null, target, randomUUID()) } });
    expect(await signed.json()).toEqual({ data: { greeting: 'hello' } });
    const unsigned = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    expect(unsigned.status).toBe(401);
  });
});
