// The console's only way to the system: POSTs to this gateway's public /graphql with the
// moderator's bearer token, exactly as any client; every ADMIN check happens there.
// The access token lives in memory only; the refresh token in sessionStorage (this tab, gone when
// it closes; never localStorage), so a reload signs in again by rotating it (refreshToken).
import { locale, t } from './i18n.ts';

const ENDPOINT = new URL('/graphql', window.location.href).href;
const REFRESH_KEY = 'anshim.admin.refresh';

export interface Moderator {
  id: string;
  nickname: string;
  role: string;
}

interface GraphQLError {
  message: string;
  path?: Array<string | number>;
  extensions?: { code?: string };
}

export class ApiError extends Error {
  constructor(message: string, readonly code: string | undefined) {
    super(message);
  }
}

export interface Result<T> {
  data: T | undefined;
  /** Errors beside data (a field that failed while the rest answered). */
  errors: GraphQLError[];
}

let accessToken: string | undefined;
let refreshing: Promise<boolean> | undefined;
/** Told when the session cannot be renewed, so the app shows the sign-in page. */
let onSessionLost: () => void = () => {};

export const setSessionLostHandler = (handler: () => void) => void (onSessionLost = handler);
export const hasStoredSession = () => sessionStorage.getItem(REFRESH_KEY) !== null;

export function keepSession(tokens: { accessToken: string; refreshToken: string }): void {
  accessToken = tokens.accessToken;
  sessionStorage.setItem(REFRESH_KEY, tokens.refreshToken);
}

export function forgetSession(): void {
  accessToken = undefined;
  sessionStorage.removeItem(REFRESH_KEY);
}

async function post<T>(query: string, variables: Record<string, unknown>, token: string | undefined): Promise<{ data?: T; errors?: GraphQLError[] }> {
  let response: Response;
  try {
    response = await fetch(ENDPOINT, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        'accept-language': locale(),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
      credentials: 'omit',
    });
  } catch {
    throw new ApiError(t('networkError'), 'NETWORK');
  }
  try {
    return (await response.json()) as { data?: T; errors?: GraphQLError[] };
  } catch {
    throw new ApiError(t('networkError'), `HTTP_${response.status}`);
  }
}

const REFRESH = /* GraphQL */ `mutation AdminRefresh($token: String!) { refreshToken(refreshToken: $token) { accessToken refreshToken } }`;

/** Rotates the stored refresh token for a new access token; one rotation at a time. */
export function renewSession(): Promise<boolean> {
  refreshing ??= (async () => {
    const stored = sessionStorage.getItem(REFRESH_KEY);
    if (!stored) return false;
    try {
      const answer = await post<{ refreshToken: { accessToken: string; refreshToken: string } }>(REFRESH, { token: stored }, undefined);
      if (!answer.data?.refreshToken) {
        forgetSession();
        return false;
      }
      keepSession(answer.data.refreshToken);
      return true;
    } catch {
      return false;
    }
  })().finally(() => (refreshing = undefined));
  return refreshing;
}

/** The moderator's access token, renewed first when it is about to expire (the alert socket's sign-in). */
export async function sessionToken(): Promise<string | undefined> {
  if ((!accessToken || expiresSoon(accessToken)) && !(await renewSession())) return undefined;
  return accessToken;
}

const isUnauthenticated = (errors: GraphQLError[] | undefined) => errors?.some((e) => e.extensions?.code === 'UNAUTHENTICATED') ?? false;

/**
 * Runs an operation as the signed-in moderator. An expired access token is renewed once and the
 * operation repeated; a session that cannot be renewed ends in the sign-in page. Throws when there
 * is no data at all; otherwise returns the data with any field errors beside it.
 */
export async function run<T>(query: string, variables: Record<string, unknown> = {}): Promise<Result<T>> {
  // Renewed a minute before it expires, so a working moderator never sees a refused request.
  if ((!accessToken || expiresSoon(accessToken)) && !(await renewSession())) return lost();
  let answer = await post<T>(query, variables, accessToken);
  if (isUnauthenticated(answer.errors)) {
    if (!(await renewSession())) return lost();
    answer = await post<T>(query, variables, accessToken);
    if (isUnauthenticated(answer.errors)) return lost();
  }
  const errors = answer.errors ?? [];
  if (answer.data == null || (errors.length > 0 && !hasAnyRoot(answer.data))) {
    const first = errors[0];
    throw new ApiError(first?.message ?? t('networkError'), first?.extensions?.code);
  }
  return { data: answer.data, errors };
}

/** Like run, but any error at all is thrown (mutations: all or nothing). */
export async function mutate<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const { data, errors } = await run<T>(query, variables);
  if (errors.length > 0) throw new ApiError(errors[0]!.message, errors[0]!.extensions?.code);
  return data!;
}

/** Runs an operation without a session (signing in). */
export async function anonymous<T>(query: string, variables: Record<string, unknown>): Promise<T> {
  const answer = await post<T>(query, variables, undefined);
  if (answer.errors?.length || !answer.data) {
    const first = answer.errors?.[0];
    throw new ApiError(first?.message ?? t('networkError'), first?.extensions?.code);
  }
  return answer.data;
}

/** Ends a session (the moderator's, or a member's refused sign-in); errors do not matter. */
export async function endSession(token = accessToken): Promise<void> {
  if (token) await post(`mutation AdminSignOut { logout }`, {}, token).catch(() => undefined);
}

/** Whether a JWT's exp claim is under a minute away (the signature is the gateway's to check, not ours). */
function expiresSoon(token: string): boolean {
  try {
    const payload = JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: unknown };
    return typeof payload.exp === 'number' && payload.exp * 1000 - Date.now() < 60_000;
  } catch {
    return false;
  }
}

function hasAnyRoot(data: unknown): boolean {
  return typeof data === 'object' && data !== null && Object.values(data).some((value) => value !== null);
}

function lost(): never {
  forgetSession();
  onSessionLost();
  throw new ApiError(t('sessionExpired'), 'UNAUTHENTICATED');
}
