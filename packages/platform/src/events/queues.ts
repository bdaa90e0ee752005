import type { JobsOptions } from 'bullmq';
import type { EventPriority, SubgraphName } from '@anshim/contracts';

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
  /** Attempts in all, first delivery included. */
  attempts: number;
  /** First retry delay; doubles each retry (BullMQ exponential backoff). */
  backoffMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { attempts: 5, backoffMs: 1_000 };

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
    backoff: { type: 'exponential', delay: retry.backoffMs },
    removeOnComplete: { age: 24 * 60 * 60, count: 10_000 },
    removeOnFail: false,
  };
}
