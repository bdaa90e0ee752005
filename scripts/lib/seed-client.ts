// How the seed talks to a running system: GraphQL through the gateway (the public API, as any
// client would), and the user service's development message sink for verification codes. A
// development system lets the seed past its rate limits when it proves the allowance key of the
// checkout (platform dev-allowance.ts); any limit that still refuses with a `retryAfter` is waited
// out, within a bound, since a refused request did nothing.
import { DEV_ALLOWANCE_HEADER } from '../../packages/platform/src/dev-allowance.ts';

/** A failure the seed explains itself (no stack trace needed). */
export class SeedError extends Error {
  override name = 'SeedError';
}

export interface GraphQLErrorBody {
  message: string;
  extensions?: Record<string, unknown>;
}

/** A GraphQL error answer, with its extensions.code for the callers that expect some. */
export class GraphQLCallError extends SeedError {
  constructor(
    readonly operation: string,
    readonly errors: GraphQLErrorBody[],
  ) {
    super(`${operation} failed: ${errorText(errors)}`);
  }

  get code(): string | undefined {
    const code = this.errors[0]?.extensions?.code;
    return typeof code === 'string' ? code : undefined;
  }
}

export function errorText(errors: GraphQLErrorBody[] | undefined): string {
  return (errors ?? []).map((e) => (e.extensions?.code ? `${e.message} [${String(e.extensions.code)}]` : e.message)).join('; ');
}

/** Refusals that did nothing and say so: the same call may succeed a moment later. */
function isWorthRetrying(error: GraphQLCallError): boolean {
  return error.code === 'RATE_LIMITED' || error.errors[0]?.extensions?.retryable === true;
}

export function startHint(): string {
  return 'start the system with `BOOTSTRAP_ADMIN_EMAIL=… BOOTSTRAP_ADMIN_PASSWORD=… npm start` and run the seed with the same values (or SEED_ADMIN_EMAIL/SEED_ADMIN_PASSWORD)';
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface SeedClientOptions {
  /** The development allowance key (`.data/dev-allowance-key` of the checkout running the system). */
  devAllowance?: string | null;
  /** The longest one operation waits, in all, on limits that say when to come back (default 60 s). */
  maxWaitSeconds?: number;
}

/** What to do when the system's limits refuse the seed for longer than it waits. */
export function allowanceHint(): string {
  return 'a development system lets the seed past its rate limits when the seed runs from the checkout that runs `npm start` ' +
    '(it reads .data/dev-allowance-key; or set SEED_DEV_ALLOWANCE to that key); SEED_MAX_WAIT_SECONDS waits longer';
}

export class SeedClient {
  private readonly maxWaitMs: number;

  constructor(
    readonly gatewayUrl: string,
    private readonly options: SeedClientOptions = {},
  ) {
    this.maxWaitMs = (options.maxWaitSeconds ?? 60) * 1_000;
  }

  /**
   * Runs one operation; GraphQL errors throw GraphQLCallError (with the first error's code). A
   * RATE_LIMITED refusal is tried again after its `retryAfter`, and a refusal marked `retryable`
   * (a check that could not run just now, e.g. TEMPORARILY_UNAVAILABLE when an owner's read timed
   * out on a busy machine: nothing was written) after a second, while the waits stay within
   * maxWaitSeconds; beyond, it stops and says how to get past the limits.
   */
  async call<T>(operation: string, query: string, variables: Record<string, unknown> = {}, token?: string): Promise<T> {
    let waitedMs = 0;
    for (;;) {
      try {
        return await this.callOnce<T>(operation, query, variables, token);
      } catch (error) {
        if (!(error instanceof GraphQLCallError) || !isWorthRetrying(error)) throw error;
        const seconds = Number(error.errors[0]?.extensions?.retryAfter);
        const waitMs = (Number.isFinite(seconds) && seconds > 0 ? seconds : 1) * 1_000 + Math.floor(Math.random() * 250);
        if (waitedMs + waitMs > this.maxWaitMs) {
          throw new SeedError(`${error.message} — waiting ${Math.ceil(waitMs / 1_000)} s more is past SEED_MAX_WAIT_SECONDS (${this.maxWaitMs / 1_000}); ${allowanceHint()}`);
        }
        waitedMs += waitMs;
        await sleep(waitMs);
      }
    }
  }

  private async callOnce<T>(operation: string, query: string, variables: Record<string, unknown>, token: string | undefined): Promise<T> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    if (this.options.devAllowance) headers[DEV_ALLOWANCE_HEADER] = this.options.devAllowance;
    let res: Response;
    try {
      res = await fetch(this.gatewayUrl, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
    } catch (error) {
      throw new SeedError(`cannot reach the gateway at ${this.gatewayUrl} (${String((error as Error).cause ?? (error as Error).message)}); ${startHint()}`);
    }
    const text = await res.text();
    let body: { data?: T | null; errors?: GraphQLErrorBody[] };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      throw new SeedError(`the gateway at ${this.gatewayUrl} answered ${res.status} with non-JSON: ${text.slice(0, 200)}`);
    }
    if (body.errors?.length || !body.data) throw new GraphQLCallError(operation, body.errors ?? [{ message: `HTTP ${res.status} without data` }]);
    return body.data;
  }

  /**
   * Services learn about each other's users, products and trades from events, a moment after the
   * fact: an operation that names something another service created just now may answer NOT_FOUND
   * until the copy caught up. Retries those (and only those) for a while.
   */
  async eventually<T>(operation: string, query: string, variables: Record<string, unknown>, token: string, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (let delay = 100; ; delay = Math.min(delay * 2, 1_000)) {
      try {
        return await this.call<T>(operation, query, variables, token);
      } catch (error) {
        if (!(error instanceof GraphQLCallError) || error.code !== 'NOT_FOUND' || Date.now() > deadline) throw error;
        await sleep(delay);
      }
    }
  }
}

/**
 * Reads the newest 6-digit code sent to an address from the user service's development sink
 * (GET /dev/messages?to=…), which the console delivery provider fills outside production.
 */
export async function readDevCode(userServiceUrl: string, address: string): Promise<string> {
  const url = `${userServiceUrl.replace(/\/+$/, '')}/dev/messages?to=${encodeURIComponent(address)}`;
  for (let attempt = 0; attempt < 20; attempt += 1) {
    let res: Response;
    try {
      res = await fetch(url);
    } catch (error) {
      throw new SeedError(`cannot reach the user service's dev message sink at ${url} (${String((error as Error).cause ?? (error as Error).message)}); set SEED_USER_SERVICE_URL`);
    }
    if (res.status === 404) {
      throw new SeedError(`${url} does not exist: verification codes can only be read from a development user service (DELIVERY_PROVIDER=console)`);
    }
    const body = (await res.json()) as { messages?: Array<{ text: string }> };
    const code = body.messages?.[0]?.text.match(/\b(\d{6})\b/)?.[1];
    if (code) return code;
    await sleep(100);
  }
  throw new SeedError(`no verification code arrived for ${address} at ${url}`);
}

/** Runs `work` over `items` with at most `limit` at a time; the first failure rejects. */
export async function inPool<T>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failed: unknown = null;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (failed === null && next < items.length) {
      const index = next++;
      try {
        await work(items[index]!, index);
      } catch (error) {
        failed ??= error;
      }
    }
  });
  await Promise.all(lanes);
  if (failed !== null) throw failed;
}
