// Refills the projection from the owning services instead of events, for one user or for every
// user the projection knows (in pages), then recalculates them. A repair tool, never on a request
// path (ARCHITECTURE §1: a synchronous internal call only to repair or backfill a copy).
//
// Sources, each optional (a source not given keeps what events brought):
// - user: account age, verifications, profile completeness, status — public User fields, read
//   through the user subgraph's `_entities` with a signed internal ADMIN identity;
// - transaction, report, monitor: trades and ratings, reports and sanctions, risk signals — facts
//   that are not in the public API, read from each service's POST /internal/safety-inputs with a
//   signed service identity (packages/platform/src/internal.ts). Their answers replace the users'
//   rows of those facts, so facts an event never delivered appear and ones the owner no longer has go.
// - payment: not read. Releases through safe payment (escrow_releases, payment.released) are kept
//   apart from trade_facts and survive the refill: a release is final (RELEASED is terminal), so
//   the copy only grows, and each subscriber's durable queue delivers the event at least once. The
//   day payment answers /internal/safety-inputs, its answer replaces that table like the others.
import { randomUUID } from 'node:crypto';
import { callInternal, signIdentityHeaders, bodySha256, type Logger } from '@anshim/platform';
import {
  SAFETY_INPUTS_MAX_USERS,
  SAFETY_INPUTS_ROUTE,
  type ReportInputsAnswer,
  type RiskInputsAnswer,
  type TradeInputsAnswer,
} from '@anshim/contracts';
import type { UserSnapshot } from '../copies/user-inputs-repository.ts';
import type { SafetyCore } from '../safety-core.ts';

/** The identity the rebuild presents to other subgraphs: an ADMIN that is no person. */
export const SYSTEM_ADMIN = { userId: '00000000-0000-0000-0000-000000000000', role: 'ADMIN' as const };

const USERS_QUERY = `query($r: [_Any!]!) { _entities(representations: $r) {
  ... on User { id createdAt status statusUntil profileCompleteness verifications { method verifiedAt } } } }`;

export async function fetchUsers(url: string, internalSecret: string, ids: readonly string[]): Promise<UserSnapshot[]> {
  const requestId = randomUUID();
  const payload = JSON.stringify({ query: USERS_QUERY, variables: { r: ids.map((id) => ({ __typename: 'User', id })) } });
  const target = { method: 'POST', subgraph: 'user', path: new URL(url).pathname, bodySha256: bodySha256(payload) };
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...signIdentityHeaders(internalSecret, SYSTEM_ADMIN, target, requestId) },
    body: payload,
    signal: AbortSignal.timeout(15_000),
  });
  const body = (await response.json()) as { data?: { _entities: Array<UserSnapshot | null> }; errors?: unknown };
  if (!body.data) throw new Error(`user subgraph answered ${response.status}: ${JSON.stringify(body.errors)}`);
  return body.data._entities.filter((u): u is UserSnapshot => u !== null && typeof u === 'object' && 'id' in u);
}

/** Base URLs (or GraphQL URLs: only the origin counts for internal routes) of the owning services. */
export interface RebuildSources {
  user: string;
  transaction?: string;
  report?: string;
  monitor?: string;
}

export interface RebuildOptions {
  sources: RebuildSources;
  internalSecret: string;
  /** One user, or every user in the projection when absent. */
  userId?: string;
  batchSize?: number;
  logger?: Logger;
}

/** Returns how many users were refreshed from the owners and recalculated, and ids the user service does not know. */
export async function rebuildProjection(core: SafetyCore, options: RebuildOptions): Promise<{ rebuilt: number; missing: string[] }> {
  const batchSize = Math.min(options.batchSize ?? 100, SAFETY_INPUTS_MAX_USERS);
  const { sources, internalSecret } = options;
  const internal = <T>(target: 'transaction' | 'report' | 'monitor', ids: string[]) => {
    const url = sources[target];
    return url ? callInternal<T>(url, SAFETY_INPUTS_ROUTE, { caller: 'safety', target }, internalSecret, { userIds: ids }) : Promise.resolve(null);
  };
  const missing: string[] = [];
  let rebuilt = 0;
  let after: string | null = null;
  for (;;) {
    const ids: string[] = options.userId
      ? after === null ? [options.userId.toLowerCase()] : []
      : (await core.sql.$queryRawUnsafe<Array<{ user_id: string }>>(
          `SELECT user_id::text FROM user_inputs WHERE user_id > COALESCE($1::uuid, '00000000-0000-0000-0000-000000000000') ORDER BY user_id LIMIT $2`,
          after,
          batchSize,
        )).map((r) => r.user_id);
    if (ids.length === 0) break;
    after = ids.at(-1)!;
    const [users, trades, reports, risk] = await Promise.all([
      fetchUsers(sources.user, internalSecret, ids),
      internal<TradeInputsAnswer>('transaction', ids),
      internal<ReportInputsAnswer>('report', ids),
      internal<RiskInputsAnswer>('monitor', ids),
    ]);
    const found = new Set(users.map((u) => u.id));
    missing.push(...ids.filter((id) => !found.has(id)));
    const known = ids.filter((id) => found.has(id));
    const at = new Date();
    const results = await core.sql.$transaction(async (tx) => {
      await core.inputs.lockUsers(tx, known);
      for (const user of users) await core.copies.users.replace(tx, user, at);
      if (trades) {
        await core.copies.trades.replace(tx, known, trades);
        await core.copies.products.addMissing(tx, known, trades.products);
      }
      if (reports) await core.copies.reports.replace(tx, known, reports);
      if (risk) await core.copies.risk.replace(tx, known, { users: risk.users.filter((u) => found.has(u.userId)) });
      return core.recalculator.recalculate(tx, known, { type: 'admin.rebuild', eventId: null }, { mode: 'always', now: at });
    });
    await core.published(results);
    // Copies the rebuild may have added: their listings' cached safety panels (docs/caching.md).
    const mine = new Set(known);
    if (trades) await core.productCopiesChanged(trades.products.filter((p) => mine.has(p.sellerId)));
    rebuilt += known.length;
    options.logger?.info({ rebuilt, missing: missing.length }, 'rebuild progress');
  }
  return { rebuilt, missing };
}
