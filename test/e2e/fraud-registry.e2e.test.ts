// The fraud-account registry through the gateway, with user, transaction, report, monitor and
// safety as real processes: docs/api-tour.md's "Check an account before you pay". A buyer reports the
// bank account a seller asked to be paid to; a single report from a fresh account changes nothing
// (for the seller too); once an admin accepts the FRAUD report, anyone checking that account
// (however it is typed) gets CONFIRMED_FRAUD with a masked identifier, and when the same account is
// typed into the app's chat it is masked in the delivered text and the recipient gets a CRITICAL
// KNOWN_FRAUD_ACCOUNT alert (chat screens it, the monitor raises it). Reports cannot
// be weaponised: three fresh accounts reporting an honest seller move neither the monitor nor the
// safety grade, and CAUTION takes two identity-verified people who traded with the holder.
import { randomInt } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { bootstrapAdmin, codeOf, gatewayClient, waitFor, type RegisteredPerson } from '../support/gateway-client.ts';
import { devMessages } from '../support/dev-messages.ts';
import { startStack, type Stack } from '../support/stack.ts';

const ADMIN = bootstrapAdmin();

let stack: Stack;
let db: pg.Client;
const { call, ok, register, login } = gatewayClient(() => stack.gatewayUrl);
beforeAll(async () => {
  stack = await startStack({ subgraphs: ['user', 'transaction', 'report', 'chat', 'monitor', 'safety'], workers: ['safety'], env: ADMIN.env });
  db = new pg.Client({ connectionString: inject('databaseUrl') });
  await db.connect();
}, 180_000);
afterAll(async () => {
  await db?.end();
  await stack?.stop();
});

const CHECK = `query($input: PaymentIdentifierInput!) { checkPaymentIdentifier(input: $input) { type identifier verdict confirmedReports pendingReports lastReportedAt message } }`;
const FILE = `mutation($input: FileReportInput!) { fileReport(input: $input) { id status } }`;
const SEND = `mutation($id: ID!, $text: String!) { sendMessage(conversationId: $id, text: $text) { id text masked } }`;
const ALERTS_ABOUT = `query($u: ID) { riskAlerts(userId: $u, first: 20) { rule level message recipients { id } subject { id } } }`;

/** A listing by `seller` and `buyer`'s conversation about it (chat learns the listing from product.created). */
async function conversation(seller: RegisteredPerson, buyer: RegisteredPerson): Promise<string> {
  const product = (await ok(`mutation($input: CreateProductInput!) { createProduct(input: $input) { id } }`, { input: { title: '골프채 세트', description: '한 번 사용', price: 380_000, category: 'SPORTS' } }, seller.token)).createProduct;
  return waitFor('chat to know the listing', async () => {
    const result = await call(`mutation($p: ID!) { startConversation(productId: $p) { id } }`, { p: product.id }, buyer.token);
    return result.errors ? undefined : (result.data!.startConversation.id as string);
  }, 30_000);
}

