// Starts a real transaction subgraph on port 0 against the run's fresh database, a Redis prefix
// and an upload folder of its own, and talks to it over HTTP the way the gateway does (signed
// identity headers). Users are just ids here: the user subgraph is not needed at this depth.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { createLogger, createPrismaClient, createRedis, signIdentityHeaders, type Identity, type Redis } from '@anshim/platform';
import { OutboxRelay } from '@anshim/platform/events/relay';
import { recordEvent, type NewEvent } from '@anshim/platform/events/outbox';
import type { EventType } from '@anshim/platform';
import { buildTransactionServer, type TransactionServer } from '../../src/server.ts';
import { createDatabase, type TransactionPrisma } from '../../src/database.ts';
import { PrismaClient } from '../../src/generated/prisma/client.ts';

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

/** A made-up signed-in user (the gateway would have verified their token). */
export const newUser = (role: Identity['role'] = 'USER'): Identity => ({ userId: randomUUID(), role });

export class TransactionHarness {
  queries: string[] = [];
  server!: TransactionServer;
  url!: string;
  base!: string;
  prisma!: TransactionPrisma;
  redis!: Redis;
  uploadDir!: string;
  readonly prefix = `${inject('redisPrefix')}:txn-${hex(4)}`;
  readonly secrets = { INTERNAL_SECRET: hex(32), JWT_SECRET: hex(32), DATA_ENCRYPTION_KEY: hex(32) };
  private producer: { prisma: TransactionPrisma; relay: OutboxRelay; schema: string } | undefined;

  constructor(private readonly extraEnv: Record<string, string | undefined> = {}) {}

  async start(): Promise<this> {
    this.uploadDir = await mkdtemp(join(tmpdir(), 'anshim-uploads-'));
    this.server = await buildTransactionServer(
      {
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        DATABASE_URL: inject('databaseUrl'),
        REDIS_URL: inject('redisUrl'),
        REDIS_PREFIX: this.prefix,
        STORAGE_DRIVER: 'local',
        STORAGE_LOCAL_DIR: this.uploadDir,
        TRANSACTION_PUBLIC_URL: undefined,
        ...this.secrets,
        ...this.extraEnv,
      },
      { onQuery: (sql) => this.queries.push(sql) },
    );
    this.url = (await this.server.start(0)).url;
    this.base = this.url.replace(/\/graphql$/, '');
    this.prisma = createDatabase({ databaseUrl: inject('databaseUrl') });
    this.redis = createRedis({ url: inject('redisUrl'), prefix: this.prefix });
    return this;
  }

  async stop(): Promise<void> {
    if (this.producer) {
      await this.producer.relay.stop();
      await this.producer.prisma.$disconnect();
      await this.prisma.$executeRawUnsafe(`DROP SCHEMA ${this.producer.schema} CASCADE`);
    }
    await this.server?.stop();
    await this.prisma?.$disconnect();
    if (this.redis) {
      const keys = await this.redis.keys(`${this.prefix}:*`); // KEYS patterns are not prefixed
      const bare = keys.map((k) => k.slice(this.prefix.length + 1));
      if (bare.length) await this.redis.del(...bare);
      await this.redis.quit();
    }
    if (this.uploadDir) await rm(this.uploadDir, { recursive: true, force: true });
  }

