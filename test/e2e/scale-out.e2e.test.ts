// Scale-out on one machine (ARCHITECTURE §10, issue 23): two gateways, A and B, two instances of every
// subgraph and two safety workers, as real processes on their own ports over one PostgreSQL database
// and one Redis. Gateway A routes to the first instance of each subgraph, B to the second, so nothing
// crosses between them but PostgreSQL and Redis. Proven here:
// - a chat message sent through A reaches a chatMessages subscriber on B;
// - an alert raised through A (a seller's message asking for a bank transfer, screened by chat, judged
//   by monitor) reaches the buyer's myRiskAlerts subscription on B, with the safety grade joined in;
// - the rate limits are one budget: hits split across A and B are counted together;
// - a burst of listings written through both: the two outbox relays of transaction publish every row
//   once (no job is ever added twice), and every consuming service processes each event once,
//   with both replicas' workers taking part.
// Its own database (migrated here): every e2e file shares the run's database, and another stack's
// relays would publish this file's outbox rows into their own queues.
import { randomBytes, randomInt } from 'node:crypto';
import { Queue, type Job } from 'bullmq';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { consumerQueueName, createQueueConnection, queuePrefix, type EventOutcome } from '@anshim/platform';
import { SUBGRAPHS, consumersOf } from '@anshim/contracts';
import { deployMigrations, ensureDatabase } from '../../scripts/lib/migrations.ts';
import { listServices } from '../../scripts/lib/services.ts';
import { startSandbox, type SandboxHandle } from '../../subgraphs/payment/src/sandbox/sandbox-server.ts';
import { codeOf, gatewayClient, LOGIN, waitFor, type RegisteredPerson } from '../support/gateway-client.ts';
import { freePort } from '../support/free-port.ts';
import { graphql, startStack, type Stack } from '../support/stack.ts';
import { subscriptionFeed, type SubscriptionFeed } from '../support/subscription-feed.ts';

// Eighteen processes on a shared 2-core machine: each step (sign-ups hash passwords) may be slow.
vi.setConfig({ testTimeout: 240_000 });

const KEYS = { PAYMENT_SECRET_KEY: 'test_sk_e2e_scale_out', PAYMENT_WEBHOOK_KEY: 'e2e-scale-out-webhook-key' };
/** Sign-in is the one rate-limited field here, 4 per address: what the budget test spends. */
const LIMITS = {
  RATE_LIMITS: 'true',
  TRUSTED_PROXIES: 'loopback',
  RATE_LIMIT_PER_IP: '1000000',
  RATE_LIMIT_PER_USER: '1000000',
  RATE_LIMIT_SENSITIVE_FIELDS: 'login',
  RATE_LIMIT_SENSITIVE_MAX: '4',
  RATE_LIMIT_SENSITIVE_WINDOW_SECONDS: '300',
};
const databaseUrl = (() => {
  const url = new URL(inject('databaseUrl'));
  url.pathname = `/anshim_test_scale_${randomBytes(4).toString('hex')}`;
  return url.toString();
})();

let stack: Stack;
let sandbox: SandboxHandle;
let db: pg.Client;
const feeds: Array<SubscriptionFeed<any>> = [];
const A = gatewayClient(() => stack.gatewayUrls[0]!);
const B = gatewayClient(() => stack.gatewayUrls[1]!);

beforeAll(async () => {
  await ensureDatabase(databaseUrl);
  for (const service of listServices()) await deployMigrations({ databaseUrl, service, log: () => undefined });
  db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  const gatewayPort = String(await freePort());
  sandbox = await startSandbox({ port: 0, secretKey: KEYS.PAYMENT_SECRET_KEY, webhookKey: KEYS.PAYMENT_WEBHOOK_KEY, webhookUrl: `http://127.0.0.1:${gatewayPort}/payments/webhook` });
  stack = await startStack({
    subgraphs: SUBGRAPHS.map(({ name }) => name),
    workers: ['safety'],
    instances: 2,
    env: { DATABASE_URL: databaseUrl, GATEWAY_PORT: gatewayPort, PAYMENT_PROVIDER_URL: sandbox.url, SUBGRAPH_TIMEOUT_MS: '60000', SAFETY_NIGHTLY_ENABLED: 'false', ...KEYS, ...LIMITS },
    // Sixteen processes and two gateways at once: slow on a busy 2-core machine.
    startTimeoutMs: 400_000,
  });
}, 1_200_000);
afterAll(async () => {
  await Promise.all(feeds.map((feed) => feed.dispose()));
  await stack?.stop();
  await sandbox?.close();
  await db?.end();
  const admin = new pg.Client({ connectionString: Object.assign(new URL(databaseUrl), { pathname: '/postgres' }).toString() });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${new URL(databaseUrl).pathname.slice(1)}" WITH (FORCE)`);
  await admin.end();
}, 120_000);

function feed<T = any>(gatewayUrl: string, token: string, query: string, variables: Record<string, unknown> = {}): SubscriptionFeed<T> {
  const opened = subscriptionFeed<T>(gatewayUrl, token, query, variables);
  feeds.push(opened);
  return opened;
}