describe('check an account before you pay', () => {
  it('an account named in an accepted FRAUD report is CONFIRMED_FRAUD, masked, and typing it into a chat raises CRITICAL at once', async () => {
    const victim = await register('victim');
    const fraudster = await register('fraudster');
    const nextBuyer = await register('nextbuyer');
    // A fresh 14-digit account for this run: 123456-78-XXXXXX.
    const tail = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const account = `12345678${tail}`;
    const masked = `123456-**-***${tail.slice(-3)}`;

    // Anonymous lookups are refused; before any report: NO_RECORD.
    expect(codeOf((await call(CHECK, { input: { type: 'BANK_ACCOUNT', value: account } })).errors)).toBe('UNAUTHENTICATED');
    const none = (await ok(CHECK, { input: { type: 'BANK_ACCOUNT', value: `국민 ${account}` } }, nextBuyer.token)).checkPaymentIdentifier;
    expect(none).toMatchObject({ type: 'BANK_ACCOUNT', identifier: masked, verdict: 'NO_RECORD', confirmedReports: 0, pendingReports: 0, lastReportedAt: null });
    // Unreadable input: BAD_USER_INPUT.
    expect(codeOf((await call(CHECK, { input: { type: 'BANK_ACCOUNT', value: '국민은행' } }, nextBuyer.token)).errors)).toBe('BAD_USER_INPUT');

    // The victim reports the account the fraudster asked to be paid to (once the report service knows them).
    const input = {
      targetUserId: fraudster.id,
      type: 'FRAUD',
      description: '국민은행 계좌로 선입금했는데 물건을 보내지 않고 연락이 끊겼어요.',
      paymentIdentifiers: [{ type: 'BANK_ACCOUNT', value: `국민은행 123456-78-${tail}` }],
    };
    const filed = await waitFor('the report service to know the fraudster', async () => {
      const result = await call(FILE, { input }, victim.token);
      if (codeOf(result.errors) === 'NOT_FOUND') return false;
      if (result.errors?.length) throw new Error(JSON.stringify(result.errors));
      return result.data!.fileReport;
    });
    // One pending report from a fresh, unverified account that never traded with the fraudster:
    // nothing on record, for a buyer and for the account holder checking their own account.
    const pending = (await ok(CHECK, { input: { type: 'BANK_ACCOUNT', value: `KB국민은행 123456 78 ${tail}` } }, nextBuyer.token)).checkPaymentIdentifier;
    expect(pending).toMatchObject({ verdict: 'NO_RECORD', pendingReports: 0, confirmedReports: 0, lastReportedAt: null, identifier: masked });
    const own = (await ok(CHECK, { input: { type: 'BANK_ACCOUNT', value: account } }, fraudster.token)).checkPaymentIdentifier;
    expect(own).toMatchObject({ verdict: 'NO_RECORD', pendingReports: 0, lastReportedAt: null });

    // The admin accepts the report.
    const adminToken = await login(ADMIN.email, ADMIN.password);
    const processed = await ok(
      `mutation($id: ID!, $input: ProcessReportInput!) { processReport(id: $id, input: $input) { status } }`,
      { id: filed.id, input: { decision: 'ACCEPT', resolution: '입금 내역과 대화 내용으로 사기가 확인되었습니다.' } },
      adminToken,
    );
    expect(processed.processReport.status).toBe('ACTION_TAKEN');

    const confirmed = (await ok(CHECK, { input: { type: 'BANK_ACCOUNT', value: `국민 123456-78-${tail}` } }, nextBuyer.token)).checkPaymentIdentifier;
    expect(confirmed).toMatchObject({ type: 'BANK_ACCOUNT', identifier: masked, verdict: 'CONFIRMED_FRAUD', confirmedReports: 1, pendingReports: 0 });
    expect(confirmed.identifier).not.toContain(account);
    expect(confirmed.message).toContain('절대 돈을 보내지 마세요');
    expect(new Date(confirmed.lastReportedAt).getTime()).toBeGreaterThan(Date.now() - 5 * 60_000);
    const english = (await ok(CHECK, { input: { type: 'BANK_ACCOUNT', value: account } }, nextBuyer.token, { 'accept-language': 'en' })).checkPaymentIdentifier;
    expect(english.message).toMatch(/Do not send any money/);

    // Chat learns the account from report.identifiers_confirmed. No blind sleep: a probe member
    // writes the account to the victim until chat masks it; the real message is then judged at once.
    const probe = await register('probe');
    const probeChat = await conversation(probe, victim);
    await waitFor('chat to know the confirmed account', async () => (await ok(SEND, { id: probeChat, text: `123456 78 ${tail}` }, probe.token)).sendMessage.masked === true, 30_000);

    const fraudChat = await conversation(fraudster, nextBuyer);
    const sent = (await ok(SEND, { id: fraudChat, text: `국민 123456-78-${tail} 으로 먼저 보내주세요` }, fraudster.token)).sendMessage;
    expect(sent.masked).toBe(true);
    expect(sent.text).not.toContain(tail);
    const alert = await waitFor('the KNOWN_FRAUD_ACCOUNT alert', async () =>
      (await ok(ALERTS_ABOUT, { u: fraudster.id }, adminToken)).riskAlerts.find((a: { rule: string }) => a.rule === 'KNOWN_FRAUD_ACCOUNT'));
    expect(alert).toMatchObject({ level: 'CRITICAL', subject: { id: fraudster.id }, recipients: [{ id: nextBuyer.id }] });
    expect(alert.message).toContain('사기 신고가 확인된');
    expect((await ok(RISK, { id: fraudster.id }, adminToken)).user.riskLevel).toBe('CRITICAL');
    // The recipient sees it among their alerts.
    const mine = (await ok(`{ riskAlerts(first: 20) { rule level subject { id } } }`, {}, nextBuyer.token)).riskAlerts;
    expect(mine).toContainEqual({ rule: 'KNOWN_FRAUD_ACCOUNT', level: 'CRITICAL', subject: { id: fraudster.id } });

    // An account nobody reported, in the same chat: not masked (no known fraud account in it).
    const other = `98765432${String(randomInt(0, 1_000_000)).padStart(6, '0')}`;
    const innocent = (await ok(SEND, { id: fraudChat, text: `${other} 이에요` }, nextBuyer.token)).sendMessage;
    expect(innocent).toMatchObject({ masked: false, text: expect.stringContaining(other) });
  });
});

