// Guardians: adding one sends an SMS invitation code, the user confirms with the code the guardian
// received, and confirmed guardians are told by SMS (once per cause) when the user they protect
// gets a HIGH/CRITICAL alert, starts a large trade with a CAUTION-or-worse seller, or traded with
// someone against whom a report was accepted. Events arrive the way other services send them: an
// outbox row, then a relay pass into this service's queue.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewEvent } from '@anshim/platform';
import { onlyError, registerUser, registerWithBoundPhone, uniquePhone, UserHarness, type RegisteredUser } from './support/harness.ts';

const ADD = /* GraphQL */ `
  mutation($input: GuardianInput!) { addGuardian(input: $input) { id name phone relation confirmedAt } }
`;
const CONFIRM = /* GraphQL */ `
  mutation($id: ID!, $code: String!) { confirmGuardian(guardianId: $id, code: $code) { id phone confirmedAt } }
`;
const REMOVE = /* GraphQL */ `mutation($id: ID!) { removeGuardian(id: $id) }`;
const GUARDIANS = /* GraphQL */ `query($id: ID!) { user(id: $id) { guardians { id name phone relation confirmedAt } } }`;

const h = new UserHarness();

beforeAll(async () => {
  await h.start();
});
afterAll(() => h.stop());

const now = () => new Date().toISOString();

function alert(subjectUserId: string, recipientIds: string[], level: 'MEDIUM' | 'HIGH' | 'CRITICAL', alertId = randomUUID()): NewEvent<'monitor.alert_raised'> {
  return {
    type: 'monitor.alert_raised',
    producer: 'monitor',
    subjectUserId,
    data: { alertId, subjectUserId, recipientIds, level, rule: 'OFF_PLATFORM_PAYMENT_REQUEST', productId: null, transactionId: null, createdAt: now() },
  };
}

function scoreChanged(userId: string, grade: 'SAFE' | 'CAUTION' | 'DANGER', version: number): NewEvent<'safety.score_changed'> {
  const score = grade === 'SAFE' ? 65 : grade === 'CAUTION' ? 25 : 10;
  return {
    type: 'safety.score_changed',
    producer: 'safety',
    subjectUserId: userId,
    data: { userId, score, grade, previousScore: null, previousGrade: null, version, cause: 'report.processed', changedAt: now() },
  };
}

function tradeRequested(buyerId: string, sellerId: string, amount: number, transactionId = randomUUID()): NewEvent<'transaction.requested'> {
  return {
    type: 'transaction.requested',
    producer: 'transaction',
    subjectUserId: buyerId,
    data: { transactionId, productId: randomUUID(), buyerId, sellerId, amount, by: buyerId, at: now() },
  };
}

function reportProcessed(targetUserId: string, decision: 'ACCEPT' | 'DISMISS'): NewEvent<'report.processed'> {
  return {
    type: 'report.processed',
    producer: 'report',
    subjectUserId: targetUserId,
    data: { reportId: randomUUID(), reporterId: randomUUID(), targetUserId, type: 'FRAUD', decision, sanction: null, filedAt: now(), processedAt: now() },
  };
}

const smsTo = async (phone: string) => (await h.messagesTo(phone)).filter((m) => m.channel === 'sms');
const guardianRows = (userId: string) => h.prisma.guardian.count({ where: { userId } });

/** A user with a confirmed guardian; returns the user and the guardian's phone. */
async function protectedUser(nickname = '김순자'): Promise<{ user: RegisteredUser; guardianPhone: string; guardianId: string }> {
  const user = await registerUser(h, { nickname, phone: uniquePhone() });
  const guardianPhone = uniquePhone();
  const added = await h.gql(ADD, { input: { name: '김민수', phone: guardianPhone, relation: '아들' } }, { token: user.accessToken });
  const guardianId = added.data!.addGuardian.id as string;
  const confirmed = await h.gql(CONFIRM, { id: guardianId, code: await h.latestCode(guardianPhone) }, { token: user.accessToken });
  expect(confirmed.data?.confirmGuardian.confirmedAt).toBeTruthy();
  return { user, guardianPhone, guardianId };
}

