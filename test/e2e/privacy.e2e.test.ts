// Private things stay private (issue 16, point 4), through the gateway with user, transaction,
// report and safety as real processes:
// - another member's view of a reported member shows no pending-report factor or history cause,
//   while the member themself sees it;
// - the reported member's view of the report hides the reporter, the trade and the product (the
//   reporter sees them);
// - a sanction shows the admin's public reason to everyone, never the internal resolution;
// - a phone number becomes the account's only once the code sent to it is confirmed, and a number
//   another member proved cannot be taken over nor detected.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { bootstrapAdmin, codeOf, gatewayClient, waitFor } from '../support/gateway-client.ts';
import { devMessages } from '../support/dev-messages.ts';
import { startStack, type Stack } from '../support/stack.ts';

const ADMIN = bootstrapAdmin();
let stack: Stack;
let db: pg.Client;
const { call, ok, register, login } = gatewayClient(() => stack.gatewayUrl);
beforeAll(async () => {
  stack = await startStack({
    subgraphs: ['user', 'transaction', 'report', 'safety'],
    workers: ['safety'],
    env: { ...ADMIN.env, SAFETY_NIGHTLY_ENABLED: 'false' },
    startTimeoutMs: 240_000,
  });
  db = new pg.Client({ connectionString: inject('databaseUrl') });
  await db.connect();
}, 300_000);
afterAll(async () => {
  await db?.end();
  await stack?.stop();
});

const SCORE = `query($id: ID!) { user(id: $id) { safetyScore { value version factors { code description } } safetyHistory(first: 20) { cause reason } } }`;
type ScoreView = { safetyScore: { value: number; version: number; factors: Array<{ code: string; description: string }> }; safetyHistory: Array<{ cause: string; reason: string }> };
const scoreSeenBy = async (userId: string, token?: string) => (await ok<{ user: ScoreView }>(SCORE, { id: userId }, token)).user;

async function codeSentTo(phone: string): Promise<string> {
  const messages = await devMessages(stack.operationsUrls.user!, phone);
  return /\b(\d{6})\b/.exec(messages[0]!.text)![1]!;
}