const SCORE = `query($id: ID!) { user(id: $id) { safetyScore { value grade version } } }`;
const RISK = `query($id: ID!) { user(id: $id) { riskLevel } }`;
const CREATE = `mutation($input: CreateProductInput!) { createProduct(input: $input) { id } }`;
const START = `mutation($id: ID!) { startTransaction(productId: $id) { id } }`;
const MOVE = `mutation($id: ID!, $s: TransactionStatus!) { updateTransactionStatus(id: $id, status: $s) { id status } }`;
const phone = () => `010${String(randomInt(0, 1e8)).padStart(8, '0')}`;

/** Files a report once the report service knows the target (user.registered is on its way). */
async function fileReport(as: RegisteredPerson, input: Record<string, unknown>): Promise<{ id: string }> {
  return waitFor('the report service to know the target', async () => {
    const result = await call(FILE, { input }, as.token);
    if (codeOf(result.errors) === 'NOT_FOUND') return false;
    if (result.errors?.length) throw new Error(JSON.stringify(result.errors));
    return result.data!.fileReport;
  });
}

/** Polls one SQL count until it reaches `n`: the services' copies and processed-event records. */
async function rows(what: string, sql: string, params: unknown[], n: number): Promise<void> {
  await waitFor(what, async () => Number((await db.query(sql, params)).rows[0].n) >= n, 20_000);
}

/** Signs up with a phone number and verifies it with the code the dev message sink shows. */
async function verifiedByPhone(nickname: string): Promise<RegisteredPerson> {
  const number = phone();
  const person = await register(nickname, { phone: number });
  const challenge = (await ok(`mutation { requestVerification(method: SMS) { id } }`, {}, person.token)).requestVerification;
  const sent = await devMessages(stack.operationsUrls.user!, number);
  const code = /\b(\d{6})\b/.exec(sent[0]!.text)?.[1];
  await ok(`mutation($id: ID!, $code: String!) { confirmVerification(challengeId: $id, code: $code) { id } }`, { id: challenge.id, code }, person.token);
  return person;
}

/** `buyer` asks to buy one of `seller`'s listings and the seller accepts. */
async function tradeAccepted(buyer: RegisteredPerson, seller: RegisteredPerson): Promise<void> {
  const product = (await ok(CREATE, { input: { title: '블루투스 스피커', description: '', price: 40_000, category: 'DIGITAL' } }, seller.token)).createProduct;
  const trade = (await ok(START, { id: product.id }, buyer.token)).startTransaction;
  await ok(MOVE, { id: trade.id, s: 'ACCEPTED' }, seller.token);
}

