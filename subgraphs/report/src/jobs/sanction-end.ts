// Suspensions end by themselves: when a SUSPENSION is applied, one delayed BullMQ job is
// scheduled for its endsAt (job id = sanction id, so scheduling twice is harmless). The job
// marks the sanction ended and records report.sanction_ended in one transaction; the user
// service then lets the person back in. No cron walks over all users. At start, suspensions
// whose end was never recorded are scheduled again, so a job lost with Redis is recovered.
import { UnrecoverableError } from 'bullmq';
import { defineJob, type DefinedJob, type Logger, type RedisSettings } from '@anshim/platform';
import { JOB_CATALOGUE } from '@anshim/contracts';
import { transaction, type ReportPrisma } from '../database.ts';
import type { ReportEvents } from '../outbound/report-events.ts';
import type { ReportRepository, SanctionRecord } from '../reports/report-repository.ts';

const SANCTION_END = JOB_CATALOGUE['report.sanction-end'];

export interface SanctionEndDeps {
  prisma: ReportPrisma;
  reports: ReportRepository;
  events: ReportEvents;
  redis: RedisSettings;
  logger: Logger;
  afterCommit: () => void;
  /** false: this process only schedules (REPORT_CONSUME_EVENTS off); start runs no worker. */
  runsWorker: boolean;
}

export class SanctionEndScheduler {
  /** The delayed-job queue and its worker; tests read the queue. */
  readonly job: DefinedJob<(typeof SANCTION_END)['schema'], 'ended' | 'already'>;
  private readonly logger: Logger;

  constructor(private readonly deps: SanctionEndDeps) {
    this.logger = deps.logger.child({ component: 'sanction-end' });
    this.job = defineJob({
      ...SANCTION_END,
      handler: ({ sanctionId }) => this.endNow(sanctionId),
      redis: deps.redis,
      logger: deps.logger,
      concurrency: 2,
      defaults: { priority: 1, backoff: { type: 'exponential', delay: 1_000 }, removeOnComplete: { age: 24 * 60 * 60 }, removeOnFail: false },
    });
  }

  /** Schedules the end of a suspension at its endsAt (immediately if already past). */
  async schedule(sanction: Pick<SanctionRecord, 'id' | 'type' | 'endsAt'>, now = new Date()): Promise<void> {
    if (sanction.type !== 'SUSPENSION' || !sanction.endsAt) return;
    await this.job.add({ sanctionId: sanction.id }, { jobId: sanction.id, delay: Math.max(0, sanction.endsAt.getTime() - now.getTime()) });
  }

  /** Starts the worker and re-schedules suspensions whose end was never recorded. */
  async start(): Promise<void> {
    if (!this.deps.runsWorker) return;
    await this.job.start();
    const pending = await this.deps.reports.pendingSuspensionEnds();
    for (const sanction of pending) await this.schedule(sanction);
    if (pending.length) this.logger.info({ count: pending.length }, 'rescheduled suspension ends');
  }

  close(): Promise<void> {
    return this.job.close();
  }

  /** Exposed for tests: what the delayed job does (an invalid payload is an UnrecoverableError). */
  end(data: unknown): Promise<'ended' | 'already'> {
    return this.job.run(data);
  }

  private async endNow(sanctionId: string): Promise<'ended' | 'already'> {
    const now = new Date();
    const outcome = await transaction(this.deps.prisma, async (tx) => {
      const sanction = await this.deps.reports.findSanction(sanctionId, tx);
      if (!sanction) throw new UnrecoverableError(`sanction ${sanctionId} does not exist`);
      if (!(await this.deps.reports.endSanction(tx, sanction.id, now))) return 'already' as const;
      await this.deps.events.sanctionEnded(tx, sanction, now);
      return 'ended' as const;
    });
    if (outcome === 'ended') this.deps.afterCommit();
    return outcome;
  }
}
