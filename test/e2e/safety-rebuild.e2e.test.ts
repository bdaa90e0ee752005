// Repairs and restrictions across all five services as real processes, through the gateway:
// - safety's rebuild command refills a wiped projection from the owners' signed internal reads
//   (user's _entities; transaction's, report's and monitor's /internal/safety-inputs) and gets the
//   same score and factors as the events had built: trades, ratings, cancellations, an accepted
//   report with its sanction, and a risk signal;
// - the internal reads refuse callers without a service identity;
// - RESTRICT_ACCOUNT, taken by an admin in the monitor, is enforced by the transaction service.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { bodySha256, createLogger, signIdentityHeaders, signServiceHeaders } from '@anshim/platform';
import { SAFETY_INPUTS_ROUTE } from '@anshim/contracts';
import { loadSafetyEnv } from '../../subgraphs/safety/src/env.ts';
import { buildSafetyCore, type SafetyCore } from '../../subgraphs/safety/src/safety-core.ts';
import { rebuildProjection } from '../../subgraphs/safety/src/jobs/rebuild.ts';
import { bootstrapAdmin, gatewayClient, waitFor } from '../support/gateway-client.ts';
import { accountNumberOfThisRun } from '../support/fraud-text.ts';
import { startStack, type Stack } from '../support/stack.ts';

const ADMIN = bootstrapAdmin();

let stack: Stack;
const { call, ok, register, login } = gatewayClient(() => stack.gatewayUrl);
let core: SafetyCore;
let internalSecret: string;
beforeAll(async () => {
  stack = await startStack({
    subgraphs: ['user', 'transaction', 'safety', 'report', 'chat', 'monitor'],
    workers: ['safety'],
    env: { ...ADMIN.env, SAFETY_NIGHTLY_ENABLED: 'false' },
    // Six subgraphs, a worker and the gateway start at once: slow on a loaded 2-core machine.
    startTimeoutMs: 240_000,
  });
  const env = loadSafetyEnv({ DATABASE_URL: inject('databaseUrl'), REDIS_URL: inject('redisUrl'), REDIS_PREFIX: stack.env.REDIS_PREFIX!, NODE_ENV: 'test', LOG_LEVEL: 'silent' }, 'rebuild-test');
  internalSecret = env.INTERNAL_SECRET;
  core = buildSafetyCore(env, createLogger('rebuild-test', 'silent'));
}, 600_000);
afterAll(async () => {
  await core?.close();
  await stack?.stop();
});

const adminToken = () => login(ADMIN.email, ADMIN.password);
const CREATE = `mutation($input: CreateProductInput!) { createProduct(input: $input) { id } }`;
const START = `mutation($id: ID!) { startTransaction(productId: $id) { id } }`;
const MOVE = `mutation($id: ID!, $s: TransactionStatus!) { updateTransactionStatus(id: $id, status: $s) { status } }`;
const ACT = `mutation($input: RiskActionInput!) { takeRiskAction(input: $input) }`;
const product = (title: string, token: string) => ok(CREATE, { input: { title, description: '상태 좋아요. 직거래 원해요.', price: 30_000, category: 'BOOKS' } }, token).then((d) => d.createProduct.id as string);

