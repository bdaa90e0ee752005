// Sends what was queued in `outbound_messages` (guardian SMS from event handlers, account notice
// emails from sign-ins and password changes), so a provider outage delays them instead of losing
// them or dead-lettering their events (issues 20, 21).
//
// - Woken by a job per nudge (OutboundMessages.add schedules one after its transaction commits)
//   and by a repeatable sweep every OUTBOUND_SWEEP_SECONDS, both on the `user.outbound-messages`
//   queue (defineJob): a lost nudge or a crashed process costs at most one sweep interval.
// - A pass claims one due row at a time per lane (OUTBOUND_SENDER_CONCURRENCY lanes), most urgent
//   kind first, then oldest first (an overdue check-in never waits behind a backlog of alerts),
//   sends it with the row id as idempotency key, and marks it. Claims are leases: a second sender
//   (another replica, or the next pass) never takes a row being sent; a crashed sender's row is
//   taken over when its lease ends, resent under the same key for providers that drop repeats.
// - The provider is down (DependencyUnavailableError, or anything unexpected): the row stays
//   PENDING with a backoff of its own, and the channel rests for a doubling pause (up to
//   OUTBOUND_RETRY_MAX_SECONDS) so one probe, not the whole backlog, finds out whether it is
//   back. The first success after an outage makes every waiting row of the channel due at once.
//   Nothing here throws because of an outage: the job succeeds and its queue never pauses.
// - The provider refused the message (DeliveryRefusedError: an HTTP 4xx): FAILED with the
//   reason, never retried. Still pending after OUTBOUND_MESSAGE_MAX_AGE_HOURS: EXPIRED, logged.
//   Finished rows are deleted after OUTBOUND_RETENTION_DAYS.
// Metrics: anshim_delivery_total{channel,outcome="expired"} here (sent/failed/refused are counted
// by the counted provider every send goes through), anshim_outbound_messages_pending and
// anshim_outbound_oldest_pending_age_seconds read from the table when /metrics is scraped.
import { JOB_CATALOGUE } from '@anshim/contracts';
import { defineJob, systemClock, type Clock, type DefinedJob, type FieldCipher, type Logger, type Metrics, type RedisSettings } from '@anshim/platform';
import { Gauge } from 'prom-client';
import type { UserEnv } from '../env.ts';
import { DeliveryRefusedError, type DeliveryProvider } from './delivery.ts';
import { deliveryCounter } from './counted-provider.ts';
import type { ClaimedMessage, OutboundChannel, OutboundRepository } from './outbound-repository.ts';

export const OUTBOUND_SWEEP_SCHEDULER = 'outbound-messages-sweep';
const CHANNELS: readonly OutboundChannel[] = ['sms', 'email'];

export interface OutboundSenderSettings {
  /** Pending longer than this: EXPIRED. */
  maxAgeMs: number;
  /** Finished rows (sent, failed, expired) are deleted after this long. */
  retentionMs: number;
  sweepEveryMs: number;
  /** First backoff of a row and of a channel after a failed send; doubles up to retryMaxMs. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** How long a claim holds: longer than one send can take (timeouts × attempts of the provider). */
  leaseMs: number;
  /** Rows sent at the same time by one pass. */
  concurrency: number;
}

export interface OutboundSenderDeps {
  repository: OutboundRepository;
  /** The counted provider (counted-provider.ts). */
  delivery: DeliveryProvider;
  cipher: FieldCipher;
  redis: RedisSettings;
  logger: Logger;
  metrics?: Metrics;
  settings: OutboundSenderSettings;
}

/** The sender's settings from the environment (OUTBOUND_*). */
export function outboundSenderSettings(env: UserEnv): OutboundSenderSettings {
  return {
    maxAgeMs: env.OUTBOUND_MESSAGE_MAX_AGE_HOURS * 3_600_000,
    retentionMs: env.OUTBOUND_RETENTION_DAYS * 86_400_000,
    sweepEveryMs: Math.round(env.OUTBOUND_SWEEP_SECONDS * 1000),
    retryBaseMs: Math.round(env.OUTBOUND_RETRY_BASE_SECONDS * 1000),
    retryMaxMs: Math.round(env.OUTBOUND_RETRY_MAX_SECONDS * 1000),
    leaseMs: Math.round(env.OUTBOUND_LEASE_SECONDS * 1000),
    concurrency: env.OUTBOUND_SENDER_CONCURRENCY,
  };
}

export interface DrainResult {
  sent: number;
  failed: number;
  refused: number;
  expired: number;
}

type Outcome = 'sent' | 'failed' | 'refused';

/** A row's wait before its next attempt: base · 2^(attempts-1), capped, with ±25% jitter. */
export function backoffMs(attempts: number, baseMs: number, maxMs: number): number {
  const plain = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(plain * (0.75 + Math.random() / 2));
}

export class OutboundSender {
  readonly job: DefinedJob<(typeof JOB_CATALOGUE)['user.outbound-messages']['schema'], DrainResult>;
  private readonly logger: Logger;
  /** Per channel: not before this (epoch ms), and the pause that got it there. */
  private readonly resting = new Map<OutboundChannel, { until: number; pauseMs: number }>();
  private lastPurge = 0;

  constructor(private readonly deps: OutboundSenderDeps) {
    this.logger = deps.logger.child({ component: 'outbound-sender' });
    const { settings } = deps;
    this.job = defineJob({
      ...JOB_CATALOGUE['user.outbound-messages'],
      handler: () => this.drain(),
      redis: deps.redis,
      logger: deps.logger,
      defaults: { removeOnComplete: true, removeOnFail: 100 },
      schedule: { id: OUTBOUND_SWEEP_SCHEDULER, repeat: { every: settings.sweepEveryMs }, options: { removeOnComplete: true, removeOnFail: 100 } },
    });
    if (deps.metrics) this.registerGauges(deps.metrics);
  }

