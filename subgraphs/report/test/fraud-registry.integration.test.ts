// The fraud-account registry against real PostgreSQL and Redis: reports naming bank accounts and
// phone numbers (stored hashed + encrypted, never in the clear), checkPaymentIdentifier's verdicts
// as reports move through review, bad input, the lookup rate limit, and the event the monitor learns from.
// Verdicts cannot be weaponised: a pending report counts only from identity-verified reporters who
// traded with the holder (two at least), and anything less says nothing, to the holder too.
import { randomUUID } from 'node:crypto';
import type { Identity } from '@anshim/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin, onlyError, ReportHarness, user } from './support/harness.ts';

const h = new ReportHarness({ REPORT_CHECK_RATE_LIMIT: '40' });
const limited = new ReportHarness({ REPORT_CHECK_RATE_LIMIT: '3', REPORT_CHECK_RATE_WINDOW_SECONDS: '600' });
beforeAll(async () => {
  await Promise.all([h.start(), limited.start()]);
});
afterAll(async () => {
  await Promise.all([h.stop(), limited.stop()]);
});

const FILE = `mutation($input: FileReportInput!) { fileReport(input: $input) { id status } }`;
const PROCESS = `mutation($id: ID!, $input: ProcessReportInput!) { processReport(id: $id, input: $input) { id status } }`;
const CHECK = `query($input: PaymentIdentifierInput!) { checkPaymentIdentifier(input: $input) { type identifier verdict confirmedReports pendingReports lastReportedAt message } }`;
const description = '선입금하면 보내준다고 해서 이체했는데 연락이 끊겼어요.';
const digits = () => String(Math.floor(Math.random() * 1e8)).padStart(8, '0');

async function check(as: ReturnType<typeof user>, type: string, value: string, harness = h) {
  return (await harness.ok(CHECK, { input: { type, value } }, { identity: as })).checkPaymentIdentifier;
}

/** The user service verified `who` (user.verified), as the report service's copy learns it. */
async function verify(who: Identity, method: 'EMAIL' | 'SMS' | 'ID_CARD') {
  await h.deliver({ type: 'user.verified', producer: 'user', subjectUserId: who.userId, data: { userId: who.userId, method, verifiedAt: new Date().toISOString() } });
}

/** `buyer` asked to buy from `seller` and the seller accepted (transaction.requested, then accepted). */
async function traded(buyer: Identity, seller: Identity) {
  const trade = { transactionId: randomUUID(), productId: randomUUID(), buyerId: buyer.userId, sellerId: seller.userId, amount: 50_000, by: buyer.userId, at: new Date().toISOString() };
  await h.deliver({ type: 'transaction.requested', producer: 'transaction', subjectUserId: buyer.userId, data: trade });
  await h.deliver({ type: 'transaction.accepted', producer: 'transaction', subjectUserId: seller.userId, data: { ...trade, by: seller.userId } });
}

const NOTHING = { verdict: 'NO_RECORD', confirmedReports: 0, pendingReports: 0, lastReportedAt: null };

