// The report subgraph against real PostgreSQL, Redis and local storage, on port 0, with signed
// identity headers: filing with evidence, every bad input of issue 5 (a code, nothing written),
// the review workflow with its audit log and events, sanctions and their end, _entities.
import { randomUUID } from 'node:crypto';
import { LocalStorageDriver } from '@anshim/platform/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin, onlyError, PNG, REPORT_FIELDS, ReportHarness, user, waitFor } from './support/harness.ts';
import { TransactionHarness } from '../../transaction/test/support/harness.ts';
import { UserHarness } from '../../user/test/support/harness.ts';

// Unknown targets, products and trades are NOT_FOUND only when their owners say so too: real user
// and transaction subgraphs, started first on port 0 (copies/read-through-parties.ts).
const userOwner = new UserHarness();
const transactionOwner = new TransactionHarness({}, userOwner);
const h = new ReportHarness({}, { user: userOwner, transaction: transactionOwner });
beforeAll(async () => {
  await userOwner.start();
  await transactionOwner.start();
  await h.start();
});
afterAll(async () => {
  await h.stop();
  await transactionOwner.stop();
  await userOwner.stop();
});

const FILE = `mutation($input: FileReportInput!) { fileReport(input: $input) { ${REPORT_FIELDS} } }`;
const UPLOAD = `mutation($contentType: String!, $size: Int!) { createEvidenceUpload(contentType: $contentType, size: $size) { key url headers expiresAt maxBytes } }`;
const START = `mutation($id: ID!) { startReview(id: $id) { id status } }`;
const PROCESS = `mutation($id: ID!, $input: ProcessReportInput!) { processReport(id: $id, input: $input) { ${REPORT_FIELDS} } }`;
const REPORT = `query($id: ID!) { report(id: $id) { id status description target { id } evidence { key url } } }`;
const description = '입금했는데 물건을 보내지 않고 연락이 끊겼어요.';

/** Reports filed by or about these members (never the whole table: the report test files run side by side). */
async function reportCount(...members: Array<{ userId: string }>): Promise<number> {
  const ids = members.map((m) => m.userId);
  return h.prisma.report.count({ where: { OR: [{ reporterId: { in: ids } }, { targetUserId: { in: ids } }] } });
}

async function uploadEvidence(as: ReturnType<typeof user>, body: Uint8Array = PNG, contentType = 'image/png'): Promise<string> {
  const { createEvidenceUpload: ticket } = await h.ok(UPLOAD, { contentType, size: body.length }, { identity: as });
  expect(await h.upload(ticket, body)).toBe(200);
  return ticket.key;
}

async function file(as: ReturnType<typeof user>, input: Record<string, unknown>) {
  return (await h.ok(FILE, { input }, { identity: as })).fileReport;
}

