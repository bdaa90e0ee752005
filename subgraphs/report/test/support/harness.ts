// Starts a real report subgraph on port 0 against the run's fresh database, a Redis prefix and a
// storage folder of its own, and talks to it the way the gateway does (signed identity headers).
// Events from other services are published the way their producers would: an outbox row, then a
// relay pass into this harness's Redis prefix (from an outbox schema of the harness's own).
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import {
  createLogger,
  createPrismaClient,
  createRedis,
  OutboxRelay,
  recordEvent,
  signIdentityHeaders,
  type EventType,
  type Identity,
  type NewEvent,
  type Redis,
} from '@anshim/platform';
import { buildReportServer, type ReportServer } from '../../src/server.ts';
import { createDatabase, type ReportPrisma } from '../../src/database.ts';
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

/** A tiny valid PNG (1×1). */
export const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d4948445200000001000000010806000000' + '1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082',
  'hex',
);

export class ReportHarness {
  queries: string[] = [];
  server!: ReportServer;
  url!: string;
  prisma!: ReportPrisma;
  redis!: Redis;
  storageDir!: string;
  readonly prefix = `${inject('redisPrefix')}:report-${hex(4)}`;
  readonly secrets = { INTERNAL_SECRET: hex(32), JWT_SECRET: hex(32), DATA_ENCRYPTION_KEY: hex(32) };
  private producer: { prisma: PrismaClient; relay: OutboxRelay; schema: string } | undefined;

  constructor(private readonly extraEnv: Record<string, string | undefined> = {}) {}

  async start(): Promise<this> {
    this.storageDir = await mkdtemp(join(tmpdir(), 'anshim-report-'));
    this.server = await buildReportServer(
      {
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        DATABASE_URL: inject('databaseUrl'),
        REDIS_URL: inject('redisUrl'),
        REDIS_PREFIX: this.prefix,
        STORAGE_DRIVER: 'local',
        STORAGE_LOCAL_DIR: this.storageDir,
        ...this.secrets,
        ...this.extraEnv,
      },
      { onQuery: (sql) => this.queries.push(sql) },
    );
    this.url = (await this.server.start(0)).url;
    this.prisma = createDatabase({ databaseUrl: inject('databaseUrl') });
    this.redis = createRedis({ url: inject('redisUrl'), prefix: this.prefix });
    return this;
  }

  async stop(): Promise<void> {
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
    if (this.storageDir) await rm(this.storageDir, { recursive: true, force: true });
  }

  async gql<T = Record<string, any>>(query: string, variables: Record<string, unknown> = {}, as?: Identity | null): Promise<GraphQLResult<T>> {
    const requestId = randomUUID();
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-request-id': requestId };
    if (as) Object.assign(headers, signIdentityHeaders(this.secrets.INTERNAL_SECRET, as, requestId));
    const response = await fetch(this.url, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
    const body = (await response.json()) as { data?: T | null; errors?: GraphQLResult['errors'] };
    return { status: response.status, data: body.data, errors: body.errors };
  }

  async ok<T = Record<string, any>>(query: string, variables: Record<string, unknown> = {}, as?: Identity | null): Promise<T> {
    const result = await this.gql<T>(query, variables, as);
    if (result.errors?.length || !result.data) throw new Error(`unexpected errors: ${JSON.stringify(result.errors)}`);
    return result.data;
  }

  /** Makes users known to the service the way production does: user.registered events through the queue. */
  async known(...identities: Identity[]): Promise<void> {
    const ids = await Promise.all(
      identities.map((i) =>
        this.publish({ type: 'user.registered', producer: 'user', subjectUserId: i.userId, data: { userId: i.userId, nickname: '안심이', createdAt: new Date().toISOString() } }),
      ),
    );
    for (const id of ids) await this.processed(id);
  }

  async publish<T extends EventType>(event: NewEvent<T>): Promise<string> {
    const producer = await this.fakeProducer();
    const envelope = await producer.prisma.$transaction((tx) => recordEvent(tx, event));
    await producer.relay.publishPending();
    return envelope.id;
  }

  async processed(eventId: string): Promise<void> {
    await waitFor(`event ${eventId} to be processed`, async () => (await this.prisma.processedEvent.count({ where: { consumer: 'report', eventId } })) > 0);
  }

  /** Puts a file where an upload ticket points, as a browser would. */
  async upload(ticket: { url: string; headers: Record<string, string> }, body: Uint8Array): Promise<number> {
    const response = await fetch(ticket.url, { method: 'PUT', headers: ticket.headers, body });
    await response.arrayBuffer();
    return response.status;
  }

  private async fakeProducer() {
    if (!this.producer) {
      const service = `fake_${hex(4)}`;
      const schema = `svc_${service}`;
      await this.prisma.$executeRawUnsafe(`CREATE SCHEMA ${schema}`);
      await this.prisma.$executeRawUnsafe(`CREATE TABLE ${schema}.outbox_events (LIKE svc_report.outbox_events INCLUDING ALL)`);
      const prisma = createPrismaClient(PrismaClient, { databaseUrl: inject('databaseUrl'), service });
      const relay = new OutboxRelay({ prisma, service: 'user', redis: { url: inject('redisUrl'), prefix: this.prefix }, logger: createLogger('fake-producer', 'silent'), pollIntervalMs: 60_000 });
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

export function onlyError(result: GraphQLResult): { message: string; code: string; extensions: Record<string, any> } {
  if (!result.errors || result.errors.length !== 1) throw new Error(`expected one error, got ${JSON.stringify(result.errors ?? result.data)}`);
  const [error] = result.errors;
  return { message: error!.message, code: String(error!.extensions?.code), extensions: error!.extensions ?? {} };
}

export const REPORT_FIELDS = 'id type status priority description reporter { id } target { id } product { id } transaction { id } evidence { key url contentType size } resolution sanction { type reason startsAt endsAt } createdAt updatedAt';