  async gql<T = Record<string, any>>(query: string, variables: Record<string, unknown> = {}, as?: Identity, lang?: 'en' | 'ko'): Promise<GraphQLResult<T>> {
    const requestId = randomUUID();
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-request-id': requestId };
    if (lang) headers['accept-language'] = lang;
    if (as) Object.assign(headers, signIdentityHeaders(this.secrets.INTERNAL_SECRET, as, requestId));
    const response = await fetch(this.url, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
    const body = (await response.json()) as { data?: T | null; errors?: GraphQLResult['errors'] };
    return { status: response.status, data: body.data, errors: body.errors };
  }

  /** Like gql, but fails the test on any error and returns data. */
  async ok<T = Record<string, any>>(query: string, variables: Record<string, unknown> = {}, as?: Identity): Promise<T> {
    const result = await this.gql<T>(query, variables, as);
    if (result.errors?.length || !result.data) throw new Error(`unexpected errors: ${JSON.stringify(result.errors)}`);
    return result.data;
  }

  /**
   * Publishes an event the way its producer would: an outbox row in a transaction, then a relay
   * pass that enqueues it for every subscriber (here: this service's consumer). The outbox is a
   * schema of this harness's own: the shared svc_transaction outbox is drained by every running
   * transaction server of the test run, each into its own Redis prefix.
   */
  async publish<T extends EventType>(event: NewEvent<T>): Promise<string> {
    const producer = await this.fakeProducer();
    const envelope = await producer.prisma.$transaction((tx) => recordEvent(tx, event));
    await producer.relay.publishPending();
    return envelope.id;
  }

  private async fakeProducer() {
    if (!this.producer) {
      const service = `fake_${hex(4)}`;
      const schema = `svc_${service}`;
      await this.prisma.$executeRawUnsafe(`CREATE SCHEMA ${schema}`);
      await this.prisma.$executeRawUnsafe(`CREATE TABLE ${schema}.outbox_events (LIKE svc_transaction.outbox_events INCLUDING ALL)`);
      const prisma = createPrismaClient(PrismaClient, { databaseUrl: inject('databaseUrl'), service });
      const relay = new OutboxRelay({ prisma, service: 'safety', redis: { url: inject('redisUrl'), prefix: this.prefix }, logger: createLogger('fake-producer', 'silent'), pollIntervalMs: 60_000 });
      this.producer = { prisma, relay, schema };
    }
    return this.producer;
  }

  /** Resolves once the consumer recorded the event as processed. */
  async processed(eventId: string): Promise<void> {
    await waitFor(`event ${eventId} to be processed`, async () => (await this.prisma.processedEvent.count({ where: { eventId } })) > 0);
  }
}

/** Polls until `probe` returns something other than undefined/false; fails after the timeout. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, { timeoutMs = 10_000, intervalMs = 25 } = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** The one error of a result, asserting there is exactly one. */
export function onlyError(result: GraphQLResult): { message: string; code: string; extensions: Record<string, any> } {
  if (!result.errors || result.errors.length !== 1) throw new Error(`expected one error, got ${JSON.stringify(result.errors ?? result.data)}`);
  const [error] = result.errors;
  return { message: error!.message, code: String(error!.extensions?.code), extensions: error!.extensions ?? {} };
}

export const PRODUCT_FIELDS = 'id title description price category status region imageUrls thumbnailUrls seller { id } createdAt';

export const CREATE_PRODUCT = /* GraphQL */ `
  mutation Create($input: CreateProductInput!) { createProduct(input: $input) { ${PRODUCT_FIELDS} } }
`;

export function productInput(overrides: Record<string, unknown> = {}) {
  return { title: `중고 자전거 ${hex(3)}`, description: '거의 새것입니다. 직거래 선호.', price: 120_000, category: 'SPORTS', region: '서울 마포구', ...overrides };
}

export async function createProduct(h: TransactionHarness, seller: Identity, overrides: Record<string, unknown> = {}): Promise<{ id: string; price: number; title: string; createdAt: string }> {
  const data = await h.ok<{ createProduct: { id: string; price: number; title: string; createdAt: string } }>(CREATE_PRODUCT, { input: productInput(overrides) }, seller);
  return data.createProduct;
}

export const START = /* GraphQL */ `mutation Start($id: ID!) { startTransaction(productId: $id) { id status price buyer { id } seller { id } product { id status } } }`;
export const MOVE = /* GraphQL */ `
  mutation Move($id: ID!, $status: TransactionStatus!) {
    updateTransactionStatus(id: $id, status: $status) { id status product { id status } history { from to by { id } at } }
  }
`;