describe('filing a report', () => {
  it('files a FRAUD report with a PNG; the reporter and admins get a signed URL, the target neither it nor the reporter', async () => {
    const buyer = user();
    const seller = user();
    await h.known(buyer, seller);
    const key = await uploadEvidence(buyer);
    const report = await file(buyer, { targetUserId: seller.userId, type: 'FRAUD', description, evidenceKeys: [key] });
    expect(report).toMatchObject({ type: 'FRAUD', status: 'RECEIVED', priority: 'HIGH', reporter: { id: buyer.userId }, target: { id: seller.userId }, resolution: null, sanction: null });
    expect(report.evidence).toEqual([{ key, url: expect.any(String), contentType: 'image/png', size: PNG.length }]);

    // The reporter's URL opens the file; the same URL with a changed signature does not; a bare path does not.
    const url = new URL(report.evidence[0].url);
    const got = await h.send(url.href);
    expect(got.status).toBe(200);
    expect(Buffer.from(await got.arrayBuffer()).equals(PNG)).toBe(true);
    const expires = Number(url.searchParams.get('expires') ?? url.searchParams.get('e') ?? NaN);
    if (Number.isFinite(expires)) expect(expires * (expires < 1e12 ? 1000 : 1)).toBeLessThanOrEqual(Date.now() + 301_000);
    const forged = new URL(url);
    for (const [name, value] of forged.searchParams) if (value.length > 20) forged.searchParams.set(name, value.slice(0, -2) + (value.endsWith('AA') ? 'BB' : 'AA'));
    expect((await h.send(forged.href)).status).toBe(403);
    expect((await h.send(`${url.origin}${url.pathname}`)).status).toBe(403);

    const asAdmin = (await h.ok(REPORT, { id: report.id }, { identity: admin() })).report;
    expect(asAdmin.evidence).toHaveLength(1);
    // The reported user sees the report but no evidence, and never who filed it.
    const asTarget = (await h.ok(REPORT, { id: report.id }, { identity: seller })).report;
    expect(asTarget).toMatchObject({ id: report.id, evidence: [] });
    const reporterHidden = await h.gql(`query($id: ID!) { report(id: $id) { reporter { id } } }`, { id: report.id }, { identity: seller });
    expect(onlyError(reporterHidden).code).toBe('FORBIDDEN');
    // Anyone else: nothing.
    expect((await h.ok(REPORT, { id: report.id }, { identity: user() })).report).toBeNull();

    // report.filed is in the outbox, with the report's priority.
    const filed = await h.prisma.outboxEvent.findMany({ where: { type: 'report.filed' }, select: { payload: true, priority: true } });
    expect(filed.find((e) => (e.payload as any).data.reportId === report.id)).toBeTruthy();
  });

  it('gives URGENT priority (sent with high priority) to threats, and lists the admin queue most urgent first', async () => {
    const a = user();
    const b = user();
    const c = user();
    await h.known(a, b, c);
    const normal = await file(a, { targetUserId: b.userId, type: 'NO_SHOW', description: '약속 장소에 두 번이나 나오지 않았습니다.' });
    const urgent = await file(c, { targetUserId: b.userId, type: 'NO_SHOW', description: '거래를 취소하니 집 앞에 찾아가겠다고 협박했어요.' });
    const harassment = await file(a, { targetUserId: b.userId, type: 'HARASSMENT', description: '밤마다 계속 메시지를 보내고 있어요.' });
    expect([normal.priority, urgent.priority, harassment.priority]).toEqual(['NORMAL', 'URGENT', 'URGENT']);
    const row = await h.prisma.outboxEvent.findMany({ where: { type: 'report.filed' }, select: { payload: true, priority: true } });
    expect(row.find((e) => (e.payload as any).data.reportId === urgent.id)!.priority).toBe(1);
    expect(row.find((e) => (e.payload as any).data.reportId === normal.id)!.priority).toBe(5);

    const { reports } = await h.ok(`{ reports(status: RECEIVED, first: 100) { id priority createdAt } }`, {}, { identity: admin() });
    const ranks = reports.map((r: { priority: string }) => ['URGENT', 'HIGH', 'NORMAL'].indexOf(r.priority));
    expect(ranks).toEqual([...ranks].sort((x, y) => x - y));
    const mine = reports.filter((r: { id: string }) => [normal.id, urgent.id, harassment.id].includes(r.id)).map((r: { id: string }) => r.id);
    expect(mine).toEqual([urgent.id, harassment.id, normal.id]);
    expect(onlyError(await h.gql(`{ reports { id } }`, {}, { identity: a })).code).toBe('FORBIDDEN');
  });

  it('keeps copies of products and trades from transaction events and checks reports against them', async () => {
    const buyer = user();
    const seller = user();
    const stranger = user();
    await h.known(stranger);
    const productId = randomUUID();
    const transactionId = randomUUID();
    const at = new Date().toISOString();
    // Buyer and seller are never registered here: people seen in trades are known too.
    await h.processed(
      await h.publish({ type: 'product.created', producer: 'transaction', subjectUserId: seller.userId, data: { productId, sellerId: seller.userId, title: '아이패드', price: 300000, category: 'digital', region: null, createdAt: at } }),
    );
    await h.processed(
      await h.publish({ type: 'transaction.requested', producer: 'transaction', subjectUserId: buyer.userId, data: { transactionId, productId, buyerId: buyer.userId, sellerId: seller.userId, amount: 300000, by: buyer.userId, at } }),
    );
    const report = await file(buyer, { targetUserId: seller.userId, type: 'COUNTERFEIT', description: '정품이라고 했는데 가품이 왔어요.', productId, transactionId });
    expect(report).toMatchObject({ product: { id: productId }, transaction: { id: transactionId } });

    const before = await reportCount(stranger, buyer, seller);
    // A trade the reporter had no part in.
    expect(onlyError(await h.gql(FILE, { input: { targetUserId: seller.userId, type: 'FRAUD', description, transactionId } }, { identity: stranger })).code).toBe('BAD_USER_INPUT');
    // The seller's product, reported as someone else's.
    expect(onlyError(await h.gql(FILE, { input: { targetUserId: stranger.userId, type: 'FRAUD', description, productId } }, { identity: buyer })).code).toBe('BAD_USER_INPUT');
    expect(await reportCount(stranger, buyer, seller)).toBe(before);
  });

  it('refuses every bad input with a code and writes nothing', async () => {
    const me = user();
    const other = user();
    const third = user();
    await h.known(me, other, third);
    const otherKey = await uploadEvidence(other);
    const base = { targetUserId: other.userId, type: 'FRAUD', description };
    const storage = new LocalStorageDriver({ root: h.storageDir, publicBaseUrl: () => h.url, signingSecret: 'unused', publicNamespaces: [] });
    const tamperedKey = await uploadEvidence(me);
    await storage.write(tamperedKey, Buffer.from('%PDF-1.7 not a png at all'));

    const cases: Array<[string, Record<string, unknown>, string, string?]> = [
      ['self-report', { ...base, targetUserId: me.userId }, 'BAD_USER_INPUT'],
      ['unknown target', { ...base, targetUserId: randomUUID() }, 'NOT_FOUND'],
      ['target id that is not an id', { ...base, targetUserId: 'nobody' }, 'NOT_FOUND'],
      ['unknown product', { ...base, productId: randomUUID() }, 'NOT_FOUND'],
      ['unknown transaction', { ...base, transactionId: randomUUID() }, 'NOT_FOUND'],
      ['description too short', { ...base, description: '사기에요' }, 'BAD_USER_INPUT'],
      ['description of spaces', { ...base, description: ' '.repeat(50) }, 'BAD_USER_INPUT'],
      ['description too long', { ...base, description: '가'.repeat(2001) }, 'BAD_USER_INPUT'],
      ['evidence never uploaded', { ...base, evidenceKeys: [`evidence/${me.userId}/${randomUUID()}.png`] }, 'BAD_USER_INPUT', 'notUploaded'],
      ['evidence of another user', { ...base, evidenceKeys: [otherKey] }, 'BAD_USER_INPUT', 'notYours'],
      ['made-up evidence key', { ...base, evidenceKeys: ['../../etc/passwd'] }, 'BAD_USER_INPUT', 'notYours'],
      ['tampered evidence', { ...base, evidenceKeys: [tamperedKey] }, 'BAD_USER_INPUT', 'contentMismatch'],
      ['too many evidence files', { ...base, evidenceKeys: Array.from({ length: 11 }, () => `evidence/${me.userId}/${randomUUID()}.png`) }, 'BAD_USER_INPUT', 'tooMany'],
    ];
    const before = await reportCount(me, other, third);
    for (const [name, input, code, reason] of cases) {
      const error = onlyError(await h.gql(FILE, { input }, { identity: me }));
      expect({ name, code: error.code }).toEqual({ name, code });
      if (reason) expect(JSON.stringify(error.extensions.fields)).toContain(reason);
      expect(error.message).toMatch(/[가-힣]/);
    }
    expect(onlyError(await h.gql(FILE, { input: base }, { identity: null })).code).toBe('UNAUTHENTICATED');
    expect(await reportCount(me, other, third)).toBe(before);

    // English on request.
    const en = await h.gql(FILE, { input: { ...base, targetUserId: me.userId } }, { identity: me, lang: 'en' });
    expect(en.errors![0]!.message).toBe('You cannot report yourself.');

    // Upload tickets: wrong type, oversize, zero.
    for (const [contentType, size] of [['text/html', 100], ['image/gif', 100], ['image/png', 10 * 1024 * 1024 + 1], ['image/png', 0]] as const) {
      expect(onlyError(await h.gql(UPLOAD, { contentType, size }, { identity: me })).code).toBe('BAD_USER_INPUT');
    }
    expect(onlyError(await h.gql(UPLOAD, { contentType: 'image/png', size: 10 }, { identity: null })).code).toBe('UNAUTHENTICATED');

    // Duplicate within 24 h: CONFLICT; another type or another target is fine.
    const first = await file(me, base);
    const duplicate = onlyError(await h.gql(FILE, { input: base }, { identity: me }));
    expect(duplicate.code).toBe('CONFLICT');
    await file(me, { ...base, type: 'NO_SHOW' });
    await file(me, { ...base, targetUserId: third.userId });
    expect(await reportCount(me, other, third)).toBe(before + 3);

    // An evidence key attached once cannot be attached again.
    const key = await uploadEvidence(me);
    await file(me, { ...base, type: 'OTHER', evidenceKeys: [key] });
    expect(onlyError(await h.gql(FILE, { input: { ...base, type: 'ABUSIVE_LANGUAGE', evidenceKeys: [key] } }, { identity: me })).code).toBe('BAD_USER_INPUT');
    expect(first.id).toBeTruthy();
  });

  it('rate-limits each reporter in Redis', async () => {
    const me = user();
    const target = user();
    await h.known(me, target);
    await h.redis.set(`report:rate:${me.userId}`, String(h.server.env.REPORT_RATE_LIMIT), 'EX', 600);
    const error = onlyError(await h.gql(FILE, { input: { targetUserId: target.userId, type: 'FRAUD', description } }, { identity: me }));
    expect(error.code).toBe('RATE_LIMITED');
    expect(error.extensions.retryAfter).toBeGreaterThan(0);
    await h.redis.del(`report:rate:${me.userId}`);
    await file(me, { targetUserId: target.userId, type: 'FRAUD', description });
    expect(Number(await h.redis.get(`report:rate:${me.userId}`))).toBe(1);
  });
});

