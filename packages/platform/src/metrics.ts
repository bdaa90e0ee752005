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
  const operationDuration = new Histogram({
    name: 'anshim_graphql_operation_duration_seconds',
    help: 'GraphQL operation latency by operation name',
    labelNames: ['operation', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const operationErrors = new Counter({
    name: 'anshim_graphql_errors_total',
    help: 'GraphQL errors by code',
    labelNames: ['code'] as const,
    registers: [registry],
  });
  const subgraphFetchDuration = new Histogram({
    name: 'anshim_subgraph_fetch_duration_seconds',
    help: 'Latency of gateway fetches to subgraphs',
    labelNames: ['subgraph', 'status'] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  return { registry, operationDuration, operationErrors, subgraphFetchDuration };
}
export type Metrics = ReturnType<typeof createMetrics>;

/** Operation latency and error counts of an Apollo server into the process' metrics. */
export function metricsPlugin<C extends BaseContext>(metrics: Metrics): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      const end = metrics.operationDuration.startTimer();
      return {
        async didEncounterErrors({ errors }) {
          for (const e of errors) metrics.operationErrors.inc({ code: String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR') });
        },
        async willSendResponse({ operationName, errors }) {
          end({ operation: operationName ?? 'anonymous', status: errors?.length ? 'error' : 'ok' });
        },
      };
    },
  };
}

/** A histogram of durations in seconds in the process' registry: a service's own timing (e.g. chat screening). */
export function durationHistogram(metrics: Metrics, name: string, help: string, buckets: number[]): Histogram {
  return new Histogram({ name, help, buckets, registers: [metrics.registry] });
}
