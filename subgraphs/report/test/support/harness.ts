// The report subgraph under test (test/support/subgraph-harness.ts starts it, signs identity,
// stands in for the services that send it events, and cleans up) with a storage folder of its own.
// Its copies read through to the owners (copies/read-through-parties.ts) before answering NOT_FOUND:
// tests that need an owner's answer pass real user and transaction subgraphs started first (port 0)
// as `owners`; without them the owners' URLs point nowhere and such a read fails closed.
import { SubgraphHarness, type Env } from '../../../../test/support/subgraph-harness.ts';
import type { TransactionHarness } from '../../../transaction/test/support/harness.ts';
import type { UserHarness } from '../../../user/test/support/harness.ts';
import { buildReportServer, type ReportServer } from '../../src/server.ts';
import { createDatabase, type ReportPrisma } from '../../src/database.ts';

export { admin, hex, onlyError, user, waitFor, type GraphQLResult } from '../../../../test/support/subgraph-harness.ts';

/** A tiny valid PNG (1×1). */
export const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d4948445200000001000000010806000000' + '1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082',
  'hex',
);

export class ReportHarness extends SubgraphHarness<ReportServer, ReportPrisma> {
  queries: string[] = [];

  constructor(
    extraEnv: Env = {},
    private readonly owners?: { user: UserHarness; transaction: TransactionHarness },
  ) {
    super('report', extraEnv, { database: createDatabase, localStorage: true });
    if (owners) this.sharingSecretsWith(owners.user);
  }

  protected override serviceEnv(): Env {
    // Read at start, when the owners (started before) have their real URLs. Port 9 (discard): nobody answers.
    if (this.owners && (!this.owners.user.url || !this.owners.transaction.url)) throw new Error('start the owners before the report subgraph');
    return {
      REPORT_USER_SUBGRAPH_URL: this.owners?.user.url ?? 'http://127.0.0.1:9/graphql',
      REPORT_TRANSACTION_SUBGRAPH_URL: this.owners?.transaction.url ?? 'http://127.0.0.1:9/graphql',
      REPORT_INTERNAL_READ_TIMEOUT_MS: '500',
    };
  }

  protected override buildServer(env: Env): Promise<ReportServer> {
    return buildReportServer(env, { onQuery: (sql) => this.queries.push(sql) });
  }

  /** Puts a file where an upload ticket points, as a browser would. */
  async upload(ticket: { url: string; headers: Record<string, string> }, body: Uint8Array): Promise<number> {
    const response = await this.send(ticket.url, { method: 'PUT', headers: ticket.headers, body });
    await response.arrayBuffer();
    return response.status;
  }
}

export const REPORT_FIELDS = 'id type status priority description reporter { id } target { id } product { id } transaction { id } evidence { key url contentType size } resolution sanction { type reason startsAt endsAt } createdAt updatedAt';
