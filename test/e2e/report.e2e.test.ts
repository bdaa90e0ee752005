// Reports and sanctions through the gateway, with the user and report subgraphs as real
// processes: docs/api-tour.md's "Reports and sanctions" walkthrough. A buyer uploads a PNG and files
// a FRAUD report about a seller; an admin reviews and bans; within seconds the seller cannot
// sign in, the buyer sees ACTION_TAKEN, report.processed waits on the safety queue, and the
// evidence URL works for the reporter and the admin but not for the seller or after expiry.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrapAdmin, codeOf, gatewayClient, LOGIN, waitFor } from '../support/gateway-client.ts';
import { startStack, type Stack } from '../support/stack.ts';

const ADMIN = bootstrapAdmin();
/** Short on purpose: the test waits for a URL to expire. */
const EVIDENCE_TTL_SECONDS = 3;
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082', 'hex');

let stack: Stack;
const { call, ok, register, login } = gatewayClient(() => stack.gatewayUrl);
let storageDir: string;
beforeAll(async () => {
  storageDir = await mkdtemp(join(tmpdir(), 'anshim-e2e-report-'));
  stack = await startStack({
    subgraphs: ['user', 'report', 'safety'],
    workers: ['safety'],
    env: {
      ...ADMIN.env,
      STORAGE_LOCAL_DIR: storageDir,
      EVIDENCE_URL_TTL_SECONDS: String(EVIDENCE_TTL_SECONDS),
    },
  });
}, 90_000);
afterAll(async () => {
  await stack?.stop();
  if (storageDir) await rm(storageDir, { recursive: true, force: true });
});




