// Per-account sign-in back-off (ARCHITECTURE §8): the gateway's limits count per address, so a
// password guesser spread over many addresses is slowed here, per email, wherever attempts come
// from. Every attempt is counted before the password is checked (a burst in parallel cannot slip
// past), beyond a few free attempts each one locks the email for an exponentially growing delay,
// and while locked even the right password is refused. A success clears the count. The member is
// told by email after repeated failures, once per window. Without Redis no attempt is let through.
import { RateLimitedError, TemporarilyUnavailableError, sha256, type LocalizedText, type Logger, type Redis } from '@anshim/platform';
import type { DeliveryProvider } from '../delivery/delivery.ts';
import type { SignInThrottleSettings } from '../env.ts';

const texts = {
  backoff: (seconds: number): LocalizedText => ({
    ko: `이 계정에 로그인 시도가 너무 많았습니다. 보안을 위해 ${seconds}초 후에 다시 시도해 주세요.`,
    en: `There were too many sign-in attempts for this account. For your safety, please try again in ${seconds} seconds.`,
  }),
  unavailable: {
    ko: '지금은 로그인을 안전하게 확인할 수 없습니다. 잠시 후 다시 시도해 주세요.',
    en: 'Sign-in cannot be checked safely right now. Please try again in a moment.',
  } satisfies LocalizedText,
  notice: (failures: number) => ({
    subject: '[안심] 계정 로그인 실패가 반복되었습니다 / Repeated failed sign-ins to your account',
    text:
      `최근 회원님 계정에 비밀번호가 틀린 로그인 시도가 ${failures}번 있었습니다. 본인이 아니라면 비밀번호를 바꾸고, 다른 곳에서 쓰는 같은 비밀번호도 바꿔 주세요. ` +
      `보안을 위해 잠시 로그인이 늦춰질 수 있습니다.\n\n` +
      `There were ${failures} sign-in attempts with a wrong password on your account recently. If this was not you, change your password, ` +
      `and anywhere else you use the same one. Sign-in may be slowed down for a while to protect you.`,
  }),
};

/**
 * KEYS: attempts counter, lock. ARGV: free attempts, base ms, max ms, window ms.
 * Returns { allowed (1/0), ms left on the lock, attempts counted }.
 */
const ATTEMPT = `
local locked = redis.call('PTTL', KEYS[2])
if locked > 0 then return { 0, locked, 0 } end
local attempts = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[4]))
local free = tonumber(ARGV[1])
if attempts > free then
  local delay = math.min(tonumber(ARGV[2]) * 2 ^ math.min(attempts - free - 1, 30), tonumber(ARGV[3]))
  redis.call('SET', KEYS[2], '1', 'PX', math.floor(delay))
end
return { 1, 0, attempts }
`;

type ThrottleRedis = Redis & { anshimSignInAttempt(...args: Array<string | number>): Promise<[number, number, number]> };

/** One attempt that passed the throttle: report how it ended. */
export interface SignInAttempt {
  succeeded(): Promise<void>;
  /** `member`: the email belongs to an account (only then is a notice sent). */
  failed(member: { email: string } | null): Promise<void>;
}

export class SignInThrottle {
  private readonly redis: ThrottleRedis;

  constructor(
    redis: Redis,
    private readonly delivery: DeliveryProvider,
    private readonly settings: SignInThrottleSettings,
    private readonly logger: Logger,
  ) {
    if (!('anshimSignInAttempt' in redis)) redis.defineCommand('anshimSignInAttempt', { numberOfKeys: 2, lua: ATTEMPT });
    this.redis = redis as ThrottleRedis;
  }

  /** Counts an attempt on `email` (normalized) or refuses it: RATE_LIMITED with retryAfter, or TEMPORARILY_UNAVAILABLE without Redis. */
  async begin(email: string): Promise<SignInAttempt> {
    const id = sha256(email);
    const attemptsKey = `auth:signin-attempts:${id}`;
    const lockKey = `auth:signin-lock:${id}`;
    const { freeAttempts, baseDelaySeconds, maxDelaySeconds, windowSeconds } = this.settings;
    let verdict: [number, number, number];
    try {
      verdict = await this.redis.anshimSignInAttempt(attemptsKey, lockKey, freeAttempts, baseDelaySeconds * 1_000, maxDelaySeconds * 1_000, windowSeconds * 1_000);
    } catch (error) {
      this.logger.error({ err: error }, 'sign-in throttle unavailable; attempt refused');
      throw new TemporarilyUnavailableError(texts.unavailable, { reason: 'SIGN_IN_THROTTLE_UNAVAILABLE' });
    }
    const [allowed, lockedMs, attempts] = verdict;
    if (!allowed) {
      const seconds = Math.max(1, Math.ceil(lockedMs / 1_000));
      this.logger.info({ emailHash: id.slice(0, 12), retryAfter: seconds }, 'sign-in refused: per-account back-off');
      throw new RateLimitedError(texts.backoff(seconds), seconds, { reason: 'SIGN_IN_BACKOFF' });
    }
    return {
      succeeded: async () => {
        await this.redis.del(attemptsKey, lockKey).catch((error: unknown) => this.logger.warn({ err: error }, 'could not clear sign-in attempts'));
      },
      failed: async (member) => {
        if (!member || attempts < this.settings.noticeAfterFailures) return;
        const first = await this.redis.set(`auth:signin-notice:${id}`, '1', 'EX', windowSeconds, 'NX').catch(() => null);
        if (first !== 'OK') return;
        // Not awaited: how long a delivery takes must not tell an attacker that the account exists.
        void this.delivery.sendEmail({ to: member.email, ...texts.notice(attempts) }).catch((error: unknown) => {
          this.logger.warn({ err: error }, 'sign-in failure notice not delivered');
        });
      },
    };
  }
}
