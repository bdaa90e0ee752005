// What the reported member, the reporter, ADMINs and everyone else see of a report, through the
// report subgraph with signed identities: the target never learns who reported them (no reporter,
// no product or trade, no evidence, not the reporter's words), the admin's internal resolution is
// for ADMINs only, and a sanction shows its public reason (or a standard sentence) to everyone.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin, onlyError, REPORT_FIELDS, ReportHarness, user } from './support/harness.ts';

const h = new ReportHarness();
beforeAll(() => h.start(), 60_000);
afterAll(() => h.stop());

const FILE = `mutation($input: FileReportInput!) { fileReport(input: $input) { id } }`;
const PROCESS = `mutation($id: ID!, $input: ProcessReportInput!) { processReport(id: $id, input: $input) { ${REPORT_FIELDS} } }`;
const REPORT = `query($id: ID!) { report(id: $id) { ${REPORT_FIELDS.replace('reporter { id } ', '')} } }`;
const SANCTION = `query($r: [_Any!]!) { _entities(representations: $r) { ... on User { activeSanction { type reason } reportsAgainst { id description product { id } transaction { id } resolution } } } }`;
const description = '거래 후 물건을 보내지 않았고 강남역 2번 출구에서 만나기로 한 날 연락이 끊겼어요.';
const internalNote = '판매자 계좌로 입금 확인, 증거 사진 3장 대조 결과 미발송 확인. 신고자 김안심 통화 완료.';

/**
 * A trade the seller accepted, about the seller's listing, as transaction's events tell it: the
 * buyer's report then weighs enough (reporter-trust.ts) to be listed in the target's reportsAgainst.
 */
async function tradeBetween(buyer: { userId: string }, seller: { userId: string }) {
  const productId = randomUUID();
  const transactionId = randomUUID();
  const at = new Date().toISOString();
  await h.processed(await h.publish({ type: 'product.created', producer: 'transaction', subjectUserId: seller.userId, data: { productId, sellerId: seller.userId, title: '아이패드', price: 300000, category: 'digital', region: null, createdAt: at } }));
  const trade = { transactionId, productId, buyerId: buyer.userId, sellerId: seller.userId, amount: 300000, at };
  await h.processed(await h.publish({ type: 'transaction.requested', producer: 'transaction', subjectUserId: buyer.userId, data: { ...trade, by: buyer.userId } }));
  await h.processed(await h.publish({ type: 'transaction.accepted', producer: 'transaction', subjectUserId: seller.userId, data: { ...trade, by: seller.userId } }));
  return { productId, transactionId };
}

describe('the reported member cannot learn who reported them', () => {
  it("the target's view hides the reporter, the reporter's trade and product, the evidence and the reporter's words", async () => {
    const reporter = user();
    const target = user();
    const { productId, transactionId } = await tradeBetween(reporter, target);
    const { id } = (await h.ok(FILE, { input: { targetUserId: target.userId, type: 'FRAUD', description, productId, transactionId } }, { identity: reporter })).fileReport;

    const asReporter = (await h.ok(REPORT, { id }, { identity: reporter })).report;
    expect(asReporter).toMatchObject({ description, product: { id: productId }, transaction: { id: transactionId } });
    const asAdmin = (await h.ok(REPORT, { id }, { identity: admin() })).report;
    expect(asAdmin).toMatchObject({ description, product: { id: productId }, transaction: { id: transactionId } });

    const asTarget = (await h.ok(REPORT, { id }, { identity: target })).report;
    expect(asTarget).toMatchObject({ id, type: 'FRAUD', status: 'RECEIVED', product: null, transaction: null, evidence: [], resolution: null });
    expect(asTarget.description).toBe('신고한 사람을 보호하기 위해 신고 내용은 보여 드리지 않습니다. 검토가 끝나면 결과를 알려 드립니다.');
    expect(JSON.stringify(asTarget)).not.toContain(reporter.userId);
    const en = (await h.ok(REPORT, { id }, { identity: target, lang: 'en' })).report;
    expect(en.description).toMatch(/^To protect the person who reported/);
    expect(onlyError(await h.gql(`query($id: ID!) { report(id: $id) { reporter { id } } }`, { id }, { identity: target })).code).toBe('FORBIDDEN');

    // The same through the target's own reportsAgainst and through a Report reference.
    const mine = (await h.ok(SANCTION, { r: [{ __typename: 'User', id: target.userId }] }, { identity: target }))._entities[0].reportsAgainst;
    expect(mine).toEqual([{ id, description: asTarget.description, product: null, transaction: null, resolution: null }]);
    const ref = (await h.ok(`query($r: [_Any!]!) { _entities(representations: $r) { ... on Report { product { id } transaction { id } } } }`, { r: [{ __typename: 'Report', id }] }, { identity: target }))._entities[0];
    expect(ref).toEqual({ product: null, transaction: null });
  });
});

