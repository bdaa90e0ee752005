// Check-in at the meeting spot through the gateway, with the user and transaction subgraphs as
// real processes and the alert time set to seconds (TRANSACTION_CHECK_IN_ALERT_SECONDS): a member
// in protected mode meets a seller at a safe-trade zone and checks in; nobody sees her check-in
// but her; when she has not checked out in time, the transaction service's delayed job publishes
// transaction.check_in_overdue and the user service texts her confirmed guardian, once, in plain
// Korean with the place and the seller's nickname. A check-out in time sends nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrapAdmin, gatewayClient, waitFor } from '../support/gateway-client.ts';
import { devMessages, type DevMessage } from '../support/dev-messages.ts';
import { startStack, type Stack } from '../support/stack.ts';

const ADMIN = bootstrapAdmin();
const ALERT_SECONDS = 4;

let stack: Stack;
const { call, ok, register, login } = gatewayClient(() => stack.gatewayUrl);
beforeAll(async () => {
  stack = await startStack({ subgraphs: ['user', 'transaction'], env: { ...ADMIN.env, TRANSACTION_CHECK_IN_ALERT_SECONDS: String(ALERT_SECONDS) } });
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

const phone = () => `010-${String(Math.floor(Math.random() * 1e4)).padStart(4, '0')}-${String(Math.floor(Math.random() * 1e4)).padStart(4, '0')}`;
const smsTo = async (to: string): Promise<DevMessage[]> => (await devMessages(stack.operationsUrls.user!, to)).filter((m) => m.channel === 'sms');

const CHECK_IN = `mutation($t: ID!) { checkInAtMeetingSpot(transactionId: $t) { id checkedInAt } }`;
const CHECK_OUT = `mutation($t: ID!) { checkOutOfMeetingSpot(transactionId: $t) { id checkedInAt } }`;
const VIEW = `query($t: ID!) { transaction(id: $t) { id checkedInAt meetingSpot { name } } }`;

async function acceptedTrade(seller: { token: string }, buyer: { token: string }): Promise<string> {
  const product = (await ok<{ createProduct: { id: string } }>(
    `mutation($input: CreateProductInput!) { createProduct(input: $input) { id } }`,
    { input: { title: '전기 밥솥', description: '한 번 썼어요', price: 40_000, category: 'DIGITAL' } },
    seller.token,
  )).createProduct;
  const trade = (await ok<{ startTransaction: { id: string } }>(`mutation($id: ID!) { startTransaction(productId: $id) { id } }`, { id: product.id }, buyer.token)).startTransaction;
  await ok(`mutation($id: ID!) { updateTransactionStatus(id: $id, status: ACCEPTED) { id } }`, { id: trade.id }, seller.token);
  return trade.id;
}

describe('check-in at the meeting spot through the gateway', () => {
  it('a protected member still checked in after the alert time: her confirmed guardian gets one SMS; a check-out in time sends none', async () => {
    const grandma = await register('김순자', { phone: phone() });
    await ok(`mutation { updateProfile(input: { protectedMode: true }) { protectedMode } }`, {}, grandma.token);
    const guardianPhone = phone();
    const guardian = (await ok<{ addGuardian: { id: string } }>(`mutation($input: GuardianInput!) { addGuardian(input: $input) { id } }`, { input: { name: '김민수', phone: guardianPhone, relation: '아들' } }, grandma.token)).addGuardian;
    const code = /인증번호 (\d{6})/.exec((await smsTo(guardianPhone))[0]!.text)![1];
    await ok(`mutation($id: ID!, $code: String!) { confirmGuardian(guardianId: $id, code: $code) { id } }`, { id: guardian.id, code }, grandma.token);
    const seller = await register('직거래맨');

    // A first trade: she checks in and out in time, so nobody is told about it.
    const early = await acceptedTrade(seller, grandma);
    await ok(CHECK_IN, { t: early }, grandma.token);
    await ok(CHECK_OUT, { t: early }, grandma.token);

    // The second trade: they agree on a police station's safe-trade zone and she checks in there.
    const tradeId = await acceptedTrade(seller, grandma);
    const admin = await login(ADMIN.email, ADMIN.password);
    const zone = (await ok<{ upsertSafeTradeZone: { id: string } }>(
      `mutation($input: SafeTradeZoneInput!) { upsertSafeTradeZone(input: $input) { id } }`,
      { input: { name: '성동경찰서 안심거래존', kind: 'POLICE_STATION', address: '서울 성동구 왕십리광장로 9', region: '서울 성동구', latitude: 37.5633, longitude: 127.0371 } },
      admin,
    )).upsertSafeTradeZone;
    await ok(`mutation($t: ID!, $z: ID!) { proposeMeetingSpot(transactionId: $t, zoneId: $z) { id } }`, { t: tradeId, z: zone.id }, seller.token);

    // Errors through the gateway keep their codes: a stranger, an ADMIN, a check-out without a check-in.
    const stranger = await register('지나가는사람');
    expect((await call(CHECK_IN, { t: tradeId }, stranger.token)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await call(CHECK_IN, { t: tradeId }, admin)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await call(CHECK_OUT, { t: tradeId }, grandma.token)).errors?.[0]?.extensions?.reason).toBe('NOT_CHECKED_IN');

    const checkedIn = (await ok<{ checkInAtMeetingSpot: { checkedInAt: string } }>(CHECK_IN, { t: tradeId }, grandma.token)).checkInAtMeetingSpot;
    expect(checkedIn.checkedInAt).toEqual(expect.any(String));
    // Only she sees it; the seller and the ADMIN see the trade but not her whereabouts.
    expect((await ok<{ transaction: { checkedInAt: string | null } }>(VIEW, { t: tradeId }, grandma.token)).transaction.checkedInAt).toBe(checkedIn.checkedInAt);
    expect((await ok<{ transaction: { checkedInAt: string | null } }>(VIEW, { t: tradeId }, seller.token)).transaction.checkedInAt).toBeNull();
    expect((await ok<{ transaction: { checkedInAt: string | null } }>(VIEW, { t: tradeId }, admin)).transaction.checkedInAt).toBeNull();

    const alert = await waitFor('the guardian SMS', async () => {
      const messages = await smsTo(guardianPhone);
      return messages.length >= 2 ? messages[0] : undefined;
    }, 30_000);
    expect(Date.now() - new Date(checkedIn.checkedInAt).getTime()).toBeGreaterThanOrEqual(ALERT_SECONDS * 1_000 - 500);
    expect(alert.text).toContain("'김순자'님");
    expect(alert.text).toContain("'성동경찰서 안심거래존'(서울 성동구 왕십리광장로 9)");
    expect(alert.text).toContain("'직거래맨'님을 만나려고");
    expect(alert.text).toContain(`${ALERT_SECONDS}초가 지나도록`);
    // The invitation and this one: the early trade's check-in (due before this one) sent nothing.
    expect(await smsTo(guardianPhone)).toHaveLength(2);

    // Checking out afterwards is still possible; it sends nothing more.
    await ok(CHECK_OUT, { t: tradeId }, grandma.token);
    expect(await smsTo(guardianPhone)).toHaveLength(2);
  });
});
