// Starts a real monitor subgraph on port 0 against the run's fresh database and a Redis prefix of
// its own, and talks to it the way the gateway does: signed identity headers over HTTP, and the
// signed identity in each graphql-ws subscription's extensions. Events from other services are
// published the way their producers would: an outbox row, then a relay pass into this prefix.
import { randomBytes, randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import {
  createLogger,
  createPrismaClient,
  createRedis,
  IDENTITY_EXTENSION,
  OutboxRelay,
  recordEvent,
  signIdentityHeaders,
  type EventType,
  type Identity,
  type NewEvent,
  type Redis,
} from '@anshim/platform';
import { buildMonitorServer, type MonitorServer } from '../../src/server.ts';
import { createDatabase, type MonitorPrisma } from '../../src/database.ts';
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
export const user = (): Identity => ({ userId: randomUUID(), role: 'USER' });
export const admin = (): Identity => ({ userId: randomUUID(), role: 'ADMIN' });

export class MonitorHarness {
  server!: MonitorServer;
  url!: string;
  prisma!: MonitorPrisma;
  redis!: Redis;
  readonly prefix = `${inject('redisPrefix')}:monitor-${hex(4)}`;
  readonly secrets = { INTERNAL_SECRET: hex(32), JWT_SECRET: hex(32), DATA_ENCRYPTION_KEY: hex(32) };
  private producer: { prisma: PrismaClient; relay: OutboxRelay; schema: string } | undefined;
  private readonly clients: Client[] = [];

  constructor(private readonly extraEnv: Record<string, string | undefined> = {}) {}

  async start(): Promise<this> {
    this.server = await buildMonitorServer({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATABASE_URL: inject('databaseUrl'),
      REDIS_URL: inject('redisUrl'),
      REDIS_PREFIX: this.prefix,
      ...this.secrets,
      ...this.extraEnv,
    });
    this.url = (await this.server.start(0)).url;
    this.prisma = createDatabase({ databaseUrl: inject('databaseUrl') });
    this.redis = createRedis({ url: inject('redisUrl'), prefix: this.prefix });
    return this;
  }

  async stop(): Promise<void> {
    for (const client of this.clients) await client.dispose();
    await this.server?.stop();
    if (this.producer) {
      await this.producer.relay.stop();
      await this.producer.prisma.$executeRawUnsafe(`DROP SCHEMA ${this.producer.schema} CASCADE`);
      await this.producer.prisma.$disconnect();
    }
    await this.prisma?.$disconnect();
    if (this.redis) {
      const keys = await this.redis.keys(`${this.prefix}:*`);
      const bare = keys.map((k) => k.slice(this.prefix.length + 1));
      if (bare.length) await this.redis.del(...bare);
      await this.redis.quit();
    }
  }

  async gql<T = Record<string, any>>(query: string, variables: Record<string, unknown> = {}, as?: Identity | null, locale?: string): Promise<GraphQLResult<T>> {
    const requestId = randomUUID();
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-request-id': requestId };
    if (locale) headers['accept-language'] = locale;
    if (as) Object.assign(headers, signIdentityHeaders(this.secrets.INTERNAL_SECRET, as, requestId));
    const response = await fetch(this.url, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
    const body = (await response.json()) as { data?: T | null; errors?: GraphQLResult['errors'] };
    return { status: response.status, data: body.data, errors: body.errors };
  }

  async ok<T = Record<string, any>>(query: string, variables: Record<string, unknown> = {}, as?: Identity | null, locale?: string): Promise<T> {
    const result = await this.gql<T>(query, variables, as, locale);
    if (result.errors?.length || !result.data) throw new Error(`unexpected errors: ${JSON.stringify(result.errors)}`);
    return result.data;
  }

  /** A graphql-ws subscription as the gateway opens it (signed identity in the extensions). */
  subscribe<T = Record<string, any>>(query: string, as: Identity | null, variables: Record<string, unknown> = {}) {
    const client = createClient({ url: this.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, lazy: true });
    this.clients.push(client);
    const extensions = as ? { [IDENTITY_EXTENSION]: signIdentityHeaders(this.secrets.INTERNAL_SECRET, as, randomUUID()) } : undefined;
    return client.iterate<T>({ query, variables, extensions });
  }

  /** Makes users known the way production does: user.registered events through the queue. */
  async known(createdAt: Date, ...identities: Identity[]): Promise<void> {
    const ids = await Promise.all(
      identities.map((i) =>
        this.publish({ type: 'user.registered', producer: 'user', subjectUserId: i.userId, data: { userId: i.userId, nickname: '안심이', createdAt: createdAt.toISOString() } }),
      ),
    );
    for (const id of ids) await this.processed(id);
  }

  async publish<T extends EventType>(event: NewEvent<T>): Promise<string> {
    const producer = await this.fakeProducer(event.producer);
    const envelope = await producer.prisma.$transaction((tx) => recordEvent(tx, event));
    await producer.relay.publishPending();
    return envelope.id;
  }

  async processed(eventId: string): Promise<void> {
    await waitFor(`event ${eventId} to be processed`, async () => (await this.prisma.processedEvent.count({ where: { consumer: 'monitor', eventId } })) > 0);
  }

  private async fakeProducer(service: string) {
    if (!this.producer) {
      const name = `fake_${hex(4)}`;
      const schema = `svc_${name}`;
      await this.prisma.$executeRawUnsafe(`CREATE SCHEMA ${schema}`);
      await this.prisma.$executeRawUnsafe(`CREATE TABLE ${schema}.outbox_events (LIKE svc_monitor.outbox_events INCLUDING ALL)`);
      const prisma = createPrismaClient(PrismaClient, { databaseUrl: inject('databaseUrl'), service: name });
      const relay = new OutboxRelay({ prisma, service: service as 'user', redis: { url: inject('redisUrl'), prefix: this.prefix }, logger: createLogger('fake-producer', 'silent'), pollIntervalMs: 60_000 });
      this.producer = { prisma, relay, schema };
    }
    return this.producer;
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

export function onlyError(result: GraphQLResult): { message: string; code: string } {
  if (!result.errors || result.errors.length !== 1) throw new Error(`expected one error, got ${JSON.stringify(result.errors ?? result.data)}`);
  const [error] = result.errors;
  return { message: error!.message, code: String(error!.extensions?.code) };
}

export const ALERT_FIELDS = 'id level rule message subject { id } recipients { id } product { id } transaction { id } createdAt acknowledged';
