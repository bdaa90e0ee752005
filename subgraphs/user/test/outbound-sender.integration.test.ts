// The outbound sender (delivery/outbound-sender.ts) against real PostgreSQL, Redis and a local
// HTTP SMS vendor (test/support/sms-vendor.ts), through the real HTTP SMS provider: two senders
// racing over one backlog send every message exactly once; urgent kinds go first; an outage keeps
// messages pending (one probe per pass, not the whole backlog) and the first success after it
// sends them all; a refusal is final; a message past its maximum age expires unsent and is
// counted, and finished rows are deleted after the retention; a crashed sender's claim is taken
// over only once its lease ran out.
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createLogger, createMetrics, FieldCipher } from '@anshim/platform';
import { createDatabase, type UserPrisma } from '../src/database.ts';
import { CountedDeliveryProvider } from '../src/delivery/counted-provider.ts';
import type { DeliveryProvider } from '../src/delivery/delivery.ts';
import { HttpSmsSender } from '../src/delivery/http-sms-provider.ts';
import { OUTBOUND_PRIORITY } from '../src/delivery/outbound-messages.ts';
import { OutboundRepository } from '../src/delivery/outbound-repository.ts';
import { OutboundSender, type OutboundSenderSettings } from '../src/delivery/outbound-sender.ts';
import { SmsVendor } from '../../../test/support/sms-vendor.ts';
import '../../../test/support/provided-context.ts';

const logger = createLogger('outbound-test', 'silent');
const cipher = new FieldCipher(randomBytes(32).toString('hex'));
const vendor = new SmsVendor();
let prisma: UserPrisma;
const closing: Array<() => Promise<unknown> | unknown> = [];

beforeAll(async () => {
  await vendor.start();
  prisma = createDatabase({ databaseUrl: inject('databaseUrl') });
});
afterAll(async () => {
  for (const close of closing.reverse()) await close();
  await prisma?.$disconnect();
  await vendor.stop();
});
beforeEach(() => vendor.reset());

const SETTINGS: OutboundSenderSettings = { maxAgeMs: 24 * 3_600_000, retentionMs: 7 * 86_400_000, sweepEveryMs: 3_600_000, retryBaseMs: 1_000, retryMaxMs: 8_000, leaseMs: 60_000, concurrency: 3 };

/** A deployment of its own (its rows are invisible to every other test's senders) and n senders over it. */
function deployment(count: number, settings: Partial<OutboundSenderSettings> = {}) {
  const name = `${inject('redisPrefix')}:outbound-${randomBytes(4).toString('hex')}`;
  const repository = new OutboundRepository(prisma, name);
  const metrics = createMetrics('user');
  const senders = Array.from({ length: count }, () => {
    const sms = new HttpSmsSender(
      { urlTemplate: `${vendor.url}/send`, method: 'POST', bodyTemplate: '{"to":"{to}","text":"{text}"}', contentType: 'application/json', idempotencyHeader: 'Idempotency-Key', timeoutMs: 2_000, attempts: 1, backoffMs: 10, breaker: { errorPercent: 100, volume: 1_000, resetMs: 100 } },
      logger,
    );
    const provider: DeliveryProvider = {
      name: 'sms-http',
      sendSms: (message) => sms.sendSms(message),
      sendEmail: () => Promise.reject(new Error('no email in this test')),
      close: async () => sms.close(),
    };
    const sender = new OutboundSender({ repository, delivery: new CountedDeliveryProvider(provider, metrics), cipher, redis: { url: inject('redisUrl'), prefix: name }, logger, metrics, settings: { ...SETTINGS, ...settings } });
    closing.push(() => sender.job.close(), () => provider.close());
    return sender;
  });
  return { name, repository, senders, metrics };
}