describe('adding and confirming guardians', () => {
  it('sends a plain-Korean invitation code, confirms with it, stores the phone encrypted and shows it masked to an admin', async () => {
    const user = await registerUser(h, { nickname: '박영희', phone: uniquePhone() });
    // Only a verified member is named in the invitation (guardian-abuse.integration.test.ts).
    await h.prisma.verification.create({ data: { userId: user.id, method: 'SMS' } });
    const guardianPhone = uniquePhone();
    const added = await h.gql(ADD, { input: { name: ' 박지은 ', phone: guardianPhone.replace(/-/g, ' '), relation: '딸' } }, { token: user.accessToken });
    expect(added.errors).toBeUndefined();
    const guardian = added.data!.addGuardian;
    expect(guardian).toMatchObject({ name: '박지은', phone: guardianPhone, relation: '딸', confirmedAt: null });

    const [invitation, ...others] = await smsTo(guardianPhone);
    expect(others).toEqual([]);
    expect(invitation!.text).toContain("'박영희'님");
    expect(invitation!.text).toContain('보호자');
    expect(invitation!.text).toMatch(/인증번호 \d{6}/);

    // At rest: ciphertext only; the code is not stored either.
    const row = await h.prisma.guardian.findUniqueOrThrow({ where: { id: guardian.id } });
    const digits = guardianPhone.replace(/\D/g, '');
    expect(row.phoneEncrypted).not.toContain(digits);
    expect(row.phoneHash).not.toContain(digits);
    expect(JSON.stringify(row)).not.toContain(await h.latestCode(guardianPhone));

    // A wrong code is BAD_USER_INPUT and counts; the right one confirms.
    const wrongCode = (await h.latestCode(guardianPhone)) === '000000' ? '111111' : '000000';
    const wrong = onlyError(await h.gql(CONFIRM, { id: guardian.id, code: wrongCode }, { token: user.accessToken }));
    expect(wrong.code).toBe('BAD_USER_INPUT');
    expect(wrong.extensions.attemptsLeft).toBe(4);
    const confirmed = await h.gql(CONFIRM, { id: guardian.id, code: await h.latestCode(guardianPhone) }, { token: user.accessToken });
    expect(confirmed.data?.confirmGuardian.confirmedAt).toBeTruthy();

    // The user sees the whole number, an ADMIN a masked one, anyone else nothing.
    const own = await h.gql(GUARDIANS, { id: user.id }, { token: user.accessToken });
    expect(own.data?.user.guardians).toEqual([expect.objectContaining({ id: guardian.id, phone: guardianPhone, confirmedAt: expect.any(String) })]);
    const admin = await h.gql(GUARDIANS, { id: user.id }, { identity: { userId: randomUUID(), role: 'ADMIN' } });
    expect(admin.data?.user.guardians).toEqual([expect.objectContaining({ phone: `010-****-${digits.slice(-4)}` })]);
    const stranger = await registerUser(h);
    expect((await h.gql(GUARDIANS, { id: user.id }, { token: stranger.accessToken })).data?.user.guardians).toEqual([]);
    expect((await h.gql(GUARDIANS, { id: user.id })).data?.user.guardians).toEqual([]);
  });

  it('refuses an expired code and locks after five wrong codes', async () => {
    const user = await registerUser(h);
    const phone = uniquePhone();
    const { id } = (await h.gql(ADD, { input: { name: '이모', phone, relation: '이모' } }, { token: user.accessToken })).data!.addGuardian;
    const code = await h.latestCode(phone);
    const wrongCode = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) expect(onlyError(await h.gql(CONFIRM, { id, code: wrongCode }, { token: user.accessToken })).code).toBe('BAD_USER_INPUT');
    const locked = onlyError(await h.gql(CONFIRM, { id, code }, { token: user.accessToken }));
    expect(locked.code).toBe('BAD_USER_INPUT');
    expect(locked.message).toContain('여러 번');

    const phone2 = uniquePhone();
    const second = (await h.gql(ADD, { input: { name: '삼촌', phone: phone2, relation: '삼촌' } }, { token: user.accessToken })).data!.addGuardian;
    await h.prisma.guardian.update({ where: { id: second.id }, data: { codeExpiresAt: new Date(Date.now() - 1000) } });
    const expired = onlyError(await h.gql(CONFIRM, { id: second.id, code: await h.latestCode(phone2) }, { token: user.accessToken }));
    expect(expired.code).toBe('BAD_USER_INPUT');
    expect(expired.message).toContain('10분');
    expect(await h.prisma.guardian.count({ where: { userId: user.id, confirmedAt: { not: null } } })).toBe(0);
  });

  it('removes a guardian; removing or confirming someone else’s is FORBIDDEN', async () => {
    const { user, guardianId } = await protectedUser();
    const other = await registerUser(h);
    expect(onlyError(await h.gql(REMOVE, { id: guardianId }, { token: other.accessToken })).code).toBe('FORBIDDEN');
    expect((await h.gql(REMOVE, { id: guardianId }, { token: user.accessToken })).data?.removeGuardian).toBe(true);
    expect(await guardianRows(user.id)).toBe(0);
    expect(onlyError(await h.gql(REMOVE, { id: guardianId }, { token: user.accessToken })).code).toBe('NOT_FOUND');
    expect(onlyError(await h.gql(ADD, { input: { name: '딸', phone: uniquePhone(), relation: '딸' } })).code).toBe('UNAUTHENTICATED');
  });
});

