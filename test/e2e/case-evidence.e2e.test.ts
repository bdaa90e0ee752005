// The case view's evidence through the gateway (docs/admin-console.md), with user, transaction,
// report, chat and monitor as real processes: an ADMIN reads the payment identifiers a report names
// with the registry's answer for each (Report.paymentIdentifiers), the conversation the report links
// (Report.conversations, from chat: every read lands in the monitor's audit log as
// chat.conversation_read), the target's trades page by page (User.transactions after) and the
// alerts whose subject they are (riskAlerts subjectOnly). The reporter and the target get FORBIDDEN
// from the ADMIN fields, foreign cursors and page sizes BAD_USER_INPUT, and a stranger nothing.
import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrapAdmin, codeOf, gatewayClient, waitFor, type RegisteredPerson } from '../support/gateway-client.ts';
import { startStack, type Stack } from '../support/stack.ts';

const ADMIN = bootstrapAdmin();

let stack: Stack;
const { call, ok, register, login } = gatewayClient(() => stack.gatewayUrl);
beforeAll(async () => {
  stack = await startStack({ subgraphs: ['user', 'transaction', 'report', 'chat', 'monitor'], env: ADMIN.env });
}, 240_000);
afterAll(async () => {
  await stack?.stop();
});

const CREATE = `mutation($input: CreateProductInput!) { createProduct(input: $input) { id } }`;
const START_TRADE = `mutation($id: ID!) { startTransaction(productId: $id) { id } }`;
const FILE = `mutation($input: FileReportInput!) { fileReport(input: $input) { id } }`;
const NAMED = `query($id: ID!) { report(id: $id) { id paymentIdentifiers { type identifier verdict confirmedReports pendingReports lastReportedAt message } } }`;
const LINKED = `query($id: ID!, $first: Int) { report(id: $id) { id conversations(first: $first) { id product { id } buyer { id } seller { id } messages(first: 10) { edges { node { text masked sender { id } warnings { code } } } } } } }`;
const TRADES = `query($id: ID!, $first: Int, $after: ID) { user(id: $id) { transactions(first: $first, after: $after) { id buyer { id } seller { id } product { id title } status price } } }`;
const ALERTS = `query($u: ID, $s: Boolean) { riskAlerts(userId: $u, first: 20, subjectOnly: $s) { id rule subject { id } } }`;
const AUDIT = `query($action: String) { auditLog(first: 50, action: $action) { service action subjectId actor { id } } }`;

/** Starts a trade; the transaction service asks the user service first, which a loaded machine may keep waiting (retryable). */
async function startTrade(productId: string, buyer: RegisteredPerson): Promise<string> {
  return waitFor('the trade to start', async () => {
    const result = await call(START_TRADE, { id: productId }, buyer.token);
    if (codeOf(result.errors) === 'TEMPORARILY_UNAVAILABLE') return false;
    if (result.errors?.length) throw new Error(JSON.stringify(result.errors));
    return result.data!.startTransaction.id as string;
  }, 60_000);
}

async function listing(seller: RegisteredPerson, title: string): Promise<string> {
  return (await ok(CREATE, { input: { title, description: '상태 좋아요', price: 55_000, category: 'DIGITAL' } }, seller.token)).createProduct.id;
}

