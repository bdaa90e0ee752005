// WS_SUBSCRIPTION_CAPACITY enforced: one gateway process serves at most so many subscriptions at
// once. Past what it was measured to serve (bench/RESULTS.md) latency and memory grow for everyone
// on it, so one more subscription is refused with SUBSCRIPTION_CAPACITY instead: the client opens a
// new connection, which the load balancer may send to another gateway. Subscriptions already open
// are never dropped for it, and readiness does not depend on it (a full gateway still serves its
// subscribers, queries and mutations). The per-connection, per-address and per-member caps stay
// as they are: this one protects the process, those keep one client from taking its share.
import { ErrorCode, graphqlRuntime, pick, type LocalizedText } from '@anshim/platform';

const { GraphQLError } = graphqlRuntime;

const FULL: LocalizedText = {
  ko: '이 서버가 지금 받을 수 있는 구독이 가득 찼습니다. 잠시 후 다시 연결해 주세요.',
  en: 'This server cannot take more subscriptions right now. Please reconnect in a moment.',
};

export class SubscriptionCapacity {
  private held = 0;
  private refusals = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`subscription capacity must be a positive whole number (got ${capacity})`);
  }

  /** Subscriptions holding a place now. */
  get active(): number {
    return this.held;
  }

  /** Subscriptions refused because the process was full, since it started. */
  get refused(): number {
    return this.refusals;
  }

  /**
   * A place for one more subscription, or null when the process holds its capacity (counted as a
   * refusal). The returned function gives the place back; calling it again does nothing, so every
   * path that ends a subscription (complete, error, socket closed) may call it.
   */
  take(): (() => void) | null {
    if (this.held >= this.capacity) {
      this.refusals += 1;
      return null;
    }
    this.held += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.held -= 1;
    };
  }

  /** The refusal a client reads: retry on a new connection (another gateway, or this one later). */
  refusal(locale: 'ko' | 'en') {
    return new GraphQLError(pick(FULL, locale), { extensions: { code: ErrorCode.SUBSCRIPTION_CAPACITY, retryable: true } });
  }
}
