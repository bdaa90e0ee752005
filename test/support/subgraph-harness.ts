// What every subgraph's integration harness shares: one real subgraph on port 0 against the
// run's fresh database and a Redis prefix of its own, called the way the gateway calls it (signed
// identity headers; graphql-ws subscriptions with the identity signed into their extensions), a
// stand-in producer for the events other services send it, and cleanup that
// leaves nothing in the shared Redis; on request the subgraph's Prisma client and a storage folder
// of its own. Each subgraph's test/support/harness.ts adds only what is its own (how to build its
// server, its fixtures).
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import { inject } from 'vitest';
import WebSocket from 'ws';
import {
  bodySha256,
  connectionTarget,
  createRedis,
  IDENTITY_EXTENSION,
  signIdentityHeaders,
  STREAMED_BODY,
  subscribeTarget,
  type ClientInfo,
  type Identity,
  type NewEvent,
  type Redis,
} from '@anshim/platform';
import type { EventType, SubgraphName } from '@anshim/contracts';
import { FakeProducer } from './fake-producer.ts';
import './provided-context.ts';

export { waitFor } from './wait-for.ts';

export interface GraphQLResult<T = Record<string, any>> {
  status: number;
  data: T | null | undefined;
  errors: Array<{ message: string; extensions?: Record<string, any> }> | undefined;
}

export interface RequestOptions {
  /** Sent as signed identity headers, as the gateway forwards a verified user (none: signed as anonymous). */
  identity?: Identity | null;
  /** Send no signature at all (the subgraph must answer 401). */
  unsigned?: boolean;
  /** Accept-Language. */
  lang?: string;
  headers?: Record<string, string>;
  /** The device id and address the gateway observed, signed with the identity (scope.client). */
  client?: ClientInfo;
}

export type Env = Record<string, string | undefined>;

interface TestableServer {
  start(port: number): Promise<{ url: string; operationsUrl?: string }>;
  stop(): Promise<void>;
}

/** A subgraph's own Prisma client, as its createDatabase makes it. */
interface Database {
  $disconnect(): Promise<void>;
}

export interface HarnessParts<Db extends Database> {
  /** Opens the subgraph's Prisma client after start (tests read its tables); disconnected on stop. */
  database?: (options: { databaseUrl: string }) => Db;
  /** A storage folder of the harness's own for the local driver (STORAGE_LOCAL_DIR), removed on stop. */
  localStorage?: boolean;
}

export const hex = (bytes: number) => randomBytes(bytes).toString('hex');
export const user = (): Identity => ({ userId: randomUUID(), role: 'USER' });
export const admin = (): Identity => ({ userId: randomUUID(), role: 'ADMIN' });

/** The one error of a result, asserting there is exactly one. */
export function onlyError(result: GraphQLResult): { message: string; code: string; extensions: Record<string, any> } {
  if (!result.errors || result.errors.length !== 1) throw new Error(`expected one error, got ${JSON.stringify(result.errors ?? result.data)}`);
  const [error] = result.errors;
  return { message: error!.message, code: String(error!.extensions?.code), extensions: error!.extensions ?? {} };
}

/**
 * How many of a service's outbox rows name any of these ids in their payload. Every test file of a run
 * shares one database and two files run side by side, so a test that proves "nothing was written" counts
 * the rows about its own members, never a whole table another file may be writing to at that moment.
 */
export async function outboxNaming(prisma: { $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T> }, ids: string[]): Promise<number> {
  if (ids.length === 0) throw new Error('outboxNaming needs at least one id');
  const likeAny = ids.map((_, i) => `payload::text LIKE $${i + 1}`).join(' OR ');
  const rows = await prisma.$queryRawUnsafe<Array<{ n: bigint }>>(`SELECT count(*) AS n FROM outbox_events WHERE ${likeAny}`, ...ids.map((id) => `%${id}%`));
  return Number(rows[0]!.n);
}

