import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Counts something outside Apollo's request cycle, read when /metrics is scraped. */
export function countOnScrape(metrics: Metrics, name: string, help: string, read: () => number): void {
  new Counter({
    name,
    help,
    registers: [metrics.registry],
    collect() {
      this.reset();
      this.inc(read());
    },
  });
}

/** One registry per process with default Node metrics and the request histogram every server uses. */
export function createMetrics(service: string) {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  const histogram = <L extends string>(name: string, help: string, labelNames: readonly L[], buckets: number[]) =>
    new Histogram<L>({ name, help, labelNames, buckets, registers: [registry] });
  const operationDuration = histogram('anshim_graphql_operation_duration_seconds', 'GraphQL operation latency by operation name', ['operation', 'status'], [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]);
  const operationErrors = new Counter({
    name: 'anshim_graphql_errors_total',
    help: 'GraphQL errors by code',
    labelNames: ['code'] as const,
    registers: [registry],
  });
  const subgraphFetchDuration = histogram('anshim_subgraph_fetch_duration_seconds', 'Latency of gateway fetches to subgraphs', ['subgraph', 'status'], [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]);
  return { registry, operationDuration, operationErrors, subgraphFetchDuration };
}
export type Metrics = ReturnType<typeof createMetrics>;

/** Distinct operation names one process labels its latency series with; later new names are `other`. */
export const OPERATION_LABEL_LIMIT = 300;

/**
 * The `operation` label of a request. The name is the client's own (`query AnyNameAtAll { … }`),
 * and every distinct one would be a new histogram series kept in memory until the process ends
 * (and a new Prometheus series): random names from one client grew a process without bound. The
 * first `limit` names a process sees keep their own series (the apps' operations are a few dozen),
 * every later one is counted under `other`, so the series stay bounded whatever clients send.
 */
export class OperationLabels {
  private readonly seen = new Set<string>();

  constructor(private readonly limit = OPERATION_LABEL_LIMIT) {}

  of(operationName: string | null | undefined): string {
    if (!operationName) return 'anonymous';
    if (this.seen.has(operationName)) return operationName;
    if (this.seen.size >= this.limit) return 'other';
    this.seen.add(operationName);
    return operationName;
  }
}

/** Operation latency and error counts of an Apollo server into the process' metrics. */
export function metricsPlugin<C extends BaseContext>(metrics: Metrics, labels = new OperationLabels()): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      const end = metrics.operationDuration.startTimer();
      return {
        async didEncounterErrors({ errors }) {
          for (const e of errors) metrics.operationErrors.inc({ code: String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR') });
        },
        async willSendResponse({ operationName, errors }) {
          end({ operation: labels.of(operationName), status: errors?.length ? 'error' : 'ok' });
        },
      };
    },
  };
}

/** A histogram of durations in seconds in the process' registry: a service's own timing (e.g. chat screening). */
export function durationHistogram<L extends string = string>(metrics: Metrics, name: string, help: string, buckets: number[], labelNames: readonly L[] = []): Histogram<L> {
  return new Histogram<L>({ name, help, buckets, labelNames, registers: [metrics.registry] });
}

/**
 * The same with one label whose values are known up front (e.g. chat's send steps): every series
 * exists at 0 from the start, so rate() and a before/after difference work before the first sample.
 */
export function labelledDurationHistogram<V extends string>(metrics: Metrics, name: string, help: string, label: string, values: readonly V[], buckets: number[]): Histogram<string> {
  const histogram = durationHistogram<string>(metrics, name, help, buckets, [label]);
  for (const value of values) histogram.zero({ [label]: value });
  return histogram;
}

/** Times the awaits of one path, one histogram series per step (kept whether the step succeeded or threw). */
export interface StepTimings<S extends string> {
  time<T>(step: S, work: () => Promise<T>): Promise<T>;
  /** A step timed by hand: a span that is not one promise (e.g. from asking for a transaction to its first statement). */
  observe(step: S, seconds: number): void;
}

/** For callers that measure nothing (tests building a service by hand, paths not timed). */
export const untimedSteps: StepTimings<string> = { time: (_step, work) => work(), observe: () => undefined };

/** Fine enough for steps of a few milliseconds and for pool waits of seconds. */
export const STEP_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/**
 * Where a hot path's time goes (chat's sendMessage steps, monitor's recordActivity → publish): a
 * labelled histogram `name{step}` with a clock read and a bucket increment per step.
 */
export function stepTimings<S extends string>(metrics: Metrics, name: string, help: string, steps: readonly S[], buckets: number[] = STEP_BUCKETS): StepTimings<S> {
  const seconds = labelledDurationHistogram(metrics, name, help, 'step', steps, buckets);
  return {
    async time(step, work) {
      const end = seconds.startTimer({ step });
      try {
        return await work();
      } finally {
        end();
      }
    },
    observe: (step, value) => seconds.observe({ step }, value),
  };
}

/** Buckets for a hop of a delivery a member waits on (issue 23 §5: p99 ≤ 250 ms end to end), fine enough to read a p50 and a p99 from. */
export const DELIVERY_HOP_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.02, 0.035, 0.05, 0.075, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.75, 1, 2, 5, 10];

/** A plain counter in the process' registry, started at 0 so rate() works before the first count (e.g. chat's refused ADMIN reads). */
export function eventCounter(metrics: Metrics, name: string, help: string): Counter {
  const counter = new Counter({ name, help, registers: [metrics.registry] });
  counter.inc(0);
  return counter;
}

/**
 * The business counters (names agreed across services; a dashboard reads them summed over every
 * process). A service counts after its transaction committed, never inside it: a rolled-back
 * change must not show up as a trade or a payment.
 */
const BUSINESS_COUNTERS = {
  trades: { name: 'anshim_trades_total', help: 'Trades by committed event (started, completed, cancelled, disputed)', labelNames: ['event'] },
  payments: { name: 'anshim_payments_total', help: 'Safe payments entering a state (held, released, refunded, disputed), counted after commit', labelNames: ['state'] },
  riskAlerts: { name: 'anshim_risk_alerts_total', help: 'Risk alerts raised, by rule and level', labelNames: ['rule', 'level'] },
  reports: { name: 'anshim_reports_total', help: 'Reports filed and decided, by type and decision (filed, accepted, dismissed)', labelNames: ['type', 'decision'] },
  fraudStopped: { name: 'anshim_fraud_stopped_total', help: 'Fraud stopped: accepted FRAUD reports, masked chat messages, messages held back from restricted senders', labelNames: ['kind'] },
} as const;
type BusinessCounters = typeof BUSINESS_COUNTERS;
export type BusinessCounterName = keyof BusinessCounters;
export type BusinessCounter<K extends BusinessCounterName> = Counter<BusinessCounters[K]['labelNames'][number]>;

/**
 * One business counter in the process' registry. `initial` are label sets started at 0, so the
 * series exist (and rate() works) before the first event and a scrape shows what this process counts.
 */
export function businessCounter<K extends BusinessCounterName>(
  metrics: Metrics,
  kind: K,
  initial: Array<Partial<Record<BusinessCounters[K]['labelNames'][number], string>>> = [],
): BusinessCounter<K> {
  const { name, help, labelNames } = BUSINESS_COUNTERS[kind];
  const counter = new Counter({ name, help, labelNames: [...labelNames], registers: [metrics.registry] }) as BusinessCounter<K>;
  for (const labels of initial) counter.inc(labels as never, 0);
  return counter;
}
