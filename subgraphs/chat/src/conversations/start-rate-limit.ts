// A member's ration of NEW conversations: a short window (20 per 10 minutes) and a daily one (100
// per day), fixed windows in Redis started by the first new conversation. One script checks both
// and counts the start in both only when neither is full, so a refused start costs nothing and
// nothing is written. Returning an existing conversation never reaches it (conversation-repository's
// openOnce asks only right before inserting); a start whose insert then fails gives its count back.
import { RateLimitedError, type Redis } from '@anshim/platform';
import { messages } from '../messages.ts';

export interface StartLimits {
  perShortWindow: number;
  shortWindowSeconds: number;
  perDay: number;
}

const DAY_SECONDS = 86_400;

/** Returns 0 when counted, else the seconds until the fuller window ends. ARGV: limit1, window1, limit2, window2. */
const TAKE_SCRIPT = `
local retry = 0
for i = 1, 2 do
  local limit = tonumber(ARGV[i * 2 - 1])
  local window = tonumber(ARGV[i * 2])
  local count = tonumber(redis.call('GET', KEYS[i]) or '0')
  if count >= limit then
    local ttl = redis.call('TTL', KEYS[i])
    if ttl < 0 then redis.call('EXPIRE', KEYS[i], window); ttl = window end
    if ttl > retry then retry = ttl end
  end
end
if retry > 0 then return retry end
for i = 1, 2 do
  if redis.call('INCR', KEYS[i]) == 1 then redis.call('EXPIRE', KEYS[i], tonumber(ARGV[i * 2])) end
end
return 0`;

/** Gives one count back to each window that still exists (never below zero). */
const GIVE_BACK_SCRIPT = `
for i = 1, 2 do
  local count = tonumber(redis.call('GET', KEYS[i]) or '0')
  if count > 0 then redis.call('DECR', KEYS[i]) end
end
return 0`;

export class StartRateLimit {
  constructor(
    private readonly redis: Redis,
    private readonly limits: StartLimits,
  ) {}

  async take(memberId: string): Promise<void> {
    const { perShortWindow, shortWindowSeconds, perDay } = this.limits;
    const retryAfter = Number(await this.redis.eval(TAKE_SCRIPT, 2, ...this.keys(memberId), perShortWindow, shortWindowSeconds, perDay, DAY_SECONDS));
    if (retryAfter > 0) throw new RateLimitedError(messages.tooManyConversations(retryAfter), retryAfter, { reason: 'CONVERSATION_RATE' });
  }

  async giveBack(memberId: string): Promise<void> {
    await this.redis.eval(GIVE_BACK_SCRIPT, 2, ...this.keys(memberId));
  }

  private keys(memberId: string): [string, string] {
    return [`chat:start:short:${memberId}`, `chat:start:day:${memberId}`];
  }
}