describe('reports naming payment identifiers', () => {
  it('stores identifiers hashed and encrypted; a fresh reporter\'s pending report changes nothing (for the holder too); accepted is CONFIRMED_FRAUD', async () => {
    const victim = user();
    const fraudster = user();
    const other = user();
    await h.known(victim, fraudster, other);
    const account = `123456${digits()}`; // 14 digits
    const phone = `010${digits()}`;
    const typedAccount = `국민은행 ${account.slice(0, 6)}-${account.slice(6, 8)}-${account.slice(8)}`;

    const before = await check(other, 'BANK_ACCOUNT', typedAccount);
    expect(before).toMatchObject({ type: 'BANK_ACCOUNT', verdict: 'NO_RECORD', confirmedReports: 0, pendingReports: 0, lastReportedAt: null });
    expect(before.identifier).toBe(`123456-**-***${account.slice(-3)}`);
    expect(before.message).toContain('안전결제');

    const filed = (
      await h.ok(FILE, {
        input: {
          targetUserId: fraudster.userId,
          type: 'FRAUD',
          description,
          paymentIdentifiers: [
            { type: 'BANK_ACCOUNT', value: typedAccount },
            { type: 'BANK_ACCOUNT', value: `KB국민 ${account}` }, // the same account again: stored once
            { type: 'PHONE', value: `+82 ${phone.slice(1, 3)}-${phone.slice(3, 7)}-${phone.slice(7)}` },
          ],
        },
      }, { identity: victim })
    ).fileReport;

    const rows = await h.prisma.paymentIdentifier.findMany({ where: { reportId: filed.id }, select: { type: true, lookupHash: true, valueEncrypted: true } });
    expect(rows.map((r) => r.type).sort()).toEqual(['BANK_ACCOUNT', 'PHONE']);
    for (const row of rows) {
      expect(row.lookupHash).toMatch(/^[0-9a-f]{64}$/);
      expect(row.valueEncrypted).toMatch(/^v1\./);
      expect(JSON.stringify(row)).not.toContain(account.slice(2, 12));
      expect(JSON.stringify(row)).not.toContain(phone.slice(3));
    }

    // One pending report from a fresh, unverified account that never traded with the holder: nothing
    // on record, however it is typed, and the holder checking their own account learns nothing.
    expect(await check(other, 'BANK_ACCOUNT', account.replace(/(\d{4})/g, '$1 '))).toMatchObject(NOTHING);
    expect(await check(other, 'PHONE', phone)).toMatchObject({ ...NOTHING, identifier: `010-****-${phone.slice(-4)}` });
    const own = await check(fraudster, 'BANK_ACCOUNT', typedAccount);
    expect(own).toMatchObject(NOTHING);
    expect(own.message).toBe(before.message);
    // Nor does their own list of reports about them show it yet (the admin's does).
    const AGAINST = `query($r: [_Any!]!) { _entities(representations: $r) { ... on User { reportsAgainst { id status } } } }`;
    const against = async (as: Identity) => (await h.ok(AGAINST, { r: [{ __typename: 'User', id: fraudster.userId }] }, { identity: as }))._entities[0].reportsAgainst;
    expect(await against(fraudster)).toEqual([]);
    expect(await against(admin())).toEqual([{ id: filed.id, status: 'RECEIVED' }]);

    // Accepted: CONFIRMED_FRAUD, and the monitor learns the lookup hashes (never the values).
    await h.ok(PROCESS, { id: filed.id, input: { decision: 'ACCEPT', resolution: '입금 내역과 대화로 사기가 확인되었습니다.' } }, { identity: admin() });
    const confirmed = await check(other, 'BANK_ACCOUNT', typedAccount);
    expect(confirmed).toMatchObject({ verdict: 'CONFIRMED_FRAUD', confirmedReports: 1, pendingReports: 0, identifier: `123456-**-***${account.slice(-3)}` });
    expect(confirmed.message).toContain('절대 돈을 보내지 마세요');
    expect(await check(other, 'PHONE', phone)).toMatchObject({ verdict: 'CONFIRMED_FRAUD', confirmedReports: 1 });
    expect(await against(fraudster)).toEqual([{ id: filed.id, status: 'ACTION_TAKEN' }]);

    const events = await h.prisma.outboxEvent.findMany({ where: { type: 'report.identifiers_confirmed' }, select: { payload: true } });
    const event = events.map((e) => (e.payload as any).data).find((d) => d.reportId === filed.id);
    expect(event.identifiers.map((i: any) => i.lookupHash).sort()).toEqual(rows.map((r) => r.lookupHash).sort());
    expect(JSON.stringify(event)).not.toContain(account.slice(2, 12));
  });

  it('CAUTION only from two different identity-verified reporters who traded with the holder', async () => {
    const holder = user();
    const [first, second, emailOnly, stranger, other] = [user(), user(), user(), user(), user()];
    await h.known(holder, first, second, emailOnly, stranger, other);
    const account = `4444${digits()}`;
    const file = (as: Identity) =>
      h.ok(FILE, { input: { targetUserId: holder.userId, type: 'FRAUD', description, paymentIdentifiers: [{ type: 'BANK_ACCOUNT', value: `신한 ${account}` }] } }, { identity: as });

    // Verified by phone but never dealt with the holder; traded but verified only by email.
    await verify(stranger, 'SMS');
    await verify(emailOnly, 'EMAIL');
    await traded(emailOnly, holder);
    // Verified (phone, ID card) and the holder accepted a trade with them.
    await verify(first, 'SMS');
    await traded(first, holder);
    await verify(second, 'ID_CARD');
    await traded(holder, second); // the holder as the buyer counts too

    await file(stranger);
    await file(emailOnly);
    expect(await check(other, 'BANK_ACCOUNT', account)).toMatchObject(NOTHING);
    const one = (await file(first)).fileReport;
    // The same verified reporter again (another type) is not a second, independent reporter.
    await h.ok(FILE, { input: { targetUserId: holder.userId, type: 'OFF_PLATFORM_PAYMENT', description, paymentIdentifiers: [{ type: 'BANK_ACCOUNT', value: account }] } }, { identity: first });
    expect(await check(holder, 'BANK_ACCOUNT', account)).toMatchObject(NOTHING);

    // What the report weighs on travelled with report.filed, taken from the copies.
    const outbox = await h.prisma.outboxEvent.findMany({ where: { type: 'report.filed' }, select: { payload: true } });
    const filedEvent = outbox.map((e) => (e.payload as any).data).find((d) => d.reportId === one.id);
    expect(filedEvent.reporter).toEqual({ verifiedMethods: ['SMS'], accountAgeDays: 0, tradedWithTarget: true, conversedWithTarget: false });

    await file(second);
    const caution = await check(other, 'BANK_ACCOUNT', account);
    expect(caution).toMatchObject({ verdict: 'CAUTION', confirmedReports: 0, pendingReports: 3 });
    expect(new Date(caution.lastReportedAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(caution.message).toContain('2명');
    expect(caution.message).toContain('안전결제');
  });

  it('does not count dismissed reports, and answers in English with Accept-Language: en', async () => {
    const a = user();
    const b = user();
    await h.known(a, b);
    const account = `3333${digits()}`;
    const filed = (await h.ok(FILE, { input: { targetUserId: b.userId, type: 'FRAUD', description, paymentIdentifiers: [{ type: 'BANK_ACCOUNT', value: `카카오뱅크 ${account}` }] } }, { identity: a })).fileReport;
    await h.ok(PROCESS, { id: filed.id, input: { decision: 'DISMISS', resolution: '근거가 부족합니다.' } }, { identity: admin() });
    expect(await check(a, 'BANK_ACCOUNT', account)).toMatchObject({ verdict: 'NO_RECORD', confirmedReports: 0, pendingReports: 0, lastReportedAt: null });
    const events = await h.prisma.outboxEvent.findMany({ where: { type: 'report.identifiers_confirmed' }, select: { payload: true } });
    expect(events.some((e) => (e.payload as any).data.reportId === filed.id)).toBe(false);

    const answer = await h.gql(CHECK, { input: { type: 'BANK_ACCOUNT', value: account } }, { identity: a, lang: 'en' });
    expect((answer.data as any).checkPaymentIdentifier.message).toMatch(/safe payment/);
  });
});

describe('bad input', () => {
  it('refuses an identifier that normalizes to nothing, in a report (nothing written) and in a check', async () => {
    const a = user();
    const b = user();
    await h.known(a, b);
    // Reports by or about a and b only: the report test files run side by side.
    const reportsOfBoth = () => h.prisma.report.count({ where: { OR: [{ reporterId: { in: [a.userId, b.userId] } }, { targetUserId: { in: [a.userId, b.userId] } }] } });
    const before = await reportsOfBoth();
    const filing = await h.gql(FILE, { input: { targetUserId: b.userId, type: 'FRAUD', description, paymentIdentifiers: [{ type: 'PHONE', value: '010-1234-5678' }, { type: 'BANK_ACCOUNT', value: '국민은행 --' }] } }, { identity: a });
    expect(onlyError(filing)).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { fields: [{ field: 'paymentIdentifiers.1.value', reason: 'unreadable' }] } });
    expect(await reportsOfBoth()).toBe(before);
    const tooMany = await h.gql(FILE, { input: { targetUserId: b.userId, type: 'FRAUD', description, paymentIdentifiers: Array.from({ length: 6 }, (_, i) => ({ type: 'PHONE', value: `0101234567${i}` })) } }, { identity: a });
    expect(onlyError(tooMany).code).toBe('BAD_USER_INPUT');

    for (const [type, value] of [['BANK_ACCOUNT', '농협'], ['PHONE', '02-123-4567'], ['PHONE', '   '], ['BANK_ACCOUNT', '1'.repeat(500)]]) {
      const result = await h.gql(CHECK, { input: { type, value } }, { identity: a });
      expect(onlyError(result).code).toBe('BAD_USER_INPUT');
    }
  });

  it('is for signed-in users only', async () => {
    const result = await h.gql(CHECK, { input: { type: 'PHONE', value: '010-1234-5678' } }, { identity: null });
    expect(onlyError(result).code).toBe('UNAUTHENTICATED');
  });

  it('stops a lookup flood with RATE_LIMITED and retryAfter, per user', async () => {
    const scraper = user();
    for (let i = 0; i < 3; i++) await check(scraper, 'PHONE', `010${digits()}`, limited);
    const flood = await limited.gql(CHECK, { input: { type: 'PHONE', value: `010${digits()}` } }, { identity: scraper });
    const error = onlyError(flood);
    expect(error.code).toBe('RATE_LIMITED');
    expect(error.extensions.retryAfter).toBeGreaterThan(0);
    expect(error.extensions.retryAfter).toBeLessThanOrEqual(600);
    // Someone else is not affected.
    expect((await check(user(), 'PHONE', `010${digits()}`, limited)).verdict).toBe('NO_RECORD');
  });
});