describe('resolutions and sanction reasons', () => {
  it('the internal resolution is for ADMINs; the reporter and target get a plain outcome; the sanction shows the public reason', async () => {
    const reporter = user();
    const target = user();
    await h.known(reporter, target);
    const { id } = (await h.ok(FILE, { input: { targetUserId: target.userId, type: 'FRAUD', description } }, { identity: reporter })).fileReport;
    const publicReason = '거래 대금을 받고 물건을 보내지 않은 사실이 확인되었습니다.';
    const processed = (await h.ok(PROCESS, { id, input: { decision: 'ACCEPT', resolution: internalNote, publicReason, sanction: 'BAN' } }, { identity: admin() })).processReport;
    expect(processed).toMatchObject({ resolution: internalNote, sanction: { type: 'BAN', reason: publicReason } });

    const outcome = '검토 결과 신고 내용이 확인되어 운영 정책에 따라 조치했습니다.';
    expect((await h.ok(REPORT, { id }, { identity: reporter })).report.resolution).toBe(outcome);
    expect((await h.ok(`{ myReports { resolution sanction { reason } } }`, {}, { identity: reporter })).myReports).toEqual([{ resolution: outcome, sanction: { reason: publicReason } }]);
    expect((await h.ok(REPORT, { id }, { identity: target })).report.resolution).toBe(outcome);
    expect((await h.ok(REPORT, { id }, { identity: reporter, lang: 'en' })).report.resolution).toBe('After review, the report was upheld and action was taken under our policies.');

    // Everyone sees the sanction with its public reason, never the internal note.
    for (const viewer of [user(), target, null]) {
      const seen = (await h.ok(SANCTION, { r: [{ __typename: 'User', id: target.userId }] }, { identity: viewer }))._entities[0].activeSanction;
      expect(seen).toEqual({ type: 'BAN', reason: publicReason });
    }
    expect(await h.prisma.sanction.findUnique({ where: { reportId: id }, select: { reason: true, publicReason: true } })).toEqual({ reason: internalNote, publicReason });
  });

  it('without a public reason a sanction shows the standard sentence for its type, in the reader\'s language', async () => {
    const reporter = user();
    const target = user();
    await h.known(reporter, target);
    const { id } = (await h.ok(FILE, { input: { targetUserId: target.userId, type: 'NO_SHOW', description } }, { identity: reporter })).fileReport;
    await h.ok(PROCESS, { id, input: { decision: 'ACCEPT', resolution: internalNote, sanction: 'SUSPENSION', sanctionDays: 3 } }, { identity: admin() });
    const r = { r: [{ __typename: 'User', id: target.userId }] };
    expect((await h.ok(SANCTION, r, { identity: user() }))._entities[0].activeSanction).toEqual({ type: 'SUSPENSION', reason: '운영 정책을 어겨 일정 기간 이용이 정지된 계정입니다.' });
    expect((await h.ok(SANCTION, r, { identity: user(), lang: 'en' }))._entities[0].activeSanction.reason).toBe('This account is suspended for a while for breaking our policies.');
  });

  it('a dismissed report tells the reporter a plain outcome; a bad public reason is refused with a code and writes nothing', async () => {
    const reporter = user();
    const target = user();
    await h.known(reporter, target);
    const { id } = (await h.ok(FILE, { input: { targetUserId: target.userId, type: 'FRAUD', description } }, { identity: reporter })).fileReport;
    const boss = admin();
    const refusals: Array<[Record<string, unknown>, string]> = [
      [{ decision: 'DISMISS', resolution: internalNote, publicReason: '공개 사유' }, 'onlyWithSanction'],
      [{ decision: 'ACCEPT', resolution: internalNote, sanction: 'WARNING', publicReason: '가'.repeat(501) }, 'tooLong'],
      [{ decision: 'ACCEPT', resolution: internalNote, sanction: 'WARNING', publicReason: '정상\u202E회원' }, 'control'],
    ];
    for (const [input, reason] of refusals) {
      const error = onlyError(await h.gql(PROCESS, { id, input }, { identity: boss }));
      expect(error.code).toBe('BAD_USER_INPUT');
      expect(JSON.stringify(error.extensions)).toContain(reason);
    }
    expect(await h.prisma.report.findUnique({ where: { id }, select: { status: true, resolution: true } })).toEqual({ status: 'RECEIVED', resolution: null });
    await h.ok(PROCESS, { id, input: { decision: 'DISMISS', resolution: internalNote } }, { identity: boss });
    expect((await h.ok(REPORT, { id }, { identity: reporter })).report.resolution).toBe('검토 결과 조치할 만한 내용이 확인되지 않아 신고를 종료했습니다.');
  });
});
