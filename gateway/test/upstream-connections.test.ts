// The gateway's own graphql-transport-ws client (upstream-connections.ts) against graphql-ws' real
// server: one signed socket per subgraph for every subscription, completes and lazy close, the
// subgraph's errors, and the socket's loss told to every subscription it carried.
import type { AddressInfo } from 'node:net';
import { useServer } from 'graphql-ws/use/ws';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { connectionTarget, createLogger, graphqlRuntime, verifyIdentityHeaders } from '@anshim/platform';
import { UpstreamConnections, type UpstreamSink } from '../src/subscriptions/upstream-connections.ts';

const { buildSchema } = graphqlRuntime;
const logger = createLogger('upstream-connections-test', process.env.TEST_LOG_LEVEL ?? 'silent');
const SECRET = 'upstream-connections-test-secret-0123456789';

const schema = buildSchema('type Query { a: Int } type Subscription { ticks(from: Int!): Int }');
/** Pushes to every running `ticks` subscription; it leaves the set when the server returns it. */
const feeds = new Set<(value: number) => void>();
const roots = {
  ticks: ({ from }: { from: number }): AsyncIterableIterator<{ ticks: number }> => {
    const queue: number[] = [];
    let wake: ((result: IteratorResult<{ ticks: number }>) => void) | undefined;
    const push = (value: number) => {
      if (wake) {
        const resolve = wake;
        wake = undefined;
        resolve({ value: { ticks: value + from }, done: false });
      } else queue.push(value + from);
    };
    feeds.add(push);
    const iterator: AsyncIterableIterator<{ ticks: number }> = {
      next: () => (queue.length ? Promise.resolve({ value: { ticks: queue.shift()! }, done: false }) : new Promise((resolve) => (wake = resolve))),
      return: () => {
        feeds.delete(push);
        wake?.({ value: undefined, done: true });
        return Promise.resolve({ value: undefined, done: true });
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  },
};

class Recorder implements UpstreamSink {
  readonly values: unknown[] = [];
  failure: unknown;
  completed = false;
  next(payload: Record<string, unknown>): void {
    this.values.push((payload.data as { ticks: number } | null)?.ticks ?? payload);
  }
  error(error: unknown): void {
    this.failure = error;
  }
  complete(): void {
    this.completed = true;
  }
}

describe('UpstreamConnections', () => {
  let wss: WebSocketServer;
  let sockets = 0;
  let connections: UpstreamConnections;
  const signedConnections: boolean[] = [];

  beforeEach(async () => {
    wss = new WebSocketServer({ port: 0, host: '127.0.0.1', path: '/graphql' });
    await new Promise((resolve) => wss.once('listening', resolve));
    wss.on('connection', () => sockets++);
    useServer(
      {
        schema,
        roots: { subscription: roots },
        // As a subgraph does: the connection must be signed for it.
        onConnect: (ctx) => {
          const headers = (ctx.connectionParams?.headers ?? {}) as Record<string, string>;
          const signed = verifyIdentityHeaders(SECRET, headers, connectionTarget('clock')).ok;
          signedConnections.push(signed);
          return signed;
        },
      },
      wss,
    );
    const { port } = wss.address() as AddressInfo;
    connections = new UpstreamConnections({ subgraphUrls: new Map([['clock', `http://127.0.0.1:${port}/graphql`]]), internalSecret: SECRET, logger });
  });

  afterEach(async () => {
    await connections.dispose();
    for (const client of wss.clients) client.terminate();
    await new Promise((resolve) => wss.close(resolve));
    feeds.clear();
    sockets = 0;
    signedConnections.length = 0;
  });

  const subscribe = (from: number, sink: UpstreamSink) => connections.to('clock').subscribe({ query: 'subscription($from: Int!) { ticks(from: $from) }', variables: { from }, extensions: {} }, sink);

  it('carries every subscription over one signed socket and ends each on its own', async () => {
    const [a, b] = [new Recorder(), new Recorder()];
    const idA = subscribe(100, a);
    subscribe(200, b);
    await expect.poll(() => feeds.size).toBe(2);
    for (const push of feeds) push(1);
    await expect.poll(() => [a.values, b.values]).toEqual([[101], [201]]);
    expect(sockets).toBe(1);
    expect(signedConnections).toEqual([true]);

    connections.to('clock').unsubscribe(idA);
    await expect.poll(() => feeds.size).toBe(1); // the subgraph was told (complete)
    for (const push of feeds) push(2);
    await expect.poll(() => b.values).toEqual([201, 202]);
    expect(a.values).toEqual([101]);
    expect(a.completed || a.failure !== undefined).toBe(false);
  });

  it('passes the subgraph\'s refusal on as GraphQL errors, and its loss as the close', async () => {
    const refused = new Recorder();
    connections.to('clock').subscribe({ query: 'subscription { nope }', variables: {}, extensions: {} }, refused);
    await expect.poll(() => refused.failure).toBeDefined();
    expect((refused.failure as Array<{ message: string }>)[0]?.message).toMatch(/nope/);

    const running = new Recorder();
    subscribe(1, running);
    await expect.poll(() => feeds.size).toBe(1);
    for (const client of wss.clients) client.close(1012, 'Service restart');
    await expect.poll(() => running.failure).toEqual({ code: 1012, reason: 'Service restart' });

    // A new subscription opens a new socket (the executor resubscribes this way after a loss).
    const again = new Recorder();
    subscribe(5, again);
    await expect.poll(() => feeds.size).toBe(1);
    for (const push of feeds) push(1);
    await expect.poll(() => again.values).toEqual([6]);
    expect(sockets).toBe(2);
  });
});
