// Issue 21: "a 10-minute SMS outage in a test ends with every guardian SMS delivered once after
// recovery and no dead letters". The user service runs as a real process with SMS_PROVIDER=http
// against a local SMS vendor (test/support/sms-vendor.ts) behind the gateway. A member with two
// confirmed guardians (set up through the gateway while the vendor is up: codes are sent while
// the member waits) is then the subject of four guardian causes, published into the user
// service's queue as their producers would, while the vendor answers 503 for longer than the old
// schedule retried an event (about 5 attempts in 15 s) before dead-lettering it. The sender's
// timings are shortened by configuration (OUTBOUND_*): the same logic waits out 10 minutes with
// the defaults. Afterwards: every expected SMS arrived exactly once (by idempotency key and by
// phone and text), no event is dead-lettered, nothing is left pending, and /metrics showed the
// backlog while it lasted.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { DeadLetters, type NewEvent } from '@anshim/platform';
import { FakeProducer } from '../support/fake-producer.ts';
import { gatewayClient, waitFor } from '../support/gateway-client.ts';
import { SmsVendor } from '../support/sms-vendor.ts';
import { startStack, type Stack } from '../support/stack.ts';

/** Longer than the old retry schedule of an event (~15 s), short enough for a test run. */
const OUTAGE_MS = 60_000;

const vendor = new SmsVendor();
let stack: Stack;
let producer: FakeProducer;
const { ok, register } = gatewayClient(() => stack.gatewayUrl);

beforeAll(async () => {
  await vendor.start();
  stack = await startStack({
    subgraphs: ['user'],
    env: {
      SMS_PROVIDER: 'http',
      SMS_HTTP_URL: `${vendor.url}/send`,
      SMS_HTTP_IDEMPOTENCY_HEADER: 'Idempotency-Key',
      SMS_HTTP_ATTEMPTS: '1',
      SMS_BREAKER_RESET_MS: '2000',
      OUTBOUND_SWEEP_SECONDS: '1',
      OUTBOUND_RETRY_BASE_SECONDS: '1',
      OUTBOUND_RETRY_MAX_SECONDS: '8',
      // One lane, so the vendor sees the sends in the order they were claimed (with 4 lanes two claims
      // race to the vendor, and one CI run saw a payment approval arrive between the two check-ins).
      OUTBOUND_SENDER_CONCURRENCY: '1',
    },
  });
  producer = await new FakeProducer({ databaseUrl: inject('databaseUrl'), redis: { url: inject('redisUrl'), prefix: stack.env.REDIS_PREFIX! } }).start();
}, 180_000);
afterAll(async () => {
  await producer?.stop();
  await stack?.stop();
  await vendor.stop();
});

const phone = () => `010${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
const lastCode = (to: string) => /\b(\d{6})\b/.exec(vendor.to(to).at(-1)?.text ?? '')?.[1];
const now = () => new Date().toISOString();

async function metric(name: string, labels = ''): Promise<number> {
  const text = await (await fetch(`${stack.operationsUrls.user}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labels));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

async function outboundRows(): Promise<Array<{ status: string; kind: string }>> {
  return producer.sql.$queryRawUnsafe(`SELECT status, kind FROM svc_user.outbound_messages WHERE deployment = $1`, stack.env.REDIS_PREFIX);
}

