// Automatic risk actions expire with the signal (ARCHITECTURE §6), through the gateway with user,
// transaction, chat and monitor as real processes: a seller's advance-payment message makes them
// HIGH; WARN_COUNTERPARTS puts a notice on their buyer's open trade (transaction) and
// REQUIRE_VERIFICATION, decided by the user service, stops their listings (transaction) and
// messages (chat). Once the signal and the actions have run out (their expiries in the monitor's
// tables brought forward to now, as 72 hours would), the sweep ends both and monitor.action_ended lifts
// each of them everywhere, with no admin involved. (Renewal while the level lasts, with
// second-long actions, is the monitor's integration test: here every stack of the run shares the
// database, and another stack's sweep could renew such actions with its own 72-hour default.)
import { randomInt } from 'node:crypto';
import { Queue } from 'bullmq';
import pg from 'pg';
import { createQueueConnection, queuePrefix } from '@anshim/platform';
import { JOB_CATALOGUE } from '@anshim/contracts';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { gatewayClient, waitFor } from '../support/gateway-client.ts';
import { startStack, type Stack } from '../support/stack.ts';

let stack: Stack;
let db: pg.Client;
const { call, ok, register } = gatewayClient(() => stack.gatewayUrl);
beforeAll(async () => {
  stack = await startStack({
    subgraphs: ['user', 'transaction', 'chat', 'monitor'],
    // The test runs this stack's sweep itself, right when the actions are due: every monitor of the
    // run shares the database, and one of another stack (sweeping on its own schedule) would publish
    // the lift into its own Redis, where this stack's services never hear it.
    env: { MONITOR_ACTION_SWEEP_SECONDS: '3600' },
  });
  db = new pg.Client({ connectionString: inject('databaseUrl') });
  await db.connect();
}, 120_000);
afterAll(async () => {
  await db?.end();
  await stack?.stop();
});

const CREATE = `mutation($input: CreateProductInput!) { createProduct(input: $input) { id } }`;
const listing = (title = '아이패드 에어') => ({ input: { title, description: '거의 새것', price: 450_000, category: 'DIGITAL' } });
const SEND = `mutation($id: ID!, $text: String!) { sendMessage(conversationId: $id, text: $text) { id } }`;
const NOTICE = `query($id: ID!) { transaction(id: $id) { safetyNotice } }`;
/** This run's own account number (the database is shared by every e2e file of the run). */
const freshAccount = () => `${randomInt(400_000, 1_000_000)}-${randomInt(10, 100)}-${randomInt(100_000, 1_000_000)}`;

const monitorEvents = async (type: string, userId: string) =>
  (await db.query(`SELECT payload FROM svc_monitor.outbox_events WHERE type = $1 AND payload->>'subjectUserId' = $2 ORDER BY created_at`, [type, userId])).rows.map((row) => row.payload.data);

describe('automatic actions expire with the signal', () => {
  it('in force while the seller is HIGH; lifted in transaction, user and chat once the signal and the actions have run out', async () => {
    const seller = await register('seller');
    const buyer = await register('buyer');
    const product = (await ok<{ createProduct: { id: string } }>(CREATE, listing(), seller.token)).createProduct;
    const trade = (await ok<{ startTransaction: { id: string } }>(`mutation($id: ID!) { startTransaction(productId: $id) { id } }`, { id: product.id }, buyer.token)).startTransaction;
    const conversationId = await waitFor('chat to know the listing', async () => {
      const result = await call(`mutation($p: ID!) { startConversation(productId: $p) { id } }`, { p: product.id }, buyer.token);
      return result.errors ? undefined : (result.data!.startConversation.id as string);
    }, 30_000);

    await ok(SEND, { id: conversationId, text: `선입금 부탁드려요 국민은행 ${freshAccount()}` }, seller.token);
    const notice = async () => (await ok<{ transaction: { safetyNotice: string | null } }>(NOTICE, { id: trade.id }, buyer.token)).transaction.safetyNotice;
    expect(await waitFor('the buyer\'s notice', async () => (await notice()) ?? undefined, 30_000)).toContain('돈을 먼저 보내지 말고');
    const refusedListing = await waitFor('the seller\'s listing to be refused', async () => {
      const result = await call(CREATE, listing('갤럭시 탭'), seller.token);
      return result.errors?.[0]?.extensions?.reason === 'VERIFICATION_REQUIRED' ? result.errors[0] : undefined;
    }, 30_000);
    expect(refusedListing).toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    const refusedMessage = await waitFor('the seller\'s message to be refused', async () => {
      const result = await call(SEND, { id: conversationId, text: '네 알겠습니다' }, seller.token);
      return result.errors?.length ? result.errors[0] : undefined;
    }, 30_000);
    expect(refusedMessage).toMatchObject({ extensions: { code: 'FORBIDDEN', reason: 'VERIFICATION_REQUIRED' } });

    const taken = await monitorEvents('monitor.action_taken', seller.id);
    expect(taken.map((a) => [a.action, Date.parse(a.expiresAt) - Date.parse(a.takenAt)]).sort()).toEqual([['REQUIRE_VERIFICATION', 72 * 3_600_000], ['WARN_COUNTERPARTS', 72 * 3_600_000]]);
    expect(await monitorEvents('monitor.action_ended', seller.id)).toEqual([]);

    // The signal and both actions run out now (as 72 hours would: their expiries come forward to now,
    // after the times the other services already hold); the sweep ends them and every service lifts its copy.
    for (const table of ['risk_signals', 'risk_actions']) {
      await db.query(`UPDATE svc_monitor.${table} SET expires_at = now() AT TIME ZONE 'UTC' WHERE user_id = $1::uuid AND expires_at IS NOT NULL`, [seller.id]);
    }
    const settings = { url: inject('redisUrl'), prefix: stack.env.REDIS_PREFIX! };
    const connection = createQueueConnection(settings);
    const sweep = new Queue(JOB_CATALOGUE['monitor.action-expiry'].name, { connection, prefix: queuePrefix(settings, JOB_CATALOGUE['monitor.action-expiry'].name) });
    await sweep.add(JOB_CATALOGUE['monitor.action-expiry'].jobName, {});
    await sweep.close();
    connection.disconnect();
    const ended = await waitFor('both actions to end', async () => {
      const events = await monitorEvents('monitor.action_ended', seller.id);
      return events.length >= 2 ? events : undefined;
    }, 30_000);
    expect(ended.map((e) => e.action).sort()).toEqual(['REQUIRE_VERIFICATION', 'WARN_COUNTERPARTS']);
    await waitFor('the buyer\'s notice to be lifted', async () => (await notice()) === null, 30_000);
    await waitFor('the seller to list again', async () => (await call(CREATE, listing('맥북'), seller.token)).data?.createProduct, 30_000);
    await waitFor('the seller to write again', async () => (await call(SEND, { id: conversationId, text: '네 알겠습니다' }, seller.token)).data?.sendMessage, 30_000);
    expect(await monitorEvents('monitor.action_ended', seller.id)).toHaveLength(2);
  });
});
