// Upstream: a circuit breaker per subgraph, so a subgraph that is away costs no fetch timeout per request.
import type { Logger } from '@anshim/platform';
import { SubgraphUnreachableError } from './subgraph-fetcher.ts';
import { isSubgraphUnavailable } from './subgraph-unavailable.ts';

/** A fetch the open circuit answered without asking the subgraph (partial data, like any unreachable one). */
export class SubgraphCircuitOpenError extends SubgraphUnreachableError {
  constructor(service: string) {
    super(`${service} is not answering (circuit open); not asked again before the next trial`);
    this.name = 'SubgraphCircuitOpenError';
  }
}

export interface BreakerSettings {
  /** Unreachable answers in a row that open the circuit (0: never open). */
  failures: number;
  /** How long an open circuit answers at once before one trial fetch is let through. */
  cooldownMs: number;
}

/**
 * Fails fast while a subgraph is away. Without it, a subgraph that hangs makes every request
 * that touches it wait the whole fetch timeout, and those waiting requests pile up in the
 * gateway; with it, after `failures` unreachable answers in a row the fetches answer at once
 * with SUBGRAPH_UNAVAILABLE (partial data), and every `cooldownMs` one trial fetch checks whether
 * the subgraph is back. Only "not reached" counts (refused, reset, timed out, 502/503/504): a
 * subgraph that answers with GraphQL errors is up.
 */
export class SubgraphBreaker {
  private consecutiveFailures = 0;
  private openUntil = 0;
  private trialInFlight = false;

  constructor(
    private readonly service: string,
    private readonly settings: BreakerSettings,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  get state(): 'closed' | 'open' | 'half-open' {
    if (this.consecutiveFailures < this.settings.failures || this.settings.failures === 0) return 'closed';
    return this.now() < this.openUntil ? 'open' : 'half-open';
  }

  /** `away` tells an answer that means "not there" (a proxy's 502/503/504) from a real one. */
  async run<T>(fetch: () => Promise<T>, away: (answer: T) => boolean = () => false): Promise<T> {
    const state = this.state;
    if (state === 'open' || (state === 'half-open' && this.trialInFlight)) {
      throw new SubgraphCircuitOpenError(this.service);
    }
    const trial = state === 'half-open';
    if (trial) this.trialInFlight = true;
    try {
      const answer = await fetch();
      if (away(answer)) this.failed();
      else this.succeeded();
      return answer;
    } catch (error) {
      if (isSubgraphUnavailable(error)) this.failed();
      else this.succeeded(); // an answer, even an error one, means the subgraph is there
      throw error;
    } finally {
      if (trial) this.trialInFlight = false;
    }
  }

  private succeeded(): void {
    if (this.consecutiveFailures >= this.settings.failures && this.settings.failures > 0) {
      this.logger.info({ service: this.service }, 'subgraph answers again; circuit closed');
    }
    this.consecutiveFailures = 0;
  }

  private failed(): void {
    this.consecutiveFailures++;
    if (this.settings.failures === 0 || this.consecutiveFailures < this.settings.failures) return;
    if (this.consecutiveFailures === this.settings.failures) {
      this.logger.warn({ service: this.service, failures: this.consecutiveFailures, cooldownMs: this.settings.cooldownMs }, 'subgraph not answering; circuit open');
    }
    this.openUntil = this.now() + this.settings.cooldownMs;
  }
}
