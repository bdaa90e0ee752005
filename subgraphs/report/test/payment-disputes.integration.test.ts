// A buyer's dispute of a safe payment opens a report, against real PostgreSQL, Redis and BullMQ:
// payment.disputed through the report subgraph's real consumer opens exactly one FRAUD report
// (origin PAYMENT_DISPUTE) from the buyer about the seller, however often the event arrives; the
// moderator's decision goes out on report.processed with the payment's id; wrong data opens nothing.
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumerQueueName, createQueueConnection, DeadLetters, queuePrefix } from '@anshim/platform';
import type { EventData } from '@anshim/contracts';
import { inject } from 'vitest';
import { NO_REASON_GIVEN } from '../src/reports/payment-disputes.ts';
import { admin, ReportHarness, user, waitFor } from './support/harness.ts';

const h = new ReportHarness();
let queue: Queue;
let connection: ReturnType<typeof createQueueConnection>;
beforeAll(async () => {
  await h.start();
  const settings = { url: inject('redisUrl'), prefix: h.prefix };
  connection = createQueueConnection(settings);
  queue = new Queue(consumerQueueName('report'), { connection, prefix: queuePrefix(settings, consumerQueueName('report')) });
});
afterAll(async () => {
  await queue?.close();
  connection?.disconnect();
  await h.stop();
});

const REPORT = `query($id: ID!) { report(id: $id) { id type status priority origin description reporter { id } target { id } transaction { id } payment { id } } }`;
const PROCESS = `mutation($id: ID!, $input: ProcessReportInput!) { processReport(id: $id, input: $input) { id status } }`;
const FILE = `mutation($input: FileReportInput!) { fileReport(input: $input) { id } }`;

type Disputed = EventData<'payment.disputed'>;

function disputed(buyer = user(), seller = user(), reason: string | null = '판매자가 물건을 보내지 않고 연락이 안 돼요.'): Disputed {
  return { paymentId: randomUUID(), transactionId: randomUUID(), buyerId: buyer.userId, sellerId: seller.userId, amount: 120_000, from: 'HELD', to: 'DISPUTED', actor: 'BUYER', reason, at: new Date().toISOString() };
}

/** Publishes payment.disputed the way payment does (outbox, relay) and waits until report handled it. */
async function deliver(data: Disputed): Promise<string> {
  const id = await h.publish({ type: 'payment.disputed', producer: 'payment', subjectUserId: data.buyerId, data });
  await h.processed(id);
  return id;
}

/** The same envelope again under a fresh job id, as a redelivery would; waits until the queue is idle. */
async function redeliver(id: string, data: unknown): Promise<string> {
  const jobId = `redelivery-${randomUUID()}`;
  await queue.add('payment.disputed', { id, type: 'payment.disputed', occurredAt: new Date().toISOString(), producer: 'payment', subjectUserId: null, data, schemaVersion: 1 }, { jobId });
  await waitFor('the redelivery to be handled', async () => {
    const job = await queue.getJob(jobId);
    // Gone once added: a job that failed for good is moved to the dead letters and removed.
    return !job || job.finishedOn !== undefined || job.failedReason ? true : undefined;
  });
  return jobId;
}

const reportsOf = (paymentId: string) => h.prisma.report.findMany({ where: { paymentId } });
const filedEvents = async (reportId: string) =>
  (await h.prisma.outboxEvent.findMany({ where: { type: 'report.filed' } })).filter((e) => (e.payload as { data: { reportId: string } }).data.reportId === reportId);

