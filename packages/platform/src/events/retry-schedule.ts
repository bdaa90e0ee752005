// How long a failing event or job is retried, and how far apart. An outage of a day must be waited
// out, not turned into dead letters after a few seconds, so retries are bounded by time, not by a
// count: exponential from the first delay, jittered upwards (replicas that failed together do not
// retry together), each delay capped, and no retry that would start past the window (measured from
// when the job was due). The job carries a very large attempt count; the window is what ends it.
//
//   default: 1 s, 2 s, 4 s … 512 s, then every 10 min (+ up to 20 % jitter) until 24 h → ~150 tries
//
// Outages of a dependency (DependencyUnavailableError, PostgreSQL unreachable) do not spend tries
// at all: the queue's breaker pauses it instead (queue-breaker.ts).
import type { BackoffOptions, BackoffStrategy, MinimalJob } from 'bullmq';

/** The custom BullMQ backoff type every event and defineJob job carries; workers know it. */
export const WINDOWED_BACKOFF = 'anshim-windowed';

/** Attempts a job is granted when the window, not a count, decides (≈ 150 fit in 24 h). */
export const UNBOUNDED_ATTEMPTS = 100_000;

/** Up to this share is added to each delay, so replicas that failed together spread out. */
const JITTER = 0.2;

export interface RetrySchedule {
  /** First retry delay when the job names none; doubles each retry. */
  firstDelayMs: number;
  /** Longest wait between two tries. */
  maxDelayMs: number;
  /** No retry starts later than this after the job was due; then it fails for good (dead letters). */
  windowMs: number;
}

export const DEFAULT_RETRY_SCHEDULE: RetrySchedule = { firstDelayMs: 1_000, maxDelayMs: 10 * 60_000, windowMs: 24 * 60 * 60_000 };

let processSchedule: RetrySchedule = DEFAULT_RETRY_SCHEDULE;

/** Set once by the process' composition root from its env; workers created afterwards use it. */
export function configureRetrySchedule(schedule: Partial<RetrySchedule>): void {
  processSchedule = { ...DEFAULT_RETRY_SCHEDULE, ...schedule };
}

export function currentRetrySchedule(): RetrySchedule {
  return processSchedule;
}

/** The env settings (EVENT_RETRY_WINDOW_HOURS, EVENT_RETRY_MAX_DELAY_SECONDS) as a schedule. */
export function retryScheduleFromEnv(env: { EVENT_RETRY_WINDOW_HOURS: number; EVENT_RETRY_MAX_DELAY_SECONDS: number }): RetrySchedule {
  return { ...DEFAULT_RETRY_SCHEDULE, windowMs: env.EVENT_RETRY_WINDOW_HOURS * 3_600_000, maxDelayMs: env.EVENT_RETRY_MAX_DELAY_SECONDS * 1_000 };
}

/** The delay before retry number `retry` (1 = first retry): exponential, jittered up, capped. */
export function retryDelayMs(retry: number, firstDelayMs: number, maxDelayMs: number, random = Math.random()): number {
  const exponential = firstDelayMs * 2 ** Math.min(retry - 1, 40);
  return Math.round(Math.min(maxDelayMs, exponential * (1 + JITTER * random)));
}

/** BullMQ's `settings.backoffStrategy` for WINDOWED_BACKOFF jobs; -1 tells BullMQ to stop retrying. */
export function windowedBackoff(schedule: RetrySchedule = processSchedule): BackoffStrategy {
  return (attemptsMade: number, _type?: string, _error?: Error, job?: MinimalJob) => {
    const backoff = job?.opts.backoff as BackoffOptions | number | undefined;
    const first = typeof backoff === 'number' ? backoff : (backoff?.delay ?? schedule.firstDelayMs);
    const delay = retryDelayMs(attemptsMade, first, schedule.maxDelayMs);
    const dueAt = (job?.timestamp ?? Date.now()) + (job?.opts.delay ?? 0);
    return Date.now() + delay > dueAt + schedule.windowMs ? -1 : delay;
  };
}

/** Job options that put a job on the windowed schedule; `firstDelayMs` from the job's own backoff if any. */
export function windowedRetryOptions(backoff?: BackoffOptions | number, firstDelayMs = processSchedule.firstDelayMs) {
  const delay = typeof backoff === 'number' ? backoff : (backoff?.delay ?? firstDelayMs);
  return { attempts: UNBOUNDED_ATTEMPTS, backoff: { type: WINDOWED_BACKOFF, delay } };
}