export abstract class SubgraphHarness<Server extends TestableServer, Db extends Database = never> {
  server!: Server;
  /** The subgraph's Prisma client (with `parts.database`). */
  prisma!: Db;
  /** Where uploads land (with `parts.localStorage`). */
  storageDir!: string;
  /** The subgraph's /graphql URL, and the same origin without the path. */
  url!: string;
  base!: string;
  /** The operations port's origin (/metrics, detailed /readyz; the user service's /dev/messages). */
  operationsUrl!: string;
  redis!: Redis;
  readonly prefix: string;
  readonly secrets = { INTERNAL_SECRET: hex(32), JWT_SECRET: hex(32), DATA_ENCRYPTION_KEY: hex(32) };
  private producer: FakeProducer | undefined;
  private readonly subscriptionClients: Client[] = [];

  constructor(
    readonly service: SubgraphName,
    private readonly extraEnv: Env = {},
    private readonly parts: HarnessParts<Db> = {},
  ) {
    this.prefix = `${inject('redisPrefix')}:${service}-${hex(4)}`;
  }

  protected abstract buildServer(env: Env): Promise<Server>;

  /**
   * Signs with the same secrets as `owner` (call before start): a subgraph that reads from another
   * (signed /internal/ reads) must share its INTERNAL_SECRET, and so must this harness's own
   * signatures, or the owner answers 401. Start the owner first, on port 0, and pass its real URL.
   */
  sharingSecretsWith(owner: { secrets: Record<string, string> }): this {
    Object.assign(this.secrets, owner.secrets);
    return this;
  }

  /** The subgraph's own settings for a test run; the constructor's `extraEnv` overrides them. */
  protected serviceEnv(): Env {
    return {};
  }

  env(extra: Env = {}): Env {
    return {
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATABASE_URL: inject('databaseUrl'),
      REDIS_URL: inject('redisUrl'),
      REDIS_PREFIX: this.prefix,
      [`${this.service.toUpperCase()}_OPS_PORT`]: '0',
      ...(this.parts.localStorage ? { STORAGE_DRIVER: 'local', STORAGE_LOCAL_DIR: this.storageDir } : {}),
      ...this.serviceEnv(),
      ...this.secrets,
      ...this.extraEnv,
      ...extra,
    };
  }

  async start(): Promise<this> {
    if (this.parts.localStorage) this.storageDir = await mkdtemp(join(tmpdir(), `anshim-${this.service}-`));
    this.server = await this.buildServer(this.env());
    const running = await this.server.start(0);
    this.url = running.url;
    this.operationsUrl = running.operationsUrl ?? '';
    this.base = this.url.replace(/\/graphql$/, '');
    this.redis = createRedis({ url: inject('redisUrl'), prefix: this.prefix });
    if (this.parts.database) this.prisma = this.parts.database({ databaseUrl: String(this.env().DATABASE_URL) });
    return this;
  }

  async stop(): Promise<void> {
    for (const client of this.subscriptionClients) await client.dispose();
    await this.producer?.stop();
    await this.server?.stop();
    if (this.redis) {
      // Leave nothing behind in the shared Redis: drop every key under this harness's prefix.
      const keys = await this.redis.keys(`${this.prefix}:*`); // KEYS patterns are not prefixed
      const bare = keys.map((k) => k.slice(this.prefix.length + 1));
      if (bare.length) await this.redis.del(...bare);
      await this.redis.quit();
    }
    await this.prisma?.$disconnect();
    if (this.storageDir) await rm(this.storageDir, { recursive: true, force: true });
  }

  /** A graphql-ws subscription to this subgraph as the gateway opens it (signed identity in the extensions); closed on stop. */
  subscribe<T = Record<string, any>>(query: string, as: Identity | null, variables: Record<string, unknown> = {}) {
    const secret = this.secrets.INTERNAL_SECRET;
    const connectionParams = () => ({ headers: signIdentityHeaders(secret, null, connectionTarget(this.service), randomUUID()) });
    const client = createClient({ url: this.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, lazy: true, connectionParams });
    this.subscriptionClients.push(client);
    const extensions = { [IDENTITY_EXTENSION]: signIdentityHeaders(secret, as, subscribeTarget(this.service, query, variables), randomUUID()) };
    return client.iterate<T>({ query, variables, extensions });
  }

