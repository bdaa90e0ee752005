// Guardian SMS cannot be turned against third parties (issue 16, point 6): invitations are rationed
// per member and per destination number per day, carry no text the member typed except a verified
// nickname, and alerts about one counterpart reach a guardian at most once a day. SMS are read back
// from the console provider's sink through the harness.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewEvent } from '@anshim/platform';
import { onlyError, registerUser, uniquePhone, UserHarness, type RegisteredUser } from './support/harness.ts';

const ADD = /* GraphQL */ `mutation($input: GuardianInput!) { addGuardian(input: $input) { id } }`;
const CONFIRM = /* GraphQL */ `mutation($id: ID!, $code: String!) { confirmGuardian(guardianId: $id, code: $code) { confirmedAt } }`;
const REMOVE = /* GraphQL */ `mutation($id: ID!) { removeGuardian(id: $id) }`;

const h = new UserHarness();
beforeAll(async () => {
  await h.start();
});
afterAll(() => h.stop());

const smsTo = async (phone: string) => (await h.messagesTo(phone)).filter((m) => m.channel === 'sms');
const invite = (user: RegisteredUser, phone: string, lang?: string, name = '김민수', relation = '아들') =>
  h.gql(ADD, { input: { name, phone, relation } }, { token: user.accessToken, lang });
/** A member whose phone was verified by code (the verification that makes a nickname "verified"). */
async function phoneVerified(user: RegisteredUser): Promise<RegisteredUser> {
  await h.prisma.verification.create({ data: { userId: user.id, method: 'SMS' } });
  return user;
}

function alert(subjectUserId: string, recipientIds: string[]): NewEvent<'monitor.alert_raised'> {
  const createdAt = new Date().toISOString();
  return {
    type: 'monitor.alert_raised',
    producer: 'monitor',
    subjectUserId,
    data: { alertId: randomUUID(), subjectUserId, recipientIds, level: 'HIGH', rule: 'OFF_PLATFORM_PAYMENT_REQUEST', productId: null, transactionId: null, createdAt },
  };
}

describe('guardian invitations are rationed', () => {
  it('at most 3 invitations per member per day, even after removing guardians; the 4th is RATE_LIMITED in Korean or English and sends nothing', async () => {
    const member = await registerUser(h);
    for (let i = 0; i < 3; i++) {
      const added = await invite(member, uniquePhone());
      expect(added.errors).toBeUndefined();
      expect((await h.gql(REMOVE, { id: added.data!.addGuardian.id }, { token: member.accessToken })).data?.removeGuardian).toBe(true);
    }
    const fourth = uniquePhone();
    const refused = onlyError(await invite(member, fourth));
    expect(refused.code).toBe('RATE_LIMITED');
    expect(refused.extensions.reason).toBe('GUARDIAN_INVITES_PER_MEMBER');
    expect(refused.extensions.retryAfter).toBeGreaterThan(86_000);
    expect(refused.message).toContain('하루에 3번');
    const english = onlyError(await invite(member, fourth, 'en'));
    expect(english.message).toBe('You can send at most 3 guardian invitations a day. Please try again tomorrow.');
    expect(await smsTo(fourth)).toEqual([]);
    expect(await h.prisma.guardian.count({ where: { userId: member.id } })).toBe(0);
    expect(await h.prisma.guardianInvitation.count({ where: { userId: member.id } })).toBe(3);

    // A day later the ration is back.
    await h.prisma.guardianInvitation.updateMany({ where: { userId: member.id }, data: { sentAt: new Date(Date.now() - 86_401_000) } });
    expect((await invite(member, fourth)).errors).toBeUndefined();
    expect(await smsTo(fourth)).toHaveLength(1);
  });

  it('one invitation per destination number per day across all members (also when two members race), and re-adding does not reset it', async () => {
    const target = uniquePhone();
    const [a, b] = await Promise.all([registerUser(h), registerUser(h)]);
    const results = await Promise.all([invite(a, target), invite(b, target)]);
    expect(results.filter((r) => !r.errors)).toHaveLength(1);
    const refused = onlyError(results.find((r) => r.errors)!);
    expect(refused.code).toBe('RATE_LIMITED');
    expect(refused.extensions.reason).toBe('GUARDIAN_INVITES_PER_NUMBER');
    expect(refused.message).toContain('이 번호에는 오늘 이미');
    expect(await smsTo(target)).toHaveLength(1);

    const winner = results[0]!.errors ? b : a;
    const id = (results[0]!.errors ? results[1] : results[0])!.data!.addGuardian.id as string;
    await h.gql(REMOVE, { id }, { token: winner.accessToken });
    expect(onlyError(await invite(winner, target)).code).toBe('RATE_LIMITED');
    expect(await smsTo(target)).toHaveLength(1);
  });
});

