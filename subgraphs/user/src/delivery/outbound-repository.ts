// The only code that reads or writes `outbound_messages`: messages owed to people, written in the
// transaction of what caused them and sent afterwards by the outbound sender (outbound-sender.ts).
// A row is PENDING until a sender claims it (lease_until: nobody else takes it meanwhile; a
// crashed sender's lease runs out and another takes over), then SENT, FAILED (the provider refused
// it for good) or EXPIRED (still undeliverable after the maximum age). Rows belong to the
// deployment that wrote them (REDIS_PREFIX): only that deployment's senders see them. Finished
// rows are deleted after OUTBOUND_RETENTION_DAYS. Times are
// passed in (UTC, as Prisma writes them), so one clock decides and tests can choose it.
import type { Tx, UserPrisma } from '../database.ts';

export type OutboundChannel = 'sms' | 'email';

export interface NewOutboundMessage {
  channel: OutboundChannel;
  /** FieldCipher ciphertext of the phone number or email address (guardians' phones already are). */
  recipientEncrypted: string;
  subject?: string;
  text: string;
  kind: string;
  priority: number;
  /** The same key twice adds nothing (a redelivered event, a retried handler). */
  dedupeKey: string;
}

export interface ClaimedMessage {
  id: string;
  channel: OutboundChannel;
  recipientEncrypted: string;
  subject: string | null;
  text: string;
  kind: string;
  priority: number;
  attempts: number;
  createdAt: Date;
}

export interface ExpiredMessage {
  id: string;
  channel: OutboundChannel;
  kind: string;
  attempts: number;
  lastError: string | null;
  createdAt: Date;
}

/** Errors are kept short: enough to know why, never a whole response body. */
const clip = (reason: string) => reason.slice(0, 500);

export class OutboundRepository {
  constructor(
    private readonly prisma: UserPrisma,
    /** REDIS_PREFIX of this deployment. */
    readonly deployment: string,
  ) {}

  /** In the caller's transaction; false when a message with this dedupe key exists already. */
  async add(tx: Tx, message: NewOutboundMessage, now: Date = new Date()): Promise<boolean> {
    const inserted = await tx.$executeRaw`
      INSERT INTO outbound_messages (id, deployment, channel, recipient_encrypted, subject, text, kind, priority, dedupe_key, status, created_at, next_attempt_at)
      VALUES (gen_random_uuid(), ${this.deployment}, ${message.channel}, ${message.recipientEncrypted}, ${message.subject ?? null}, ${message.text},
              ${message.kind}, ${message.priority}, ${message.dedupeKey}, 'PENDING', ${now}, ${now})
      ON CONFLICT (dedupe_key) DO NOTHING`;
    return inserted === 1;
  }

  /**
   * Claims up to `limit` due messages of these channels until `leaseUntil`, most urgent first, then
   * oldest first. SKIP LOCKED: two senders claiming at once get different rows; a row another
   * sender just claimed is re-checked against its new lease and skipped.
   */
  async claim(channels: readonly OutboundChannel[], now: Date, leaseUntil: Date, limit: number): Promise<ClaimedMessage[]> {
    if (channels.length === 0) return [];
    const rows = await this.prisma.$queryRaw<ClaimedMessage[]>`
      UPDATE outbound_messages SET lease_until = ${leaseUntil}
       WHERE id IN (
         SELECT id FROM outbound_messages
          WHERE deployment = ${this.deployment} AND status = 'PENDING' AND channel = ANY(${[...channels]}::text[])
            AND next_attempt_at <= ${now} AND (lease_until IS NULL OR lease_until <= ${now})
          ORDER BY priority, created_at
          LIMIT ${limit}
          FOR UPDATE SKIP LOCKED)
      RETURNING id, channel, recipient_encrypted AS "recipientEncrypted", subject, text, kind, priority, attempts, created_at AS "createdAt"`;
    return rows.sort((a, b) => a.priority - b.priority || a.createdAt.getTime() - b.createdAt.getTime());
  }

  async markSent(id: string, now: Date): Promise<void> {
    await this.prisma.$executeRaw`
      UPDATE outbound_messages SET status = 'SENT', sent_at = ${now}, lease_until = NULL, attempts = attempts + 1, last_error = NULL
       WHERE id = ${id}::uuid AND status = 'PENDING'`;
  }

  /** The provider refused it: final. */
  async markFailed(id: string, reason: string): Promise<void> {
    await this.prisma.$executeRaw`
      UPDATE outbound_messages SET status = 'FAILED', lease_until = NULL, attempts = attempts + 1, last_error = ${clip(reason)}
       WHERE id = ${id}::uuid AND status = 'PENDING'`;
  }

  /** The provider is down: pending again, not before `nextAttemptAt`. */
  async retryLater(id: string, nextAttemptAt: Date, reason: string): Promise<void> {
    await this.prisma.$executeRaw`
      UPDATE outbound_messages SET next_attempt_at = ${nextAttemptAt}, lease_until = NULL, attempts = attempts + 1, last_error = ${clip(reason)}
       WHERE id = ${id}::uuid AND status = 'PENDING'`;
  }

  /** Gives claimed rows back untried (the channel went down while they waited their turn). */
  async release(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.prisma.$executeRaw`UPDATE outbound_messages SET lease_until = NULL WHERE id = ANY(${[...ids]}::uuid[]) AND status = 'PENDING'`;
  }

  /** The provider is back: every message of the channel waiting out a backoff is due now. */
  async dueNow(channel: OutboundChannel, now: Date): Promise<number> {
    return this.prisma.$executeRaw`
      UPDATE outbound_messages SET next_attempt_at = ${now}
       WHERE deployment = ${this.deployment} AND status = 'PENDING' AND channel = ${channel} AND next_attempt_at > ${now}`;
  }

  /** Pending messages created before `cutoff` and not being sent right now become EXPIRED. */
  async expire(cutoff: Date, now: Date): Promise<ExpiredMessage[]> {
    return this.prisma.$queryRaw<ExpiredMessage[]>`
      UPDATE outbound_messages SET status = 'EXPIRED', lease_until = NULL
       WHERE deployment = ${this.deployment} AND status = 'PENDING' AND created_at < ${cutoff} AND (lease_until IS NULL OR lease_until <= ${now})
      RETURNING id, channel, kind, attempts, last_error AS "lastError", created_at AS "createdAt"`;
  }

  /** Deletes finished messages (sent, failed, expired) created before `cutoff`: phone numbers and texts are not kept for ever. */
  async purgeFinished(cutoff: Date, limit = 1_000): Promise<number> {
    return this.prisma.$executeRaw`
      DELETE FROM outbound_messages WHERE id IN (
        SELECT id FROM outbound_messages
         WHERE deployment = ${this.deployment} AND status IN ('SENT', 'FAILED', 'EXPIRED') AND created_at < ${cutoff}
         LIMIT ${limit})`;
  }

  /** How many messages wait, and since when the oldest of them (for the gauges). */
  async pending(): Promise<{ count: number; oldest: Date | null }> {
    const [row] = await this.prisma.$queryRaw<Array<{ count: bigint; oldest: Date | null }>>`
      SELECT COUNT(*) AS count, MIN(created_at) AS oldest FROM outbound_messages WHERE deployment = ${this.deployment} AND status = 'PENDING'`;
    return { count: Number(row?.count ?? 0), oldest: row?.oldest ?? null };
  }
}