describe('bad input: a code and nothing written', () => {
  it('an invalid guardian phone, an empty name, a long relation', async () => {
    const user = await registerUser(h, { phone: uniquePhone() });
    for (const input of [
      { name: '딸', phone: '02-123-4567', relation: '딸' },
      { name: '딸', phone: '010-12ab-5678', relation: '딸' },
      { name: '  ', phone: uniquePhone(), relation: '딸' },
      { name: '가'.repeat(31), phone: uniquePhone(), relation: '딸' },
      { name: '딸', phone: uniquePhone(), relation: '가'.repeat(21) },
    ]) {
      const error = onlyError(await h.gql(ADD, { input }, { token: user.accessToken }));
      expect(error.code).toBe('BAD_USER_INPUT');
      expect(await smsTo(input.phone)).toEqual([]);
    }
    const invalid = onlyError(await h.gql(ADD, { input: { name: '딸', phone: '1234', relation: '딸' } }, { token: user.accessToken }));
    expect(invalid.message).toContain('010');
    expect(await guardianRows(user.id)).toBe(0);
  });

  it("the user's own phone", async () => {
    // The account's phone is the bound one, i.e. confirmed by its SMS code (phone-binding.integration.test.ts).
    const user = await registerWithBoundPhone(h);
    const ownPhone = user.phone!;
    const sentBefore = (await smsTo(ownPhone)).length;
    const error = onlyError(await h.gql(ADD, { input: { name: '나', phone: ownPhone.replace(/-/g, ''), relation: '본인' } }, { token: user.accessToken }));
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.message).toContain('본인');
    expect(await guardianRows(user.id)).toBe(0);
    expect(await smsTo(ownPhone)).toHaveLength(sentBefore);
  });

  it('a fourth guardian (also when three are added at once)', async () => {
    const user = await registerUser(h);
    const phones = [uniquePhone(), uniquePhone(), uniquePhone(), uniquePhone()];
    const results = await Promise.all(phones.map((phone, i) => h.gql(ADD, { input: { name: `보호자${i}`, phone, relation: '가족' } }, { token: user.accessToken })));
    const refused = results.filter((r) => r.errors);
    expect(refused).toHaveLength(1);
    expect(onlyError(refused[0]!).code).toBe('BAD_USER_INPUT');
    expect(onlyError(refused[0]!).message).toContain('3명');
    expect(await guardianRows(user.id)).toBe(3);
    const invited = await Promise.all(phones.map((p) => smsTo(p)));
    expect(invited.filter((m) => m.length === 1)).toHaveLength(3);
    expect(invited.filter((m) => m.length === 0)).toHaveLength(1);
  });

  it('the same guardian phone twice is a CONFLICT', async () => {
    const user = await registerUser(h);
    const phone = uniquePhone();
    await h.gql(ADD, { input: { name: '딸', phone, relation: '딸' } }, { token: user.accessToken });
    expect(onlyError(await h.gql(ADD, { input: { name: '딸', phone, relation: '딸' } }, { token: user.accessToken })).code).toBe('CONFLICT');
    expect(await guardianRows(user.id)).toBe(1);
  });

  it("confirming someone else's guardian is FORBIDDEN and confirms nothing", async () => {
    const owner = await registerUser(h);
    const phone = uniquePhone();
    const { id } = (await h.gql(ADD, { input: { name: '딸', phone, relation: '딸' } }, { token: owner.accessToken })).data!.addGuardian;
    const intruder = await registerUser(h);
    const error = onlyError(await h.gql(CONFIRM, { id, code: await h.latestCode(phone) }, { token: intruder.accessToken }));
    expect(error.code).toBe('FORBIDDEN');
    const row = await h.prisma.guardian.findUniqueOrThrow({ where: { id }, select: { confirmedAt: true, attempts: true } });
    expect(row).toEqual({ confirmedAt: null, attempts: 0 });
    expect(onlyError(await h.gql(CONFIRM, { id: randomUUID(), code: '123456' }, { token: intruder.accessToken })).code).toBe('NOT_FOUND');
  });
});

