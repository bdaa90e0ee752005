import type { JobsOptions } from 'bullmq';
import type { EventPriority, SubgraphName } from '@anshim/contracts';
import { UNBOUNDED_ATTEMPTS, WINDOWED_BACKOFF } from './retry-schedule.ts';

/**
 * An event's priority (the catalogue's word, @anshim/contracts) as BullMQ's number. BullMQ runs lower
 * numbers first; 0 would mean "unprioritized" and jump every queue.
 */
export const BULLMQ_PRIORITY: Record<EventPriority, number> = { high: 1, normal: 5, low: 10 };

/** One queue per consuming service: competing workers of that service share it. */
export function consumerQueueName(service: SubgraphName): string {
  return `events.${service}`;
}

/** Jobs that failed for good; nothing consumes it, an admin lists and replays (DeadLetters). */
export function deadLetterQueueName(service: SubgraphName): string {
  return `events.${service}.dead`;
}

export interface RetryPolicy {
  /**
   * Attempts in all, first delivery included. Default: unbounded, so the consumer's retry window
   * (24 h, retry-schedule.ts) decides; tests grant a few.
   */
  attempts: number;
  /** First retry delay; doubles each retry, jittered and capped by the consumer's schedule. */
  backoffMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { attempts: UNBOUNDED_ATTEMPTS, backoffMs: 1_000 };

/**
 * Completed jobs are kept for a day so that a re-enqueue of the same event id (the relay
 * crashed after enqueueing but before marking the row sent) is swallowed by BullMQ's job id
 * dedupe. Failed jobs are kept until the consumer has copied them to dead letters.
 */
export function eventJobOptions(jobId: string, priority: number, retry: RetryPolicy): JobsOptions {
  return {
    jobId,
    priority,
    attempts: retry.attempts,
    backoff: { type: WINDOWED_BACKOFF, delay: retry.backoffMs },
    removeOnComplete: { age: 24 * 60 * 60, count: 10_000 },
    removeOnFail: false,
  };
}
