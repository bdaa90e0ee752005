// Every dead letter of the deployment in one place, for the operator's `npm run dead-letters`: the
// dead-letter queue of every service that consumes events, and the failed jobs of every job queue
// in the catalogue (a job queue keeps its failures as its dead letters). Each replay or drop leaves
// one audit line in a Redis stream beside the queues (`<prefix>:dead-letters:audit`).
import { randomBytes } from 'node:crypto';
import { Queue, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { JOB_CATALOGUE, SUBGRAPHS, SUBSCRIPTIONS, type SubgraphName } from '@anshim/contracts';
import { createQueueConnection, queuePrefix, type RedisSettings } from '../redis.ts';
import { DeadLetters, type DeadLetter } from './dead-letters.ts';

export interface DeskLetter {
  /** The consuming service (events) or the service that owns the job queue. */
  service: string;
  /** The queue the letter came from: `events.<service>` or the job queue's name. */
  queue: string;
  kind: 'event' | 'job';
  id: string;
  /** Event type, or job name. */
  type: string;
  /** The event's envelope id (events only). */
  eventId?: string;
  failedAt: string;
  attempts: number;
  reason: string;
  /** The envelope (events) or the job's data (jobs). */
  payload: unknown;
}

export interface AuditEntry {
  action: 'replay' | 'drop';
  who: string;
  when: string;
  service: string;
  queue: string;
  id: string;
  type: string;
  eventId?: string;
  /** What was replayed or dropped, so a wrong drop can be undone by hand. */
  payload: unknown;
}

export interface DeskFilter {
  service?: string;
  type?: string;
}

/** The services that receive events: those subscribed to some topic. */
function consumingServices(): SubgraphName[] {
  return SUBGRAPHS.map((s) => s.name).filter((name) => SUBSCRIPTIONS[name].length > 0);
}

export class DeadLetterDesk {
  private readonly connection: Redis;
  private readonly events: Map<SubgraphName, DeadLetters>;
  private readonly jobQueues: Queue[];
  private readonly auditKey: string;

  constructor(redis: RedisSettings) {
    this.connection = createQueueConnection(redis);
    this.events = new Map(consumingServices().map((service) => [service, new DeadLetters(service, redis)]));
    this.jobQueues = Object.values(JOB_CATALOGUE).map((job) => new Queue(job.name, { connection: this.connection, prefix: queuePrefix(redis, job.name) }));
    this.auditKey = `${redis.prefix}:dead-letters:audit`;
  }

  /** Oldest failure last; at most `limit` per queue. */
  async list(filter: DeskFilter = {}, limit = 1_000): Promise<DeskLetter[]> {
    const letters: DeskLetter[] = [];
    for (const [service, deadLetters] of this.events) {
      if (filter.service && filter.service !== service) continue;
      for (const letter of await deadLetters.list({ limit })) letters.push(eventLetter(service, letter));
    }
    for (const queue of this.jobQueues) {
      const service = queue.name.split('.')[0]!;
      if (filter.service && filter.service !== service) continue;
      for (const job of await queue.getFailed(0, limit - 1)) if (job) letters.push(jobLetter(service, queue, job));
    }
    return letters.filter((letter) => !filter.type || letter.type === filter.type);
  }

  /** The letters with this id (one, unless two queues happen to share it: narrow with --service). */
  async find(id: string, filter: DeskFilter = {}): Promise<DeskLetter[]> {
    const found: DeskLetter[] = [];
    for (const [service, deadLetters] of this.events) {
      if (filter.service && filter.service !== service) continue;
      const letter = await deadLetters.get(id);
      if (letter) found.push(eventLetter(service, letter));
    }
    for (const queue of this.jobQueues) {
      const service = queue.name.split('.')[0]!;
      if (filter.service && filter.service !== service) continue;
      const job = await queue.getJob(id);
      if (job && (await job.isFailed())) found.push(jobLetter(service, queue, job));
    }
    return found.filter((letter) => !filter.type || letter.type === filter.type);
  }

  /**
   * Puts the letter back to work: an event into its service's queue (its id unchanged inside, so an
   * event that took effect meanwhile is skipped), a job as a fresh job with the same id, data and
   * options (a fresh retry window). Returns the audit entry, or undefined if the letter is gone
   * (replayed or dropped meanwhile).
   */
  async replay(letter: DeskLetter, who: string): Promise<AuditEntry | undefined> {
    let done: boolean;
    if (letter.kind === 'event') done = await this.events.get(letter.service as SubgraphName)!.replay(letter.id);
    else {
      const queue = this.jobQueues.find((q) => q.name === letter.queue)!;
      const job = await queue.getJob(letter.id);
      done = job !== undefined && (await job.isFailed());
      if (job && done) {
        const { repeat: _repeat, repeatJobKey: _key, jobId: _id, ...options } = job.opts as Record<string, unknown>;
        // The id must be free before it is reused; the audit line (written first) keeps the payload.
        const entry = await this.audit('replay', letter, who);
        await job.remove();
        await queue.add(job.name, job.data, { ...options, jobId: job.id!.startsWith('repeat:') ? `${job.id}.replay-${randomBytes(4).toString('hex')}` : job.id });
        return entry;
      }
    }
    return done ? this.audit('replay', letter, who) : undefined;
  }

  /** Removes the letter for good. Returns the audit entry, or undefined if the letter is gone. */
  async drop(letter: DeskLetter, who: string): Promise<AuditEntry | undefined> {
    let done: boolean;
    if (letter.kind === 'event') done = await this.events.get(letter.service as SubgraphName)!.drop(letter.id);
    else {
      const job = await this.jobQueues.find((q) => q.name === letter.queue)!.getJob(letter.id);
      done = job !== undefined && (await job.isFailed());
      if (job && done) await job.remove();
    }
    return done ? this.audit('drop', letter, who) : undefined;
  }

  /** The newest audit lines first. */
  async auditTrail(limit = 100): Promise<AuditEntry[]> {
    const entries = await this.connection.xrevrange(this.auditKey, '+', '-', 'COUNT', limit);
    return entries.map(([, fields]) => JSON.parse(fields[1]!) as AuditEntry);
  }

  async close(): Promise<void> {
    await Promise.allSettled([...[...this.events.values()].map((d) => d.close()), ...this.jobQueues.map((q) => q.close())]);
    this.connection.disconnect();
  }

  private async audit(action: AuditEntry['action'], letter: DeskLetter, who: string): Promise<AuditEntry> {
    const entry: AuditEntry = { action, who, when: new Date().toISOString(), service: letter.service, queue: letter.queue, id: letter.id, type: letter.type, eventId: letter.eventId, payload: letter.payload };
    await this.connection.xadd(this.auditKey, '*', 'entry', JSON.stringify(entry));
    return entry;
  }
}

function eventLetter(service: string, letter: DeadLetter): DeskLetter {
  const envelope = letter.envelope as { id?: unknown } | null;
  return { service, queue: `events.${service}`, kind: 'event', id: letter.id, type: letter.eventType, eventId: typeof envelope?.id === 'string' ? envelope.id : undefined, failedAt: letter.failedAt, attempts: letter.attempts, reason: letter.reason, payload: letter.envelope };
}

function jobLetter(service: string, queue: Queue, job: Job): DeskLetter {
  return {
    service,
    queue: queue.name,
    kind: 'job',
    id: job.id!,
    type: job.name,
    failedAt: new Date(job.finishedOn ?? job.timestamp).toISOString(),
    attempts: job.attemptsMade,
    reason: job.failedReason ?? 'unknown',
    payload: job.data,
  };
}
