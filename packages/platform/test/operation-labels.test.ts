// The latency histogram's `operation` label comes from the client's document. A client sending a
// new operation name with every request must not add a series (memory held until the process
// ends) per name: after OPERATION_LABEL_LIMIT distinct names the rest share `other`.
import { ApolloServer } from '@apollo/server';
import { describe, expect, it } from 'vitest';
import { createMetrics, metricsPlugin, OperationLabels } from '../src/metrics.ts';

/** A small limit (the default is OPERATION_LABEL_LIMIT): the same code, fewer requests. */
const LIMIT = 10;

async function operationLabels(metrics: ReturnType<typeof createMetrics>): Promise<Set<string>> {
  const histogram = (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === 'anshim_graphql_operation_duration_seconds')!;
  return new Set(histogram.values.map((v) => String(v.labels.operation)));
}

describe('the operation label of anshim_graphql_operation_duration_seconds', () => {
  it('stays bounded when a client sends a new operation name with every request', async () => {
    const metrics = createMetrics('test');
    const server = new ApolloServer({ typeDefs: 'type Query { ping: String }', resolvers: { Query: { ping: () => 'pong' } }, plugins: [metricsPlugin(metrics, new OperationLabels(LIMIT))] });
    await server.start();
    try {
      const names = Array.from({ length: LIMIT * 2 }, (_, i) => `Flood${i}`);
      for (const name of names) {
        const response = await server.executeOperation({ query: `query ${name} { ping }` });
        expect(response.body.kind === 'single' && response.body.singleResult.data).toEqual({ ping: 'pong' });
      }
      await server.executeOperation({ query: '{ ping }' });
      // A name seen before the limit keeps its own series afterwards too.
      await server.executeOperation({ query: 'query Flood0 { ping }' });

      const labels = await operationLabels(metrics);
      expect(labels.size).toBe(LIMIT + 2);
      expect(labels.has('other')).toBe(true);
      expect(labels.has('anonymous')).toBe(true);
      expect(labels.has(`Flood${LIMIT - 1}`)).toBe(true);
      expect(labels.has(`Flood${LIMIT}`)).toBe(false);
      const histogram = (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === 'anshim_graphql_operation_duration_seconds')!;
      const count = (operation: string) => histogram.values.find((v) => v.labels.operation === operation && (v as { metricName?: string }).metricName?.endsWith('_count'))?.value;
      expect(count('other')).toBe(LIMIT);
      expect(count('Flood0')).toBe(2);
    } finally {
      await server.stop();
    }
  }, 120_000);
});
