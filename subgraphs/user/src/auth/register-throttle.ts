// `register` answers "email taken" for an existing account, which makes it an oracle for who is
// a member. The answer stays (people need it), but it is rationed: the gateway counts sign-ups
// per client address (its sensitive-field window, IPv6 per /64) and this counts them per email
// domain here, so enumerating one company's or provider's addresses is slow from anywhere.
// Without Redis no sign-up is let through (the check fails closed). Outside production the demo
// seed, which proves the development allowance (platform dev-allowance.ts), is not counted.
import { RateLimitedError, TemporarilyUnavailableError, type LocalizedText, type Logger, type Redis } from '@anshim/platform';
import type { RegisterThrottleSettings } from '../env.ts';

const texts = {
  limited: (seconds: number): LocalizedText => ({
    ko: `지금은 이 이메일 도메인으로 가입 요청이 너무 많습니다. ${seconds}초 후에 다시 시도해 주세요.`,
    en: `There are too many sign-ups for this email domain right now. Please try again in ${seconds} seconds.`,
  }),
  unavailable: {
    ko: '지금은 가입을 처리할 수 없습니다. 잠시 후 다시 시도해 주세요.',
    en: 'Sign-up cannot be processed right now. Please try again in a moment.',
  } satisfies LocalizedText,
};

export class RegisterThrottle {
  constructor(
    private readonly redis: Redis,
    private readonly settings: RegisterThrottleSettings,
    private readonly logger: Logger,
  ) {}

  /** Counts one sign-up attempt for `email` (normalized, valid) or refuses it. */
  async charge(email: string): Promise<void> {
    const domain = email.slice(email.lastIndexOf('@') + 1);
    const key = `auth:register-domain:${domain}`;
    let count: number;
    let ttl: number;
    try {
      const replies = await this.redis.multi().incr(key).expire(key, this.settings.windowSeconds, 'NX').ttl(key).exec();
      if (!replies || replies.some(([error]) => error)) throw replies?.find(([error]) => error)?.[0] ?? new Error('transaction aborted');
      count = Number(replies[0]![1]);
      ttl = Number(replies[2]![1]);
    } catch (error) {
      this.logger.error({ err: error }, 'register throttle unavailable; sign-up refused');
      throw new TemporarilyUnavailableError(texts.unavailable, { reason: 'REGISTER_THROTTLE_UNAVAILABLE' });
    }
    if (count <= this.settings.perDomainMax) return;
    const seconds = Math.max(1, ttl);
    this.logger.info({ domain, retryAfter: seconds }, 'sign-up refused: per-domain throttle');
    throw new RateLimitedError(texts.limited(seconds), seconds, { reason: 'REGISTER_DOMAIN_THROTTLE' });
  }
}
