// The ADMIN queue as the console reads it, against real PostgreSQL in a database of this file's own
// (its counts cover every report): keyset pages in the queue's order (URGENT, HIGH, NORMAL, then
// oldest, then id; decided reports newest decision first) with a type filter, counts per status/type/priority from the database, the
// dashboard's reports per type and outcome, Report.reviewer for ADMINs only, and the refusals: a
// member gets FORBIDDEN from every one of these fields, a bad cursor or page size BAD_USER_INPUT.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ownDatabase, type OwnDatabase } from '../../../test/support/own-database.ts';
import { admin, onlyError, ReportHarness, user } from './support/harness.ts';

let db: OwnDatabase;
let h: ReportHarness;
beforeAll(async () => {
  db = await ownDatabase('report_queue', ['user', 'report']);
  h = new ReportHarness({ DATABASE_URL: db.databaseUrl });
  await h.start();
}, 120_000);
afterAll(async () => {
  await h?.stop();
  await db?.drop();
});

type Row = { type: string; priority: string; status: string; minutesAgo: number; decidedMinutesAgo?: number };
const moderator = admin();

/** Stores reports as filing would have (the queue only reads them); returns their ids in insertion order. */
async function seed(rows: Row[]): Promise<string[]> {
  const ids: string[] = [];
  const now = Date.now();
  for (const row of rows) {
    const id = randomUUID();
    await h.prisma.report.create({
      data: {
        id,
        reporterId: randomUUID(),
        targetUserId: randomUUID(),
        type: row.type as never,
        priority: row.priority as never,
        status: row.status as never,
        description: '판매자가 돈만 받고 연락이 끊겼어요.',
        reviewerId: row.status === 'RECEIVED' ? null : moderator.userId,
        createdAt: new Date(now - row.minutesAgo * 60_000),
        processedAt: row.decidedMinutesAgo === undefined ? null : new Date(now - row.decidedMinutesAgo * 60_000),
      },
      select: { id: true },
    });
    ids.push(id);
  }
  return ids;
}

const PAGE = `query($status: ReportStatus, $type: ReportType, $first: Int, $after: ID) { reports(status: $status, type: $type, first: $first, after: $after) { id type priority createdAt reviewer { id } } }`;
const COUNTS = `query($status: ReportStatus, $type: ReportType) { reportCounts(status: $status, type: $type) { total byStatus { status count } byType { type count } byPriority { priority count } } }`;
const OUTCOMES = `query($days: Int) { reportOutcomes(days: $days) { type status count } }`;

let ids: string[] = [];
beforeAll(async () => {
  // Same createdAt for two URGENT reports: the id breaks the tie, so pages never skip or repeat one.
  ids = await seed([
    { type: 'NO_SHOW', priority: 'NORMAL', status: 'RECEIVED', minutesAgo: 500 },
    { type: 'FRAUD', priority: 'URGENT', status: 'RECEIVED', minutesAgo: 30 },
    { type: 'FRAUD', priority: 'HIGH', status: 'RECEIVED', minutesAgo: 400 },
    { type: 'FRAUD', priority: 'URGENT', status: 'RECEIVED', minutesAgo: 30 },
    { type: 'HARASSMENT', priority: 'HIGH', status: 'IN_REVIEW', minutesAgo: 100 },
    { type: 'FRAUD', priority: 'NORMAL', status: 'ACTION_TAKEN', minutesAgo: 3 * 24 * 60 },
    { type: 'FRAUD', priority: 'NORMAL', status: 'DISMISSED', minutesAgo: 40 * 24 * 60 },
  ]);
}, 60_000);

describe('reports: pages in the queue order', () => {
  it('walks every report exactly once, two at a time, URGENT → HIGH → NORMAL then oldest first; type narrows', async () => {
    const seen: Array<{ id: string; priority: string }> = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page++) {
      const rows: Array<{ id: string; priority: string }> = (await h.ok(PAGE, { first: 2, after }, { identity: moderator })).reports;
      seen.push(...rows);
      if (rows.length < 2) break;
      after = rows.at(-1)!.id;
    }
    const urgent = [ids[1]!, ids[3]!].sort();
    expect(seen.map((r) => r.id)).toEqual([...urgent, ids[2], ids[4], ids[6], ids[5], ids[0]]);

    const fraudReceived = (await h.ok(PAGE, { status: 'RECEIVED', type: 'FRAUD', first: 20 }, { identity: moderator })).reports;
    expect(fraudReceived.map((r: { id: string }) => r.id)).toEqual([...urgent, ids[2]]);
    const next = (await h.ok(PAGE, { status: 'RECEIVED', type: 'FRAUD', first: 1, after: urgent[1] }, { identity: moderator })).reports;
    expect(next.map((r: { id: string }) => r.id)).toEqual([ids[2]]);
    // The old signature still works: reports(status, first).
    expect((await h.ok(`{ reports(status: IN_REVIEW, first: 5) { id } }`, {}, { identity: moderator })).reports).toEqual([{ id: ids[4] }]);
  });

  it('refuses a cursor that is not a report and a page size outside 1–100 with BAD_USER_INPUT, naming the field', async () => {
    for (const after of ['not-a-cursor', randomUUID()]) {
      const error = onlyError(await h.gql(PAGE, { after }, { identity: moderator, lang: 'en' }));
      expect(error).toMatchObject({ code: 'BAD_USER_INPUT', message: expect.stringMatching(/place to continue/) });
      expect(error.extensions.fields).toEqual([{ field: 'after', reason: 'unknownReport' }]);
    }
    for (const first of [0, 101, -1]) {
      expect(onlyError(await h.gql(PAGE, { first }, { identity: moderator })).extensions.fields[0]).toMatchObject({ field: 'first', reason: 'outOfRange' });
    }
  });
});

