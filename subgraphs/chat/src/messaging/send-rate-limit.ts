// Per-member and per-conversation send limits: fixed windows in Redis started by the first
// message. One script checks both and counts the message in both only when neither is full, so a
// refused message costs nothing (a member over their own limit does not use up the other party's
// conversation budget). Over either limit: RATE_LIMITED with retryAfter, and nothing is written.
import { RateLimitedError, type Redis } from '@anshim/platform';
import { messages } from '../messages.ts';

export interface SendLimits {
  perMember: number;
  perConversation: number;
  windowSeconds: number;
}

/** Returns 0 when counted, else the seconds until the fuller window ends. */
const TAKE_SCRIPT = `
local window = tonumber(ARGV[3])
local retry = 0
for i = 1, 2 do
  local count = tonumber(redis.call('GET', KEYS[i]) or '0')
  if count >= tonumber(ARGV[i]) then
    local ttl = redis.call('TTL', KEYS[i])
    if ttl < 0 then redis.call('EXPIRE', KEYS[i], window); ttl = window end
    if ttl > retry then retry = ttl end
  end
end
if retry > 0 then return retry end
for i = 1, 2 do
  if redis.call('INCR', KEYS[i]) == 1 then redis.call('EXPIRE', KEYS[i], window) end
end
return 0`;

export class SendRateLimit {
  constructor(
    private readonly redis: Redis,
    private readonly limits: SendLimits,
  ) {}

  async take(senderId: string, conversationId: string): Promise<void> {
    const { perMember, perConversation, windowSeconds } = this.limits;
    const retryAfter = Number(
      await this.redis.eval(TAKE_SCRIPT, 2, `chat:rate:member:${senderId}`, `chat:rate:conversation:${conversationId}`, perMember, perConversation, windowSeconds),
    );
    if (retryAfter > 0) throw new RateLimitedError(messages.tooManyMessages(retryAfter), retryAfter, { reason: 'CHAT_RATE' });
  }
}
