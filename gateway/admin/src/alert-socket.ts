// The live feed's connection: the ADMIN `riskAlerts` subscription over graphql-ws on this gateway's
// /graphql, signed in with the moderator's access token. graphql-ws gives up for good on some
// close codes (the gateway closes with 4401 when the token expires), so reconnecting is done here:
// after any close or error the client is dropped and a new one made with a fresh token, waiting
// 1, 2, 4… up to 15 s. Each new connection is reported, so the screen can fetch what it missed.
import { createClient, type Client } from 'graphql-ws';
import { sessionToken } from './api.ts';
import { locale } from './i18n.ts';

export type FeedState = { kind: 'connecting' } | { kind: 'live' } | { kind: 'waiting'; seconds: number };

export interface AlertFeed {
  stop(): void;
}

const MAX_WAIT_SECONDS = 15;

export function subscribeAlerts<T>(query: string, variables: Record<string, unknown>, handlers: {
  onAlert(alert: T): void;
  onState(state: FeedState): void;
  /** Called on every (re)connection after the first: fetch what arrived while disconnected. */
  onReconnected(): void;
}): AlertFeed {
  const url = new URL('/graphql', window.location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  let stopped = false;
  let client: Client | undefined;
  let unsubscribe: (() => void) | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let failures = 0;
  let connections = 0;

  const connect = async () => {
    if (stopped) return;
    handlers.onState({ kind: 'connecting' });
    const token = await sessionToken();
    if (stopped) return;
    if (!token) return retry(); // run() elsewhere shows the sign-in page when the session is gone
    const current = createClient({
      url: url.href,
      lazy: false,
      retryAttempts: 0,
      connectionParams: { authorization: `Bearer ${token}`, 'accept-language': locale() },
      // A missing close reason is not an error here: the loop below reconnects.
      onNonLazyError: () => undefined,
      on: {
        connected: () => {
          failures = 0;
          connections += 1;
          handlers.onState({ kind: 'live' });
          if (connections > 1) handlers.onReconnected();
        },
        closed: () => {
          if (client === current) retry();
        },
      },
    });
    client = current;
    unsubscribe = current.subscribe<Record<string, T>>({ query, variables }, {
      next: (result) => {
        const alert = result.data ? Object.values(result.data)[0] : undefined;
        if (alert) handlers.onAlert(alert);
      },
      error: () => {
        if (client === current) retry();
      },
      complete: () => {
        if (client === current) retry();
      },
    });
  };

  const retry = () => {
    if (stopped || timer) return;
    const old = client;
    client = undefined;
    unsubscribe = undefined;
    void old?.dispose();
    const seconds = Math.min(MAX_WAIT_SECONDS, 2 ** failures);
    failures += 1;
    handlers.onState({ kind: 'waiting', seconds });
    timer = setTimeout(() => {
      timer = undefined;
      void connect();
    }, seconds * 1000);
  };

  void connect();
  return {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      unsubscribe?.();
      void client?.dispose();
      client = undefined;
    },
  };
}
