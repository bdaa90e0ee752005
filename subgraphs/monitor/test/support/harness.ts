// The monitor subgraph under test (test/support/subgraph-harness.ts starts it, signs identity,
// stands in for the services that send it events, opens graphql-ws subscriptions the way the
// gateway does, and cleans up).
import { SubgraphHarness, type Env } from '../../../../test/support/subgraph-harness.ts';
import { buildMonitorServer, type MonitorServer } from '../../src/server.ts';
import { createDatabase, type MonitorPrisma } from '../../src/database.ts';

export { admin, hex, onlyError, user, waitFor, type GraphQLResult } from '../../../../test/support/subgraph-harness.ts';

export class MonitorHarness extends SubgraphHarness<MonitorServer, MonitorPrisma> {
  constructor(extraEnv: Env = {}) {
    super('monitor', extraEnv, { database: createDatabase });
  }

  protected override buildServer(env: Env): Promise<MonitorServer> {
    return buildMonitorServer(env);
  }
}

export const ALERT_FIELDS = 'id level rule message subject { id } recipients { id } product { id } transaction { id } createdAt acknowledged';