  /** Asks for a pass soon (after a commit that queued messages); a failure only delays them to the next sweep. */
  nudge(): void {
    this.job.add({}).catch((error: unknown) => this.logger.warn({ err: error }, 'could not nudge the outbound sender; the sweep will send'));
  }

  /** One pass: expires what is too old, then sends every due message until none is left or every channel rests. */
  async drain(clock: Clock = systemClock): Promise<DrainResult> {
    await this.purge(clock());
    const result: DrainResult = { sent: 0, failed: 0, refused: 0, expired: await this.expire(clock()) };
    const lane = async () => {
      for (;;) {
        const now = clock();
        const channels = CHANNELS.filter((channel) => (this.resting.get(channel)?.until ?? 0) <= now.getTime());
        const [row] = await this.deps.repository.claim(channels, now, new Date(now.getTime() + this.deps.settings.leaseMs), 1);
        if (!row) return;
        if ((this.resting.get(row.channel)?.until ?? 0) > clock().getTime()) {
          // Another lane found the channel down while this row waited: give it back untried.
          await this.deps.repository.release([row.id]);
          continue;
        }
        result[await this.send(row, clock)] += 1;
      }
    };
    await Promise.all(Array.from({ length: this.deps.settings.concurrency }, lane));
    if (result.sent || result.failed || result.refused || result.expired) this.logger.debug(result, 'outbound pass');
    return result;
  }

  private async send(row: ClaimedMessage, clock: Clock): Promise<Outcome> {
    const { repository, delivery, cipher, settings } = this.deps;
    let to: string;
    try {
      to = cipher.decrypt(row.recipientEncrypted);
    } catch {
      // Written under another DATA_ENCRYPTION_KEY: no retry can send it.
      await repository.markFailed(row.id, 'the recipient cannot be decrypted with this DATA_ENCRYPTION_KEY');
      this.logger.error({ messageId: row.id, kind: row.kind }, 'outbound message with an undecryptable recipient; not sent');
      return 'refused';
    }
    try {
      if (row.channel === 'sms') await delivery.sendSms({ to, text: row.text, idempotencyKey: row.id });
      else await delivery.sendEmail({ to, subject: row.subject ?? '', text: row.text, idempotencyKey: row.id });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (error instanceof DeliveryRefusedError) {
        await repository.markFailed(row.id, reason);
        this.logger.warn({ messageId: row.id, kind: row.kind, channel: row.channel, reason }, 'the provider refused an outbound message; not retried');
        return 'refused';
      }
      const now = clock();
      const wait = backoffMs(row.attempts + 1, settings.retryBaseMs, settings.retryMaxMs);
      await repository.retryLater(row.id, new Date(now.getTime() + wait), reason);
      // Lanes failing together count as one probe: the pause doubles only once the last one ran out.
      const previous = this.resting.get(row.channel);
      if (!previous || previous.until <= now.getTime()) {
        const pauseMs = previous ? Math.min(settings.retryMaxMs, previous.pauseMs * 2) : Math.min(settings.retryMaxMs, settings.retryBaseMs);
        this.resting.set(row.channel, { until: now.getTime() + pauseMs, pauseMs });
      }
      this.logger.warn({ messageId: row.id, kind: row.kind, channel: row.channel, attempts: row.attempts + 1, retryInMs: wait, reason }, 'outbound message not delivered; kept pending and retried later');
      return 'failed';
    }
    await repository.markSent(row.id, clock());
    if (this.resting.delete(row.channel)) {
      const due = await repository.dueNow(row.channel, clock());
      this.logger.info({ channel: row.channel, due }, 'the provider is back; sending every waiting message');
    }
    return 'sent';
  }

  /** At most once a minute per process: deletes finished rows past the retention. */
  private async purge(now: Date): Promise<void> {
    if (now.getTime() - this.lastPurge < 60_000) return;
    this.lastPurge = now.getTime();
    const deleted = await this.deps.repository.purgeFinished(new Date(now.getTime() - this.deps.settings.retentionMs));
    if (deleted > 0) this.logger.info({ deleted }, 'finished outbound messages past their retention deleted');
  }

  private async expire(now: Date): Promise<number> {
    const expired = await this.deps.repository.expire(new Date(now.getTime() - this.deps.settings.maxAgeMs), now);
    for (const message of expired) {
      deliveryCounter(this.deps.metrics)?.inc({ channel: message.channel, outcome: 'expired' });
      this.logger.error({ messageId: message.id, kind: message.kind, channel: message.channel, attempts: message.attempts, lastError: message.lastError, createdAt: message.createdAt }, 'outbound message expired undelivered');
    }
    return expired.length;
  }

  private registerGauges(metrics: Metrics): void {
    const { repository } = this.deps;
    // One pair per registry: a second sender in the same process (a test racing two) reads the same table.
    if (metrics.registry.getSingleMetric('anshim_outbound_messages_pending')) return;
    new Gauge({
      name: 'anshim_outbound_messages_pending',
      help: 'Outbound messages (guardian SMS, account notices) not sent yet',
      registers: [metrics.registry],
      async collect() {
        this.set((await repository.pending()).count);
      },
    });
    new Gauge({
      name: 'anshim_outbound_oldest_pending_age_seconds',
      help: 'Age of the oldest outbound message not sent yet (0 when none)',
      registers: [metrics.registry],
      async collect() {
        const { oldest } = await repository.pending();
        this.set(oldest ? Math.max(0, (Date.now() - oldest.getTime()) / 1000) : 0);
      },
    });
  }
}
