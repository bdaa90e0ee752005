// Guardian approval of safe payments (issue 19 point 4), against a real user subgraph (the owner
// of guardians, read at start), real PostgreSQL, Redis, BullMQ and the sandbox provider: which
// payments wait for a guardian (amount thresholds, the seller's grade from our copy of
// safety.score_changed), the guardian's code (derived, never stored), wrong codes and the lock
// after five, approve (→ checkout → HELD), decline, and expiry by the delayed job and the sweep.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardianApprovalCode, type Identity } from '@anshim/platform';
import { registerUser, uniquePhone, UserHarness } from '../../user/test/support/harness.ts';
import { PaymentHarness, onlyError, user } from './support/harness.ts';

const FIELDS = 'id status amount checkoutUrl history { from to reason } guardianApproval { id status reason requestedAt decidedAt expiresAt }';
const START = `mutation ($t: ID!) { startSafePayment(transactionId: $t) { ${FIELDS} } }`;
const READ = `query ($id: ID!) { payment(id: $id) { ${FIELDS} } }`;
const DECIDE = 'mutation ($a: ID!, $c: String!, $ok: Boolean!) { decideGuardianApproval(approvalId: $a, code: $c, approve: $ok) { id status reason decidedAt expiresAt } }';

type Approval = { id: string; status: string; reason: string; requestedAt: string; decidedAt: string | null; expiresAt: string };
type Payment = { id: string; status: string; amount: number; checkoutUrl: string | null; history: Array<{ from: string | null; to: string; reason: string | null }>; guardianApproval: Approval | null };

const owner = new UserHarness();
const h = new PaymentHarness({}, owner);
beforeAll(async () => {
  await owner.start();
  await h.start();
});
afterAll(async () => {
  await h.stop();
  await owner.stop();
});

/** A member of the user service with a confirmed guardian; `approves` sets setGuardianApprovesPayments. */
async function member(approves = true): Promise<Identity> {
  const registered = await registerUser(owner, { nickname: '김순자', phone: uniquePhone() });
  const phone = uniquePhone();
  const id = (await owner.gql('mutation($i: GuardianInput!) { addGuardian(input: $i) { id } }', { i: { name: '김민수', phone, relation: '아들' } }, { token: registered.accessToken })).data!.addGuardian.id;
  await owner.gql('mutation($id: ID!, $c: String!) { confirmGuardian(guardianId: $id, code: $c) { id } }', { id, c: await owner.latestCode(phone) }, { token: registered.accessToken });
  if (approves) {
    const set = await owner.gql('mutation($id: ID!) { setGuardianApprovesPayments(guardianId: $id, approvesPayments: true) { approvesPayments } }', { id }, { token: registered.accessToken });
    expect(set.data?.setGuardianApprovesPayments.approvesPayments).toBe(true);
  }
  return { userId: registered.id, role: 'USER' };
}

async function grade(userId: string, value: 'SAFE' | 'CAUTION' | 'DANGER', version = 1): Promise<void> {
  await h.deliver({
    type: 'safety.score_changed',
    producer: 'safety',
    subjectUserId: userId,
    data: { userId, score: value === 'SAFE' ? 70 : 25, grade: value, previousScore: null, previousGrade: null, version, cause: 'test', changedAt: new Date().toISOString() },
  });
}

async function start(buyer: Identity, price: number, seller = user()): Promise<Payment> {
  const transactionId = await h.trade(buyer, seller, { price });
  return (await h.ok<{ startSafePayment: Payment }>(START, { t: transactionId }, { identity: buyer })).startSafePayment;
}

const codeOf = (approvalId: string) => guardianApprovalCode(h.secrets.INTERNAL_SECRET, approvalId);
const wrongCodeOf = (approvalId: string) => (codeOf(approvalId) === '000000' ? '111111' : '000000');