describe('the invitation text is fixed', () => {
  it('never carries the guardian name or relation the member typed', async () => {
    const member = await phoneVerified(await registerUser(h, { nickname: '박영희' }));
    const phone = uniquePhone();
    expect((await invite(member, phone, undefined, '쿠폰받기 bit.ly/x1', '당첨 scam.example')).errors).toBeUndefined();
    const [sms] = await smsTo(phone);
    expect(sms!.text).toContain("회원 '박영희'님");
    expect(sms!.text).not.toContain('쿠폰');
    expect(sms!.text).not.toContain('bit.ly');
    expect(sms!.text).not.toContain('scam');
    expect(sms!.text).toMatch(/인증번호 \d{6}/);
  });

  it('names the member only by a verified nickname: unverified members and unsafe nicknames get a neutral wording', async () => {
    const cases: Array<{ nickname: string; verified: boolean }> = [
      { nickname: '김순자', verified: false },
      { nickname: '급전 01012345678', verified: true },
      { nickname: 'scam.example.com', verified: true },
      { nickname: '무료쿠폰 받으러 오세요 지금 바로', verified: true },
    ];
    for (const { nickname, verified } of cases) {
      const registered = await registerUser(h, { nickname });
      const member = verified ? await phoneVerified(registered) : registered;
      const phone = uniquePhone();
      expect((await invite(member, phone)).errors).toBeUndefined();
      const [sms] = await smsTo(phone);
      expect(sms!.text).toContain('안심 중고거래 회원 한 분이');
      expect(sms!.text).toContain('등록을 요청한 분에게');
      expect(sms!.text).not.toContain(nickname);
      expect(sms!.text).not.toMatch(/010\d{8}|\.com/);
    }
  });
});

describe('guardian alert SMS collapse per counterpart', () => {
  it('one SMS per (guardian, counterpart) per day however many alerts; another counterpart is told; a day later again', async () => {
    const member = await registerUser(h, { nickname: '최복례' });
    const guardianPhone = uniquePhone();
    const { id } = (await invite(member, guardianPhone)).data!.addGuardian;
    await h.gql(CONFIRM, { id, code: await h.latestCode(guardianPhone) }, { token: member.accessToken });

    const scammer = await registerUser(h, { nickname: '급매왕' });
    for (let i = 0; i < 4; i++) await h.deliver(alert(scammer.id, [member.id]));
    const afterFlood = await smsTo(guardianPhone);
    expect(afterFlood).toHaveLength(2); // the invitation and one alert
    expect(afterFlood[0]!.text).toContain("'급매왕'");
    expect(await h.prisma.guardianNotification.count({ where: { guardianId: id } })).toBe(4);

    // A counterpart whose nickname is a phone number and a link is told about in neutral words.
    const spammer = await registerUser(h, { nickname: '010-9999-8888 kko.to/x' });
    await h.deliver(alert(spammer.id, [member.id]));
    const [second] = await smsTo(guardianPhone);
    expect(second!.text).toContain('한 회원(아직 등급 없음)');
    expect(second!.text).not.toContain('9999');
    expect(await smsTo(guardianPhone)).toHaveLength(3);

    // The day's window passes: the next alert about the first counterpart is sent.
    await h.prisma.guardianCounterpartNotice.updateMany({ where: { guardianId: id }, data: { sentAt: new Date(Date.now() - 86_401_000) } });
    await h.deliver(alert(scammer.id, [member.id]));
    expect(await smsTo(guardianPhone)).toHaveLength(4);
  });
});
