// KNOWN_FRAUD_ACCOUNT against real PostgreSQL and Redis: the monitor learns confirmed identifiers
// from report.identifiers_confirmed (lookup hashes only, same key as the report service) and a chat
// message a trusted integration records naming one raises a CRITICAL alert for the recipient (who
// really chatted with the sender) at once; an unknown one does not. Members' chats reach the monitor
// screened by the chat service instead (monitor.integration.test.ts, KNOWN_FRAUD_IDENTIFIER).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FieldCipher } from '@anshim/platform';
import { normalizePaymentIdentifier, paymentIdentifierHash } from '@anshim/contracts';
import { admin, ALERT_FIELDS, chatted, MonitorHarness, user } from './support/harness.ts';

const RECORD = `mutation($input: ActivityInput!) { recordActivity(input: $input) { level rulesMatched alerts { ${ALERT_FIELDS} } } }`;

let h: MonitorHarness;
beforeAll(async () => {
  h = await new MonitorHarness().start();
});
afterAll(async () => {
  await h?.stop();
});

describe('KNOWN_FRAUD_ACCOUNT', () => {
  it('fires CRITICAL for the recipient on a confirmed account however it is typed, not on an unknown one', async () => {
    const fraudster = admin();
    const buyer = user();
    await h.knownSince(new Date(Date.now() - 30 * 24 * 3_600_000), fraudster, buyer);
    await chatted(h, buyer, fraudster);
    const cipher = new FieldCipher(h.secrets.DATA_ENCRYPTION_KEY);
    const account = `110${String(Math.floor(Math.random() * 1e9)).padStart(9, '0')}`; // 12 digits
    const phone = `010${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
    const hash = (type: 'BANK_ACCOUNT' | 'PHONE', value: string) => paymentIdentifierHash(cipher, normalizePaymentIdentifier(type, value)!);

    // Unknown yet: only a calm message, no alert.
    const calm = `신한 ${account.slice(0, 3)}-${account.slice(3, 6)}-${account.slice(6)} 이에요`;
    const before = await h.ok(RECORD, { input: { type: 'CHAT_MESSAGE', counterpartId: buyer.userId, text: calm } }, { identity: fraudster });
    expect(before.recordActivity.rulesMatched).not.toContain('KNOWN_FRAUD_ACCOUNT');

    const eventId = await h.publish({
      type: 'report.identifiers_confirmed',
      producer: 'report',
      subjectUserId: fraudster.userId,
      data: {
        reportId: randomUUID(),
        targetUserId: fraudster.userId,
        identifiers: [{ type: 'BANK_ACCOUNT', lookupHash: hash('BANK_ACCOUNT', account) }, { type: 'PHONE', lookupHash: hash('PHONE', phone) }],
        confirmedAt: new Date().toISOString(),
      },
    });
    await h.processed(eventId);
    const copy = await h.prisma.knownFraudIdentifier.findMany({ where: { lookupHash: { in: [hash('BANK_ACCOUNT', account), hash('PHONE', phone)] } } });
    expect(copy).toHaveLength(2);

    const { recordActivity } = await h.ok(RECORD, { input: { type: 'CHAT_MESSAGE', counterpartId: buyer.userId, text: `${account.slice(0, 6)} ${account.slice(6)} 으로 보내주세요` } }, { identity: fraudster });
    expect(recordActivity.level).toBe('CRITICAL');
    expect(recordActivity.rulesMatched).toContain('KNOWN_FRAUD_ACCOUNT');
    const alert = recordActivity.alerts.find((a: any) => a.rule === 'KNOWN_FRAUD_ACCOUNT');
    expect(alert).toMatchObject({ level: 'CRITICAL', subject: { id: fraudster.userId }, recipients: [{ id: buyer.userId }] });
    expect(alert.message).toContain('사기 신고가 확인된');

    // A phone number in another format, from someone else: also caught.
    const other = admin();
    const byPhone = await h.ok(RECORD, { input: { type: 'CHAT_MESSAGE', counterpartId: buyer.userId, text: `문자는 +82 ${phone.slice(1, 3)}.${phone.slice(3, 7)}.${phone.slice(7)} 로 주세요` } }, { identity: other });
    expect(byPhone.recordActivity.rulesMatched).toContain('KNOWN_FRAUD_ACCOUNT');

    // An unknown account in the same shape: no KNOWN_FRAUD_ACCOUNT.
    const stranger = admin();
    const unknown = await h.ok(RECORD, { input: { type: 'CHAT_MESSAGE', counterpartId: buyer.userId, text: `${account.slice(0, 6)} ${String((Number(account.slice(6)) + 1) % 1e6).padStart(6, '0')} 으로 보내주세요` } }, { identity: stranger });
    expect(unknown.recordActivity.rulesMatched).not.toContain('KNOWN_FRAUD_ACCOUNT');
    expect(unknown.recordActivity.level).not.toBe('CRITICAL');
  });
});
