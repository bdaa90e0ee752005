// A member's graphql-ws connection through the gateway with one running subscription, watched for
// the moment and the way it closes: what the revocation tests (sign-out, password reset, session
// revoked, account deleted) check within seconds.
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export interface SocketClose {
  code: number;
  reason: string;
  /** Date.now() when the client saw the close. */
  at: number;
}

export interface WatchedSocket {
  client: Client;
  closed: Promise<SocketClose>;
  /** Errors the subscription received (a revoked operation is answered with one). */
  errors: unknown[];
}

/**
 * Opens a connection to `gatewayUrl` with the token, subscribes to `myRiskAlerts`, and resolves once
 * the gateway acknowledged it; rejects when the socket is closed at once. The caller disposes of
 * `client` (collect them in an array and dispose of them in afterAll).
 */
export async function watchedSocket(gatewayUrl: string, token: string): Promise<WatchedSocket> {
  let onClosed: (event: SocketClose) => void = () => undefined;
  const closed = new Promise<SocketClose>((resolve) => (onClosed = resolve));
  let onConnected: () => void = () => undefined;
  const connected = new Promise<void>((resolve) => (onConnected = resolve));
  const client = createClient({
    url: gatewayUrl.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams: { authorization: `Bearer ${token}` },
    on: {
      connected: () => onConnected(),
      closed: (event) => {
        // ws' CloseEvent keeps code and reason behind getters: read them, a spread would not copy them.
        const { code, reason } = event as { code: number; reason: string };
        onClosed({ code, reason, at: Date.now() });
      },
    },
  });
  const errors: unknown[] = [];
  client.subscribe({ query: 'subscription { myRiskAlerts { id } }' }, { next: () => undefined, error: (error) => void errors.push(error), complete: () => undefined });
  try {
    await Promise.race([connected, closed.then((event) => Promise.reject(new Error(`closed at once: ${event.code} ${event.reason}`)))]);
  } catch (error) {
    await client.dispose();
    throw error;
  }
  return { client, closed, errors };
}
