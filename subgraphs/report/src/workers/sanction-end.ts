// Suspensions end by themselves: when a SUSPENSION is applied, one delayed BullMQ job is
// scheduled for its endsAt (job id = sanction id, so scheduling twice is harmless). The job
// marks the sanction ended and records report.sanction_ended in one transaction; the user
// service then lets the person back in. No cron walks over all users. At start, suspensions
// whose end was never recorded are scheduled again, so a job lost with Redis is recovered.
import { Queue, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { createQueueConnection, queuePrefix, type Logger, type RedisSettings } from '@anshim/platform';
import { transaction, type ReportPrisma } from '../database.ts';
import type { ReportEvents } from '../events/report-events.ts';
import type { ReportRepository, SanctionRecord } from '../report-repository.ts';

export const SANCTION_END_QUEUE = 'report.sanction-end';
const jobData = z.object({ sanctionId: z.uuid() });

export interface SanctionEndDeps {
  prisma: ReportPrisma;
  reports: ReportRepository;
  events: ReportEvents;
  redis: RedisSettings;
  logger: Logger;
  afterCommit: () => void;
}

export class SanctionEndScheduler {
  private readonly connection: Redis;
  private readonly queue: Queue;
  private worker: Worker | undefined;
  private readonly logger: Logger;

  constructor(private readonly deps: SanctionEndDeps) {
    this.logger = deps.logger.child({ component: 'sanction-end' });
    this.connection = createQueueConnection(deps.redis);
    this.queue = new Queue(SANCTION_END_QUEUE, { connection: this.connection, prefix: queuePrefix(deps.redis) });
  }

  /** Schedules the end of a suspension at its endsAt (immediately if already past). */
  async schedule(sanction: Pick<SanctionRecord, 'id' | 'type' | 'endsAt'>, now = new Date()): Promise<void> {
    if (sanction.type !== 'SUSPENSION' || !sanction.endsAt) return;
    await this.queue.add(
      'end',
      { sanctionId: sanction.id },
      {
        jobId: sanction.id,
        delay: Math.max(0, sanction.endsAt.getTime() - now.getTime()),
        priority: 1,
        attempts: 10,
        backoff: { type: 'exponential', delay: 1_000 },
        removeOnComplete: { age: 24 * 60 * 60 },
        removeOnFail: false,
      },
    );
  }

  /** Starts the worker and re-schedules suspensions whose end was never recorded. */
  async start(): Promise<void> {
    if (this.worker) return;
    this.worker = new Worker(SANCTION_END_QUEUE, (job) => this.end(job.data), {
      connection: createQueueConnection(this.deps.redis),
      prefix: queuePrefix(this.deps.redis),
      concurrency: 2,
    });
    this.worker.on('error', (error) => this.logger.error({ err: error }, 'sanction-end worker error'));
    this.worker.on('failed', (job, error) => this.logger.warn({ err: error, jobId: job?.id }, 'ending a suspension failed'));
    const pending = await this.deps.reports.pendingSuspensionEnds();
    for (const sanction of pending) await this.schedule(sanction);
    if (pending.length) this.logger.info({ count: pending.length }, 'rescheduled suspension ends');
  }

  async close(): Promise<void> {
    await this.worker?.close();
    await this.queue.close();
    this.connection.disconnect();
  }

  /** Exposed for tests: what the delayed job does. */
  async end(data: unknown): Promise<'ended' | 'already'> {
    const parsed = jobData.safeParse(data);
    if (!parsed.success) throw new UnrecoverableError('invalid sanction-end job');
    const now = new Date();
    const outcome = await transaction(this.deps.prisma, async (tx) => {
      const sanction = await this.deps.reports.findSanction(parsed.data.sanctionId, tx);
      if (!sanction) throw new UnrecoverableError(`sanction ${parsed.data.sanctionId} does not exist`);
      if (!(await this.deps.reports.endSanction(tx, sanction.id, now))) return 'already' as const;
      await this.deps.events.sanctionEnded(tx, sanction, now);
      return 'ended' as const;
    });
    if (outcome === 'ended') this.deps.afterCommit();
    return outcome;
  }
}