describe('guardians are told by SMS, once per cause', () => {
  it('(a) a HIGH or CRITICAL alert warning the protected user; not MEDIUM; a repeated alert sends nothing more', async () => {
    const { user, guardianPhone } = await protectedUser('김순자');
    const scammer = await registerUser(h, { nickname: '급매왕' });
    await h.deliver(scoreChanged(scammer.id, 'DANGER', 3));

    await h.deliver(alert(scammer.id, [user.id], 'MEDIUM'));
    expect(await smsTo(guardianPhone)).toHaveLength(1); // the invitation only

    const alertId = randomUUID();
    await h.deliver(alert(scammer.id, [user.id], 'HIGH', alertId));
    const [message] = await smsTo(guardianPhone);
    expect(message!.text).toContain("'김순자'님");
    expect(message!.text).toContain("'급매왕'");
    expect(message!.text).toContain('위험 등급');
    expect(message!.text).toContain('직접 만나서 물건을 확인하기 전에는');
    // Nothing private of either person.
    expect(message!.text).not.toContain(user.email);
    expect(message!.text).not.toContain(user.phone!.slice(-4));
    expect(message!.text).not.toContain(scammer.email);

    // The same alert again (another event id, same cause): no second message.
    await h.deliver(alert(scammer.id, [user.id], 'HIGH', alertId));
    expect(await smsTo(guardianPhone)).toHaveLength(2);
    expect(await h.prisma.guardianNotification.count({ where: { causeId: `alert:${alertId}` } })).toBe(1);

    // The protected user as the alert's subject (not warned) tells nobody.
    await h.deliver(alert(user.id, [scammer.id], 'CRITICAL'));
    expect(await smsTo(guardianPhone)).toHaveLength(2);
  });

  it('an alert to members without a guardian reads neither the counterpart nor their grade (most alerts)', async () => {
    const member = await registerUser(h);
    const scammer = await registerUser(h, { nickname: '보호자없음' });
    const from = h.queries.length;
    await h.deliver(alert(scammer.id, [member.id], 'HIGH'));
    const handled = h.queries.slice(from);
    expect(handled.some((sql) => sql.includes('guardians'))).toBe(true);
    expect(handled.filter((sql) => sql.includes('counterpart_grades') || /FROM "svc_user"\."users"|FROM "users"/.test(sql))).toEqual([]);
  });

  it('unconfirmed guardians are not told', async () => {
    const user = await registerUser(h);
    const phone = uniquePhone();
    await h.gql(ADD, { input: { name: '딸', phone, relation: '딸' } }, { token: user.accessToken });
    const scammer = await registerUser(h, { nickname: '수상한판매자' });
    await h.deliver(alert(scammer.id, [user.id], 'CRITICAL'));
    expect(await smsTo(phone)).toHaveLength(1);
  });

  it('(b) a trade of at least 300,000 won as buyer with a CAUTION-or-worse seller (highest grade version wins)', async () => {
    const { user, guardianPhone } = await protectedUser('이말순');
    const seller = await registerUser(h, { nickname: '중고나라킹' });
    await h.deliver(scoreChanged(seller.id, 'CAUTION', 5));
    await h.deliver(scoreChanged(seller.id, 'SAFE', 4)); // older: ignored

    await h.deliver(tradeRequested(user.id, seller.id, 299_999));
    expect(await smsTo(guardianPhone)).toHaveLength(1);
    // As the seller, the user is not the one about to pay.
    await h.deliver(tradeRequested(seller.id, user.id, 500_000));
    expect(await smsTo(guardianPhone)).toHaveLength(1);

    const transactionId = randomUUID();
    await h.deliver(tradeRequested(user.id, seller.id, 300_000, transactionId));
    const [message] = await smsTo(guardianPhone);
    expect(message!.text).toContain("'중고나라킹'(주의 등급)");
    expect(message!.text).toContain('300,000원');
    expect(message!.text).toContain('돈을 보내지 말고');
    await h.deliver(tradeRequested(user.id, seller.id, 300_000, transactionId));
    expect(await smsTo(guardianPhone)).toHaveLength(2);

    // A seller who became SAFE later: no message.
    await h.deliver(scoreChanged(seller.id, 'SAFE', 6));
    await h.deliver(tradeRequested(user.id, seller.id, 900_000));
    expect(await smsTo(guardianPhone)).toHaveLength(2);
  });

  it('(c) an accepted report against someone the user traded with; not a dismissed one', async () => {
    const { user, guardianPhone } = await protectedUser('최복례');
    const seller = await registerUser(h, { nickname: '명품싸게' });
    await h.deliver(tradeRequested(user.id, seller.id, 50_000));

    await h.deliver(reportProcessed(seller.id, 'DISMISS'));
    expect(await smsTo(guardianPhone)).toHaveLength(1);

    await h.deliver(reportProcessed(seller.id, 'ACCEPT'));
    const [message] = await smsTo(guardianPhone);
    expect(message!.text).toContain("'최복례'님과 거래한 적 있는 '명품싸게'");
    expect(message!.text).toContain('신고가 사실로 확인');

    // Someone who never traded with the reported user hears nothing.
    const bystander = await protectedUser('정말자');
    await h.deliver(reportProcessed(seller.id, 'ACCEPT'));
    expect(await smsTo(bystander.guardianPhone)).toHaveLength(1);
  });
});