  /** The gateway's signature (identity.ts) for a POST of `body` to this subgraph's /graphql. */
  signedHeaders(identity: Identity | null, body: string, requestId: string = randomUUID(), client?: ClientInfo): Record<string, string> {
    return signIdentityHeaders(this.secrets.INTERNAL_SECRET, identity, { method: 'POST', subgraph: this.service, path: '/graphql', bodySha256: bodySha256(body) }, requestId, Date.now(), client);
  }

  /**
   * fetch() of one of this subgraph's own HTTP routes (uploads, files, /auth/*) signed the way the
   * gateway's pass-through signs it: anonymous unless `identity`, PUT bodies as streamed uploads.
   */
  async send(url: string, init: RequestInit = {}, identity: Identity | null = null): Promise<Response> {
    const target = new URL(url);
    const method = (init.method ?? 'GET').toUpperCase();
    const body = init.body;
    const hash = body === undefined || body === null ? bodySha256('') : method === 'PUT' ? STREAMED_BODY : bodySha256(typeof body === 'string' ? body : Buffer.from(body as ArrayBuffer));
    const signed = signIdentityHeaders(this.secrets.INTERNAL_SECRET, identity, { method, subgraph: this.service, path: `${target.pathname}${target.search}`, bodySha256: hash }, randomUUID());
    return fetch(url, { ...init, headers: { ...(init.headers as Record<string, string> | undefined), ...signed } });
  }

  async gql<T = Record<string, any>>(query: string, variables: Record<string, unknown> = {}, options: RequestOptions = {}): Promise<GraphQLResult<T>> {
    const requestId = randomUUID();
    const body = JSON.stringify({ query, variables });
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-request-id': requestId };
    if (options.lang) headers['accept-language'] = options.lang;
    if (!options.unsigned) Object.assign(headers, this.signedHeaders(options.identity ?? null, body, requestId, options.client));
    Object.assign(headers, options.headers);
    const response = await fetch(this.url, { method: 'POST', headers, body });
    const answer = (await response.json()) as { data?: T | null; errors?: GraphQLResult['errors'] };
    return { status: response.status, data: answer.data, errors: answer.errors };
  }

  /** Like gql, but fails the test on any error and returns data. */
  async ok<T = Record<string, any>>(query: string, variables: Record<string, unknown> = {}, options: RequestOptions = {}): Promise<T> {
    const result = await this.gql<T>(query, variables, options);
    if (result.errors?.length || !result.data) throw new Error(`unexpected errors: ${JSON.stringify(result.errors)}`);
    return result.data;
  }

  /** Publishes an event the way its producer would (outbox row, relay pass) into this subgraph's queue; returns its id. */
  async publish<T extends EventType>(event: NewEvent<T>): Promise<string> {
    // The service's own DATABASE_URL: a test may give its subgraph a database of its own.
    this.producer ??= await new FakeProducer({ databaseUrl: String(this.env().DATABASE_URL), redis: { url: inject('redisUrl'), prefix: this.prefix } }).start();
    return (await this.producer.publish(event)).id;
  }

  /** Resolves once this subgraph committed its handling of the event. */
  async processed(eventId: string, timeoutMs?: number): Promise<void> {
    if (!this.producer) throw new Error('nothing was published through this harness');
    await this.producer.processedBy(this.service, eventId, timeoutMs);
  }

  /** Publishes and waits until this subgraph handled the event. */
  async deliver<T extends EventType>(event: NewEvent<T>): Promise<void> {
    await this.processed(await this.publish(event));
  }

  /** Makes users known to the subgraph the way production does: user.registered events through the queue. */
  async known(...identities: Identity[]): Promise<void> {
    await this.knownSince(new Date(), ...identities);
  }

  async knownSince(createdAt: Date, ...identities: Identity[]): Promise<void> {
    const ids = await Promise.all(
      identities.map((i) =>
        this.publish({ type: 'user.registered', producer: 'user', subjectUserId: i.userId, data: { userId: i.userId, nickname: '안심이', createdAt: createdAt.toISOString() } }),
      ),
    );
    for (const id of ids) await this.processed(id);
  }
}
