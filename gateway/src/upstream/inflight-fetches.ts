// Upstream: identical subgraph reads in flight at once share one request (SUBGRAPH_SHARE_INFLIGHT).
import type { RawAnswer } from './subgraph-fetcher.ts';

/**
 * Identical subgraph reads that are in flight at the same moment share one exchange: ten
 * visitors opening the same products page at once cost each subgraph one request, not ten.
 * Only the raw answer is shared; every caller parses its own copy, so no result objects are
 * shared between client requests. Nothing is kept once the answer has arrived (this is not a
 * cache: a read that starts after the answer arrived goes to the subgraph again).
 */
export class InflightFetches {
  private readonly pending = new Map<string, Promise<RawAnswer>>();
  /** Exchanges that were answered by another caller's request (for metrics and tests). */
  shared = 0;

  run(key: string, exchange: () => Promise<RawAnswer>): Promise<RawAnswer> {
    const running = this.pending.get(key);
    if (running) {
      this.shared++;
      return running;
    }
    const started = exchange().finally(() => this.pending.delete(key));
    this.pending.set(key, started);
    return started;
  }
}

/**
 * A fetch the query planner generated for a read (`query …` or an anonymous `{ … }`).
 * Mutations run once per client request, whatever they look like.
 */
export function isReadFetch(query: string): boolean {
  return /^\s*(?:query\b|\{)/.test(query);
}
