// One member's subscription through a gateway, collecting what it pushes, so a test can wait for
// the event it expects (no blind sleep).
import { createClient, type Client, type ExecutionResult } from 'graphql-ws';
import WebSocket from 'ws';
import { waitFor } from './gateway-client.ts';

export interface SubscriptionFeed<T> {
  client: Client;
  events: Array<ExecutionResult<T>>;
  /** The first event (already pushed or still to come) that `match` accepts. */
  next(match: (event: ExecutionResult<T>) => boolean, timeoutMs?: number): Promise<ExecutionResult<T>>;
  dispose(): Promise<void>;
}

/** Opens a graphql-ws connection to `gatewayUrl` (no retries: a refusal must surface) and subscribes. */
export function subscriptionFeed<T>(gatewayUrl: string, token: string, query: string, variables: Record<string, unknown> = {}): SubscriptionFeed<T> {
  const client = createClient({ url: gatewayUrl.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { authorization: `Bearer ${token}` } });
  const events: Array<ExecutionResult<T>> = [];
  client.subscribe<T>(
    { query, variables },
    {
      next: (value) => void events.push(value as ExecutionResult<T>),
      error: (error) => void events.push({ errors: (Array.isArray(error) ? error : [error]) as never }),
      complete: () => undefined,
    },
  );
  return {
    client,
    events,
    next: (match, timeoutMs = 15_000) => waitFor('a subscription event', async () => events.find(match), timeoutMs),
    dispose: () => client.dispose() as Promise<void>,
  };
}
