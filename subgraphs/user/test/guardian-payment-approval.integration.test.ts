// Guardians who approve payments (issue 19 point 4), the user service's half: the member asks a
// confirmed guardian with setGuardianApprovesPayments (owner only, confirmed only, coded errors,
// nothing written on a refusal), the flag shows to the member alone, and when payment announces
// payment.guardian_approval_requested the approving guardians get one plain-Korean SMS each with
// the amount, the item, why, and the code both services derive from the approval id.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardianApprovalCode, type NewEvent } from '@anshim/platform';
import { onlyError, registerUser, uniquePhone, UserHarness, type RegisteredUser } from './support/harness.ts';

const ADD = /* GraphQL */ `mutation($input: GuardianInput!) { addGuardian(input: $input) { id } }`;
const CONFIRM = /* GraphQL */ `mutation($id: ID!, $code: String!) { confirmGuardian(guardianId: $id, code: $code) { id confirmedAt } }`;
const SET = /* GraphQL */ `mutation($id: ID!, $on: Boolean!) { setGuardianApprovesPayments(guardianId: $id, approvesPayments: $on) { id approvesPayments confirmedAt } }`;
const GUARDIANS = /* GraphQL */ `query($id: ID!) { user(id: $id) { guardians { id approvesPayments } } }`;

const h = new UserHarness();
beforeAll(async () => {
  await h.start();
});
afterAll(() => h.stop());

async function memberWithGuardian(confirm = true): Promise<{ user: RegisteredUser; guardianId: string; phone: string }> {
  const user = await registerUser(h, { nickname: '김순자', phone: uniquePhone() });
  const phone = uniquePhone();
  const guardianId = (await h.gql(ADD, { input: { name: '김민수', phone, relation: '아들' } }, { token: user.accessToken })).data!.addGuardian.id as string;
  if (confirm) expect((await h.gql(CONFIRM, { id: guardianId, code: await h.latestCode(phone) }, { token: user.accessToken })).data?.confirmGuardian.confirmedAt).toBeTruthy();
  return { user, guardianId, phone };
}

function approvalRequested(buyerId: string, guardianIds: string[], overrides: Partial<NewEvent<'payment.guardian_approval_requested'>['data']> = {}): NewEvent<'payment.guardian_approval_requested'> {
  const now = Date.now();
  return {
    type: 'payment.guardian_approval_requested',
    producer: 'payment',
    subjectUserId: buyerId,
    data: {
      approvalId: randomUUID(),
      paymentId: randomUUID(),
      transactionId: randomUUID(),
      buyerId,
      sellerId: randomUUID(),
      amount: 1_250_000,
      itemTitle: '아이폰 15 프로',
      reason: 'LARGE_AMOUNT',
      counterpartGrade: null,
      guardianIds,
      requestedAt: new Date(now).toISOString(),
      expiresAt: new Date(now + 24 * 3_600_000).toISOString(),
      ...overrides,
    },
  };
}

const smsTo = async (phone: string) => (await h.messagesTo(phone)).filter((m) => m.channel === 'sms');

describe('setGuardianApprovesPayments', () => {
  it('lets the member ask a confirmed guardian; the flag shows to the member only', async () => {
    const { user, guardianId } = await memberWithGuardian();
    const set = await h.gql(SET, { id: guardianId, on: true }, { token: user.accessToken });
    expect(set.errors).toBeUndefined();
    expect(set.data?.setGuardianApprovesPayments).toMatchObject({ id: guardianId, approvesPayments: true });
    expect((await h.gql(GUARDIANS, { id: user.id }, { token: user.accessToken })).data?.user.guardians).toEqual([{ id: guardianId, approvesPayments: true }]);
    // An ADMIN sees the guardian (masked) but not the member's choice.
    const admin = await h.gql(GUARDIANS, { id: user.id }, { identity: { userId: randomUUID(), role: 'ADMIN' } });
    expect(admin.data?.user.guardians).toEqual([{ id: guardianId, approvesPayments: false }]);
    expect((await h.prisma.guardian.findUniqueOrThrow({ where: { id: guardianId } })).approvesPayments).toBe(true);

    const off = await h.gql(SET, { id: guardianId, on: false }, { token: user.accessToken });
    expect(off.data?.setGuardianApprovesPayments.approvesPayments).toBe(false);
  });

  it("refuses someone else's guardian, an unconfirmed guardian, a bad id and an anonymous caller, writing nothing", async () => {
    const { guardianId } = await memberWithGuardian();
    const stranger = await registerUser(h);
    const notOwner = onlyError(await h.gql(SET, { id: guardianId, on: true }, { token: stranger.accessToken }));
    expect(notOwner.code).toBe('FORBIDDEN');

    const pending = await memberWithGuardian(false);
    const unconfirmed = onlyError(await h.gql(SET, { id: pending.guardianId, on: true }, { token: pending.user.accessToken }));
    expect(unconfirmed.code).toBe('CONFLICT');
    expect(unconfirmed.extensions.reason).toBe('GUARDIAN_NOT_CONFIRMED');
    expect(unconfirmed.message).toContain('보호자');

    expect(onlyError(await h.gql(SET, { id: 'nope', on: true }, { token: stranger.accessToken })).code).toBe('NOT_FOUND');
    expect(onlyError(await h.gql(SET, { id: guardianId, on: true })).code).toBe('UNAUTHENTICATED');
    expect(await h.prisma.guardian.count({ where: { id: { in: [guardianId, pending.guardianId] }, approvesPayments: true } })).toBe(0);
  });
});

describe('payment.guardian_approval_requested', () => {
  it('texts each approving guardian once, in plain Korean, with the amount, the item, why and the derived code', async () => {
    const { user, guardianId, phone } = await memberWithGuardian();
    await h.gql(SET, { id: guardianId, on: true }, { token: user.accessToken });
    const event = approvalRequested(user.id, [guardianId]);
    await h.deliver(event);
    await h.deliver({ ...event, data: { ...event.data } }); // the same approval announced twice

    const texts = (await smsTo(phone)).filter((m) => m.text.includes('승인번호'));
    expect(texts).toHaveLength(1);
    const text = texts[0]!.text;
    expect(text).toContain("'김순자'님");
    expect(text).toContain('1,250,000원');
    expect(text).toContain("'아이폰 15 프로'");
    expect(text).toContain('큰 금액');
    expect(text).toContain(`승인번호 ${guardianApprovalCode(h.secrets.INTERNAL_SECRET, event.data.approvalId)}`);
    expect(text).toContain(`approval=${event.data.approvalId}`);
    expect(text.length).toBeLessThan(260);
  });

  it("names a risky seller's grade, hides an unsafe title, and texts no guardian the member no longer asks", async () => {
    const { user, guardianId, phone } = await memberWithGuardian();
    await h.gql(SET, { id: guardianId, on: true }, { token: user.accessToken });
    await h.deliver(approvalRequested(user.id, [guardianId], { amount: 450_000, reason: 'RISKY_COUNTERPART', counterpartGrade: 'DANGER', itemTitle: '급매 010-1234-5678 연락' }));
    const [risky] = (await smsTo(phone)).filter((m) => m.text.includes('승인번호'));
    expect(risky!.text).toContain('위험 등급');
    expect(risky!.text).toContain('450,000원');
    expect(risky!.text).not.toContain('010-1234');
    expect(risky!.text).toContain('물건 값');

    await h.gql(SET, { id: guardianId, on: false }, { token: user.accessToken });
    await h.deliver(approvalRequested(user.id, [guardianId]));
    expect((await smsTo(phone)).filter((m) => m.text.includes('승인번호'))).toHaveLength(1);
  });
});
