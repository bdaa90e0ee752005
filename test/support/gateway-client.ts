// What the e2e tests do through the gateway, as a person's app does: GraphQL calls with a bearer
// token, signing up and in, and waiting for what the system does in the background.
import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { graphql } from './stack.ts';
import { waitFor as poll } from './wait-for.ts';

export type GraphQLErrors = Array<{ message: string; extensions?: Record<string, unknown> }> | undefined;

export const codeOf = (errors: GraphQLErrors) => errors?.[0]?.extensions?.code;

export interface RegisteredPerson {
  id: string;
  token: string;
  email: string;
  password: string;
}

/** An ADMIN the user service creates at start: pass `env` to startStack, then sign in with `email` and `password`. */
export function bootstrapAdmin(): { email: string; password: string; env: Record<string, string> } {
  const email = `admin.${randomBytes(4).toString('hex')}@example.com`;
  const password = 'admin-password-for-e2e';
  return { email, password, env: { BOOTSTRAP_ADMIN_EMAIL: email, BOOTSTRAP_ADMIN_PASSWORD: password } };
}

/** Calls the gateway at `url()`, read at call time because the stack starts in beforeAll. */
export function gatewayClient(url: () => string) {
  /** Any answer but a 500: GraphQL errors come back for the test to inspect. */
  async function call<T = Record<string, any>>(query: string, variables: Record<string, unknown> = {}, token?: string, headers: Record<string, string> = {}): Promise<{ data?: T; errors: GraphQLErrors }> {
    const res = await graphql<T>(url(), query, variables, { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers });
    expect(res.status).not.toBe(500);
    return { data: res.body.data, errors: res.body.errors };
  }

  /** Like call, but fails the test on any error and returns data. */
  async function ok<T = Record<string, any>>(query: string, variables: Record<string, unknown> = {}, token?: string, headers: Record<string, string> = {}): Promise<T> {
    const { data, errors } = await call<T>(query, variables, token, headers);
    if (errors?.length) throw new Error(JSON.stringify(errors));
    return data!;
  }

  /** Signs up a new person with a unique email (and the phone, when given). */
  async function register(nickname: string, options: { phone?: string } = {}): Promise<RegisteredPerson> {
    const email = `${nickname.replace(/\W/g, '') || 'u'}.${randomBytes(4).toString('hex')}@example.com`;
    const password = 'correct horse battery';
    const data = await ok<{ register: { accessToken: string; user: { id: string } } }>(
      `mutation($input: RegisterInput!) { register(input: $input) { accessToken user { id } } }`,
      { input: { email, password, nickname, phone: options.phone } },
    );
    return { id: data.register.user.id, token: data.register.accessToken, email, password };
  }

  /** An access token for the account. */
  async function login(email: string, password: string): Promise<string> {
    return (await ok<{ login: { accessToken: string } }>(LOGIN, { email, password })).login.accessToken;
  }

  return { call, ok, register, login };
}

export const LOGIN = /* GraphQL */ `mutation($email: String!, $password: String!) { login(email: $email, password: $password) { accessToken } }`;

/** Polls until `probe` returns something other than undefined/false, with the patience a stack of real processes needs. */
export function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  return poll(what, probe, { timeoutMs, intervalMs: 50 });
}