interface Score { value: number; grade: string; factors: Array<{ code: string; contribution: number }> }
async function recalculated(userId: string, cause: string): Promise<Score> {
  const [result] = await core.sql.$transaction((tx) => core.recalculator.recalculate(tx, [userId], { type: cause, eventId: null }, { mode: 'always' }));
  await core.published([result!]);
  return { value: result!.record.value, grade: result!.record.grade, factors: result!.record.factors.map((f) => ({ code: f.code, contribution: f.contribution })) };
}
const rounded = (score: Score) => ({ value: Math.round(score.value), grade: score.grade, factors: score.factors.map((f) => ({ code: f.code, contribution: Math.round(f.contribution * 10) / 10 })) });
const count = async (sql: string, userId: string) => Number((await core.sql.$queryRawUnsafe<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM ${sql}`, userId))[0]!.n);

describe('safety rebuild from the owners', () => {
  it('a wiped projection comes back with the same score and factors (trades, rating, cancellation, report, sanction, risk)', async () => {
    const [seller, buyer] = [await register('판매자'), await register('구매자')];
    const admin = await adminToken();
    // user.registered carries no profile completeness (the user service counts the nickname and email
    // already): a profile update brings the event-fed copy in line with what the owner says.
    await ok(`mutation { updateProfile(input: { bio: "책을 좋아해요", region: "서울" }) { id } }`, {}, seller.token);
    // Trade 1: completed and rated 5 stars by the buyer. Trade 2: cancelled by the seller.
    const first = await waitFor('the listing', () => product('자바의 정석', seller.token).catch(() => undefined), 30_000);
    const trade = (await ok(START, { id: first }, buyer.token)).startTransaction.id;
    await ok(MOVE, { id: trade, s: 'ACCEPTED' }, seller.token);
    await ok(MOVE, { id: trade, s: 'COMPLETED' }, buyer.token);
    await ok(`mutation($id: ID!) { rateTransaction(id: $id, stars: 5, comment: "좋아요") { id } }`, { id: trade }, buyer.token);
    const second = await product('토비의 스프링', seller.token);
    const cancelled = (await ok(START, { id: second }, buyer.token)).startTransaction.id;
    await ok(MOVE, { id: cancelled, s: 'CANCELLED' }, seller.token);
    // A report, accepted with a warning; a chat asking for an advance transfer (HIGH risk).
    const report = await waitFor('the report service to know the seller', async () => {
      const result = await call(`mutation($input: FileReportInput!) { fileReport(input: $input) { id } }`, { input: { targetUserId: seller.id, type: 'NO_SHOW', description: '약속 장소에 나오지 않았고 연락도 없었어요.' } }, buyer.token);
      return result.data?.fileReport.id as string | undefined;
    }, 30_000);
    await ok(`mutation($id: ID!) { startReview(id: $id) { status } }`, { id: report }, admin);
    await ok(`mutation($id: ID!, $input: ProcessReportInput!) { processReport(id: $id, input: $input) { status } }`, { id: report, input: { decision: 'ACCEPT', resolution: '노쇼가 확인되었습니다.', sanction: 'WARNING' } }, admin);
    // The chat is the app's own (screened by the chat service, which tells the monitor).
    const chat = await waitFor('chat to know the listing', async () => (await call(`mutation($p: ID!) { startConversation(productId: $p) { id } }`, { p: second }, buyer.token)).data?.startConversation.id as string | undefined, 30_000);
    await ok(`mutation($id: ID!, $text: String!) { sendMessage(conversationId: $id, text: $text) { id } }`, { id: chat, text: `선입금 부탁드려요 국민은행 ${accountNumberOfThisRun()}` }, seller.token);

    // Every event has reached the projection.
    await waitFor('the projection to hold every fact', async () =>
      (await count(`user_inputs WHERE user_id = $1::uuid AND profile_completeness > 0`, seller.id)) === 1 &&
      (await count(`trade_facts WHERE user_id = $1::uuid AND stars = 5 AND outcome = 'COMPLETED'`, seller.id)) === 1 &&
      (await count(`trade_facts WHERE user_id = $1::uuid AND outcome = 'CANCELLED'`, seller.id)) === 1 &&
      (await count(`report_facts WHERE target_user_id = $1::uuid AND state = 'ACCEPTED'`, seller.id)) === 1 &&
      (await count(`sanction_facts WHERE user_id = $1::uuid`, seller.id)) === 1 &&
      (await count(`risk_signals WHERE user_id = $1::uuid AND level = 'HIGH'`, seller.id)) === 1, 60_000);
    const before = await recalculated(seller.id, 'test.before');
    const codes = before.factors.map((f) => f.code);
    expect(codes).toEqual(expect.arrayContaining(['COMPLETED_TRADES', 'CANCELLATIONS', 'REPORT_NO_SHOW']));
    // The chat's HIGH signal, exactly: the account number is this run's own (test/support/fraud-text.ts),
    // so no other file's fraudster shares it and no cluster link can make it CRITICAL.
    expect(codes).toContain('RISK_HIGH');
    expect(codes).not.toContain('RISK_CRITICAL_CAP');

    // Events lost: the seller's projection is wiped.
    for (const table of ['trade_facts WHERE user_id', 'report_facts WHERE target_user_id', 'sanction_facts WHERE user_id', 'risk_signals WHERE user_id', 'user_inputs WHERE user_id']) {
      await core.sql.$executeRawUnsafe(`DELETE FROM ${table} = $1::uuid`, seller.id);
    }
    const wiped = await recalculated(seller.id, 'test.damage');
    expect(rounded(wiped)).not.toEqual(rounded(before));

    const sources = { user: stack.subgraphUrls.user!, transaction: stack.subgraphUrls.transaction!, report: stack.subgraphUrls.report!, monitor: stack.subgraphUrls.monitor! };
    expect(await rebuildProjection(core, { sources, internalSecret, userId: seller.id })).toEqual({ rebuilt: 1, missing: [] });
    const after = await recalculated(seller.id, 'test.after');
    expect(rounded(after)).toEqual(rounded(before));
    // The buyer's side of the trades was not touched by the seller's rebuild; --all pages through everyone.
    expect(await count(`trade_facts WHERE user_id = $1::uuid`, buyer.id)).toBe(2);
    const everyone = await rebuildProjection(core, { sources, internalSecret, batchSize: 2 });
    expect(everyone.rebuilt).toBeGreaterThanOrEqual(3);
    expect(rounded(await recalculated(seller.id, 'test.after-all'))).toEqual(rounded(before));
    // The seller's own view: the rebuild's entry may speak of the risk signal, which others see only as "under review".
    const shown = await ok(`query($id: ID!) { user(id: $id) { safetyScore { value } safetyHistory(first: 3) { cause } } }`, { id: seller.id }, seller.token);
    expect(shown.user.safetyHistory.map((h: { cause: string }) => h.cause)).toContain('admin.rebuild');
  });

  it('the internal reads answer only a signed service identity', async () => {
    const url = new URL(`/internal/${SAFETY_INPUTS_ROUTE}`, stack.subgraphUrls.transaction!).href;
    const body = JSON.stringify({ userIds: ['00000000-0000-0000-0000-000000000001'] });
    const post = (headers: Record<string, string>) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    const target = (payload: string) => ({ method: 'POST', subgraph: 'transaction', path: `/internal/${SAFETY_INPUTS_ROUTE}`, bodySha256: bodySha256(payload) });
    expect((await post({})).status).toBe(401);
    // A user identity, even an ADMIN's signed by the gateway's key, is not a service identity.
    expect((await post(signIdentityHeaders(internalSecret, { userId: '00000000-0000-0000-0000-000000000002', role: 'ADMIN' }, target(body), 'r1'))).status).toBe(401);
    expect((await post(signServiceHeaders('x'.repeat(64), 'safety', target(body), 'r2'))).status).toBe(401);
    expect((await post(signServiceHeaders(internalSecret, 'user', target(body), 'r3'))).status).toBe(403);
    // Signed for another subgraph: not accepted here.
    expect((await post(signServiceHeaders(internalSecret, 'safety', { ...target(body), subgraph: 'report' }, 'r3b'))).status).toBe(401);
    const answer = await post(signServiceHeaders(internalSecret, 'safety', target(body), 'r4'));
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ trades: [], ratings: [], products: [] });
    const badBody = JSON.stringify({ userIds: ['nope'] });
    const bad = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...signServiceHeaders(internalSecret, 'safety', target(badBody), 'r5') }, body: badBody });
    expect(bad.status).toBe(400);
    // Not reachable through the public endpoint.
    expect((await fetch(new URL(`/internal/${SAFETY_INPUTS_ROUTE}`, stack.gatewayUrl).href, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).status).toBe(404);
  });
});

describe('RESTRICT_ACCOUNT', () => {
  it('the transaction service stops the restricted account listing, repricing and trading until CLEAR', async () => {
    const [seller, buyer] = [await register('제한판매자'), await register('제한구매자')];
    const admin = await adminToken();
    const listed = await waitFor('the listing', () => product('해리포터 전집', seller.token).catch(() => undefined), 30_000);
    expect(await ok(ACT, { input: { userId: seller.id, action: 'RESTRICT_ACCOUNT', reason: '여러 계정으로 같은 물건을 올림' } }, admin)).toEqual({ takeRiskAction: true });
    const refused = await waitFor('the restriction to reach the transaction service', async () => {
      const result = await call(CREATE, { input: { title: '새 물건', description: '상태 좋아요. 직거래 원해요.', price: 10_000, category: 'BOOKS' } }, seller.token);
      return result.errors?.length ? result.errors : false;
    }, 30_000);
    expect(refused[0]!.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'ACCOUNT_RESTRICTED' });
    expect(refused[0]!.message).toMatch(/관리자 확인/);
    const reprice = await call(`mutation($id: ID!) { updateProductPrice(id: $id, price: 5000) { id } }`, { id: listed }, seller.token);
    expect(reprice.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'ACCOUNT_RESTRICTED' });
    const start = await call(START, { id: listed }, buyer.token);
    expect(start.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'ACCOUNT_RESTRICTED' });

    await ok(ACT, { input: { userId: seller.id, action: 'CLEAR', reason: '본인 확인 완료' } }, admin);
    await waitFor('CLEAR to lift the restriction', async () => (await call(START, { id: listed }, buyer.token)).data?.startTransaction?.id, 30_000);
    expect((await call(CREATE, { input: { title: '새 물건', description: '상태 좋아요. 직거래 원해요.', price: 10_000, category: 'BOOKS' } }, seller.token)).errors).toBeUndefined();
  });
});
