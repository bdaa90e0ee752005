// The monitor subgraph under test (test/support/subgraph-harness.ts starts it, signs identity,
// stands in for the services that send it events, and cleans up), plus graphql-ws subscriptions
// opened the way the gateway opens them: the signed identity in each subscription's extensions.
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { connectionTarget, IDENTITY_EXTENSION, signIdentityHeaders, subscribeTarget, type Identity } from '@anshim/platform';
import { randomUUID } from 'node:crypto';
import { SubgraphHarness, type Env } from '../../../../test/support/subgraph-harness.ts';
import { buildMonitorServer, type MonitorServer } from '../../src/server.ts';
import { createDatabase, type MonitorPrisma } from '../../src/database.ts';

export { admin, hex, onlyError, user, waitFor, type GraphQLResult } from '../../../../test/support/subgraph-harness.ts';

export class MonitorHarness extends SubgraphHarness<MonitorServer, MonitorPrisma> {
  private readonly clients: Client[] = [];

  constructor(extraEnv: Env = {}) {
    super('monitor', extraEnv, { database: createDatabase });
  }

  protected override buildServer(env: Env): Promise<MonitorServer> {
    return buildMonitorServer(env);
  }

  override async stop(): Promise<void> {
    for (const client of this.clients) await client.dispose();
    await super.stop();
  }

  /** A graphql-ws subscription as the gateway opens it (signed identity in the extensions). */
  subscribe<T = Record<string, any>>(query: string, as: Identity | null, variables: Record<string, unknown> = {}) {
    const secret = this.secrets.INTERNAL_SECRET;
    const connectionParams = () => ({ headers: signIdentityHeaders(secret, null, connectionTarget('monitor'), randomUUID()) });
    const client = createClient({ url: this.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, lazy: true, connectionParams });
    this.clients.push(client);
    const extensions = { [IDENTITY_EXTENSION]: signIdentityHeaders(secret, as, subscribeTarget('monitor', query, variables), randomUUID()) };
    return client.iterate<T>({ query, variables, extensions });
  }
}

export const ALERT_FIELDS = 'id level rule message subject { id } recipients { id } product { id } transaction { id } createdAt acknowledged';