describe('guardian SMS through a provider outage', () => {
  it('every guardian SMS is delivered exactly once after recovery; no event is dead-lettered', async () => {
    // --- A protected member with two confirmed guardians who approve her payments (vendor up). ---
    const memberPhone = phone();
    const member = await register('김순자', { phone: memberPhone });
    const challenge = (await ok<{ requestVerification: { id: string } }>(`mutation { requestVerification(method: SMS) { id } }`, {}, member.token)).requestVerification;
    await ok(`mutation($id: ID!, $code: String!) { confirmVerification(challengeId: $id, code: $code) { id } }`, { id: challenge.id, code: lastCode(memberPhone) }, member.token);
    await ok(`mutation { updateProfile(input: { protectedMode: true }) { protectedMode } }`, {}, member.token);
    const guardians: Array<{ id: string; phone: string }> = [];
    for (const name of ['김민수', '김영희']) {
      const guardianPhone = phone();
      const added = await ok<{ addGuardian: { id: string } }>(`mutation($input: GuardianInput!) { addGuardian(input: $input) { id } }`, { input: { name, phone: guardianPhone, relation: '자녀' } }, member.token);
      await ok(`mutation($id: ID!, $code: String!) { confirmGuardian(guardianId: $id, code: $code) { confirmedAt } }`, { id: added.addGuardian.id, code: lastCode(guardianPhone) }, member.token);
      await ok(`mutation($id: ID!) { setGuardianApprovesPayments(guardianId: $id, approvesPayments: true) { approvesPayments } }`, { id: added.addGuardian.id }, member.token);
      guardians.push({ id: added.addGuardian.id, phone: guardianPhone });
    }
    const scammer = await register('급매왕');
    const seller = await register('중고상');
    // The seller's grade, as the safety service publishes it (the risky-trade rule reads our copy).
    const graded = await producer.publish({ type: 'safety.score_changed', producer: 'safety', subjectUserId: seller.id, data: { userId: seller.id, score: 25, grade: 'CAUTION', previousScore: null, previousGrade: null, version: 1, cause: 'report.processed', changedAt: now() } });
    await producer.processedBy('user', graded.id, 30_000);
    const setupMessages = vendor.received.length;

    // --- The vendor goes down; four causes reach the user service meanwhile. ---
    vendor.failFor(OUTAGE_MS);
    const outageEnds = Date.now() + OUTAGE_MS;
    const alertId = randomUUID();
    const alert: NewEvent<'monitor.alert_raised'> = {
      type: 'monitor.alert_raised', producer: 'monitor', subjectUserId: scammer.id,
      data: { alertId, subjectUserId: scammer.id, recipientIds: [member.id], level: 'HIGH', rule: 'OFF_PLATFORM_PAYMENT_REQUEST', productId: null, transactionId: null, createdAt: now() },
    };
    const publishers: Array<() => Promise<{ id: string }>> = [
      () => producer.publish(alert),
      () => producer.publish({ type: 'transaction.requested', producer: 'transaction', subjectUserId: member.id, data: { transactionId: randomUUID(), productId: randomUUID(), buyerId: member.id, sellerId: seller.id, amount: 450_000, by: member.id, at: now() } }),
      () => producer.publish({
        type: 'transaction.check_in_overdue', producer: 'transaction', subjectUserId: member.id,
        data: { checkInId: randomUUID(), transactionId: randomUUID(), userId: member.id, counterpartId: scammer.id, place: { name: '마포경찰서 안전거래존', address: '서울 마포구 마포대로 183' }, checkedInAt: now(), overdueAfterSeconds: 3_600, at: now() },
      }),
      () => producer.publish({
        type: 'payment.guardian_approval_requested', producer: 'payment', subjectUserId: member.id,
        data: { approvalId: randomUUID(), paymentId: randomUUID(), transactionId: randomUUID(), buyerId: member.id, sellerId: seller.id, amount: 1_250_000, itemTitle: '안마의자', reason: 'LARGE_AMOUNT', counterpartGrade: null, guardianIds: guardians.map((g) => g.id), requestedAt: now(), expiresAt: new Date(Date.now() + 86_400_000).toISOString() },
      }),
      // The same alert again under a new event id (a producer's redelivery): nothing more.
      () => producer.publish({ ...alert }),
    ];
    const published = [];
    for (const publish of publishers) published.push(await publish());
    // Handled at once, on the first attempt, although no SMS can go out.
    for (const envelope of published) await producer.processedBy('user', envelope.id, 30_000);
    expect(Date.now()).toBeLessThan(outageEnds - 20_000);
    const pending = await outboundRows();
    expect(pending.map((row) => row.status)).toEqual(Array(8).fill('PENDING'));
    expect(pending.map((row) => row.kind).sort()).toEqual(['CHECK_IN_OVERDUE', 'CHECK_IN_OVERDUE', 'PAYMENT_APPROVAL', 'PAYMENT_APPROVAL', 'RISKY_TRADE', 'RISKY_TRADE', 'RISK_ALERT', 'RISK_ALERT']);

    // The sender keeps trying (and the gauges show the backlog), well past the old retry schedule.
    await waitFor('the sender to meet the outage', async () => vendor.failures > 0, 15_000);
    await waitFor('the pending gauge', async () => (await metric('anshim_outbound_messages_pending')) === 8, 15_000);
    expect(await metric('anshim_outbound_oldest_pending_age_seconds')).toBeGreaterThan(0);
    await waitFor('the outage to outlast the old retry schedule', async () => Date.now() > outageEnds - OUTAGE_MS + 20_000, 30_000);
    expect(vendor.received.length).toBe(setupMessages);
    const dead = new DeadLetters('user', { url: inject('redisUrl'), prefix: stack.env.REDIS_PREFIX! });
    try {
      expect(await dead.count()).toBe(0);
    } finally {
      await dead.close();
    }

    // --- Recovery: everything arrives, once. ---
    const expected = 8;
    const guardianPhones = new Set(guardians.map((g) => g.phone));
    const guardianMessages = () => vendor.received.slice(setupMessages).filter((sms) => guardianPhones.has(sms.to));
    await waitFor('every guardian SMS after recovery', async () => guardianMessages().length >= expected, OUTAGE_MS + 45_000);
    // Nothing straggles in after.
    await waitFor('the queue to drain', async () => (await outboundRows()).every((row) => row.status === 'SENT'), 15_000);
    const delivered = guardianMessages();
    expect(delivered).toHaveLength(expected);
    expect(delivered.every((sms) => sms.at >= outageEnds)).toBe(true);
    const byKey = new Map<string, number>();
    for (const sms of delivered) byKey.set(sms.key!, (byKey.get(sms.key!) ?? 0) + 1);
    expect([...byKey.values()]).toEqual(Array(expected).fill(1));
    const byContent = new Set(delivered.map((sms) => `${sms.to}|${sms.text}`));
    expect(byContent.size).toBe(expected);
    for (const guardian of guardians) {
      const texts = vendor.to(guardian.phone).slice(1).map((sms) => sms.text); // after the invitation
      expect(texts).toHaveLength(4);
      expect(texts.some((t) => t.includes("'급매왕'") && !t.includes('안전거래존'))).toBe(true); // the alert
      expect(texts.some((t) => t.includes('안전거래존'))).toBe(true); // the check-in
      expect(texts.some((t) => t.includes("'중고상'"))).toBe(true); // the risky trade
      expect(texts.some((t) => t.includes('안마의자'))).toBe(true); // the approval request
    }
    // The overdue check-ins went first: the first send after the outage is whichever row came due first
    // (the trial that finds the vendor back), then every waiting row is claimed most urgent first.
    expect(delivered.slice(0, 3).filter((sms) => sms.text.includes('안전거래존'))).toHaveLength(2);

    const deadAfter = new DeadLetters('user', { url: inject('redisUrl'), prefix: stack.env.REDIS_PREFIX! });
    try {
      expect(await deadAfter.count()).toBe(0);
    } finally {
      await deadAfter.close();
    }
    expect(await metric('anshim_outbound_messages_pending')).toBe(0);
    expect(await metric('anshim_delivery_total', 'outcome="failed"')).toBeGreaterThan(0);
    expect(await metric('anshim_delivery_total', 'outcome="sent"')).toBeGreaterThanOrEqual(expected);
  }, 240_000);
});