describe('reports cannot be weaponised', () => {
  it('three fresh accounts reporting an honest seller leave them NORMAL or better and below HIGH risk', async () => {
    const seller = await register('honestseller');
    const first = await waitFor('the first score', async () => {
      const score = (await ok(SCORE, { id: seller.id })).user.safetyScore;
      return score.version >= 1 && score;
    });
    const bombers = await Promise.all([register('bomber1'), register('bomber2'), register('bomber3')]);
    for (const bomber of bombers) {
      await fileReport(bomber, { targetUserId: seller.id, type: 'FRAUD', description: '사기꾼이에요. 돈만 받고 물건을 안 보냈어요.' });
    }
    // No blind sleep: wait until the monitor and safety have processed the three report.filed
    // events, and safety every monitor.risk_detected they caused.
    const filed = `SELECT id FROM svc_report.outbox_events WHERE type = 'report.filed' AND payload->'data'->>'targetUserId' = $1`;
    await rows('the monitor to weigh the reports', `SELECT count(*) AS n FROM svc_monitor.processed_events WHERE consumer = 'monitor' AND event_id IN (${filed})`, [seller.id], 3);
    await rows('safety to weigh the reports', `SELECT count(*) AS n FROM svc_safety.processed_events WHERE consumer = 'safety' AND event_id IN (${filed})`, [seller.id], 3);
    const risks = (await db.query(`SELECT count(*) AS n FROM svc_monitor.outbox_events WHERE type = 'monitor.risk_detected' AND payload->>'subjectUserId' = $1`, [seller.id])).rows[0].n;
    await rows('safety to take in the risk signals', `SELECT count(*) AS n FROM svc_safety.processed_events WHERE consumer = 'safety' AND event_id IN (SELECT id FROM svc_monitor.outbox_events WHERE type = 'monitor.risk_detected' AND payload->>'subjectUserId' = $1)`, [seller.id], Number(risks));

    expect((await ok(RISK, { id: seller.id }, seller.token)).user.riskLevel).not.toMatch(/HIGH|CRITICAL/);
    const score = (await ok(SCORE, { id: seller.id })).user.safetyScore;
    expect(['VERY_SAFE', 'SAFE', 'NORMAL']).toContain(score.grade);
    expect(score).toEqual(first);
  });

  it('two identity-verified people who traded with the account holder make an account CAUTION; one does not', async () => {
    const holder = await register('holder');
    const [first, second] = [await verifiedByPhone('firstbuyer'), await verifiedByPhone('secondbuyer')];
    await tradeAccepted(first, holder);
    await tradeAccepted(second, holder);
    // The report service learns both from events: wait for its copies, as filing reads them.
    await rows('the report service to know the verifications', `SELECT count(*) AS n FROM svc_report.known_users WHERE id = ANY($1::uuid[]) AND phone_verified_at IS NOT NULL`, [[first.id, second.id]], 2);
    await rows('the report service to know the accepted trades', `SELECT count(*) AS n FROM svc_report.known_trades WHERE seller_id = $1 AND accepted_at IS NOT NULL`, [holder.id], 2);

    const tail = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const account = `55566677${tail}`;
    const report = { targetUserId: holder.id, type: 'FRAUD', description: '물건 대신 벽돌이 왔고 연락이 끊겼어요.', paymentIdentifiers: [{ type: 'BANK_ACCOUNT', value: `신한 ${account}` }] };
    const check = async (as: RegisteredPerson) => (await ok(CHECK, { input: { type: 'BANK_ACCOUNT', value: account } }, as.token)).checkPaymentIdentifier;

    await fileReport(first, report);
    expect(await check(second)).toMatchObject({ verdict: 'NO_RECORD', pendingReports: 0 });
    expect(await check(holder)).toMatchObject({ verdict: 'NO_RECORD', pendingReports: 0, lastReportedAt: null });
    await fileReport(second, report);
    const caution = await check(first);
    expect(caution).toMatchObject({ verdict: 'CAUTION', confirmedReports: 0, pendingReports: 2 });
    expect(caution.message).toContain('2명');
    const english = (await ok(CHECK, { input: { type: 'BANK_ACCOUNT', value: account } }, first.token, { 'accept-language': 'en' })).checkPaymentIdentifier;
    expect(english.message).toMatch(/verified their identity and traded/);
  });
});