describe('a reported member, as others and as themself see them', () => {
  it('hides the pending report from others, the reporter from the target, and shows the sanction\'s public reason', async () => {
    const seller = await register('seller');
    const buyer = await register('buyer');
    const stranger = await register('stranger');
    const productId = await waitFor('the listing', async () => {
      const created = await call(`mutation($input: CreateProductInput!) { createProduct(input: $input) { id } }`, { input: { title: '아이패드 미니', description: '상태 좋아요. 직거래 원해요.', price: 300_000, category: 'DIGITAL' } }, seller.token);
      return created.data?.createProduct.id as string | undefined;
    }, 30_000);
    const transactionId = (await ok(`mutation($id: ID!) { startTransaction(productId: $id) { id } }`, { id: productId }, buyer.token)).startTransaction.id as string;
    // The seller accepted the trade, so the buyer's report weighs enough to move the score and to be
    // listed to the seller (packages/contracts/src/reporter-trust.ts).
    await ok(`mutation($id: ID!) { updateTransactionStatus(id: $id, status: ACCEPTED) { id } }`, { id: transactionId }, seller.token);
    await waitFor('the report service to know the accepted trade', async () =>
      (await db.query(`SELECT 1 FROM svc_report.known_trades WHERE id = $1 AND accepted_at IS NOT NULL`, [transactionId])).rowCount === 1, 30_000);
    const before = await waitFor('the seller\'s first score', async () => {
      const seen = await scoreSeenBy(seller.id);
      return seen.safetyScore.version >= 1 ? seen : undefined;
    }, 30_000);

    const input = { targetUserId: seller.id, type: 'FRAUD', description: '입금했는데 물건을 보내지 않고 연락이 끊겼어요.', productId, transactionId };
    const filed = await waitFor('the report service to know the trade', async () => {
      const result = await call(`mutation($input: FileReportInput!) { fileReport(input: $input) { id } }`, { input }, buyer.token);
      if (result.errors?.length && ['NOT_FOUND', 'BAD_USER_INPUT'].includes(String(codeOf(result.errors)))) return undefined;
      if (result.errors?.length) throw new Error(JSON.stringify(result.errors));
      return result.data!.fileReport.id as string;
    }, 30_000);

    // Safety recalculated the seller for the credible buyer's report.filed.
    const own = await waitFor('the report to reach the score', async () => {
      const seen = await scoreSeenBy(seller.id, seller.token);
      return seen.safetyScore.version > before.safetyScore.version ? seen : undefined;
    }, 30_000);
    const others = [await scoreSeenBy(seller.id, stranger.token), await scoreSeenBy(seller.id, buyer.token), await scoreSeenBy(seller.id)];
    for (const seen of others) {
      expect(seen.safetyScore.value).toBe(own.safetyScore.value);
      expect(seen.safetyScore.factors.map((f) => f.code)).not.toContain('PENDING_REPORTS');
      expect(seen.safetyScore.factors.some((f) => /신고/.test(f.description))).toBe(false);
      expect(seen.safetyHistory.map((c) => c.cause)).not.toContain('report.filed');
      expect(seen.safetyHistory.some((c) => /신고/.test(c.reason))).toBe(false);
    }
    if (own.safetyScore.factors.some((f) => f.code === 'PENDING_REPORTS')) {
      expect(others[0]!.safetyScore.factors.filter((f) => f.code === 'UNDER_REVIEW')).toEqual([{ code: 'UNDER_REVIEW', description: '최근 활동을 검토하고 있습니다.' }]);
    }

    // The target sees the report without the reporter, the trade or the product; the reporter sees them.
    const REPORT = `query($id: ID!) { report(id: $id) { id type product { id } transaction { id } evidence { url } } }`;
    expect((await ok(REPORT, { id: filed }, seller.token)).report).toEqual({ id: filed, type: 'FRAUD', product: null, transaction: null, evidence: [] });
    expect((await ok(REPORT, { id: filed }, buyer.token)).report).toMatchObject({ product: { id: productId }, transaction: { id: transactionId } });
    expect(codeOf((await call(`query($id: ID!) { report(id: $id) { reporter { id } } }`, { id: filed }, seller.token)).errors)).toBe('FORBIDDEN');
    const against = (await ok(`{ me { reportsAgainst { id product { id } transaction { id } } } }`, {}, seller.token)).me.reportsAgainst;
    expect(against).toEqual([{ id: filed, product: null, transaction: null }]);

    // The admin suspends with a public reason; everyone sees that reason, no one the internal note.
    const admin = await login(ADMIN.email, ADMIN.password);
    const internal = '입금 내역 확인. 신고자 buyer와 통화함. 재범 우려.';
    const publicReason = '거래 대금을 받고 물건을 보내지 않은 사실이 확인되었습니다.';
    await ok(`mutation($id: ID!, $input: ProcessReportInput!) { processReport(id: $id, input: $input) { status } }`, { id: filed, input: { decision: 'ACCEPT', resolution: internal, publicReason, sanction: 'SUSPENSION', sanctionDays: 7 } }, admin);
    for (const token of [stranger.token, undefined]) {
      expect((await ok(`query($id: ID!) { user(id: $id) { activeSanction { type reason } } }`, { id: seller.id }, token)).user.activeSanction).toEqual({ type: 'SUSPENSION', reason: publicReason });
    }
    const mine = (await ok(`{ myReports { id resolution sanction { reason } } }`, {}, buyer.token)).myReports;
    expect(mine).toEqual([{ id: filed, resolution: '검토 결과 신고 내용이 확인되어 운영 정책에 따라 조치했습니다.', sanction: { reason: publicReason } }]);
  });
});

describe('phone numbers', () => {
  it('are bound only by the code sent to them, and a number another member proved can be neither taken nor detected', async () => {
    const phone = `010-${String(Math.floor(Math.random() * 1e4)).padStart(4, '0')}-${String(Math.floor(Math.random() * 1e4)).padStart(4, '0')}`;
    const ME = `{ me { phone pendingPhone verifications { method } } }`;
    const REQUEST = `mutation { requestVerification(method: SMS) { id sentTo } }`;
    const CONFIRM = `mutation($id: ID!, $code: String!) { confirmVerification(challengeId: $id, code: $code) { phone } }`;

    const holder = await register('holder', { phone });
    expect((await ok(ME, {}, holder.token)).me).toEqual({ phone: null, pendingPhone: phone, verifications: [] });
    const first = (await ok(REQUEST, {}, holder.token)).requestVerification;
    expect((await ok(CONFIRM, { id: first.id, code: await codeSentTo(phone) }, holder.token)).confirmVerification.phone).toBe(phone);

    // Someone else types the same number: the same answers as for any number, until the code.
    const claimant = await register('claimant', { phone });
    expect((await ok(ME, {}, claimant.token)).me).toEqual({ phone: null, pendingPhone: phone, verifications: [] });
    const second = (await ok(REQUEST, {}, claimant.token)).requestVerification;
    expect(second.sentTo).toBe(first.sentTo);
    const refused = await call(CONFIRM, { id: second.id, code: await codeSentTo(phone) }, claimant.token);
    expect(codeOf(refused.errors)).toBe('CONFLICT');
    expect(JSON.stringify(refused.errors)).not.toContain(holder.id);
    expect((await ok(ME, {}, holder.token)).me).toMatchObject({ phone, verifications: [{ method: 'SMS' }] });
    expect((await ok(ME, {}, claimant.token)).me).toMatchObject({ phone: null, verifications: [] });
  });
});
