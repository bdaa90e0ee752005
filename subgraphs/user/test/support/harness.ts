// The user subgraph under test (test/support/subgraph-harness.ts starts it and cleans up), called
// the way the gateway calls it: verify the access token, check the blacklist, then send signed
// identity headers (and forward the Authorization header). Delivery goes to the console provider,
// read back through the dev endpoint.
import { randomUUID } from 'node:crypto';
import { blacklistKey, verifyAccessToken } from '@anshim/platform';
import { hex, SubgraphHarness, type Env, type GraphQLResult, type RequestOptions } from '../../../../test/support/subgraph-harness.ts';
import { buildUserServer, type UserServer } from '../../src/server.ts';
import { createDatabase, type UserPrisma } from '../../src/database.ts';

export { hex, onlyError, waitFor, type GraphQLResult } from '../../../../test/support/subgraph-harness.ts';

export interface CallOptions extends RequestOptions {
  /** An access token: verified and turned into signed identity headers, as the gateway does. */
  token?: string;
}

export const uniqueEmail = (tag = 'u') => `${tag}-${hex(6)}@example.com`;
/** A random 010 number, dashed the way people type it. */
export const uniquePhone = () => {
  const digits = String(Math.floor(Math.random() * 1e8)).padStart(8, '0');
  return `010-${digits.slice(0, 4)}-${digits.slice(4)}`;
};

export class UserHarness extends SubgraphHarness<UserServer, UserPrisma> {
  queries: string[] = [];

  constructor(extraEnv: Env = {}) {
    super('user', extraEnv, { database: createDatabase });
  }

  protected override serviceEnv(): Env {
    // Tests register many members @example.com: the per-domain sign-up ration is tested on its own (sign-in-throttle.integration.test.ts).
    return { DELIVERY_PROVIDER: 'console', BOOTSTRAP_ADMIN_EMAIL: undefined, BOOTSTRAP_ADMIN_PASSWORD: undefined, REGISTER_PER_DOMAIN_MAX: '1000000' };
  }

  protected override buildServer(env: Env): Promise<UserServer> {
    return buildUserServer(env, { onQuery: (sql) => this.queries.push(sql) });
  }

  /** What the gateway would forward for this access token (null when it would refuse it). */
  async gatewayHeaders(token: string, requestId: string): Promise<Record<string, string> | null> {
    const checked = await verifyAccessToken(this.secrets.JWT_SECRET, token);
    if (!checked.ok) return null;
    if (await this.redis.exists(blacklistKey(checked.claims.jti))) return null;
    return { ...this.signedHeaders({ userId: checked.claims.userId, role: checked.claims.role }, requestId), authorization: `Bearer ${token}` };
  }

  override async gql<T = Record<string, any>>(query: string, variables: Record<string, unknown> = {}, { token, ...options }: CallOptions = {}): Promise<GraphQLResult<T>> {
    if (!token) return super.gql<T>(query, variables, options);
    const forwarded = await this.gatewayHeaders(token, randomUUID());
    if (!forwarded) throw new Error('the gateway would refuse this token');
    return super.gql<T>(query, variables, { ...options, headers: { ...forwarded, ...options.headers } });
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
