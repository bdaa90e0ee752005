// Per-member and per-conversation send limits: fixed windows in Redis started by the first
// message. One script checks both and counts the message in both only when neither is full, so a
// refused message costs nothing (a member over their own limit does not use up the other party's
// conversation budget). Over either limit: RATE_LIMITED with retryAfter, and nothing is written.
import { RateLimitedError, takeFromWindows, type Redis } from '@anshim/platform';
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
    const retryAfter = await takeFromWindows(this.redis, [
      { key: `chat:rate:member:${senderId}`, limit: perMember, seconds: windowSeconds },
      { key: `chat:rate:conversation:${conversationId}`, limit: perConversation, seconds: windowSeconds },
    ]);
    if (retryAfter > 0) throw new RateLimitedError(messages.tooManyMessages(retryAfter), retryAfter, { reason: 'CHAT_RATE' });
  }
}