describe('reportCounts and reportOutcomes', () => {
  it('counts per status (for the type), per type (for the status) and per priority (for both), zeros listed', async () => {
    const all = (await h.ok(COUNTS, {}, { identity: moderator })).reportCounts;
    expect(all.total).toBe(7);
    expect(all.byStatus).toEqual([
      { status: 'RECEIVED', count: 4 },
      { status: 'IN_REVIEW', count: 1 },
      { status: 'ACTION_TAKEN', count: 1 },
      { status: 'DISMISSED', count: 1 },
    ]);
    expect(all.byType).toHaveLength(7);
    expect(all.byType.find((t: { type: string }) => t.type === 'COUNTERFEIT')).toEqual({ type: 'COUNTERFEIT', count: 0 });

    const received = (await h.ok(COUNTS, { status: 'RECEIVED', type: 'FRAUD' }, { identity: moderator })).reportCounts;
    expect(received.total).toBe(3);
    // byStatus: FRAUD in every status; byType: every type RECEIVED; byPriority: FRAUD and RECEIVED.
    expect(received.byStatus.map((s: { count: number }) => s.count)).toEqual([3, 0, 1, 1]);
    expect(received.byType.filter((t: { count: number }) => t.count > 0)).toEqual([
      { type: 'FRAUD', count: 3 },
      { type: 'NO_SHOW', count: 1 },
    ]);
    expect(received.byPriority).toEqual([
      { priority: 'URGENT', count: 2 },
      { priority: 'HIGH', count: 1 },
      { priority: 'NORMAL', count: 0 },
    ]);
  });

  it('reportOutcomes counts what was filed in the window per type and status; days outside 1–90 is BAD_USER_INPUT', async () => {
    const pairs = (await h.ok(OUTCOMES, { days: 7 }, { identity: moderator })).reportOutcomes as Array<{ type: string; status: string; count: number }>;
    expect(pairs).toHaveLength(7 * 4);
    const count = (type: string, status: string) => pairs.find((p) => p.type === type && p.status === status)!.count;
    expect(count('FRAUD', 'RECEIVED')).toBe(3);
    expect(count('FRAUD', 'ACTION_TAKEN')).toBe(1);
    expect(count('FRAUD', 'DISMISSED')).toBe(0); // filed 40 days ago: outside a 7-day window
    const ninety = (await h.ok(OUTCOMES, { days: 90 }, { identity: moderator })).reportOutcomes as typeof pairs;
    expect(ninety.reduce((sum, p) => sum + p.count, 0)).toBe(7);
    for (const days of [0, 91, -5]) {
      expect(onlyError(await h.gql(OUTCOMES, { days }, { identity: moderator })).extensions.fields[0]).toMatchObject({ field: 'days', reason: 'outOfRange' });
    }
  });
});

describe('ADMIN only', () => {
  it('a member gets FORBIDDEN from reports, reportCounts and reportOutcomes, and never sees a reviewer', async () => {
    const member = user();
    for (const query of [PAGE, COUNTS, OUTCOMES]) expect(onlyError(await h.gql(query, {}, { identity: member })).code).toBe('FORBIDDEN');
    expect(onlyError(await h.gql(COUNTS, {}, {})).code).toBe('UNAUTHENTICATED');

    // The reported member opens their report: the moderator who handles it stays unnamed.
    const target = await h.prisma.report.findUniqueOrThrow({ where: { id: ids[4] }, select: { targetUserId: true } });
    const asTarget = (await h.ok(`query($id: ID!) { report(id: $id) { id status reviewer { id } } }`, { id: ids[4] }, { identity: { userId: target.targetUserId, role: 'USER' } })).report;
    expect(asTarget).toEqual({ id: ids[4], status: 'IN_REVIEW', reviewer: null });
    const asAdmin = (await h.ok(PAGE, { status: 'IN_REVIEW' }, { identity: moderator })).reports;
    expect(asAdmin[0].reviewer).toEqual({ id: moderator.userId });
    expect((await h.ok(PAGE, { status: 'RECEIVED', first: 1 }, { identity: moderator })).reports[0].reviewer).toBeNull();
  });
});

