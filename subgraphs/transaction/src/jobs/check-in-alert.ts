// The overdue alert of a check-in at the meeting spot: when a party checks in, one delayed BullMQ
// job is filed for TRANSACTION_CHECK_IN_ALERT_SECONDS later (job id = check-in id, so filing twice
// is harmless). When it runs and the check-in is still open, the check-in is marked alerted and
// transaction.check_in_overdue is recorded in one transaction; the user service texts a protected
// member's guardians. A check-out before then makes the run do nothing. At start, open check-ins
// never alerted are filed again (due ones at once), so a job lost with Redis is recovered.
import { defineJob, type DefinedJob, type Logger, type RedisSettings } from '@anshim/platform';
import { JOB_CATALOGUE } from '@anshim/contracts';
import { transaction, type TransactionPrisma } from '../database.ts';
import type { CheckInRecord, CheckInRepository } from '../meetings/check-in-repository.ts';
import type { TransactionEvents } from '../outbound/transaction-events.ts';
import type { TradeRepository } from '../trades/trade-repository.ts';
import type { ZoneRepository } from '../zones/zone-repository.ts';

const CHECK_IN_ALERT = JOB_CATALOGUE['transaction.check-in-alert'];
/** Bounds the restart recovery; more open check-ins than this at once would be a bug elsewhere. */
const RESCHEDULE_LIMIT = 5_000;

export type AlertOutcome = 'alerted' | 'nothing';

export interface CheckInAlertDeps {
  prisma: TransactionPrisma;
  checkIns: CheckInRepository;
  trades: TradeRepository;
  zones: ZoneRepository;
  events: TransactionEvents;
  redis: RedisSettings;
  logger: Logger;
  afterCommit: () => void;
  /** How long after checking in a party still there counts as overdue. */
  alertAfterSeconds: number;
  /** false: this process only files jobs (TRANSACTION_CONSUME_EVENTS off); start runs no worker. */
  runsWorker: boolean;
}

export class CheckInAlerts {
  /** The delayed-job queue and its worker; tests read the queue. */
  readonly job: DefinedJob<(typeof CHECK_IN_ALERT)['schema'], AlertOutcome>;
  private readonly logger: Logger;

  constructor(private readonly deps: CheckInAlertDeps) {
    this.logger = deps.logger.child({ component: 'check-in-alert' });
    this.job = defineJob({
      ...CHECK_IN_ALERT,
      handler: ({ checkInId }) => this.alertIfOverdue(checkInId),
      redis: deps.redis,
      logger: deps.logger,
      concurrency: 2,
      defaults: { priority: 1, backoff: { type: 'exponential', delay: 1_000 }, removeOnComplete: { age: 24 * 60 * 60 }, removeOnFail: false },
    });
  }

  /** Files the alert of a new check-in (callers do it inside the check-in's transaction). */
  async schedule(checkIn: Pick<CheckInRecord, 'id' | 'checkedInAt'>, now = new Date()): Promise<void> {
    const due = checkIn.checkedInAt.getTime() + this.deps.alertAfterSeconds * 1_000;
    await this.job.add({ checkInId: checkIn.id }, { jobId: checkIn.id, delay: Math.max(0, due - now.getTime()) });
  }

  /** A check-out makes the job pointless: removed when possible (if not, its run does nothing). */
  async cancel(checkInId: string): Promise<void> {
    await this.job.queue.remove(checkInId).catch((error: unknown) => this.logger.warn({ err: error, checkInId }, 'could not remove a check-in alert; its run will do nothing'));
  }

  async start(): Promise<void> {
    if (!this.deps.runsWorker) return;
    await this.job.start();
    const pending = await this.deps.checkIns.pendingAlerts(RESCHEDULE_LIMIT);
    for (const checkIn of pending) await this.schedule(checkIn);
    if (pending.length) this.logger.info({ count: pending.length }, 'rescheduled check-in alerts');
  }

  close(): Promise<void> {
    return this.job.close();
  }

  /** Exposed for tests: what the delayed job does (an invalid payload is an UnrecoverableError). */
  run(data: unknown): Promise<AlertOutcome> {
    return this.job.run(data);
  }

  private async alertIfOverdue(checkInId: string): Promise<AlertOutcome> {
    const now = new Date();
    const outcome = await transaction(this.deps.prisma, async (tx) => {
      const checkIn = await this.deps.checkIns.claimOverdue(tx, checkInId, now);
      if (!checkIn) return 'nothing' as const;
      const trade = await this.deps.trades.findById(checkIn.transactionId, tx);
      if (!trade) return 'nothing' as const;
      const [zone] = trade.meetingSpotId ? await this.deps.zones.findManyByIds([trade.meetingSpotId]) : [];
      await this.deps.events.checkInOverdue(tx, {
        checkIn,
        counterpartId: checkIn.userId === trade.buyerId ? trade.sellerId : trade.buyerId,
        place: zone ? { name: zone.name, address: zone.address } : null,
        overdueAfterSeconds: this.deps.alertAfterSeconds,
        at: now,
      });
      return 'alerted' as const;
    });
    if (outcome === 'alerted') {
      this.deps.afterCommit();
      this.logger.info({ checkInId }, 'check-in overdue: published');
    }
    return outcome;
  }
}
