// Suspending or banning an account must stop it at once, not when its access tokens (15 min)
// expire: the gateway refuses every token issued before this time (see gateway/src/auth.ts).
import { ACCESS_TOKEN_TTL_SECONDS, revokedBeforeKey, type Redis } from '@anshim/platform';

export class TokenRevocations {
  constructor(private readonly redis: Redis) {}

  /** Every access token of the user issued at or before `at` stops working; kept as long as such a token could live. */
  async revokeAllBefore(userId: string, at: Date): Promise<void> {
    await this.redis.set(revokedBeforeKey(userId), String(at.getTime()), 'EX', ACCESS_TOKEN_TTL_SECONDS + 60);
  }
}
