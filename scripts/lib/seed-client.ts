// How the seed talks to a running system: GraphQL through the gateway (the public API, as any
// client would), and the user service's development message sink for verification codes.

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

export function startHint(): string {
  return 'start the system with `BOOTSTRAP_ADMIN_EMAIL=… BOOTSTRAP_ADMIN_PASSWORD=… npm start` and run the seed with the same values (or SEED_ADMIN_EMAIL/SEED_ADMIN_PASSWORD)';
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class SeedClient {
  constructor(readonly gatewayUrl: string) {}

  /** Runs one operation; GraphQL errors throw GraphQLCallError (with the first error's code). */
  async call<T>(operation: string, query: string, variables: Record<string, unknown> = {}, token?: string): Promise<T> {
    let res: Response;
    try {
      res = await fetch(this.gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
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
