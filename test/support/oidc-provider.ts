/// <reference path="./oidc-provider.d.ts" />
// A real OpenID Connect provider (the oidc-provider package) on a free port, for tests. Its
// interaction page signs in whichever account the test chose (`provider.account = …`) and grants
// consent, so a test drives the whole authorization-code flow with plain HTTP requests.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

export interface TestAccount {
  sub: string;
  email?: string;
  email_verified?: boolean;
}

export interface TestOidcProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The account the next interaction signs in. */
  account: TestAccount;
  stop(): Promise<void>;
}

export async function startOidcProvider(options: { redirectUris: string[]; clientId?: string; clientSecret?: string }): Promise<TestOidcProvider> {
  const clientId = options.clientId ?? 'anshim-test';
  const clientSecret = options.clientSecret ?? 'anshim-test-secret-0123456789abcdef';
  const accounts = new Map<string, TestAccount>();
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const state: TestOidcProvider = {
    issuer,
    clientId,
    clientSecret,
    account: { sub: 'nobody' },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const provider = new Provider(issuer, {
    clients: [{ client_id: clientId, client_secret: clientSecret, redirect_uris: options.redirectUris, grant_types: ['authorization_code'], response_types: ['code'] }],
    cookies: { keys: ['test-cookie-key-0123456789abcdef'] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'] },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    findAccount: (_ctx: unknown, id: string) => {
      const account = accounts.get(id);
      return account ? { accountId: id, claims: async () => ({ ...account }) } : undefined;
    },
  });
  const handle = provider.callback();
  server.on('request', (req, res) => {
    if (!req.url?.startsWith('/interaction/')) return handle(req, res);
    void (async () => {
      const details = await provider.interactionDetails(req, res);
      const account = state.account;
      accounts.set(account.sub, account);
      const grant = new provider.Grant({ accountId: account.sub, clientId: details.params.client_id! });
      grant.addOIDCScope(details.params.scope ?? 'openid');
      const grantId = await grant.save();
      await provider.interactionFinished(req, res, { login: { accountId: account.sub }, consent: { grantId } }, { mergeWithLastSubmission: false });
    })().catch((error: unknown) => {
      res.statusCode = 500;
      res.end(String(error));
    });
  });
  return state;
}

/**
 * The environment that points a service's provider `name` at this test provider, with its callback
 * on `publicOrigin` (the gateway's origin, or a placeholder host the test carries callbacks from).
 */
export function oidcClientEnv(name: string, oidc: TestOidcProvider, publicOrigin: string): Record<string, string> {
  const prefix = `OIDC_${name.toUpperCase()}`;
  return {
    [`${prefix}_ISSUER`]: oidc.issuer,
    [`${prefix}_CLIENT_ID`]: oidc.clientId,
    [`${prefix}_CLIENT_SECRET`]: oidc.clientSecret,
    [`${prefix}_REDIRECT_URL`]: `${publicOrigin}/auth/oidc/${name}/callback`,
  };
}

/** Cookies per origin, enough for redirects between the gateway and the provider. */
export class CookieJar {
  private readonly jar = new Map<string, Map<string, string>>();

  header(url: string): string {
    const cookies = this.jar.get(new URL(url).origin);
    return cookies ? [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') : '';
  }

  store(url: string, response: Response): void {
    const origin = new URL(url).origin;
    const cookies = this.jar.get(origin) ?? new Map<string, string>();
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair!.indexOf('=');
      const name = pair!.slice(0, at).trim();
      const value = pair!.slice(at + 1).trim();
      if (value === '' || /max-age=0/i.test(line)) cookies.delete(name);
      else cookies.set(name, value);
    }
    this.jar.set(origin, cookies);
  }
}

/** How a test sends a request: plain fetch, or a harness's signed `send` for a subgraph's own routes. */
export type Send = (url: string, init: RequestInit) => Promise<Response>;

/** One GET without following redirects, sending and keeping cookies. */
export async function step(jar: CookieJar, url: string, send: Send = fetch): Promise<{ status: number; location: string | null; response: Response }> {
  const cookie = jar.header(url);
  const response = await send(url, { redirect: 'manual', headers: cookie ? { cookie } : {} });
  jar.store(url, response);
  const location = response.headers.get('location');
  await response.arrayBuffer();
  return { status: response.status, location: location ? new URL(location, url).href : null, response };
}

/** Follows redirects from `url` until one points at a URL starting with `until` (not requested); returns it. */
export async function followUntil(jar: CookieJar, url: string, until: string, maxSteps = 15): Promise<string> {
  let next = url;
  for (let i = 0; i < maxSteps; i++) {
    if (next.startsWith(until)) return next;
    const { status, location } = await step(jar, next);
    if (!location) throw new Error(`stopped at ${next}: HTTP ${status} without a redirect`);
    next = location;
  }
  throw new Error(`no redirect to ${until} within ${maxSteps} steps`);
}