describe('reports and sanctions through the gateway', () => {
  it('a FRAUD report with a PNG, reviewed and accepted with BAN, bans the seller within seconds', async () => {
    const buyer = await register('buyer');
    const seller = await register('seller');

    // Evidence: a ticket, then a PUT straight to storage.
    const { createEvidenceUpload: ticket } = await ok(`mutation($t: String!, $s: Int!) { createEvidenceUpload(contentType: $t, size: $s) { key url headers expiresAt maxBytes } }`, { t: 'image/png', s: PNG.length }, buyer.token);
    expect((await fetch(ticket.url, { method: 'PUT', body: PNG, headers: ticket.headers })).status).toBe(200);

    // The report service learns about new users from user.registered; file once it knows the seller.
    const FILE = `mutation($input: FileReportInput!) { fileReport(input: $input) { id status priority target { id nickname } evidence { key url } } }`;
    const input = { targetUserId: seller.id, type: 'FRAUD', description: '입금했는데 물건을 보내지 않고 연락이 끊겼어요.', evidenceKeys: [ticket.key] };
    const filed = await waitFor('the report service to know the seller', async () => {
      const result = await call(FILE, { input }, buyer.token);
      if (codeOf(result.errors) === 'NOT_FOUND') return false;
      if (result.errors?.length) throw new Error(JSON.stringify(result.errors));
      return result.data!.fileReport;
    });
    expect(filed).toMatchObject({ status: 'RECEIVED', priority: 'HIGH', target: { id: seller.id, nickname: 'seller' } });
    expect((await fetch(filed.evidence[0].url)).status).toBe(200);

    // The seller sees the report about them, without evidence and without the reporter.
    const REPORT = `query($id: ID!) { report(id: $id) { id status evidence { url } } }`;
    expect((await ok(REPORT, { id: filed.id }, seller.token)).report).toEqual({ id: filed.id, status: 'RECEIVED', evidence: [] });
    expect(codeOf((await call(`query($id: ID!) { report(id: $id) { reporter { id } } }`, { id: filed.id }, seller.token)).errors)).toBe('FORBIDDEN');

    // The admin reviews and bans.
    const adminToken = await login(ADMIN.email, ADMIN.password);
    // The run's other e2e files file reports into the same database, oldest first: read a whole page.
    const queue = (await ok(`{ reports(status: RECEIVED, first: 100) { id priority reporter { id } } }`, {}, adminToken)).reports;
    expect(queue.some((r: { id: string }) => r.id === filed.id)).toBe(true);
    expect(codeOf((await call(`mutation($id: ID!) { startReview(id: $id) { id } }`, { id: filed.id }, buyer.token)).errors)).toBe('FORBIDDEN');
    expect((await ok(`mutation($id: ID!) { startReview(id: $id) { status } }`, { id: filed.id }, adminToken)).startReview.status).toBe('IN_REVIEW');
    const asAdmin = (await ok(`query($id: ID!) { report(id: $id) { evidence { url } reporter { id nickname } } }`, { id: filed.id }, adminToken)).report;
    expect(asAdmin.reporter).toEqual({ id: buyer.id, nickname: 'buyer' });
    expect((await fetch(asAdmin.evidence[0].url)).status).toBe(200);
    const processed = await ok(
      `mutation($id: ID!, $input: ProcessReportInput!) { processReport(id: $id, input: $input) { status resolution sanction { type endsAt } } }`,
      { id: filed.id, input: { decision: 'ACCEPT', resolution: '입금 후 미발송이 확인되어 영구 정지합니다.', sanction: 'BAN' } },
      adminToken,
    );
    expect(processed.processReport).toMatchObject({ status: 'ACTION_TAKEN', sanction: { type: 'BAN', endsAt: null } });
    expect(codeOf((await call(`mutation($id: ID!, $input: ProcessReportInput!) { processReport(id: $id, input: $input) { id } }`, { id: filed.id, input: { decision: 'DISMISS', resolution: '다시' } }, adminToken)).errors)).toBe('CONFLICT');

    // Within seconds the seller is BANNED and cannot sign in.
    const refused = await waitFor('the seller to be banned', async () => {
      const result = await call(LOGIN, { email: seller.email, password: seller.password });
      return codeOf(result.errors) === 'FORBIDDEN' ? result.errors![0]! : false;
    }, 10_000);
    expect(refused.message).toContain('영구 정지');
    // The access token the seller already holds stops working too (not 15 minutes later).
    const stale = await call(`{ me { id } }`, {}, seller.token);
    expect(codeOf(stale.errors)).toBe('UNAUTHENTICATED');
    const sellerView = (await ok(`query($id: ID!) { user(id: $id) { status activeSanction { type reason } } }`, { id: seller.id }, adminToken)).user;
    // No public reason was written: the standard sentence, never the internal resolution (privacy.e2e.test.ts).
    expect(sellerView).toEqual({ status: 'BANNED', activeSanction: { type: 'BAN', reason: '운영 정책을 심각하게 어겨 이용이 영구 정지된 계정입니다.' } });

    // The reporter sees the outcome.
    const mine = (await ok(`{ myReports { id status resolution } }`, {}, buyer.token)).myReports;
    expect(mine).toEqual([{ id: filed.id, status: 'ACTION_TAKEN', resolution: '검토 결과 신고 내용이 확인되어 운영 정책에 따라 조치했습니다.' }]);

    // Within seconds everyone sees the seller as DANGER, with the accepted report and the ban as factors.
    const score = await waitFor('the seller to be graded DANGER', async () => {
      const view = (await ok(`query($id: ID!) { user(id: $id) { safetyScore { grade factors { code } } safetyHistory(first: 5) { cause } } }`, { id: seller.id })).user;
      // The ban (report.sanction_applied, high priority) may land before report.processed, and the
      // worker writes a history row only when the score moves: wait for both effects in the factors.
      const codes = view.safetyScore.factors.map((f: { code: string }) => f.code);
      const causes = view.safetyHistory.map((h: { cause: string }) => h.cause);
      return view.safetyScore.grade === 'DANGER' && codes.includes('BAN_CAP') && codes.includes('REPORT_FRAUD') && causes.includes('report.sanction_applied') ? view : false;
    }, 15_000);
    expect(score.safetyScore.factors.map((f: { code: string }) => f.code)).toEqual(expect.arrayContaining(['BAN_CAP', 'REPORT_FRAUD']));

    // A fresh evidence URL stops working once it expires.
    const fresh = (await ok(`{ myReports { evidence { url } } }`, {}, buyer.token)).myReports[0].evidence[0].url;
    expect((await fetch(fresh)).status).toBe(200);
    await waitFor('the evidence URL to expire', async () => (await fetch(fresh)).status === 403, (EVIDENCE_TTL_SECONDS + 5) * 1000);
  });
});
