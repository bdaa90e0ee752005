// Per-member and per-conversation send limits: fixed windows in Redis started by the first
// message. Both counters move together in one round trip; over either limit is RATE_LIMITED with
// retryAfter, and nothing is written.
import { RateLimitedError, type Redis } from '@anshim/platform';
import { messages } from '../messages.ts';

export interface SendLimits {
  perMember: number;
  perConversation: number;
  windowSeconds: number;
}

export class SendRateLimit {
  constructor(
    private readonly redis: Redis,
    private readonly limits: SendLimits,
  ) {}

  async take(senderId: string, conversationId: string): Promise<void> {
    const { perMember, perConversation, windowSeconds } = this.limits;
    const memberKey = `chat:rate:member:${senderId}`;
    const conversationKey = `chat:rate:conversation:${conversationId}`;
    const results = await this.redis
      .multi()
      .incr(memberKey)
      .expire(memberKey, windowSeconds, 'NX')
      .ttl(memberKey)
      .incr(conversationKey)
      .expire(conversationKey, windowSeconds, 'NX')
      .ttl(conversationKey)
      .exec();
    const value = (index: number) => Number(results?.[index]?.[1] ?? 0);
    const over = [
      { count: value(0), ttl: value(2), max: perMember },
      { count: value(3), ttl: value(5), max: perConversation },
    ].filter((window) => window.count > window.max);
    if (over.length === 0) return;
    const retryAfter = Math.max(...over.map((window) => (window.ttl > 0 ? window.ttl : windowSeconds)));
    throw new RateLimitedError(messages.tooManyMessages(retryAfter), retryAfter, { reason: 'CHAT_RATE' });
  }
}
