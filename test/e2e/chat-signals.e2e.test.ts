// Issue 18's "the platform owns the signals", through the gateway with user, transaction, chat and
// monitor as real processes:
// - a fraudster writes "국민 <an account in Hangul numerals> 으로 선입금 주세요" to a buyer: the buyer's
//   chatMessages subscription shows the message with a warning, and the buyer's myRiskAlerts
//   receives a HIGH alert within a second of sending (chat screens → outbox → chat.message_screened
//   → monitor → alert pushed); the measured delay is printed;
// - a member calling recordActivity gets FORBIDDEN, in Korean and in English;
// - sign-ins carry the app's X-Device-Id to the monitor as user.signed_in (never a member's report):
//   three accounts signing in on one device raise SHARED_DEVICE; a device id the member puts in
//   the gateway's own signed header is not believed.
import { randomUUID } from 'node:crypto';
import { createClient, type Client, type ExecutionResult } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrapAdmin, codeOf, gatewayClient, LOGIN, waitFor, type RegisteredPerson } from '../support/gateway-client.ts';
import { accountNumberInHangul, accountNumberOfThisRun } from '../support/fraud-text.ts';
import { startStack, type Stack } from '../support/stack.ts';

const ADMIN = bootstrapAdmin();
let stack: Stack;
const { call, ok, register, login } = gatewayClient(() => stack.gatewayUrl);
const clients: Client[] = [];
beforeAll(async () => {
  stack = await startStack({ subgraphs: ['user', 'transaction', 'chat', 'monitor'], env: ADMIN.env });
}, 180_000);
afterAll(async () => {
  for (const client of clients) await client.dispose();
  await stack?.stop();
});

/** Collects a subscription's events through the gateway's graphql-ws endpoint. */
function subscribe<T>(token: string, query: string, variables: Record<string, unknown> = {}) {
  const client = createClient({ url: stack.gatewayUrl.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { authorization: `Bearer ${token}` } });
  clients.push(client);
  const events: Array<ExecutionResult<T> & { receivedAt: number }> = [];
  client.subscribe<T>({ query, variables }, {
    next: (value) => void events.push({ ...(value as ExecutionResult<T>), receivedAt: Date.now() }),
    error: (error) => void events.push({ errors: (Array.isArray(error) ? error : [error]) as never, receivedAt: Date.now() }),
    complete: () => undefined,
  });
  return events;
}

const SEND = `mutation($id: ID!, $text: String!) { sendMessage(conversationId: $id, text: $text) { id } }`;
/** An account number of this run only, in Hangul numerals (see test/support/fraud-text.ts). */
const FRAUD_TEXT = `국민 ${accountNumberInHangul()} 으로 선입금 주세요`;

/** A listing by `seller` and the buyer's conversation about it (chat learns the listing from product.created). */
async function conversationBetween(seller: RegisteredPerson, buyer: RegisteredPerson): Promise<string> {
  const product = (await ok(`mutation($input: CreateProductInput!) { createProduct(input: $input) { id } }`, { input: { title: '닌텐도 스위치', description: '박스 있음', price: 230_000, category: 'DIGITAL' } }, seller.token)).createProduct;
  return waitFor('chat to know the listing', async () => {
    const result = await call(`mutation($p: ID!) { startConversation(productId: $p) { id } }`, { p: product.id }, buyer.token);
    return result.errors ? undefined : (result.data!.startConversation.id as string);
  }, 30_000);
}