describe('payment.disputed opens a report for the moderators', () => {
  it('opens exactly one FRAUD report from the buyer about the seller, even when the event arrives twice', async () => {
    const buyer = user();
    const seller = user();
    const data = disputed(buyer, seller);
    const eventId = await deliver(data);
    await redeliver(eventId, data);

    const rows = await reportsOf(data.paymentId);
    expect(rows).toHaveLength(1);
    const [row] = rows;
    expect(row).toMatchObject({ reporterId: buyer.userId, targetUserId: seller.userId, type: 'FRAUD', status: 'RECEIVED', priority: 'HIGH', origin: 'PAYMENT_DISPUTE', transactionId: data.transactionId, description: data.reason });
    // A paid trade is a real trade with the seller: the buyer's report weighs as one.
    expect(row!.reporterTrust).toMatchObject({ tradedWithTarget: true });

    const events = await filedEvents(row!.id);
    expect(events).toHaveLength(1);
    expect((events[0]!.payload as { data: Record<string, unknown> }).data).toMatchObject({ reporterId: buyer.userId, targetUserId: seller.userId, type: 'FRAUD', priority: 'HIGH', transactionId: data.transactionId, reporter: { tradedWithTarget: true } });

    // The moderator sees where it came from; the seller sees neither the buyer's words nor the payment.
    const asAdmin = (await h.ok(REPORT, { id: row!.id }, { identity: admin() })).report;
    expect(asAdmin).toMatchObject({ origin: 'PAYMENT_DISPUTE', payment: { id: data.paymentId }, transaction: { id: data.transactionId }, reporter: { id: buyer.userId }, description: data.reason });
    expect((await h.ok(REPORT, { id: row!.id }, { identity: buyer })).report).toMatchObject({ payment: { id: data.paymentId } });
    const asSeller = (await h.gql(`query($id: ID!) { report(id: $id) { origin description payment { id } transaction { id } } }`, { id: row!.id }, { identity: seller })).data?.report;
    expect(asSeller).toMatchObject({ origin: 'PAYMENT_DISPUTE', payment: null, transaction: null });
    expect(asSeller.description).not.toBe(data.reason);
  });

  it("a trade dispute that froze the money files the disputing party's case: the seller's is against the buyer", async () => {
    const buyer = user();
    const seller = user();
    const bySeller = { ...disputed(buyer, seller, 'TRADE_DISPUTED_BY_SELLER'), actor: 'PLATFORM' };
    await deliver(bySeller);
    const [sellers] = await reportsOf(bySeller.paymentId);
    expect(sellers).toMatchObject({ reporterId: seller.userId, targetUserId: buyer.userId, type: 'FRAUD', origin: 'PAYMENT_DISPUTE', paymentId: bySeller.paymentId });
    expect(sellers!.description).toContain('판매자가 거래에 문제를 신고');
    const byBuyer = disputed(buyer, seller, 'TRADE_DISPUTED_BY_BUYER');
    await deliver(byBuyer);
    const [buyers] = await reportsOf(byBuyer.paymentId);
    expect(buyers).toMatchObject({ reporterId: buyer.userId, targetUserId: seller.userId });
    expect(buyers!.description).toContain('구매자가 거래에 문제를 신고');
  });

  it('a second event for the same dispute under a new id (a replay) opens nothing more', async () => {
    const data = disputed();
    await deliver(data);
    await deliver({ ...data, at: new Date().toISOString() });
    const rows = await reportsOf(data.paymentId);
    expect(rows).toHaveLength(1);
    expect(await filedEvents(rows[0]!.id)).toHaveLength(1);
  });

  it('is URGENT when the buyer speaks of threats; a missing reason gets a plain sentence', async () => {
    const threatened = disputed(user(), user(), '환불해 달라고 했더니 집까지 찾아가겠다고 협박했어요.');
    await deliver(threatened);
    expect((await reportsOf(threatened.paymentId))[0]).toMatchObject({ priority: 'URGENT', type: 'FRAUD' });

    const silent = disputed(user(), user(), null);
    await deliver(silent);
    expect((await reportsOf(silent.paymentId))[0]).toMatchObject({ description: NO_REASON_GIVEN, priority: 'HIGH' });
  });

  it('a dispute report does not stop the buyer filing the usual way, and a member\'s report stays MEMBER with no payment', async () => {
    const buyer = user();
    const seller = user();
    await h.known(buyer, seller);
    const data = disputed(buyer, seller);
    await deliver(data);
    const filed = (await h.ok(FILE, { input: { targetUserId: seller.userId, type: 'NO_SHOW', description: '약속 장소에 나오지 않았어요. 두 번째예요.' } }, { identity: buyer })).fileReport;
    expect((await h.ok(REPORT, { id: filed.id }, { identity: admin() })).report).toMatchObject({ origin: 'MEMBER', payment: null });
  });

  it('opens nothing for wrong data: a malformed event goes to dead letters, a dispute with oneself is skipped', async () => {
    const malformed = { ...disputed(), paymentId: 'not-a-uuid' };
    const same = user();
    // Reports about these events' members only: the report test files run side by side.
    const ids = [malformed.buyerId, malformed.sellerId, same.userId];
    const reportsOfThem = () => h.prisma.report.count({ where: { OR: [{ reporterId: { in: ids } }, { targetUserId: { in: ids } }] } });
    const before = await reportsOfThem();
    const jobId = await redeliver(randomUUID(), malformed);
    const deadLetters = new DeadLetters('report', { url: inject('redisUrl'), prefix: h.prefix });
    try {
      const letters = await waitFor('the dead letter', async () => {
        const list = await deadLetters.list();
        return list.some((l) => l.id === jobId) ? list : undefined;
      });
      expect(letters.find((l) => l.id === jobId)?.reason).toMatch(/invalid payment\.disputed data/);
    } finally {
      await deadLetters.close();
    }

    const selfDispute = disputed(same, same);
    await deliver(selfDispute);
    expect(await reportsOf(selfDispute.paymentId)).toHaveLength(0);
    expect(await reportsOfThem()).toBe(before);
  });
});

describe('the moderator\'s decision names the payment', () => {
  const processedEvent = async (reportId: string) => {
    const rows = (await h.prisma.outboxEvent.findMany({ where: { type: 'report.processed' } })).filter((e) => (e.payload as { data: { reportId: string } }).data.reportId === reportId);
    expect(rows).toHaveLength(1);
    return (rows[0]!.payload as { data: Record<string, unknown> }).data;
  };

  it('report.processed carries the payment and trade of a dispute report, and no payment for a member\'s report', async () => {
    const moderator = admin();
    const data = disputed();
    await deliver(data);
    const [report] = await reportsOf(data.paymentId);
    await h.ok(PROCESS, { id: report!.id, input: { decision: 'ACCEPT', resolution: '판매자가 발송 증빙을 내지 못함' } }, { identity: moderator });
    expect(await processedEvent(report!.id)).toMatchObject({ decision: 'ACCEPT', type: 'FRAUD', paymentId: data.paymentId, transactionId: data.transactionId, reporterId: data.buyerId, targetUserId: data.sellerId });

    const buyer = user();
    const seller = user();
    await h.known(buyer, seller);
    const filed = (await h.ok(FILE, { input: { targetUserId: seller.userId, type: 'FRAUD', description: '입금했는데 물건을 보내지 않았어요.' } }, { identity: buyer })).fileReport;
    await h.ok(PROCESS, { id: filed.id, input: { decision: 'DISMISS', resolution: '근거 부족' } }, { identity: moderator });
    expect(await processedEvent(filed.id)).toMatchObject({ decision: 'DISMISS', paymentId: null, transactionId: null });
  });
});
