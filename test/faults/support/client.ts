import { graphql } from '../../support/stack.ts';

export type GraphQLErrors = Array<{ message: string; extensions?: Record<string, unknown> }>;

/** What a client saw for one failed attempt: enough to judge whether the failure was a clean one. */
export interface Refusal {
  status: number;
  code: unknown;
  retryable: unknown;
  message: string;
}

/** Calls the gateway; throws a RefusalError carrying the status and the first error's code. */
export async function call<T>(url: string, query: string, variables: Record<string, unknown> = {}, token?: string, headers: Record<string, string> = {}): Promise<T> {
  let result: Awaited<ReturnType<typeof graphql<T>>>;
  try {
    result = await graphql<T>(url, query, variables, { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers });
  } catch (error) {
    throw new RefusalError({ status: 0, code: 'NETWORK', retryable: undefined, message: (error as Error).message });
  }
  const first = result.body.errors?.[0];
  if (first || !result.body.data) {
    throw new RefusalError({ status: result.status, code: first?.extensions?.code, retryable: first?.extensions?.retryable, message: first?.message ?? 'no data' });
  }
  return result.body.data;
}

export class RefusalError extends Error {
  constructor(readonly refusal: Refusal) {
    super(`${refusal.status} ${String(refusal.code)}: ${refusal.message}`);
  }
}

/**
 * Retries while the answer is a refusal `retryOn` accepts (e.g. "temporarily unavailable"),
 * recording each; any other failure is thrown at once.
 */
export async function withRetry<T>(attempt: () => Promise<T>, retryOn: (r: Refusal) => boolean, seen: Refusal[], timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof RefusalError) || !retryOn(error.refusal) || Date.now() > deadline) throw error;
      seen.push(error.refusal);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}
