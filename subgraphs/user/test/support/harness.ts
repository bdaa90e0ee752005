// Starts a real user subgraph on port 0 against the run's fresh database and a Redis prefix of
// its own, and talks to it over HTTP the way the gateway does: verify the access token, check
// the blacklist, then send signed identity headers (and forward the Authorization header).
import { randomBytes, randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import {
  blacklistKey,
  createRedis,
  signIdentityHeaders,
  verifyAccessToken,
  type Identity,
  type Redis,
} from '@anshim/platform';
import { buildUserServer, type UserServer } from '../../src/server.ts';
import { createDatabase, type UserPrisma } from '../../src/database.ts';

// Provided by the root globalSetup (test/support/global-setup.ts); repeated so this workspace
// type-checks on its own.
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

export interface CallOptions {
  /** An access token: verified and turned into signed identity headers, as the gateway does. */
  token?: string;
  /** Signed identity without a token (e.g. to act as an ADMIN or a made-up user). */
  identity?: Identity;
  headers?: Record<string, string>;
  lang?: 'en' | 'ko';
}

export const hex = (bytes: number) => randomBytes(bytes).toString('hex');
export const uniqueEmail = (tag = 'u') => `${tag}-${hex(6)}@example.com`;
/** A random 010 number, dashed the way people type it. */
export const uniquePhone = () => {
  const digits = String(Math.floor(Math.random() * 1e8)).padStart(8, '0');
  return `010-${digits.slice(0, 4)}-${digits.slice(4)}`;
};

export class UserHarness {
  queries: string[] = [];
  server!: UserServer;
  url!: string;
  base!: string;
  prisma!: UserPrisma;
  redis!: Redis;
  readonly prefix = `${inject('redisPrefix')}:user-${hex(4)}`;
  readonly secrets = { INTERNAL_SECRET: hex(32), JWT_SECRET: hex(32), DATA_ENCRYPTION_KEY: hex(32) };

  constructor(private readonly extraEnv: Record<string, string | undefined> = {}) {}

  env(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
    return {
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATABASE_URL: inject('databaseUrl'),
      REDIS_URL: inject('redisUrl'),
      REDIS_PREFIX: this.prefix,
      DELIVERY_PROVIDER: 'console',
      BOOTSTRAP_ADMIN_EMAIL: undefined,
      BOOTSTRAP_ADMIN_PASSWORD: undefined,
      ...this.secrets,
      ...this.extraEnv,
      ...extra,
    };
  }

  async start(): Promise<this> {
    this.server = await buildUserServer(this.env(), { onQuery: (sql) => this.queries.push(sql) });
    this.url = (await this.server.start(0)).url;
    this.base = this.url.replace(/\/graphql$/, '');
    this.prisma = createDatabase({ databaseUrl: inject('databaseUrl') });
    this.redis = createRedis({ url: inject('redisUrl'), prefix: this.prefix });
    return this;
  }

  async stop(): Promise<void> {
    await this.server?.stop();
    await this.prisma?.$disconnect();
    if (this.redis) {
      // Leave nothing behind in the shared Redis: drop every key under this file's prefix.
      const keys = await this.redis.keys(`${this.prefix}:*`); // KEYS patterns are not prefixed
      const bare = keys.map((k) => k.slice(this.prefix.length + 1));
      if (bare.length) await this.redis.del(...bare);
      await this.redis.quit();
    }
  }

  /** What the gateway would forward for this access token (null when it would refuse it). */
  async gatewayHeaders(token: string, requestId: string): Promise<Record<string, string> | null> {
    const checked = await verifyAccessToken(this.secrets.JWT_SECRET, token);
    if (!checked.ok) return null;
    if (await this.redis.exists(blacklistKey(checked.claims.jti))) return null;
    return {
      ...signIdentityHeaders(this.secrets.INTERNAL_SECRET, { userId: checked.claims.userId, role: checked.claims.role }, requestId),
      authorization: `Bearer ${token}`,
    };
  }

  async gql<T = Record<string, any>>(query: string, variables: Record<string, unknown> = {}, options: CallOptions = {}): Promise<GraphQLResult<T>> {
    const requestId = randomUUID();
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-request-id': requestId };
    if (options.lang) headers['accept-language'] = options.lang;
    if (options.token) {
      const forwarded = await this.gatewayHeaders(options.token, requestId);
      if (!forwarded) throw new Error('the gateway would refuse this token');
      Object.assign(headers, forwarded);
    }
    if (options.identity) Object.assign(headers, signIdentityHeaders(this.secrets.INTERNAL_SECRET, options.identity, requestId));
    Object.assign(headers, options.headers);
    const response = await fetch(this.url, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
    const body = (await response.json()) as { data?: T | null; errors?: GraphQLResult['errors'] };
    return { status: response.status, data: body.data, errors: body.errors };
  }

  /** Messages the console provider recorded for an address, newest first. */
  async messagesTo(address: string): Promise<Array<{ channel: string; to: string; text: string }>> {
    const response = await fetch(`${this.base}/dev/messages?to=${encodeURIComponent(address)}`);
    if (!response.ok) throw new Error(`dev messages: HTTP ${response.status}`);
    return ((await response.json()) as { messages: Array<{ channel: string; to: string; text: string }> }).messages;
  }

  async latestCode(address: string): Promise<string> {
    const [latest] = await this.messagesTo(address);
    const code = latest && /\b(\d{6})\b/.exec(latest.text)?.[1];
    if (!code) throw new Error(`no code was sent to ${address}`);
    return code;
  }
}

export const REGISTER = /* GraphQL */ `
  mutation Register($input: RegisterInput!) {
    register(input: $input) { accessToken refreshToken user { id email phone nickname role status profileCompleteness } }
  }
`;

export interface RegisteredUser {
  id: string;
  email: string;
  phone: string | undefined;
  password: string;
  accessToken: string;
  refreshToken: string;
}

export async function registerUser(h: UserHarness, input: { email?: string; phone?: string; nickname?: string; password?: string } = {}): Promise<RegisteredUser> {
  const email = input.email ?? uniqueEmail();
  const password = input.password ?? 'correct-horse-battery';
  const result = await h.gql(REGISTER, { input: { email, password, nickname: input.nickname ?? '안심이', phone: input.phone } });
  if (!result.data?.register) throw new Error(`register failed: ${JSON.stringify(result.errors)}`);
  const { accessToken, refreshToken, user } = result.data.register;
  return { id: user.id, email: email.toLowerCase(), phone: input.phone, password, accessToken, refreshToken };
}

/** The one error of a result, asserting there is exactly one. */
export function onlyError(result: GraphQLResult): { message: string; code: string; extensions: Record<string, any> } {
  if (!result.errors || result.errors.length !== 1) throw new Error(`expected one error, got ${JSON.stringify(result.errors ?? result.data)}`);
  const [error] = result.errors;
  return { message: error!.message, code: String(error!.extensions?.code), extensions: error!.extensions ?? {} };
}