const CREATE_PRODUCT = `mutation($input: CreateProductInput!) { createProduct(input: $input) { id } }`;
const SEND = `mutation($id: ID!, $text: String!) { sendMessage(conversationId: $id, text: $text) { id } }`;
/** A bank account number of this file only (not 01x, a phone; 14 digits, an account). */
const freshAccount = () => `${randomInt(400_000, 1_000_000)}-${randomInt(10, 100)}-${randomInt(100_000, 1_000_000)}`;

/** A listing by `seller` through A, and `buyer`'s conversation about it through B. */
async function conversation(seller: RegisteredPerson, buyer: RegisteredPerson, title: string): Promise<string> {
  const product = (await A.ok(CREATE_PRODUCT, { input: { title, description: '거의 새것', price: 120_000, category: 'DIGITAL' } }, seller.token)).createProduct;
  // Chat learns the listing from product.created (either chat instance may consume it).
  return waitFor('chat to know the listing', async () => {
    const started = await B.call(`mutation($p: ID!) { startConversation(productId: $p) { id } }`, { p: product.id }, buyer.token);
    return started.errors ? undefined : (started.data!.startConversation.id as string);
  }, 30_000);
}

describe('two of every process over one PostgreSQL and Redis', () => {
  it('delivers a chat message sent through gateway A to a chatMessages subscriber on gateway B', async () => {
    const seller = await A.register('seller');
    const buyer = await B.register('buyer');
    const conversationId = await conversation(seller, buyer, '자전거');
    const onB = feed<{ chatMessages: { id: string; text: string; sender: { id: string } } }>(stack.gatewayUrls[1]!, seller.token, `subscription($id: ID) { chatMessages(conversationId: $id) { id text sender { id } } }`, { id: conversationId });

    // Until the subscription is live a message may go unseen: send until one arrives, then the real one.
    await waitFor('the subscription on B to be live', async () => {
      const sent = (await A.ok(SEND, { id: conversationId, text: '안녕하세요' }, buyer.token)).sendMessage;
      return onB.next((event) => event.data?.chatMessages.id === sent.id, 2_000).catch(() => false);
    }, 30_000);
    const sent = (await A.ok(SEND, { id: conversationId, text: '내일 직거래 가능할까요?' }, buyer.token)).sendMessage;
    const received = await onB.next((event) => event.data?.chatMessages.id === sent.id, 10_000);
    expect(received.data!.chatMessages).toEqual({ id: sent.id, text: '내일 직거래 가능할까요?', sender: { id: buyer.id } });
  });

  it('pushes an alert raised through gateway A to the myRiskAlerts subscriber on gateway B, with the safety grade joined in', async () => {
    const seller = await A.register('seller');
    const buyer = await A.register('buyer');
    const conversationId = await conversation(seller, buyer, '아이패드 에어');
    const probe = await A.register('probe');
    const probeConversation = await conversation(probe, buyer, '중고 책');
    const alerts = feed<{ myRiskAlerts: any }>(stack.gatewayUrls[1]!, buyer.token, 'subscription { myRiskAlerts { id rule level subject { id nickname safetyScore { grade } } } }');
    const about = (person: RegisteredPerson) => (event: { data?: { myRiskAlerts: any } | null }) => event.data?.myRiskAlerts?.subject?.id === person.id;

    // A probe seller warns the buyer until B has pushed one alert: the subscription is live end to end.
    await waitFor('the subscription on B to be live', async () => {
      await A.ok(SEND, { id: probeConversation, text: `신한 ${freshAccount()} 로 먼저 보내주세요` }, probe.token);
      return alerts.next(about(probe), 2_000).catch(() => false);
    }, 30_000);
    await A.ok(SEND, { id: conversationId, text: `선입금 부탁드려요 국민은행 ${freshAccount()}` }, seller.token);
    // Patience, not a latency goal: chat → outbox → monitor → pub/sub → B took over 15 s at load 75.
    const received = await alerts.next(about(seller), 60_000);
    expect(received.errors).toBeUndefined();
    expect(received.data!.myRiskAlerts).toMatchObject({ rule: 'OFF_PLATFORM_PAYMENT_REQUEST', level: 'HIGH', subject: { id: seller.id, nickname: 'seller' } });
    expect(received.data!.myRiskAlerts.subject.safetyScore.grade).toMatch(/^(VERY_SAFE|SAFE|NORMAL|CAUTION|DANGER)$/);
  });

  it('counts the rate limits once for both gateways: the fifth sign-in from one address is refused on either', async () => {
    const person = await A.register('limited');
    const address = `203.0.113.${randomInt(1, 255)}`;
    const signIn = (gatewayUrl: string) => graphql(gatewayUrl, LOGIN, { email: person.email, password: person.password }, { 'x-forwarded-for': address });
    const [gatewayA, gatewayB] = stack.gatewayUrls as [string, string];
    // Two on each gateway: each saw only half of the budget.
    for (const gatewayUrl of [gatewayA, gatewayB, gatewayA, gatewayB]) {
      const answer = await signIn(gatewayUrl);
      expect(answer.body.errors, gatewayUrl).toBeUndefined();
    }
    for (const gatewayUrl of [gatewayA, gatewayB]) {
      const refused = await signIn(gatewayUrl);
      expect(refused.status, gatewayUrl).toBe(429);
      expect(codeOf(refused.body.errors)).toBe('RATE_LIMITED');
    }
    // Another address still has its own budget, on either gateway.
    expect((await graphql(gatewayB, LOGIN, { email: person.email, password: person.password }, { 'x-forwarded-for': '203.0.113.0' })).body.errors).toBeUndefined();
  });

  it('publishes each outbox row of a burst once across the two relays, and processes each event once per consuming service', async () => {
    const sellers: RegisteredPerson[] = [];
    for (let i = 0; i < 4; i += 1) sellers.push(await (i % 2 ? B : A).register(`burst${i}`));
    // 24 listings in three waves of eight at once, alternating gateways: both transaction instances
    // write while both relays compete for the rows. (Waves, not 24 at once: on a loaded machine a
    // service's connection pool would refuse some writes, which is not what this test is about.)
    const productIds: string[] = [];
    for (let wave = 0; wave < 3; wave += 1) {
      const created = await Promise.all(
        sellers.flatMap((seller, i) =>
          [0, 1].map((j) => ((i + j) % 2 ? B : A).ok(CREATE_PRODUCT, { input: { title: `묶음 ${wave}-${i}-${j}`, description: '버스트', price: 10_000 + j, category: 'BOOKS' } }, seller.token)),
        ),
      );
      productIds.push(...created.map((answer) => answer.createProduct.id as string));
    }
    const eventIds = await waitFor('every product.created row published', async () => {
      const { rows } = await db.query<{ id: string; published: boolean }>(
        `SELECT id::text, published_at IS NOT NULL AS published FROM svc_transaction.outbox_events WHERE type = 'product.created' AND payload->'data'->>'productId' = ANY($1)`,
        [productIds],
      );
      return rows.length === productIds.length && rows.every((row) => row.published) ? rows.map((row) => row.id) : undefined;
    }, 60_000);

    const settings = { url: stack.env.REDIS_URL!, prefix: stack.env.REDIS_PREFIX! };
    const connection = createQueueConnection(settings);
    const workersSeen = new Map<string, Set<string>>();
    try {
      for (const service of consumersOf('product.created')) {
        const name = consumerQueueName(service);
        const queue = new Queue(name, { connection, prefix: queuePrefix(settings, name) });
        const jobs = await waitFor(`${name} to finish the burst`, async () => {
          const found = await Promise.all(eventIds.map((id) => queue.getJob(id)));
          return found.every((job) => job?.finishedOn !== undefined) ? (found as Array<Job<unknown, EventOutcome>>) : undefined;
        }, 60_000);
        // One job per row: neither relay added a row a second time (BullMQ logs a repeat as "duplicated").
        const stream = await connection.xrange(queue.toKey('events'), '-', '+');
        const logged = stream.map(([, fields]) => ({ event: fields[1], jobId: fields[3] })).filter(({ jobId }) => eventIds.includes(jobId!));
        expect(logged.filter(({ event }) => event === 'duplicated'), name).toEqual([]);
        expect(logged.filter(({ event }) => event === 'added').length, name).toBe(eventIds.length);
        // Processed once: no delivery found the event already applied, and the service recorded it once.
        expect(jobs.map((job) => job.returnvalue).filter((outcome) => outcome !== 'processed'), name).toEqual([]);
        const processed = jobs.filter((job) => job.returnvalue === 'processed').length;
        const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM svc_${service}.processed_events WHERE consumer = $1 AND event_id = ANY($2::uuid[])`, [service, eventIds]);
        expect(rows[0]!.n, name).toBe(processed);
        // Run by this service's own processes only (the worker name carries the process id): its two
        // subgraph instances, or for safety its two workers.
        const replicas = stack.processes.filter((p) => [service, `${service}-worker`].includes(p.name.split('#')[0]!)).map((p) => `/${p.child.pid}`);
        const runners = new Set(jobs.map((job) => job.processedBy ?? 'unnamed'));
        expect([...runners].filter((runner) => !replicas.some((pid) => runner.endsWith(pid))), name).toEqual([]);
        workersSeen.set(service, runners);
        await queue.close();
      }
    } finally {
      connection.disconnect();
    }
    console.log(`scale-out e2e: ${eventIds.length} product.created events; replicas that ran them: ${[...workersSeen].map(([service, runners]) => `${service} ${runners.size}`).join(', ')}`);
    // Competing consumers: somewhere both replicas of a service took jobs of the burst.
    expect([...workersSeen.values()].some((runners) => runners.size === 2)).toBe(true);
  });
});
