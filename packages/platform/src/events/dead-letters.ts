import { randomBytes } from 'node:crypto';
import { Queue, type Job, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { SubgraphName } from '@anshim/contracts';
import { createQueueConnection, queuePrefix, type RedisSettings } from '../redis.ts';
import { consumerQueueName, deadLetterQueueName } from './queues.ts';

/** What a dead-letter job holds: enough to understand the failure and to replay it as it was. */
interface DeadLetterRecord {
  /** The job data as received: a valid envelope, or the poison that could not be parsed. */
  envelope: unknown;
  reason: string;
  attempts: number;
  failedAt: string;
  /** The original job's options (priority, attempts, backoff), reused on replay. */
  jobOptions: Pick<JobsOptions, 'priority' | 'attempts' | 'backoff' | 'removeOnComplete' | 'removeOnFail'>;
}

export interface DeadLetter {
  /** The id to pass to `replay`: the id the failed job had in the consumer queue. */
  id: string;
  eventType: string;
  envelope: unknown;
  reason: string;
  attempts: number;
  failedAt: string;
}

/**
 * A consumer service's dead letters: events whose handling failed for good. An admin lists
 * them, fixes the cause, and replays them into the service's queue. Replaying is safe even
 * if the event did take effect meanwhile: the envelope id is unchanged, so the consumer's
 * processed-events check skips it.
 */
export class DeadLetters {
  private readonly connection: Redis;
  /** The service's event queue, which failed jobs are collected from and replays go back to. */
  readonly consumerQueue: Queue;
  private readonly deadQueue: Queue;

  constructor(
    private readonly service: SubgraphName,
    redis: RedisSettings,
  ) {
    this.connection = createQueueConnection(redis);
    const open = (name: string) => new Queue(name, { connection: this.connection, prefix: queuePrefix(redis, name) });
    this.consumerQueue = open(consumerQueueName(service));
    this.deadQueue = open(deadLetterQueueName(service));
  }

  /** Newest first. */
  async list({ limit = 100 }: { limit?: number } = {}): Promise<DeadLetter[]> {
    const jobs = await this.deadQueue.getJobs(['waiting'], 0, Math.max(0, limit - 1));
    return jobs.filter((job): job is Job<DeadLetterRecord> => job !== undefined).map(toDeadLetter);
  }

  async count(): Promise<number> {
    return this.deadQueue.getWaitingCount();
  }

  /** How many dead letters of each event type (for the anshim_dead_letters gauge); reads names only. */
  async countByType(): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    const client = this.connection;
    const ids = await client.lrange(this.deadQueue.toKey('wait'), 0, 9_999);
    const names = ids.length === 0 ? [] : await Promise.all(ids.map((id) => client.hget(this.deadQueue.toKey(id), 'name')));
    for (const name of names) if (name) counts.set(name, (counts.get(name) ?? 0) + 1);
    return counts;
  }

  /** One dead letter by its id, or undefined. */
  async get(id: string): Promise<DeadLetter | undefined> {
    const job = (await this.deadQueue.getJob(id)) as Job<DeadLetterRecord> | undefined;
    return job ? toDeadLetter(job) : undefined;
  }

  /** Removes a dead letter for good (the operator decided it must not be applied). False if none. */
  async drop(id: string): Promise<boolean> {
    const job = await this.deadQueue.getJob(id);
    if (!job) return false;
    await job.remove();
    return true;
  }

  /**
   * Puts the event back into the consumer queue. The new job id gets a suffix: the failed
   * job's id may still be known to BullMQ, which would silently ignore the re-add.
   * Returns false when there is no such dead letter (already replayed).
   */
  async replay(id: string): Promise<boolean> {
    const job = (await this.deadQueue.getJob(id)) as Job<DeadLetterRecord> | undefined;
    if (!job) return false;
    const baseId = id.split('.replay-')[0]!;
    await this.consumerQueue.add(job.name, job.data.envelope, {
      ...job.data.jobOptions,
      jobId: `${baseId}.replay-${randomBytes(4).toString('hex')}`,
    });
    // Added before removed: a crash in between leaves a duplicate, which idempotency absorbs.
    await job.remove();
    return true;
  }

  /** Replays every dead letter; returns how many. */
  async replayAll(): Promise<number> {
    let replayed = 0;
    for (let batch = await this.list({ limit: 100 }); batch.length > 0; batch = await this.list({ limit: 100 })) {
      for (const letter of batch) if (await this.replay(letter.id)) replayed++;
    }
    return replayed;
  }

  /**
   * Moves jobs that failed for good from the consumer queue to dead letters. Idempotent: the
   * dead letter keeps the failed job's id, so moving the same job twice adds it once. Sweeping
   * the whole failed set also catches jobs failed without a 'failed' event (stalled too often)
   * and moves a crash may have interrupted.
   */
  async collectFailed(): Promise<number> {
    let moved = 0;
    for (;;) {
      const failed = (await this.consumerQueue.getFailed(0, 99)).filter((job) => job !== undefined);
      let removed = 0;
      for (const job of failed) {
        await this.deadQueue.add(job.name, deadLetterRecord(job), { jobId: job.id });
        removed += await this.consumerQueue.remove(job.id!);
      }
      moved += removed;
      if (removed === 0) return moved; // empty, or someone else is moving the same jobs
    }
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.consumerQueue.close(), this.deadQueue.close()]);
    this.connection.disconnect();
  }
}

function deadLetterRecord(job: Job): DeadLetterRecord {
  const { priority, attempts, backoff, removeOnComplete, removeOnFail } = job.opts;
  return {
    envelope: job.data,
    reason: job.failedReason ?? 'unknown',
    attempts: job.attemptsMade,
    failedAt: new Date(job.finishedOn ?? Date.now()).toISOString(),
    jobOptions: { priority, attempts, backoff, removeOnComplete, removeOnFail },
  };
}

function toDeadLetter(job: Job<DeadLetterRecord>): DeadLetter {
  return {
    id: job.id!,
    eventType: job.name,
    envelope: job.data.envelope,
    reason: job.data.reason,
    attempts: job.data.attempts,
    failedAt: job.data.failedAt,
  };
}