describe('review workflow and sanctions', () => {
  async function filed() {
    const reporter = user();
    const target = user();
    await h.known(reporter, target);
    const report = await file(reporter, { targetUserId: target.userId, type: 'FRAUD', description });
    return { reporter, target, report };
  }

  it('reviews, accepts with a suspension, audits, publishes, and ends the suspension by a delayed job', async () => {
    const { reporter, target, report } = await filed();
    const boss = admin();
    expect((await h.ok(START, { id: report.id }, { identity: boss })).startReview.status).toBe('IN_REVIEW');
    expect(onlyError(await h.gql(START, { id: report.id }, { identity: boss })).code).toBe('CONFLICT');

    const processed = (await h.ok(PROCESS, { id: report.id, input: { decision: 'ACCEPT', resolution: '거래 대금 미발송이 확인되었습니다.', sanction: 'SUSPENSION', sanctionDays: 7 } }, { identity: boss })).processReport;
    expect(processed).toMatchObject({ status: 'ACTION_TAKEN', resolution: '거래 대금 미발송이 확인되었습니다.', sanction: { type: 'SUSPENSION' } });
    const days = (Date.parse(processed.sanction.endsAt) - Date.parse(processed.sanction.startsAt)) / 86_400_000;
    expect(days).toBeCloseTo(7, 5);

    const audit = await h.prisma.auditEntry.findMany({ where: { subjectId: report.id }, orderBy: { createdAt: 'asc' }, select: { actorId: true, action: true, before: true, after: true, createdAt: true } });
    expect(audit.map((a) => [a.actorId, a.action, (a.before as any).status, (a.after as any).status])).toEqual([
      [boss.userId, 'report.review_started', 'RECEIVED', 'IN_REVIEW'],
      [boss.userId, 'report.processed', 'IN_REVIEW', 'ACTION_TAKEN'],
    ]);

    const events = await h.prisma.outboxEvent.findMany({ where: { type: { in: ['report.processed', 'report.sanction_applied'] } }, select: { type: true, payload: true, priority: true } });
    const ofThis = events.filter((e) => (e.payload as any).data.reportId === report.id);
    expect(ofThis.map((e) => [e.type, e.priority]).sort()).toEqual([['report.processed', 5], ['report.sanction_applied', 1]]);
    expect((ofThis.find((e) => e.type === 'report.processed')!.payload as any).data).toMatchObject({ decision: 'ACCEPT', sanction: 'SUSPENSION', targetUserId: target.userId });

    // The suspended person cannot file reports (e.g. back at the reporter) while it lasts.
    const retaliation = onlyError(await h.gql(FILE, { input: { targetUserId: reporter.userId, type: 'FRAUD', description } }, { identity: target }));
    expect(retaliation.code).toBe('FORBIDDEN');
    expect(retaliation.message).toContain('까지');

    // The reporter sees the outcome.
    const mine = (await h.ok(`{ myReports { id status resolution } }`, {}, { identity: reporter })).myReports;
    // The reporter gets a plain outcome, not the admin's internal note (report-privacy.integration.test.ts).
    expect(mine).toEqual([{ id: report.id, status: 'ACTION_TAKEN', resolution: '검토 결과 신고 내용이 확인되어 운영 정책에 따라 조치했습니다.' }]);

    // Closed: no more processing.
    expect(onlyError(await h.gql(PROCESS, { id: report.id, input: { decision: 'DISMISS', resolution: '다시' } }, { identity: boss })).code).toBe('CONFLICT');

    // The delayed job was scheduled for endsAt; run the end now by scheduling it due.
    const sanction = (await h.prisma.sanction.findUnique({ where: { reportId: report.id }, select: { id: true, type: true, endsAt: true } }))!;
    const delayed = await h.server.sanctionEnds.job.queue.getJob(sanction.id);
    expect(delayed && (await delayed.getState())).toBe('delayed');
    await delayed!.remove();
    await h.server.sanctionEnds.schedule({ ...sanction, endsAt: new Date(Date.now() + 100) });
    await waitFor('the suspension to end', async () => (await h.prisma.sanction.findUnique({ where: { id: sanction.id }, select: { endedAt: true } }))?.endedAt ?? false);
    const ended = await h.prisma.outboxEvent.findMany({ where: { type: 'report.sanction_ended' }, select: { payload: true, priority: true } });
    expect(ended.filter((e) => (e.payload as any).data.sanctionId === sanction.id)).toHaveLength(1);
    // Running the job again changes nothing.
    expect(await h.server.sanctionEnds.end({ sanctionId: sanction.id })).toBe('already');
  });

  it('dismisses without a sanction; evidence stays', async () => {
    const reporter = user();
    const target = user();
    await h.known(reporter, target);
    const key = await uploadEvidence(reporter);
    const report = await file(reporter, { targetUserId: target.userId, type: 'OTHER', description, evidenceKeys: [key] });
    const dismissed = (await h.ok(PROCESS, { id: report.id, input: { decision: 'DISMISS', resolution: '확인할 수 있는 근거가 없습니다.' } }, { identity: admin() })).processReport;
    expect(dismissed).toMatchObject({ status: 'DISMISSED', sanction: null });
    expect(dismissed.evidence).toHaveLength(1);
    expect((await h.send(dismissed.evidence[0].url)).status).toBe(200);
  });

  it('refuses bad processing with a code and changes nothing', async () => {
    const { reporter, report } = await filed();
    const boss = admin();
    const cases: Array<[string, Record<string, unknown>, string, ReturnType<typeof user>?]> = [
      ['by a non-admin', { decision: 'ACCEPT', resolution: '확인', sanction: 'BAN' }, 'FORBIDDEN', reporter],
      ['SUSPENSION without days', { decision: 'ACCEPT', resolution: '확인', sanction: 'SUSPENSION' }, 'BAD_USER_INPUT'],
      ['SUSPENSION of 0 days', { decision: 'ACCEPT', resolution: '확인', sanction: 'SUSPENSION', sanctionDays: 0 }, 'BAD_USER_INPUT'],
      ['SUSPENSION of 366 days', { decision: 'ACCEPT', resolution: '확인', sanction: 'SUSPENSION', sanctionDays: 366 }, 'BAD_USER_INPUT'],
      ['days for a BAN', { decision: 'ACCEPT', resolution: '확인', sanction: 'BAN', sanctionDays: 3 }, 'BAD_USER_INPUT'],
      ['a sanction on DISMISS', { decision: 'DISMISS', resolution: '확인', sanction: 'WARNING' }, 'BAD_USER_INPUT'],
      ['empty resolution', { decision: 'ACCEPT', resolution: '   ' }, 'BAD_USER_INPUT'],
    ];
    for (const [name, input, code, as] of cases) {
      expect({ name, code: onlyError(await h.gql(PROCESS, { id: report.id, input }, { identity: as ?? boss })).code }).toEqual({ name, code });
    }
    expect(onlyError(await h.gql(START, { id: report.id }, { identity: reporter })).code).toBe('FORBIDDEN');
    expect(onlyError(await h.gql(PROCESS, { id: randomUUID(), input: { decision: 'DISMISS', resolution: '확인' } }, { identity: boss })).code).toBe('NOT_FOUND');
    const row = await h.prisma.report.findUnique({ where: { id: report.id }, select: { status: true, resolution: true } });
    expect(row).toEqual({ status: 'RECEIVED', resolution: null });
    expect(await h.prisma.sanction.count({ where: { reportId: report.id } })).toBe(0);
    expect(await h.prisma.auditEntry.count({ where: { subjectId: report.id } })).toBe(0);
  });
});

