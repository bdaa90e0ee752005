import CircuitBreaker from 'opossum';

export interface ResilienceOptions {
  name: string;
  /** Per-attempt timeout. */
  timeoutMs: number;
  /** Attempts in all (1 = no retry). */
  attempts: number;
  /** First backoff delay; doubles each retry, with jitter. */
  backoffMs: number;
  /** Share of failures (0-100) within the rolling window that opens the breaker. */
  errorThresholdPercentage?: number;
  /** How long the breaker stays open before a trial call. */
  resetTimeoutMs?: number;
  /** Minimum calls in the window before the breaker may open. */
  volumeThreshold?: number;
  /**
   * True for errors that are an answer, not an outage (e.g. an OAuth server refusing a code): they
   * are thrown at once, neither retried nor counted against the breaker.
   */
  isAnswer?: (error: unknown) => boolean;
}

export class CircuitOpenError extends Error {
  constructor(name: string) {
    super(`${name} is unavailable right now (circuit open); try again shortly`);
    this.name = 'CircuitOpenError';
  }
}

/**
 * A dependency (SMS or email provider, a payment provider, PostgreSQL) is down or failing, not the
 * work itself. A consumer or job that sees it waits the outage out: its breaker opens and it pauses
 * its queue instead of spending the job's attempts (ARCHITECTURE §4). `dependency` names what failed
 * (`sms`, `email`, `postgres`, `tosspayments`), for logs and the breaker's metric.
 */
export class DependencyUnavailableError extends Error {
  constructor(
    readonly dependency: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DependencyUnavailableError';
  }
}

export function isDependencyUnavailable(error: unknown): error is DependencyUnavailableError {
  return error instanceof DependencyUnavailableError;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Wraps a call to an external system (SMS, email, OAuth, S3) with a per-attempt timeout,
 * retries with exponential backoff, and a circuit breaker that fails fast while the system is down.
 */
export function resilient<A extends unknown[], R>(call: (...args: A) => Promise<R>, options: ResilienceOptions) {
  const breaker = new CircuitBreaker(call, {
    name: options.name,
    timeout: options.timeoutMs,
    errorThresholdPercentage: options.errorThresholdPercentage ?? 50,
    resetTimeout: options.resetTimeoutMs ?? 10_000,
    volumeThreshold: options.volumeThreshold ?? 5,
    errorFilter: options.isAnswer ? (error: unknown) => options.isAnswer!(error) : undefined,
  });
  const invoke = async (...args: A): Promise<R> => {
    let lastError: unknown;
    for (let attempt = 1; attempt <= options.attempts; attempt++) {
      if (breaker.opened) throw new CircuitOpenError(options.name);
      try {
        return (await breaker.fire(...args)) as R;
      } catch (error) {
        lastError = error;
        if (options.isAnswer?.(error)) throw error;
        if (breaker.opened) throw new CircuitOpenError(options.name);
        if (attempt < options.attempts) await sleep(options.backoffMs * 2 ** (attempt - 1) * (0.75 + Math.random() / 2));
      }
    }
    throw lastError;
  };
  return Object.assign(invoke, { breaker });
}
