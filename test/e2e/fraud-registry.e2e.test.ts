// The fraud-account registry through the gateway, with user, report and monitor as real processes:
// the README's "Check an account before you pay". A buyer reports the bank account a seller asked
// to be paid to; once an admin accepts the FRAUD report, anyone checking that account (however it
// is typed) gets CONFIRMED_FRAUD with a masked identifier, and when the same account is typed into
// a chat the recipient gets a CRITICAL KNOWN_FRAUD_ACCOUNT alert in the recordActivity answer itself.
import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrapAdmin, codeOf, gatewayClient, waitFor } from '../support/gateway-client.ts';
import { startStack, type Stack } from '../support/stack.ts';

const ADMIN = bootstrapAdmin();

let stack: Stack;
const { call, ok, register, login } = gatewayClient(() => stack.gatewayUrl);
beforeAll(async () => {
  stack = await startStack({ subgraphs: ['user', 'report', 'monitor'], env: ADMIN.env });
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});




const CHECK = `query($input: PaymentIdentifierInput!) { checkPaymentIdentifier(input: $input) { type identifier verdict confirmedReports pendingReports lastReportedAt message } }`;
const FILE = `mutation($input: FileReportInput!) { fileReport(input: $input) { id status } }`;
const RECORD = `mutation($input: ActivityInput!) { recordActivity(input: $input) { level rulesMatched alerts { rule level message recipients { id } subject { id } } } }`;

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
    const pending = (await ok(CHECK, { input: { type: 'BANK_ACCOUNT', value: `KB국민은행 123456 78 ${tail}` } }, nextBuyer.token)).checkPaymentIdentifier;
    expect(pending).toMatchObject({ verdict: 'CAUTION', pendingReports: 1, confirmedReports: 0, identifier: masked });

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

    // The monitor learns the account from report.identifiers_confirmed. No blind sleep: a probe user
    // sends the account to the victim until the copy has it; the real message is then judged at once.
    const probe = await register('probe');
    await waitFor('the monitor to know the confirmed account', async () => {
      const result = await ok(RECORD, { input: { type: 'CHAT_MESSAGE', counterpartId: victim.id, text: `123456 78 ${tail}` } }, probe.token);
      return result.recordActivity.rulesMatched.includes('KNOWN_FRAUD_ACCOUNT');
    });

    const { recordActivity } = await ok(RECORD, { input: { type: 'CHAT_MESSAGE', counterpartId: nextBuyer.id, text: `국민 123456-78-${tail} 으로 먼저 보내주세요` } }, fraudster.token);
    expect(recordActivity.level).toBe('CRITICAL');
    expect(recordActivity.rulesMatched).toContain('KNOWN_FRAUD_ACCOUNT');
    const alert = recordActivity.alerts.find((a: { rule: string }) => a.rule === 'KNOWN_FRAUD_ACCOUNT');
    expect(alert).toMatchObject({ level: 'CRITICAL', subject: { id: fraudster.id }, recipients: [{ id: nextBuyer.id }] });
    expect(alert.message).toContain('사기 신고가 확인된');
    // The recipient sees it among their alerts.
    const mine = (await ok(`{ riskAlerts(first: 20) { rule level subject { id } } }`, {}, nextBuyer.token)).riskAlerts;
    expect(mine).toContainEqual({ rule: 'KNOWN_FRAUD_ACCOUNT', level: 'CRITICAL', subject: { id: fraudster.id } });

    // An account nobody reported, in the same chat: no KNOWN_FRAUD_ACCOUNT.
    const other = `98765432${String(randomInt(0, 1_000_000)).padStart(6, '0')}`;
    const innocent = await ok(RECORD, { input: { type: 'CHAT_MESSAGE', counterpartId: victim.id, text: `${other} 이에요` } }, nextBuyer.token);
    expect(innocent.recordActivity.rulesMatched).not.toContain('KNOWN_FRAUD_ACCOUNT');
  });
});