const phone = () => `010${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;

async function queue(repository: OutboundRepository, messages: Array<{ kind?: string; to?: string; text?: string; at?: Date }>): Promise<Array<{ to: string; text: string; dedupeKey: string }>> {
  const queued = messages.map((m, i) => ({ to: m.to ?? phone(), text: m.text ?? `message ${i} ${randomUUID()}`, kind: m.kind ?? 'RISK_ALERT', dedupeKey: `test:${randomUUID()}`, at: m.at }));
  // One row after the other: created_at orders them.
  for (const m of queued) {
    await prisma.$transaction((tx) =>
      repository.add(tx, { channel: 'sms', recipientEncrypted: cipher.encrypt(m.to), text: m.text, kind: m.kind, priority: OUTBOUND_PRIORITY[m.kind] ?? 2, dedupeKey: m.dedupeKey }, m.at ?? new Date()),
    );
  }
  return queued;
}

const rowsOf = (name: string) => prisma.outboundMessage.findMany({ where: { deployment: name }, orderBy: { createdAt: 'asc' } });
const later = (ms: number) => () => new Date(Date.now() + ms);

describe('the outbound sender', () => {
  it('two senders racing over one backlog send every message exactly once, under its row id as idempotency key', async () => {
    const { name, repository, senders } = deployment(2);
    const queued = await queue(repository, Array.from({ length: 40 }, () => ({})));
    const results = await Promise.all([senders[0]!.drain(), senders[1]!.drain(), senders[0]!.drain(), senders[1]!.drain()]);
    expect(results.reduce((sum, r) => sum + r.sent, 0)).toBe(40);

    const rows = await rowsOf(name);
    expect(rows.every((row) => row.status === 'SENT' && row.attempts === 1 && row.sentAt !== null && row.leaseUntil === null)).toBe(true);
    expect(vendor.received).toHaveLength(40);
    const keys = vendor.byKey();
    expect([...keys.keys()].sort()).toEqual(rows.map((row) => row.id).sort());
    expect([...keys.values()].every((copies) => copies.length === 1)).toBe(true);
    // And by content: each (phone, text) once.
    const contents = vendor.received.map((sms) => `${sms.to}|${sms.text}`);
    expect(new Set(contents).size).toBe(40);
    expect(contents.sort()).toEqual(queued.map((m) => `${m.to}|${m.text}`).sort());

    // A duplicate dedupe key adds nothing.
    const again = await prisma.$transaction((tx) => repository.add(tx, { channel: 'sms', recipientEncrypted: cipher.encrypt(queued[0]!.to), text: 'x', kind: 'RISK_ALERT', priority: 1, dedupeKey: queued[0]!.dedupeKey }));
    expect(again).toBe(false);
  });

  it('sends an overdue check-in before an older backlog of other kinds', async () => {
    const { repository, senders } = deployment(1, { concurrency: 1 });
    await queue(repository, Array.from({ length: 15 }, () => ({ kind: 'REPORT_ACCEPTED' })));
    await queue(repository, [{ kind: 'RISK_ALERT' }]);
    const [urgent] = await queue(repository, [{ kind: 'CHECK_IN_OVERDUE' }]);
    await senders[0]!.drain();
    expect(vendor.received).toHaveLength(17);
    expect(vendor.received[0]!.text).toBe(urgent!.text);
    expect(vendor.received[1]!.text).toMatch(/^message 0 /); // the alert, then the reports oldest first
  });

  it('an outage keeps every message pending (one probe per pass); the first success after it sends them all, urgent first, once', async () => {
    const { name, repository, senders, metrics } = deployment(1);
    await queue(repository, Array.from({ length: 10 }, () => ({ kind: 'RISKY_TRADE' })));
    const [urgent] = await queue(repository, [{ kind: 'CHECK_IN_OVERDUE' }]);
    vendor.mode = 'fail';

    const first = await senders[0]!.drain();
    expect(first.sent).toBe(0);
    // The lanes that were already sending when the first failure came back, not the whole backlog.
    expect(vendor.hits).toBeLessThanOrEqual(SETTINGS.concurrency);
    let rows = await rowsOf(name);
    expect(rows.every((row) => row.status === 'PENDING' && row.leaseUntil === null)).toBe(true);
    expect(rows.find((row) => row.text === urgent!.text)!.lastError).toMatch(/unavailable/);

    // The channel rests: another pass right away asks nothing.
    const hits = vendor.hits;
    await senders[0]!.drain();
    expect(vendor.hits).toBe(hits);
    // Its rest over, one pass probes again and backs off further.
    await senders[0]!.drain(later(1_500));
    expect(vendor.hits).toBeGreaterThan(hits);
    expect(vendor.hits).toBeLessThanOrEqual(hits + SETTINGS.concurrency);

    vendor.mode = 'ok';
    const recovered = await senders[0]!.drain(later(20_000));
    expect(recovered.sent).toBe(11);
    rows = await rowsOf(name);
    expect(rows.every((row) => row.status === 'SENT')).toBe(true);
    // Urgent first: its lane claimed it before any other row, but the lanes' sends run side by side,
    // so on a loaded machine another lane's message may reach the vendor a moment earlier. What holds
    // is that it went in the first wave, not after the backlog.
    expect(vendor.received.slice(0, SETTINGS.concurrency).map((sms) => sms.text)).toContain(urgent!.text);
    expect([...vendor.byKey().values()].every((copies) => copies.length === 1)).toBe(true);
    expect(vendor.received).toHaveLength(11);
    const counted = await metrics.registry.getSingleMetric('anshim_delivery_total')!.get();
    const outcome = (o: string) => counted.values.find((v) => v.labels.outcome === o && v.labels.channel === 'sms')?.value ?? 0;
    expect(outcome('sent')).toBe(11);
    expect(outcome('failed')).toBeGreaterThanOrEqual(2);
  });

  it('a refusal is final: the row is FAILED with the reason and never tried again; the others go', async () => {
    const { name, repository, senders, metrics } = deployment(1);
    const refused = phone();
    vendor.refusing.add(refused);
    await queue(repository, [{ to: refused }, {}, {}]);
    const result = await senders[0]!.drain();
    expect(result).toMatchObject({ sent: 2, refused: 1 });
    const row = (await rowsOf(name)).find((r) => r.status === 'FAILED');
    expect(row?.lastError).toMatch(/refused the message \(HTTP 400\)/);
    const hits = vendor.hits;
    await senders[0]!.drain(later(60_000));
    expect(vendor.hits).toBe(hits);
    const counted = await metrics.registry.getSingleMetric('anshim_delivery_total')!.get();
    expect(counted.values.find((v) => v.labels.outcome === 'refused')?.value).toBe(1);
  });

  it('a message still pending after the maximum age expires unsent and is counted; the gauges show what waits', async () => {
    const { name, repository, senders, metrics } = deployment(1, { maxAgeMs: 3_600_000, retentionMs: 3_600_000 });
    await queue(repository, [{ at: new Date(Date.now() - 2 * 3_600_000) }]);
    vendor.mode = 'fail';
    await queue(repository, [{}]);
    await senders[0]!.drain();
    const pending = await metrics.registry.getSingleMetric('anshim_outbound_messages_pending')!.get();
    expect(pending.values[0]!.value).toBe(1);
    const age = await metrics.registry.getSingleMetric('anshim_outbound_oldest_pending_age_seconds')!.get();
    expect(age.values[0]!.value).toBeGreaterThanOrEqual(0);
    expect(age.values[0]!.value).toBeLessThan(600);
    const statuses = (await rowsOf(name)).map((row) => row.status);
    expect(statuses).toEqual(['EXPIRED', 'PENDING']);
    const counted = await metrics.registry.getSingleMetric('anshim_delivery_total')!.get();
    expect(counted.values.find((v) => v.labels.outcome === 'expired')?.value).toBe(1);
    expect(vendor.received).toHaveLength(0);

    // Finished rows go after the retention; pending ones never (this one expires in the same pass instead).
    await senders[0]!.drain(later(2 * 3_600_000));
    const left = await rowsOf(name);
    expect(left).toHaveLength(1);
    expect(left[0]!.status).toBe('EXPIRED');
  });

  it("takes over a crashed sender's claim only once its lease ran out", async () => {
    const { name, repository, senders } = deployment(1);
    await queue(repository, [{}]);
    const now = new Date();
    const [claimed] = await repository.claim(['sms'], now, new Date(now.getTime() + SETTINGS.leaseMs), 10);
    expect(claimed).toBeDefined();
    // The claimant "crashed": nobody else sends it while the lease holds.
    expect((await senders[0]!.drain()).sent).toBe(0);
    expect(vendor.hits).toBe(0);
    expect((await senders[0]!.drain(later(SETTINGS.leaseMs + 1_000))).sent).toBe(1);
    expect(vendor.byKey().get(claimed!.id)).toHaveLength(1);
    expect((await rowsOf(name))[0]!.status).toBe('SENT');
  });
});
