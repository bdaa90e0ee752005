// What the demo marketplace looks like, read back through the gateway as the admin: each
// member's listings, trades and alerts (the seed's idempotency checks use the same view), the
// grades once the score workers caught up, and the counts `npm run seed` prints.
import { inPool, type SeedClient } from './seed-client.ts';
import type { Grade, ReportStatus, TradeStatus } from './seed-plan.ts';

export interface MemberInventory {
  products: Array<{ id: string; title: string; status: string }>;
  transactions: Array<{ id: string; status: TradeStatus; productId: string; buyerId: string }>;
  alerts: Array<{ id: string; level: string; rule: string }>;
}

export interface Inventory {
  byUser: Map<string, MemberInventory>;
}

export interface MarketplaceSummary {
  users: number;
  usersByGrade: Record<Grade, number>;
  /** Members whose grade is not the one their role was built for (should be empty). */
  unexpectedGrades: number;
  products: number;
  productsByStatus: Record<string, number>;
  trades: number;
  tradesByStatus: Record<TradeStatus, number>;
  reports: number;
  reportsByStatus: Record<ReportStatus, number>;
  alerts: number;
  alertsByRule: Record<string, number>;
}

export const GRADES: Grade[] = ['VERY_SAFE', 'SAFE', 'NORMAL', 'CAUTION', 'DANGER'];
const TRADE_STATUSES: TradeStatus[] = ['REQUESTED', 'ACCEPTED', 'COMPLETED', 'CANCELLED', 'DISPUTED'];
const REPORT_STATUSES: ReportStatus[] = ['RECEIVED', 'IN_REVIEW', 'ACTION_TAKEN', 'DISMISSED'];

const MEMBER = `query SeedMember($id: ID!) {
  user(id: $id) {
    products(first: 100) { id title status }
    transactions(first: 100) { id status product { id } buyer { id } }
  }
  riskAlerts(userId: $id, first: 100) { id level rule }
}`;

/** Every member's listings, trades and alerts (admin view: hidden listings and all trades included). */
export async function collectInventory(client: SeedClient, admin: string, userIds: string[], pool: number): Promise<Inventory> {
  const byUser = new Map<string, MemberInventory>();
  await inPool(userIds, pool, async (id) => {
    const data = await client.call<{
      user: { products: MemberInventory['products']; transactions: Array<{ id: string; status: TradeStatus; product: { id: string }; buyer: { id: string } }> } | null;
      riskAlerts: MemberInventory['alerts'];
    }>('member inventory', MEMBER, { id }, admin);
    byUser.set(id, {
      products: data.user?.products ?? [],
      transactions: (data.user?.transactions ?? []).map((t) => ({ id: t.id, status: t.status, productId: t.product.id, buyerId: t.buyer.id })),
      alerts: data.riskAlerts,
    });
  });
  return { byUser };
}

/** Every member's current grade, 20 per request. */
async function readGrades(client: SeedClient, admin: string, ids: string[]): Promise<Map<string, Grade>> {
  const grades = new Map<string, Grade>();
  for (let from = 0; from < ids.length; from += 20) {
    const chunk = ids.slice(from, from + 20);
    const query = `query SeedGrades { ${chunk.map((id, i) => `u${i}: user(id: ${JSON.stringify(id)}) { safetyScore { grade } }`).join(' ')} }`;
    const data = await client.call<Record<string, { safetyScore: { grade: Grade } } | null>>('grades', query, {}, admin);
    chunk.forEach((id, i) => {
      const grade = data[`u${i}`]?.safetyScore.grade;
      if (grade) grades.set(id, grade);
    });
  }
  return grades;
}

/**
 * Waits until the score workers processed the seed's events: every member at the grade their
 * role was built for, or — when something outside the plan moved a score (other data in the
 * same database) — grades that stopped changing for 5 s with every grade present.
 */
export async function waitForGrades(
  client: SeedClient,
  admin: string,
  expected: Map<string, Grade>,
  options: { timeoutMs: number; log: (line: string) => void },
): Promise<Map<string, Grade>> {
  const ids = [...expected.keys()];
  const deadline = Date.now() + options.timeoutMs;
  let last = '';
  let stableSince = Date.now();
  for (;;) {
    const grades = await readGrades(client, admin, ids);
    const off = ids.filter((id) => grades.get(id) !== expected.get(id)).length;
    if (off === 0) return grades;
    const fingerprint = ids.map((id) => grades.get(id) ?? '-').join(',');
    if (fingerprint !== last) {
      last = fingerprint;
      stableSince = Date.now();
    }
    const allPresent = GRADES.every((g) => [...grades.values()].includes(g));
    if (allPresent && Date.now() - stableSince >= 5_000) {
      options.log(`${off} member(s) settled on a grade other than planned (other data in this database moved their scores)`);
      return grades;
    }
    if (Date.now() > deadline) {
      options.log(`the score workers did not catch up within ${Math.round(options.timeoutMs / 1000)} s: ${off} member(s) not at their planned grade yet (is the safety worker running?)`);
      return grades;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

const tally = <K extends string>(keys: readonly K[], values: Iterable<string>): Record<K, number> => {
  const out = Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
  for (const v of values) out[v as K] = (out[v as K] ?? 0) + 1;
  return out;
};

const REPORTS = `query SeedReportCount($status: ReportStatus!) { reports(status: $status, first: 100) { id reporter { id } } }`;

/** The counts the seed prints, over the demo members only (the admin and other accounts left out). */
export async function summarize(
  client: SeedClient,
  admin: string,
  inventory: Inventory,
  grades: Map<string, Grade>,
  expected: Map<string, Grade>,
  memberIds: Set<string>,
): Promise<MarketplaceSummary> {
  const products = [...inventory.byUser.values()].flatMap((m) => m.products);
  const trades = new Map<string, TradeStatus>();
  const alerts = new Map<string, string>();
  for (const m of inventory.byUser.values()) {
    for (const t of m.transactions) trades.set(t.id, t.status);
    for (const a of m.alerts) alerts.set(a.id, a.rule);
  }
  const reports: ReportStatus[] = [];
  for (const status of REPORT_STATUSES) {
    const listed = await client.call<{ reports: Array<{ id: string; reporter: { id: string } }> }>('reports', REPORTS, { status }, admin);
    for (const r of listed.reports) if (memberIds.has(r.reporter.id)) reports.push(status);
  }
  const rules = [...new Set(alerts.values())].sort();
  return {
    users: memberIds.size,
    usersByGrade: tally(GRADES, [...memberIds].map((id) => grades.get(id)).filter((g): g is Grade => Boolean(g))),
    unexpectedGrades: [...memberIds].filter((id) => grades.get(id) !== expected.get(id)).length,
    products: products.length,
    productsByStatus: tally(['ON_SALE', 'RESERVED', 'SOLD', 'HIDDEN'], products.map((p) => p.status)),
    trades: trades.size,
    tradesByStatus: tally(TRADE_STATUSES, trades.values()),
    reports: reports.length,
    reportsByStatus: tally(REPORT_STATUSES, reports),
    alerts: alerts.size,
    alertsByRule: tally(rules, alerts.values()),
  };
}