describe('which payments wait for a guardian', () => {
  it('waits at 1,000,000 won to anyone and at 300,000 won to a CAUTION-or-worse seller, with no checkout yet', async () => {
    const buyer = await member();
    const large = await start(buyer, 1_000_000);
    expect(large).toMatchObject({ status: 'AWAITING_GUARDIAN', checkoutUrl: null, guardianApproval: { status: 'PENDING', decidedAt: null } });
    expect(large.guardianApproval!.reason).toContain('큰 금액');
    expect(large.history).toEqual([{ from: null, to: 'AWAITING_GUARDIAN', reason: expect.stringContaining('보호자') }]);
    const ttl = Date.parse(large.guardianApproval!.expiresAt) - Date.parse(large.guardianApproval!.requestedAt);
    expect(ttl).toBe(24 * 3_600_000);
    const row = await h.prisma.payment.findUniqueOrThrow({ where: { id: large.id } });
    expect(row.providerPaymentKey).toBeNull();

    // The event the user service texts from: no code in it, nor anywhere in our tables.
    const outbox = await h.prisma.outboxEvent.findFirstOrThrow({ where: { type: 'payment.guardian_approval_requested', payload: { path: ['data', 'paymentId'], equals: large.id } } });
    const code = codeOf(large.guardianApproval!.id);
    expect(JSON.stringify(outbox.payload)).not.toContain(code);
    expect(JSON.stringify(await h.prisma.guardianApproval.findUniqueOrThrow({ where: { id: large.guardianApproval!.id } }))).not.toContain(code);
    expect((outbox.payload as { data: { reason: string } }).data.reason).toBe('LARGE_AMOUNT');

    const risky = user();
    await grade(risky.userId, 'CAUTION');
    const toRisky = await start(buyer, 300_000, risky);
    expect(toRisky).toMatchObject({ status: 'AWAITING_GUARDIAN', checkoutUrl: null });
    expect(toRisky.guardianApproval!.reason).toContain('안전 등급');
  });

  it('does not wait below the thresholds, for an unknown or safe grade, nor for a member nobody approves for', async () => {
    const buyer = await member();
    expect((await start(buyer, 999_999)).status).toBe('AWAITING_PAYMENT');
    const safe = user();
    await grade(safe.userId, 'CAUTION', 1);
    await grade(safe.userId, 'SAFE', 2);
    await grade(safe.userId, 'DANGER', 1); // older: changes nothing
    expect((await start(buyer, 500_000, safe)).status).toBe('AWAITING_PAYMENT');
    const risky = user();
    await grade(risky.userId, 'DANGER');
    expect((await start(buyer, 299_999, risky)).status).toBe('AWAITING_PAYMENT');
    const unasked = await member(false);
    const paid = await start(unasked, 2_000_000);
    expect(paid).toMatchObject({ status: 'AWAITING_PAYMENT', guardianApproval: null });
    expect(paid.checkoutUrl).toMatch(/\/checkout\//);
  });

  it('names the item from product.created in the request', async () => {
    const buyer = await member();
    const seller = user();
    const productId = randomUUID();
    await h.deliver({ type: 'product.created', producer: 'transaction', subjectUserId: seller.userId, data: { productId, sellerId: seller.userId, title: '갤럭시 탭', price: 1_200_000, category: 'DIGITAL', region: null, createdAt: new Date().toISOString() } });
    const transactionId = randomUUID();
    const data = { transactionId, productId, buyerId: buyer.userId, sellerId: seller.userId, amount: 1_200_000 };
    await h.deliver({ type: 'transaction.accepted', producer: 'transaction', subjectUserId: seller.userId, data: { ...data, by: seller.userId, at: new Date().toISOString() } });
    const payment = (await h.ok<{ startSafePayment: Payment }>(START, { t: transactionId }, { identity: buyer })).startSafePayment;
    const outbox = await h.prisma.outboxEvent.findFirstOrThrow({ where: { type: 'payment.guardian_approval_requested', payload: { path: ['data', 'paymentId'], equals: payment.id } } });
    expect(outbox.payload).toMatchObject({ data: { itemTitle: '갤럭시 탭', amount: 1_200_000, guardianIds: [expect.any(String)] } });
  });
});

describe('the guardian answers', () => {
  it('approves with the code (no account): the payment gets its checkout and can be paid', async () => {
    const buyer = await member();
    const waiting = await start(buyer, 1_500_000);
    const approvalId = waiting.guardianApproval!.id;
    const decided = await h.ok<{ decideGuardianApproval: Approval }>(DECIDE, { a: approvalId, c: ` ${codeOf(approvalId).slice(0, 3)}-${codeOf(approvalId).slice(3)} `, ok: true });
    expect(decided.decideGuardianApproval).toMatchObject({ id: approvalId, status: 'APPROVED', decidedAt: expect.any(String) });

    const read = (await h.ok<{ payment: Payment }>(READ, { id: waiting.id }, { identity: buyer })).payment;
    expect(read).toMatchObject({ status: 'AWAITING_PAYMENT', guardianApproval: { status: 'APPROVED' } });
    expect(read.history.map((c) => c.to)).toEqual(['AWAITING_GUARDIAN', 'AWAITING_PAYMENT']);
    expect(read.history[1]!.reason).toContain('승인');
    expect(read.checkoutUrl).toMatch(/\/checkout\//);
    const landed = await h.returnFromCheckout(await h.payAtCheckout(read.checkoutUrl!));
    expect(landed.searchParams.get('status')).toBe('HELD');

    // A second answer changes nothing.
    expect(onlyError(await h.gql(DECIDE, { a: approvalId, c: codeOf(approvalId), ok: false }))).toMatchObject({ code: 'CONFLICT', extensions: { reason: 'APPROVAL_DECIDED' } });
    expect((await h.prisma.payment.findUniqueOrThrow({ where: { id: waiting.id } })).status).toBe('HELD');
  });

  it('declines: the payment is cancelled and the member is told kindly why (ko and en)', async () => {
    const buyer = await member();
    const waiting = await start(buyer, 1_000_000);
    const approvalId = waiting.guardianApproval!.id;
    expect((await h.ok<{ decideGuardianApproval: Approval }>(DECIDE, { a: approvalId, c: codeOf(approvalId), ok: false })).decideGuardianApproval.status).toBe('DECLINED');
    const ko = (await h.ok<{ payment: Payment }>(READ, { id: waiting.id }, { identity: buyer })).payment;
    expect(ko).toMatchObject({ status: 'CANCELLED', checkoutUrl: null, guardianApproval: { status: 'DECLINED' } });
    expect(ko.history.at(-1)).toMatchObject({ from: 'AWAITING_GUARDIAN', to: 'CANCELLED', reason: expect.stringContaining('돈은 나가지 않았어요') });
    const en = (await h.ok<{ payment: Payment }>(READ, { id: waiting.id }, { identity: buyer, lang: 'en' })).payment;
    expect(en.history.at(-1)!.reason).toContain('guardian declined');
    // Cancelled, so the buyer may start again (and the guardian is asked again).
    const again = (await h.ok<{ startSafePayment: Payment }>(START, { t: (await h.prisma.payment.findUniqueOrThrow({ where: { id: waiting.id } })).transactionId }, { identity: buyer })).startSafePayment;
    expect(again.status).toBe('AWAITING_GUARDIAN');
  });

  it('refuses a wrong code with a coded error, counting only the try, and locks after five', async () => {
    const buyer = await member();
    const waiting = await start(buyer, 1_000_000);
    const approvalId = waiting.guardianApproval!.id;
    const first = onlyError(await h.gql(DECIDE, { a: approvalId, c: wrongCodeOf(approvalId), ok: true }));
    expect(first).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { reason: 'WRONG_CODE', attemptsLeft: 4 } });
    expect(first.message).toContain('승인번호');
    const row = await h.prisma.guardianApproval.findUniqueOrThrow({ where: { id: approvalId } });
    expect(row).toMatchObject({ status: 'PENDING', failedTries: 1, decidedAt: null });
    expect((await h.prisma.payment.findUniqueOrThrow({ where: { id: waiting.id } })).status).toBe('AWAITING_GUARDIAN');
    expect(await h.prisma.paymentStatusChange.count({ where: { paymentId: waiting.id } })).toBe(1);

    for (let i = 0; i < 3; i++) expect(onlyError(await h.gql(DECIDE, { a: approvalId, c: wrongCodeOf(approvalId), ok: true })).extensions.reason).toBe('WRONG_CODE');
    expect(onlyError(await h.gql(DECIDE, { a: approvalId, c: wrongCodeOf(approvalId), ok: true })).extensions).toMatchObject({ reason: 'CODE_LOCKED', attemptsLeft: 0 });
    const locked = onlyError(await h.gql(DECIDE, { a: approvalId, c: codeOf(approvalId), ok: true }));
    expect(locked).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { reason: 'CODE_LOCKED' } });
    expect(locked.message).toContain('잠겼어요');
    expect(await h.prisma.guardianApproval.findUniqueOrThrow({ where: { id: approvalId } })).toMatchObject({ status: 'PENDING', failedTries: 5 });
    expect((await h.prisma.payment.findUniqueOrThrow({ where: { id: waiting.id } })).status).toBe('AWAITING_GUARDIAN');

    // Bad input of any kind: coded, nothing written.
    expect(onlyError(await h.gql(DECIDE, { a: 'nope', c: '123456', ok: true })).code).toBe('BAD_USER_INPUT');
    expect(onlyError(await h.gql(DECIDE, { a: randomUUID(), c: '123456', ok: true })).code).toBe('NOT_FOUND');
    expect(onlyError(await h.gql(DECIDE, { a: approvalId, c: '  ', ok: true })).extensions.reason).toBe('CODE_REQUIRED');
  });
});

