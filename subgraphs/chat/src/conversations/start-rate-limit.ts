// A member's ration of NEW conversations: a short window (20 per 10 minutes) and a daily one (100
// per day), fixed windows in Redis started by the first new conversation. One script checks both
// and counts the start in both only when neither is full, so a refused start costs nothing and
// nothing is written. Returning an existing conversation never reaches it (conversation-repository's
// openOnce asks only right before inserting); a start whose insert then fails gives its count back.
import { giveBackToWindows, RateLimitedError, takeFromWindows, type Redis } from '@anshim/platform';
import { messages } from '../messages.ts';

export interface StartLimits {
  perShortWindow: number;
  shortWindowSeconds: number;
  perDay: number;
}

const DAY_SECONDS = 86_400;

export class StartRateLimit {
  constructor(
    private readonly redis: Redis,
    private readonly limits: StartLimits,
  ) {}

  async take(memberId: string): Promise<void> {
    const { perShortWindow, shortWindowSeconds, perDay } = this.limits;
    const [short, daily] = this.keys(memberId);
    const retryAfter = await takeFromWindows(this.redis, [
      { key: short, limit: perShortWindow, seconds: shortWindowSeconds },
      { key: daily, limit: perDay, seconds: DAY_SECONDS },
    ]);
    if (retryAfter > 0) throw new RateLimitedError(messages.tooManyConversations(retryAfter), retryAfter, { reason: 'CONVERSATION_RATE' });
  }

  async giveBack(memberId: string): Promise<void> {
    await giveBackToWindows(this.redis, this.keys(memberId));
  }

  private keys(memberId: string): [string, string] {
    return [`chat:start:short:${memberId}`, `chat:start:day:${memberId}`];
  }
}
