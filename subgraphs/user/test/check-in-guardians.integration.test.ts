// transaction.check_in_overdue, as the user service handles it: a member in protected mode who
// checked in at a meeting spot and did not check out in time → one plain-Korean SMS to each
// confirmed guardian (place, time, the counterpart's SMS-safe nickname), once per check-in even
// when the event comes twice; a member not in protected mode → nothing.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewEvent } from '@anshim/platform';
import { registerUser, uniquePhone, UserHarness, type RegisteredUser } from './support/harness.ts';

const ADD = `mutation($input: GuardianInput!) { addGuardian(input: $input) { id } }`;
const CONFIRM = `mutation($id: ID!, $code: String!) { confirmGuardian(guardianId: $id, code: $code) { confirmedAt } }`;
const UPDATE = `mutation($input: UpdateProfileInput!) { updateProfile(input: $input) { protectedMode } }`;

const h = new UserHarness();
beforeAll(() => h.start());
afterAll(() => h.stop());

const smsTo = async (phone: string) => (await h.messagesTo(phone)).filter((m) => m.channel === 'sms');

async function addGuardian(user: RegisteredUser, confirm: boolean): Promise<string> {
  const phone = uniquePhone();
  const added = await h.gql(ADD, { input: { name: '김민수', phone, relation: '아들' } }, { token: user.accessToken });
  if (confirm) expect((await h.gql(CONFIRM, { id: added.data!.addGuardian.id, code: await h.latestCode(phone) }, { token: user.accessToken })).data?.confirmGuardian.confirmedAt).toBeTruthy();
  return phone;
}

async function member(protectedMode: boolean, nickname = '김순자'): Promise<{ user: RegisteredUser; confirmed: string[]; unconfirmed: string }> {
  const user = await registerUser(h, { nickname, phone: uniquePhone() });
  if (protectedMode) expect((await h.gql(UPDATE, { input: { protectedMode: true } }, { token: user.accessToken })).data?.updateProfile.protectedMode).toBe(true);
  return { user, confirmed: [await addGuardian(user, true), await addGuardian(user, true)], unconfirmed: await addGuardian(user, false) };
}

function overdue(userId: string, counterpartId: string, o: { checkInId?: string; place?: { name: string; address: string } | null; checkedInAt?: string } = {}): NewEvent<'transaction.check_in_overdue'> {
  return {
    type: 'transaction.check_in_overdue',
    producer: 'transaction',
    subjectUserId: userId,
    data: {
      checkInId: o.checkInId ?? randomUUID(),
      transactionId: randomUUID(),
      userId,
      counterpartId,
      place: o.place === undefined ? { name: '마포경찰서 안전거래존', address: '서울 마포구 마포대로 183' } : o.place,
      // 06:05 UTC is 3:05 in the afternoon in Korea.
      checkedInAt: o.checkedInAt ?? '2026-12-06T06:05:00.000Z',
      overdueAfterSeconds: 3_600,
      at: new Date().toISOString(),
    },
  };
}

describe('an overdue check-in at the meeting spot', () => {
  it('protected: each confirmed guardian gets one plain-Korean SMS with the place, the time and the counterpart; a duplicate event sends nothing', async () => {
    const { user, confirmed, unconfirmed } = await member(true);
    const counterpart = await registerUser(h, { nickname: '직거래맨' });
    const checkInId = randomUUID();
    await h.deliver(overdue(user.id, counterpart.id, { checkInId }));

    for (const phone of confirmed) {
      const [alert, invitation, ...rest] = await smsTo(phone);
      expect(rest).toEqual([]);
      expect(invitation!.text).toMatch(/인증번호/);
      expect(alert!.text).toContain("'김순자'님");
      expect(alert!.text).toContain("'마포경찰서 안전거래존'(서울 마포구 마포대로 183)");
      expect(alert!.text).toContain('12월 6일 오후 3시 5분');
      expect(alert!.text).toContain("'직거래맨'님을 만나려고");
      expect(alert!.text).toContain('60분이 지나도록');
      expect(alert!.text).toContain('전화해서');
      expect(alert!.text).not.toContain(counterpart.email);
    }
    expect(await smsTo(unconfirmed)).toHaveLength(1); // the invitation only

    // The same check-in again (a redelivery under a new event id): nothing more.
    await h.deliver(overdue(user.id, counterpart.id, { checkInId }));
    for (const phone of confirmed) expect(await smsTo(phone)).toHaveLength(2);
    expect(await h.prisma.guardianNotification.count({ where: { causeId: `checkin:${checkInId}` } })).toBe(2);

    // Another check-in with the same counterpart is another cause: the per-counterpart window of
    // risk alerts does not silence someone who may be in danger now.
    await h.deliver(overdue(user.id, counterpart.id, { place: null }));
    for (const phone of confirmed) {
      const [again] = await smsTo(phone);
      expect(again!.text).toContain('거래 약속 장소에서');
    }
    expect(await smsTo(confirmed[0]!)).toHaveLength(3);
  });

  it('a counterpart whose nickname is unfit for an SMS is named neutrally', async () => {
    const { user, confirmed } = await member(true);
    const spammer = await registerUser(h, { nickname: '급전 010-1234-5678' });
    await h.deliver(overdue(user.id, spammer.id));
    const [alert] = await smsTo(confirmed[0]!);
    expect(alert!.text).toContain('거래 상대를 만나려고');
    expect(alert!.text).not.toContain('010-1234');
  });

  it('not in protected mode: nobody is told', async () => {
    const { user, confirmed } = await member(false);
    const counterpart = await registerUser(h, { nickname: '직거래맨' });
    await h.deliver(overdue(user.id, counterpart.id));
    for (const phone of confirmed) expect(await smsTo(phone)).toHaveLength(1);
    expect(await h.prisma.guardianNotification.count({ where: { guardian: { userId: user.id } } })).toBe(0);
  });
});
