// An ADMIN's ration of audited conversation reads (conversation(id) of a linked conversation, each
// conversation Report.conversations returns): a fixed window in Redis per ADMIN, CHAT_ADMIN_READ_LIMIT
// reads per CHAT_ADMIN_READ_WINDOW_SECONDS. A case reviewer reads a few conversations per report; a
// stolen ADMIN token paging through hundreds of members' private messages is slowed here and
// alarmed (anshim_chat_admin_reads_refused_total, alert AnshimAdminReadsRefused, with the ADMIN's
// id in the warning log). A read that is refused is not audited and returns nothing: the whole page
// is counted or none of it (a page bigger than the ration is refused whole).
import { RateLimitedError, takeFromWindows, type Logger, type Redis } from '@anshim/platform';
import { messages } from '../messages.ts';

export interface AdminReadLimits {
  perWindow: number;
  windowSeconds: number;
}

export class AdminReadLimit {
  constructor(
    private readonly redis: Redis,
    private readonly limits: AdminReadLimits,
    private readonly refused: { inc(reads: number): void },
    private readonly logger: Pick<Logger, 'warn'>,
  ) {}

  /** Counts `reads` audited reads by `adminId`, or throws RATE_LIMITED (retryAfter) having counted none. */
  async take(adminId: string, reads: number): Promise<void> {
    if (reads <= 0) return;
    const { perWindow, windowSeconds } = this.limits;
    const retryAfter = await takeFromWindows(this.redis, [{ key: `chat:admin-read:${adminId}`, limit: perWindow, seconds: windowSeconds, hits: reads }]);
    if (retryAfter === 0) return;
    this.refused.inc(reads);
    this.logger.warn({ adminId, reads, retryAfter }, 'ADMIN conversation reads refused: over CHAT_ADMIN_READ_LIMIT');
    throw new RateLimitedError(messages.tooManyAdminReads(retryAfter), retryAfter, { reason: 'ADMIN_READ_RATE' });
  }
}