describe('the monitor learns from the platform, not from members', () => {
  it('a fraudster\'s advance-payment message reaches the buyer with a warning, and a HIGH alert in real time (the delay printed)', async () => {
    const fraudster = await register('fraudster');
    const buyer = await register('buyer');
    const conversationId = await conversationBetween(fraudster, buyer);

    const messages = subscribe<{ chatMessages: any }>(buyer.token, `subscription($id: ID) { chatMessages(conversationId: $id) { id text warnings { code level message } sender { id } } }`, { id: conversationId });
    const alerts = subscribe<{ myRiskAlerts: any }>(buyer.token, `subscription { myRiskAlerts { id rule level message subject { id nickname } recipients { id } } }`);
    // No blind sleep: a probe member's screened message to the buyer, until both subscriptions delivered once.
    const probe = await register('probe');
    const probeConversation = await conversationBetween(probe, buyer);
    const probeMessages = subscribe<{ chatMessages: any }>(buyer.token, `subscription($id: ID) { chatMessages(conversationId: $id) { id } }`, { id: probeConversation });
    const aboutProbe = (event: ExecutionResult<any>) => event.data?.myRiskAlerts?.subject?.id === probe.id;
    await waitFor('both subscriptions to be live', async () => {
      await ok(SEND, { id: probeConversation, text: '카톡 아이디 알려드릴게요 오픈채팅으로 와요' }, probe.token);
      return waitFor('probe delivered', async () => alerts.some(aboutProbe) && probeMessages.length > 0, 2_000).catch(() => false);
    }, 45_000);
    // The buyer's conversation-scoped subscription is live too: say hello in it first.
    const hello = await waitFor('the conversation subscription to be live', async () => {
      const sent = (await ok(SEND, { id: conversationId, text: '안녕하세요 아직 판매중인가요?' }, buyer.token)).sendMessage;
      return waitFor('hello', async () => messages.find((e) => e.data?.chatMessages.id === sent.id), 2_000).catch(() => undefined);
    }, 30_000);
    expect(hello.data!.chatMessages.warnings).toEqual([]);

    const sentAt = Date.now();
    const sent = (await ok(SEND, { id: conversationId, text: FRAUD_TEXT }, fraudster.token)).sendMessage;
    const fromFraudster = (event: ExecutionResult<any>) => event.data?.myRiskAlerts?.subject?.id === fraudster.id && event.data.myRiskAlerts.level === 'HIGH';
    const alert = await waitFor('the HIGH alert', async () => alerts.find(fromFraudster), 10_000);
    const delay = alert.receivedAt - sentAt;
    console.log(`chat-signals: sendMessage → buyer's myRiskAlerts HIGH alert in ${delay} ms`);
    if (process.env.CHAT_SIGNALS_TRACE) {
      const { Client: Pg } = await import('pg');
      const pg = new Pg({ connectionString: stack.env.DATABASE_URL });
      await pg.connect();
      const outbox = await pg.query(`SELECT type, created_at, published_at FROM svc_chat.outbox_events WHERE payload->'data'->>'messageId' = $1`, [sent.id]);
      const ids = (await pg.query(`SELECT id FROM svc_chat.outbox_events WHERE payload->'data'->>'messageId' = $1`, [sent.id])).rows.map((r) => r.id);
      const processed = await pg.query(`SELECT event_id, processed_at FROM svc_monitor.processed_events WHERE event_id = ANY($1::uuid[])`, [ids]);
      // The relay publishes right after the monitor's commit: its published_at is about the commit time.
      const raised = await pg.query(`SELECT type, created_at, published_at FROM svc_monitor.outbox_events WHERE payload->>'subjectUserId' = $1`, [fraudster.id]);
      console.log(JSON.stringify({ sentAt: new Date(sentAt), outbox: outbox.rows, processed: processed.rows, monitorOutbox: raised.rows, received: new Date(alert.receivedAt) }, null, 1));
      await pg.end();
    }
    // The goal is a second (290–810 ms measured on a quiet machine). A shared CI machine running many
    // e2e files at once is no place for a latency goal (house rule: performance lives in benchmarks;
    // bench/chat-throughput measures the monitor's lag behind the chat): here the alert must come, in
    // the few seconds that still make it a real-time warning.
    expect(delay).toBeLessThan(5_000);
    expect(alert.data!.myRiskAlerts).toMatchObject({ rule: 'OFF_PLATFORM_PAYMENT_REQUEST', level: 'HIGH', subject: { id: fraudster.id, nickname: 'fraudster' }, recipients: [{ id: buyer.id }] });
    expect(alert.data!.myRiskAlerts.message).toContain('안전결제');

    const delivered = await waitFor('the message', async () => messages.find((e) => e.data?.chatMessages.id === sent.id), 5_000);
    expect(delivered.data!.chatMessages.sender).toEqual({ id: fraudster.id });
    expect(delivered.data!.chatMessages.warnings).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'PAYMENT_IDENTIFIER', level: 'HIGH', message: expect.stringMatching(/[가-힣]/) })]));

    // The fraudster's level rose from the platform's own observation; nothing was reported by anyone.
    expect((await ok(`query($id: ID!) { user(id: $id) { riskLevel } }`, { id: fraudster.id }, fraudster.token)).user.riskLevel).toBe('HIGH');
  });

  it('a member calling recordActivity gets FORBIDDEN (ko/en) and raises nothing; an ADMIN may', async () => {
    const member = await register('member');
    const victim = await register('victim');
    const input = { type: 'CHAT_MESSAGE', counterpartId: victim.id, text: `선입금 부탁드려요 국민은행 ${accountNumberOfThisRun()}` };
    const RECORD = `mutation($input: ActivityInput!) { recordActivity(input: $input) { level rulesMatched alerts { recipients { id } } } }`;
    const ko = await call(RECORD, { input }, member.token);
    expect(codeOf(ko.errors)).toBe('FORBIDDEN');
    expect(ko.errors![0]!.message).toMatch(/관리자/);
    const en = await call(RECORD, { input: { type: 'LOGIN', deviceId: 'someone-elses-phone' } }, member.token, { 'accept-language': 'en' });
    expect(codeOf(en.errors)).toBe('FORBIDDEN');
    expect(en.errors![0]!.message).toMatch(/administrators/);
    expect((await ok(`{ riskAlerts { id } }`, {}, victim.token)).riskAlerts).toEqual([]);

    // An ADMIN's recorded activity names a counterpart who never dealt with the admin: no one is warned.
    const adminToken = await login(ADMIN.email, ADMIN.password);
    const recorded = await ok(RECORD, { input }, adminToken);
    expect(recorded.recordActivity).toMatchObject({ rulesMatched: ['OFF_PLATFORM_PAYMENT_REQUEST'], alerts: [{ recipients: [] }] });
    expect((await ok(`{ riskAlerts { id } }`, {}, victim.token)).riskAlerts).toEqual([]);
  });

  it('sign-ins with X-Device-Id reach the monitor as user.signed_in: three accounts on one device raise SHARED_DEVICE', async () => {
    const deviceId = `e2e-device-${randomUUID()}`;
    const accounts = [await register('first'), await register('second'), await register('third')];
    const adminToken = await login(ADMIN.email, ADMIN.password);
    const sharedDevice = async (userId: string) =>
      (await ok(`query($u: ID) { riskAlerts(userId: $u) { rule level } }`, { u: userId }, adminToken)).riskAlerts.filter((a: { rule: string }) => a.rule === 'SHARED_DEVICE');

    // A member forging the gateway's signed client header gets nowhere: the gateway signs what it saw.
    const forged = await call(LOGIN, { email: accounts[0]!.email, password: accounts[0]!.password }, undefined, { 'x-anshim-client': `d=${deviceId}` });
    expect(forged.errors).toBeUndefined();

    for (const account of accounts.slice(0, 2)) expect((await call(LOGIN, { email: account.email, password: account.password }, undefined, { 'x-device-id': deviceId })).errors).toBeUndefined();
    // Two accounts on the device: nothing yet (and the forged sign-in above did not count as a third).
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await sharedDevice(accounts[1]!.id)).toEqual([]);

    // The third signs in over graphql-ws with connectionParams.deviceId.
    const third = accounts[2]!;
    const ws = createClient({ url: stack.gatewayUrl.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { deviceId } });
    clients.push(ws);
    const signedIn = await new Promise<ExecutionResult<any>>((resolve, reject) => {
      ws.subscribe({ query: LOGIN, variables: { email: third.email, password: third.password } }, { next: (value) => resolve(value as ExecutionResult<any>), error: reject, complete: () => undefined });
    });
    expect(signedIn.errors).toBeUndefined();
    const alerts = await waitFor('SHARED_DEVICE on the third account', async () => {
      const found = await sharedDevice(third.id);
      return found.length > 0 ? found : undefined;
    }, 10_000);
    expect(alerts).toEqual([{ rule: 'SHARED_DEVICE', level: 'HIGH' }]);
  });
});