describe('the case view\'s evidence through the gateway', () => {
  it('shows an ADMIN the named identifiers with the registry, the linked conversation (audited), the trades and the alerts; members are refused', async () => {
    const target = await register('casetarget');
    const reporter = await register('casereporter');
    const stranger = await register('casestranger');
    const admin = await login(ADMIN.email, ADMIN.password);

    // Two listings by the target, a trade on each by the reporter, and a conversation about the first.
    const first = await listing(target, '무선 이어폰');
    const second = await listing(target, '태블릿 거치대');
    const conversationId = await waitFor('chat to know the listing', async () => {
      const result = await call(`mutation($p: ID!) { startConversation(productId: $p) { id } }`, { p: first }, reporter.token);
      return result.errors ? undefined : (result.data!.startConversation.id as string);
    }, 30_000);
    await ok(`mutation($id: ID!, $text: String!) { sendMessage(conversationId: $id, text: $text) { id } }`, { id: conversationId, text: '이어폰 아직 있나요?' }, reporter.token);
    const account = `12345678${String(randomInt(0, 1_000_000)).padStart(6, '0')}`;
    await ok(`mutation($id: ID!, $text: String!) { sendMessage(conversationId: $id, text: $text) { id } }`, { id: conversationId, text: `선입금 부탁드려요 국민은행 ${account}` }, target.token);
    const olderTrade = await startTrade(second, reporter);
    const newerTrade = await startTrade(first, reporter);

    const report = await waitFor('the report service to know the target', async () => {
      const result = await call(FILE, { input: {
        targetUserId: target.id, type: 'FRAUD', productId: first, transactionId: newerTrade,
        description: '선입금을 요구하고 계좌번호를 보냈어요. 물건은 받지 못했습니다.',
        paymentIdentifiers: [{ type: 'BANK_ACCOUNT', value: `국민은행 ${account}` }, { type: 'PHONE', value: '010-2345-6789' }],
      } }, reporter.token);
      if (codeOf(result.errors) === 'NOT_FOUND') return false;
      if (result.errors?.length) throw new Error(JSON.stringify(result.errors));
      return result.data!.fileReport as { id: string };
    }, 30_000);

    // The identifiers, masked, each with the registry's answer: one fresh reporter weighs nothing yet.
    const named = (await ok(NAMED, { id: report.id }, admin)).report.paymentIdentifiers;
    expect(named).toEqual([
      expect.objectContaining({ type: 'BANK_ACCOUNT', identifier: `123456-**-***${account.slice(-3)}`, verdict: 'NO_RECORD', confirmedReports: 0, pendingReports: 0, lastReportedAt: null }),
      expect.objectContaining({ type: 'PHONE', identifier: '010-****-6789', verdict: 'NO_RECORD' }),
    ]);
    expect(JSON.stringify(named)).not.toContain(account);
    // The reporter and the target may read the report, but not this field.
    for (const member of [reporter, target]) {
      const refused = await call(NAMED, { id: report.id }, member.token);
      expect(codeOf(refused.errors), member.email).toBe('FORBIDDEN');
      expect(JSON.stringify(refused.data ?? {})).not.toContain('6789');
    }

    // The linked conversation: chat learns of the report from report.filed, then the ADMIN reads it.
    const linked = await waitFor('chat to link the report', async () => {
      const list = (await ok(LINKED, { id: report.id, first: 5 }, admin)).report.conversations;
      return list.length > 0 && list;
    }, 30_000);
    expect(linked).toHaveLength(1);
    expect(linked[0]).toMatchObject({ id: conversationId, product: { id: first }, buyer: { id: reporter.id }, seller: { id: target.id } });
    const texts = linked[0].messages.edges.map((edge: { node: { text: string } }) => edge.node.text);
    expect(texts[0]).toBe('이어폰 아직 있나요?');
    expect(linked[0].messages.edges[1].node.warnings.map((w: { code: string }) => w.code)).toContain('PAYMENT_IDENTIFIER');
    for (const member of [reporter, target]) {
      expect(codeOf((await call(LINKED, { id: report.id, first: 5 }, member.token)).errors), member.email).toBe('FORBIDDEN');
    }
    // A stranger cannot see the report at all: null, no error that would tell it exists.
    expect(await call(LINKED, { id: report.id, first: 5 }, stranger.token)).toMatchObject({ data: { report: null } });
    expect(codeOf((await call(LINKED, { id: report.id, first: 11 }, admin)).errors)).toBe('BAD_USER_INPUT');
    // Not a report's id: report(id) answers null, as it does for any id it does not know.
    expect((await ok(LINKED, { id: 'not-an-id', first: 5 }, admin)).report).toBeNull();
    // The read reaches the one audit log (chat's outbox, the monitor's consumer), the ADMIN as actor.
    const adminId = (await ok(`{ me { id } }`, {}, admin)).me.id;
    await waitFor('the conversation read in the audit log', async () => {
      const entries = (await ok(AUDIT, { action: 'chat.conversation_read' }, admin)).auditLog;
      return entries.some((e: { subjectId: string; service: string; actor: { id: string } | null }) => e.subjectId === conversationId && e.service === 'chat' && e.actor?.id === adminId);
    }, 30_000);

    // The target's trades, newest first, page by page; a cursor that is not theirs is refused.
    const page1 = (await ok(TRADES, { id: target.id, first: 1 }, admin)).user.transactions;
    expect(page1.map((trade: { id: string }) => trade.id)).toEqual([newerTrade]);
    expect(page1[0]).toMatchObject({ buyer: { id: reporter.id }, seller: { id: target.id }, product: { id: first, title: '무선 이어폰' }, status: 'REQUESTED', price: 55_000 });
    const page2 = (await ok(TRADES, { id: target.id, first: 1, after: newerTrade }, admin)).user.transactions;
    expect(page2.map((trade: { id: string }) => trade.id)).toEqual([olderTrade]);
    expect((await ok(TRADES, { id: target.id, first: 1, after: olderTrade }, admin)).user.transactions).toEqual([]);
    const foreign = await listing(stranger, '남의 상품');
    const strangersTrade = await startTrade(foreign, reporter);
    expect(codeOf((await call(TRADES, { id: target.id, first: 1, after: strangersTrade }, admin)).errors)).toBe('BAD_USER_INPUT');
    expect(codeOf((await call(TRADES, { id: target.id, first: 101 }, admin)).errors)).toBe('BAD_USER_INPUT');
    // Someone else's trades stay theirs: a stranger gets an empty list, never the trades.
    expect((await ok(TRADES, { id: target.id, first: 5 }, stranger.token)).user.transactions).toEqual([]);
    // Nor is a cursor an oracle: the target's own trade and someone else's answer the stranger alike.
    for (const after of [newerTrade, strangersTrade, 'not-a-trade']) {
      expect(await call(TRADES, { id: target.id, first: 1, after }, stranger.token)).toMatchObject({ data: { user: { transactions: [] } } });
    }

    // Alerts: the ADMIN records a chat message by the target asking for money off the platform (an
    // alert about the target); subjectOnly lists only alerts whose subject is the target.
    const raised = (await ok(`mutation($input: ActivityInput!) { recordActivity(input: $input) { alerts { id } } }`, { input: { type: 'CHAT_MESSAGE', userId: target.id, text: `선입금 부탁드려요 국민은행 ${account}` } }, admin)).recordActivity.alerts;
    expect(raised.length).toBeGreaterThan(0);
    const about = (await ok(ALERTS, { u: target.id, s: true }, admin)).riskAlerts;
    expect(about.map((alert: { id: string }) => alert.id)).toEqual(expect.arrayContaining(raised.map((alert: { id: string }) => alert.id)));
    expect(about.every((alert: { subject: { id: string } }) => alert.subject.id === target.id)).toBe(true);
    expect(codeOf((await call(ALERTS, { u: target.id, s: true }, stranger.token)).errors)).toBe('FORBIDDEN');
  }, 240_000);
});
