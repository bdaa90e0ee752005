// The user subgraph under test (test/support/subgraph-harness.ts starts it and cleans up), called
// the way the gateway calls it: verify the access token, check the blacklist, then send signed
// identity headers (and forward the Authorization header). Delivery goes to the console provider,
// read back through the dev endpoint.
import { devMessages, type DevMessage } from '../../../../test/support/dev-messages.ts';
import { oidcClientEnv, startOidcProvider, type TestOidcProvider } from '../../../../test/support/oidc-provider.ts';
import { blacklistKey, verifyAccessToken, type Identity, type NewEvent } from '@anshim/platform';
import type { EventType } from '@anshim/contracts';
import { hex, SubgraphHarness, waitFor, type Env, type GraphQLResult, type RequestOptions } from '../../../../test/support/subgraph-harness.ts';
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
    super('user', extraEnv, { database: createDatabase, localStorage: true });
  }

  protected override serviceEnv(): Env {
    // Tests register many members @example.com: the per-domain sign-up ration is tested on its own (sign-in-throttle.integration.test.ts).
    return { DELIVERY_PROVIDER: 'console', BOOTSTRAP_ADMIN_EMAIL: undefined, BOOTSTRAP_ADMIN_PASSWORD: undefined, REGISTER_PER_DOMAIN_MAX: '1000000' };
  }

  protected override buildServer(env: Env): Promise<UserServer> {
    return buildUserServer(env, { onQuery: (sql) => this.queries.push(sql) });
  }

  /** The identity the gateway would sign for this access token (null when it would refuse it). */
  async gatewayIdentity(token: string): Promise<Identity | null> {
    const checked = await verifyAccessToken(this.secrets.JWT_SECRET, token);
    if (!checked.ok) return null;
    if (await this.redis.exists(blacklistKey(checked.claims.jti))) return null;
    return { userId: checked.claims.userId, role: checked.claims.role };
  }

  override async gql<T = Record<string, any>>(query: string, variables: Record<string, unknown> = {}, { token, ...options }: CallOptions = {}): Promise<GraphQLResult<T>> {
    if (!token) return super.gql<T>(query, variables, options);
    const identity = await this.gatewayIdentity(token);
    if (!identity) throw new Error('the gateway would refuse this token');
    return super.gql<T>(query, variables, { ...options, identity, headers: { authorization: `Bearer ${token}`, ...options.headers } });
  }

  /**
   * Publishes, waits until the service handled the event, then until what it queued for sending
   * (guardian SMS in outbound_messages) left the queue: tests read the console right after.
   */
  override async deliver<T extends EventType>(event: NewEvent<T>): Promise<void> {
    await super.deliver(event);
    await this.outboundSent();
  }

  /** Resolves once no message of this server (its REDIS_PREFIX) waits in outbound_messages. */
  async outboundSent(timeoutMs = 15_000): Promise<void> {
    await waitFor('the queued outbound messages to be sent', async () => (await this.prisma.outboundMessage.count({ where: { deployment: this.prefix, status: 'PENDING' } })) === 0, { timeoutMs });
  }

  /** Messages the console provider recorded for an address, newest first (from the operations port). */
  messagesTo(address: string): Promise<DevMessage[]> {
    return devMessages(this.operationsUrl, address);
  }

  async latestCode(address: string): Promise<string> {
    const [latest] = await this.messagesTo(address);
    const code = latest && /\b(\d{6})\b/.exec(latest.text)?.[1];
    if (!code) throw new Error(`no code was sent to ${address}`);
    return code;
  }
}

/** Where the OIDC tests pretend the gateway and the app live: callbacks are carried to the service by the test. */
export const OIDC_PUBLIC = 'http://gateway.anshim.test';
export const OIDC_APP = 'http://app.anshim.test/auth/complete';

/**
 * A real OpenID provider (oidc-provider) and the user service configured with one client of it per
 * name in `providers`, their callbacks on OIDC_PUBLIC; `env` adds the setting under test.
 */
export async function startUserWithOidc(providers: string[], env: Env = {}): Promise<{ oidc: TestOidcProvider; h: UserHarness }> {
  const oidc = await startOidcProvider({ redirectUris: providers.map((p) => `${OIDC_PUBLIC}/auth/oidc/${p}/callback`) });
  const settings: Env = { OIDC_PROVIDERS: providers.join(','), OIDC_ALLOW_HTTP: 'true', OIDC_APP_REDIRECT_URL: OIDC_APP, USER_PUBLIC_URL: OIDC_PUBLIC };
  for (const name of providers) Object.assign(settings, oidcClientEnv(name, oidc, OIDC_PUBLIC));
  try {
    return { oidc, h: await new UserHarness({ ...settings, ...env }).start() };
  } catch (error) {
    await oidc.stop();
    throw error;
  }
}

export const REGISTER = /* GraphQL */ `
  mutation Register($input: RegisterInput!) {
    register(input: $input) { accessToken refreshToken user { id email phone pendingPhone nickname role status profileCompleteness } }
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

/** The access token of a password sign-in (login), failing loudly when it is refused. */
export async function signedInToken(h: UserHarness, email: string, password: string): Promise<string> {
  const result = await h.gql(`mutation($email: String!, $password: String!) { login(email: $email, password: $password) { accessToken } }`, { email, password });
  if (!result.data?.login) throw new Error(`login failed: ${JSON.stringify(result.errors)}`);
  return result.data.login.accessToken;
}

export async function registerUser(h: UserHarness, input: { email?: string; phone?: string; nickname?: string; password?: string } = {}): Promise<RegisteredUser> {
  const email = input.email ?? uniqueEmail();
  const password = input.password ?? 'correct-horse-battery';
  const result = await h.gql(REGISTER, { input: { email, password, nickname: input.nickname ?? '안심이', phone: input.phone } });
  if (!result.data?.register) throw new Error(`register failed: ${JSON.stringify(result.errors)}`);
  const { accessToken, refreshToken, user } = result.data.register;
  return { id: user.id, email: email.toLowerCase(), phone: input.phone, password, accessToken, refreshToken };
}

/**
 * Binds the caller's pending phone the only way there is: requestVerification(SMS) sends a code to
 * it, confirmVerification with that code. Returns the confirmation's answer.
 */
export async function bindPendingPhone(h: UserHarness, user: Pick<RegisteredUser, 'accessToken' | 'phone'>): Promise<GraphQLResult> {
  const request = await h.gql(`mutation { requestVerification(method: SMS) { id } }`, {}, { token: user.accessToken });
  if (!request.data?.requestVerification) throw new Error(`requestVerification failed: ${JSON.stringify(request.errors)}`);
  const code = await h.latestCode(user.phone!);
  return h.gql(
    `mutation($id: ID!, $code: String!) { confirmVerification(challengeId: $id, code: $code) { id phone pendingPhone verifications { method } } }`,
    { id: request.data.requestVerification.id, code },
    { token: user.accessToken },
  );
}

/** A user whose phone is bound (confirmed by its SMS code). */
export async function registerWithBoundPhone(h: UserHarness, input: { email?: string; phone?: string; nickname?: string } = {}): Promise<RegisteredUser> {
  const user = await registerUser(h, { ...input, phone: input.phone ?? uniquePhone() });
  const bound = await bindPendingPhone(h, user);
  if (bound.errors) throw new Error(`binding the phone failed: ${JSON.stringify(bound.errors)}`);
  return user;
}