describe('_entities', () => {
  it('resolves User.activeSanction and reportsAgainst in batches, with visibility rules', async () => {
    const boss = admin();
    const targets = [user(), user(), user()];
    const reporter = user();
    await h.known(reporter, ...targets);
    const sanctions = ['BAN', 'WARNING', null] as const;
    for (const [i, target] of targets.entries()) {
      const report = await file(reporter, { targetUserId: target.userId, type: 'FRAUD', description });
      await h.ok(PROCESS, { id: report.id, input: { decision: 'ACCEPT', resolution: `결정 ${i}`, ...(sanctions[i] ? { sanction: sanctions[i] } : {}) } }, { identity: boss });
    }
    const ENTITIES = `query($r: [_Any!]!) { _entities(representations: $r) { ... on User { id activeSanction { type reason endsAt } reportsAgainst { id status } } } }`;
    const representations = targets.map((t) => ({ __typename: 'User', id: t.userId }));
    h.queries.length = 0;
    const asAdmin = (await h.ok(ENTITIES, { r: representations }, { identity: boss }))._entities;
    expect(asAdmin.map((u: any) => u.activeSanction?.type ?? null)).toEqual(['BAN', 'WARNING', null]);
    expect(asAdmin.every((u: any) => u.reportsAgainst.length === 1 && u.reportsAgainst[0].status === 'ACTION_TAKEN')).toBe(true);
    // One query for the sanctions of all three, one for their reports.
    expect(h.queries.filter((q) => q.includes('"sanctions"') && q.includes('"user_id" IN')).length).toBe(1);
    expect(h.queries.filter((q) => q.includes('"reports"') && q.includes('"target_user_id" IN')).length).toBe(1);

    // Others see sanctions but not reports; the user themself sees their own reports.
    const asOther = (await h.ok(ENTITIES, { r: representations }, { identity: user() }))._entities;
    expect(asOther.map((u: any) => u.reportsAgainst)).toEqual([[], [], []]);
    expect(asOther[0].activeSanction.type).toBe('BAN');
    const asSelf = (await h.ok(ENTITIES, { r: [representations[0]] }, { identity: targets[0] }))._entities;
    expect(asSelf[0].reportsAgainst).toHaveLength(1);

    // Report references follow report(id)'s rule.
    const report = (await h.ok(`{ myReports { id } }`, {}, { identity: reporter })).myReports[0];
    const REPORT_ENTITY = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Report { id status } } }`;
    expect((await h.ok(REPORT_ENTITY, { r: [{ __typename: 'Report', id: report.id }] }, { identity: reporter }))._entities).toEqual([{ id: report.id, status: 'ACTION_TAKEN' }]);
    expect((await h.ok(REPORT_ENTITY, { r: [{ __typename: 'Report', id: report.id }] }, { identity: user() }))._entities).toEqual([null]);
  });
});