describe('a trade cancelled while the guardian is asked', () => {
  it('cancels the waiting payment; a later answer is refused with a code and writes nothing', async () => {
    const buyer = await member();
    const seller = user();
    const transactionId = await h.trade(buyer, seller, { price: 1_000_000 });
    const waiting = (await h.ok<{ startSafePayment: Payment }>(START, { t: transactionId }, { identity: buyer })).startSafePayment;
    await h.endTrade(transactionId, buyer, seller, 'cancelled', 1_000_000);
    expect((await h.prisma.payment.findUniqueOrThrow({ where: { id: waiting.id } })).status).toBe('CANCELLED');
    const approvalId = waiting.guardianApproval!.id;
    const late = onlyError(await h.gql(DECIDE, { a: approvalId, c: codeOf(approvalId), ok: true }));
    expect(late).toMatchObject({ code: 'CONFLICT', extensions: { reason: 'PAYMENT_MOVED_ON' } });
    expect(await h.prisma.guardianApproval.findUniqueOrThrow({ where: { id: approvalId } })).toMatchObject({ status: 'PENDING', decidedAt: null });
  });
});

describe('an unanswered approval', () => {
  it('is filed as a delayed job; at expiresAt it expires and the payment is cancelled, and no answer is taken after', async () => {
    const buyer = await member();
    const waiting = await start(buyer, 1_000_000);
    const approvalId = waiting.guardianApproval!.id;
    const job = await h.server.expiry.queue.getJob(approvalId);
    expect(job?.data).toEqual({ approvalId });
    expect(job!.opts.delay).toBeGreaterThanOrEqual(24 * 3_600_000);

    // Before its time the job changes nothing.
    expect(await h.server.expiry.run({ approvalId })).toBe(false);
    await h.prisma.guardianApproval.update({ where: { id: approvalId }, data: { expiresAt: new Date(Date.now() - 1_000) } });
    const late = onlyError(await h.gql(DECIDE, { a: approvalId, c: codeOf(approvalId), ok: true }));
    expect(late).toMatchObject({ code: 'CONFLICT', extensions: { reason: 'APPROVAL_EXPIRED' } });
    expect(await h.server.expiry.run({ approvalId })).toBe(true);
    expect(await h.server.expiry.run({ approvalId })).toBe(false);
    const read = (await h.ok<{ payment: Payment }>(READ, { id: waiting.id }, { identity: buyer })).payment;
    expect(read).toMatchObject({ status: 'CANCELLED', guardianApproval: { status: 'EXPIRED' } });
    expect(read.history.at(-1)!.reason).toContain('기한');
  });

  it('is expired by the settle sweep when its job was lost', async () => {
    const buyer = await member();
    const waiting = await start(buyer, 1_000_000);
    await h.server.expiry.queue.remove(waiting.guardianApproval!.id);
    await h.prisma.guardianApproval.update({ where: { id: waiting.guardianApproval!.id }, data: { expiresAt: new Date(Date.now() - 1_000) } });
    const outcome = (await h.server.settle()) as { approvalsExpired: number };
    expect(outcome.approvalsExpired).toBeGreaterThanOrEqual(1);
    expect((await h.prisma.payment.findUniqueOrThrow({ where: { id: waiting.id } })).status).toBe('CANCELLED');
  });
});
