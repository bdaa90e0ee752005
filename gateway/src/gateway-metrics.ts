// The gateway's own Prometheus series, the ones deploy/prometheus/ alerts on: responses by status
// class, open subscriptions against what one process is sized for, and whether each subgraph answers.
import type { NextFunction, Request, Response } from 'express';
import { Counter, Gauge } from 'prom-client';
import { countOnScrape, type Metrics } from '@anshim/platform';
import type { SubscriptionCapacity } from './subscriptions/capacity.ts';
import { readinessUrlOf } from './upstream/readiness.ts';
import type { SubgraphBreaker } from './upstream/subgraph-breaker.ts';
import type { Fetcher, SubgraphFetcher } from './upstream/subgraph-fetcher.ts';

/** How long the scrape waits for a subgraph's /readyz before calling it down. */
const SUBGRAPH_PROBE_DEADLINE_MS = 2_000;

/** Paths the load balancer's probes call every few seconds: not members' requests, so not counted. */
const PROBE_PATHS = new Set(['/healthz', '/readyz']);

/**
 * `anshim_http_responses_total{status_class}`: every response of the public port (GraphQL,
 * pass-through, explorer) by 1xx…5xx once it is sent, the health probes aside. graphql-ws
 * sockets are not HTTP responses and are counted by the subscription gauges instead.
 */
export function httpResponseCounter(metrics: Metrics) {
  const responses = new Counter({
    name: 'anshim_http_responses_total',
    help: 'HTTP responses of the gateway\'s public port by status class (health probes excluded)',
    labelNames: ['status_class'] as const,
    registers: [metrics.registry],
  });
  // Present from the start at 0, so rate() and the 5xx ratio have a series before the first error.
  for (const statusClass of ['2xx', '4xx', '5xx']) responses.inc({ status_class: statusClass }, 0);
  return (req: Request, res: Response, next: NextFunction) => {
    if (!PROBE_PATHS.has(req.path)) {
      res.once('finish', () => responses.inc({ status_class: `${Math.floor(res.statusCode / 100)}xx` }));
    }
    next();
  };
}

/**
 * `anshim_subscriptions_active` (subscriptions this process serves now, each holding a place),
 * `anshim_subscriptions_capacity` (WS_SUBSCRIPTION_CAPACITY: how many one process serves at most)
 * and `anshim_subscriptions_refused_total` (subscribes refused because the process was full). The
 * near-capacity alert asks for more replicas before members are refused; the refusal alert says
 * they are.
 */
export function subscriptionGauges(metrics: Metrics, capacity: Pick<SubscriptionCapacity, 'capacity' | 'active' | 'refused'>): void {
  new Gauge({
    name: 'anshim_subscriptions_active',
    help: 'graphql-ws subscriptions this gateway process serves now',
    registers: [metrics.registry],
    collect() {
      this.set(capacity.active);
    },
  });
  const sized = new Gauge({
    name: 'anshim_subscriptions_capacity',
    help: 'Subscriptions one gateway process serves at most (WS_SUBSCRIPTION_CAPACITY); one more is refused',
    registers: [metrics.registry],
  });
  sized.set(capacity.capacity);
  countOnScrape(metrics, 'anshim_subscriptions_refused_total', 'Subscriptions refused with SUBSCRIPTION_CAPACITY because this gateway process held WS_SUBSCRIPTION_CAPACITY', () => capacity.refused);
}

/**
 * `anshim_subgraph_up{subgraph}`, measured when Prometheus scrapes: 1 when the subgraph's /readyz
 * answers 2xx (the same probe as the gateway's readiness) and its circuit breaker is not open, 0
 * otherwise. The breaker matters on its own: a subgraph whose /readyz answers while its GraphQL
 * fetches time out is not answering members.
 */
export function subgraphUpGauge(metrics: Metrics, options: { subgraphs: ReadonlyMap<string, string>; breakers: ReadonlyMap<string, SubgraphBreaker>; fetch: Fetcher }): void {
  // A hanging subgraph must not hold the scrape past Prometheus' timeout (10 s), which would lose
  // every gateway series at once: an answer later than this counts as none.
  const answers = async (url: string): Promise<boolean> => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), SUBGRAPH_PROBE_DEADLINE_MS);
    });
    const probe = options.fetch(readinessUrlOf(url), { method: 'GET' }).then((response) => response.ok, () => false);
    try {
      return await Promise.race([probe, late]);
    } finally {
      clearTimeout(timer);
    }
  };
  new Gauge({
    name: 'anshim_subgraph_up',
    help: 'Whether the gateway reaches each subgraph: /readyz answers and its circuit is not open (1) or not (0)',
    labelNames: ['subgraph'] as const,
    registers: [metrics.registry],
    async collect() {
      const states = await Promise.all(
        [...options.subgraphs].map(async ([name, url]) => [name, (await answers(url)) && options.breakers.get(name)?.state !== 'open'] as const),
      );
      for (const [subgraph, up] of states) this.set({ subgraph }, up ? 1 : 0);
    },
  });
}

/**
 * The subgraph fetch path timed into `anshim_subgraph_fetch_duration_seconds{subgraph,status}`: the
 * answer's status class (2xx, 4xx, 5xx), or `unreachable` when none came (refused, timed out, circuit open).
 * Shared in-flight reads are timed once, by the fetch that went out.
 */
export function timedExchange(metrics: Metrics, subgraph: string, fetcher: Pick<SubgraphFetcher, 'exchange'>): Pick<SubgraphFetcher, 'exchange'> {
  return {
    async exchange(url, init) {
      const end = metrics.subgraphFetchDuration.startTimer({ subgraph });
      try {
        const answer = await fetcher.exchange(url, init);
        end({ status: `${Math.floor(answer.status / 100)}xx` });
        return answer;
      } catch (error) {
        end({ status: 'unreachable' });
        throw error;
      }
    },
  };
}
