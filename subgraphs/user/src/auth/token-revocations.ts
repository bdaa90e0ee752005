// Ending a session must stop it at once, not when its access tokens (15 min) expire: the keys
// written here make the gateway refuse those tokens over HTTP and on every graphql-ws operation
// (gateway/src/auth.ts), and the notice published with them closes open sockets within moments
// (gateway/src/subscriptions/socket-revocations.ts); a gateway that misses the notice still
// closes them on its next sweep of the same keys.
import {
  ACCESS_TOKEN_TTL_SECONDS,
  REVOCATION_CHANNEL,
  blacklistKey,
  publish,
  revokedBeforeKey,
  revokedReasonKey,
  type Logger,
  type Redis,
  type RedisSettings,
  type RevocationNotice,
  type RevocationReason,
} from '@anshim/platform';

export class TokenRevocations {
  constructor(
    private readonly redis: Redis,
    private readonly settings: Pick<RedisSettings, 'prefix'>,
    private readonly logger?: Logger,
  ) {}

  /** Every access token of the user issued at or before `at` stops working; kept as long as such a token could live. */
  async revokeAllBefore(userId: string, at: Date, reason: RevocationReason = 'SESSIONS_REVOKED'): Promise<void> {
    const ttl = ACCESS_TOKEN_TTL_SECONDS + 60;
    await this.redis.multi().set(revokedBeforeKey(userId), String(at.getTime()), 'EX', ttl).set(revokedReasonKey(userId), reason, 'EX', ttl).exec();
    await this.announce({ userId, before: at.getTime(), reason });
  }

  /** One access token stops working (logout); kept until it would have expired anyway. */
  async revokeToken(userId: string, jti: string, ttlSeconds: number, extra?: (multi: ReturnType<Redis['multi']>) => void): Promise<void> {
    const multi = this.redis.multi().set(blacklistKey(jti), '1', 'EX', Math.max(1, ttlSeconds));
    extra?.(multi);
    await multi.exec();
    await this.announce({ userId, jti });
  }

  /** The keys are what counts: a lost notice only delays the close until the gateways' next sweep. */
  private async announce(notice: RevocationNotice): Promise<void> {
    try {
      await publish(this.redis, this.settings, REVOCATION_CHANNEL, notice);
    } catch (error) {
      this.logger?.warn({ err: error, userId: notice.userId }, 'revocation notice not published; gateways close the sockets on their sweep');
    }
  }
}
