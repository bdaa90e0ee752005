// Reads from the owning service on a request path (issue 18 point 5: read-your-writes across
// copies). A request that waits for another service must not hang or hammer it: each read has a
// timeout, one retry after a short pause (a restart or a dropped connection), and a circuit
// breaker (resilience.ts, opossum) that fails fast while the owner is down, so callers answer
// TEMPORARILY_UNAVAILABLE at once instead of piling up requests. A 4xx is the owner's answer
// (bad request, not a permitted caller, a forged or misconfigured signature): thrown at once,
// neither retried nor counted against the breaker.
import type { SubgraphName } from '@anshim/contracts';
import { callInternal, InternalCallError } from './internal.ts';
import { resilient } from './resilience.ts';

export interface InternalReaderOptions {
  caller: SubgraphName;
  target: SubgraphName;
  /** The owner's URL (its /graphql URL or origin; routes live at /internal/<route> beside it). */
  baseUrl: string;
  internalSecret: string;
  /** Per attempt. */
  timeoutMs: number;
  /** How long the breaker stays open before one trial read (default 5 s). */
  resetTimeoutMs?: number;
}

export interface InternalReader {
  read<T>(route: string, body: unknown): Promise<T>;
  /** True while the breaker is open (reads fail at once). */
  readonly unavailable: boolean;
}

const isAnswer = (error: unknown) => error instanceof InternalCallError && error.status >= 400 && error.status < 500;

export function internalReader(options: InternalReaderOptions): InternalReader {
  const route = { caller: options.caller, target: options.target };
  const call = resilient(
    // The fetch aborts itself a little after the breaker's timeout, so no socket outlives it.
    (name: string, body: unknown) => callInternal<unknown>(options.baseUrl, name, route, options.internalSecret, body, options.timeoutMs + 50),
    {
      name: `internal read ${options.caller}→${options.target}`,
      timeoutMs: options.timeoutMs,
      attempts: 2,
      backoffMs: 25,
      resetTimeoutMs: options.resetTimeoutMs ?? 5_000,
      volumeThreshold: 5,
      isAnswer,
    },
  );
  return {
    read: <T>(name: string, body: unknown) => call(name, body) as Promise<T>,
    get unavailable() {
      return call.breaker.opened;
    },
  };
}