describe('the audited claim', () => {
  it('writes the audit row and report.admin_action_audited (same id) in one transaction, for the console’s one audit log', async () => {
    const [id] = await seed([{ type: 'OTHER', priority: 'NORMAL', status: 'RECEIVED', minutesAgo: 1 }]);
    const claimant = admin();
    await h.ok(`mutation($id: ID!) { startReview(id: $id) { id } }`, { id }, { identity: claimant });
    const row = await h.prisma.auditEntry.findFirstOrThrow({ where: { subjectId: id, action: 'report.review_started' }, select: { id: true, actorId: true } });
    const events = await h.prisma.outboxEvent.findMany({ where: { type: 'report.admin_action_audited' }, select: { payload: true } });
    const sent = events.map((event) => (event.payload as { data: Record<string, unknown> }).data).filter((data) => data.subjectId === id);
    expect(sent).toEqual([expect.objectContaining({ auditId: row.id, actorId: claimant.userId, action: 'report.review_started', details: { before: { status: 'RECEIVED' }, after: { status: 'IN_REVIEW' } } })]);
  });
});

describe('decided reports: newest decision first', () => {
  it('pages ACTION_TAKEN and DISMISSED by decidedAt, newest first whatever the priority, ties by id; open ones keep the urgency order', async () => {
    // COUNTERFEIT only here, so the type filter isolates these from the reports above.
    const rows = await seed([
      { type: 'COUNTERFEIT', priority: 'URGENT', status: 'ACTION_TAKEN', minutesAgo: 600, decidedMinutesAgo: 300 },
      { type: 'COUNTERFEIT', priority: 'NORMAL', status: 'ACTION_TAKEN', minutesAgo: 900, decidedMinutesAgo: 10 },
      { type: 'COUNTERFEIT', priority: 'HIGH', status: 'ACTION_TAKEN', minutesAgo: 50, decidedMinutesAgo: 45 },
      { type: 'COUNTERFEIT', priority: 'NORMAL', status: 'ACTION_TAKEN', minutesAgo: 70, decidedMinutesAgo: 45 },
      { type: 'COUNTERFEIT', priority: 'URGENT', status: 'DISMISSED', minutesAgo: 800, decidedMinutesAgo: 700 },
      { type: 'COUNTERFEIT', priority: 'NORMAL', status: 'DISMISSED', minutesAgo: 30, decidedMinutesAgo: 5 },
      { type: 'COUNTERFEIT', priority: 'NORMAL', status: 'RECEIVED', minutesAgo: 20 },
      { type: 'COUNTERFEIT', priority: 'URGENT', status: 'IN_REVIEW', minutesAgo: 15 },
    ]);
    const DECIDED = `query($status: ReportStatus, $after: ID) { reports(status: $status, type: COUNTERFEIT, first: 2, after: $after) { id decidedAt } }`;
    const walk = async (status: string) => {
      const seen: Array<{ id: string; decidedAt: string | null }> = [];
      let after: string | null = null;
      for (let page = 0; page < 10; page++) {
        const got: typeof seen = (await h.ok(DECIDED, { status, after }, { identity: moderator })).reports;
        seen.push(...got);
        if (got.length < 2) break;
        after = got.at(-1)!.id;
      }
      return seen;
    };
    const tied = [rows[2]!, rows[3]!].sort().reverse(); // the same decision time: higher id first (id DESC)
    const accepted = await walk('ACTION_TAKEN');
    expect(accepted.map((r) => r.id)).toEqual([rows[1], ...tied, rows[0]]);
    expect(accepted[0]!.decidedAt).toEqual(expect.any(String));
    expect(new Date(accepted[0]!.decidedAt!).getTime()).toBeGreaterThan(new Date(accepted[3]!.decidedAt!).getTime());
    expect((await walk('DISMISSED')).map((r) => r.id)).toEqual([rows[5], rows[4]]);

    // Open statuses, and all statuses together, stay most urgent first, then oldest; decidedAt is null while open.
    const open = (await h.ok(`{ reports(type: COUNTERFEIT, first: 20) { id status decidedAt } }`, {}, { identity: moderator })).reports as Array<{ id: string; status: string; decidedAt: string | null }>;
    expect(open.map((r) => r.id)).toEqual([rows[4], rows[0], rows[7], rows[2], rows[1], rows[3], rows[5], rows[6]]);
    expect(open.find((r) => r.id === rows[6])!.decidedAt).toBeNull();
    expect((await h.ok(`{ reports(status: IN_REVIEW, type: COUNTERFEIT) { id } }`, {}, { identity: moderator })).reports).toEqual([{ id: rows[7] }]);
  });
});
