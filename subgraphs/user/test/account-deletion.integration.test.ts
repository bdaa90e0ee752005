// Leaving (issue 20.6): deleteAccount(password) anonymises the account (email, phone, nickname,
// bio, photo), removes guardians, linked identities and verifications, revokes every session and
// publishes user.deleted, all or nothing. A wrong password changes nothing. A deleted account that
// had been suspended or banned leaves its verified phone's lookup hash behind, so nobody can bind
// that number again during the retention period; an unsanctioned member's number is free again.
import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { revokedBeforeKey } from '@anshim/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FRAUD_RECORD_RETENTION_DAYS } from '../src/users/account-deletion.ts';
import { bindPendingPhone, onlyError, registerUser, registerWithBoundPhone, UserHarness, type RegisteredUser } from './support/harness.ts';

const LOGIN = `mutation($email: String!, $password: String!) { login(email: $email, password: $password) { accessToken } }`;
const REFRESH = `mutation($token: String!) { refreshToken(refreshToken: $token) { accessToken } }`;
const DELETE = `mutation($p: String!) { deleteAccount(password: $p) }`;

const h = new UserHarness();
beforeAll(() => h.start(), 60_000);
afterAll(() => h.stop());

const row = (id: string) =>
  h.prisma.user.findUnique({ where: { id }, select: { email: true, nickname: true, phoneHash: true, phoneEncrypted: true, pendingPhoneEncrypted: true, bio: true, region: true, photoKey: true, deletedAt: true, hasPassword: true } });

async function withPhoto(member: RegisteredUser): Promise<string> {
  const body = await sharp({ create: { width: 200, height: 200, channels: 3, background: '#abc' } }).jpeg().toBuffer();
  const t = (await h.gql(`mutation($s: Int!) { createProfilePhotoUpload(contentType: "image/jpeg", size: $s) { key url headers } }`, { s: body.length }, { token: member.accessToken })).data!.createProfilePhotoUpload;
  expect((await h.send(t.url, { method: 'PUT', body, headers: t.headers })).status).toBe(200);
  return (await h.gql(`mutation($k: String) { setProfilePhoto(key: $k) { photoUrl } }`, { k: t.key }, { token: member.accessToken })).data!.setProfilePhoto.photoUrl;
}

function sanction(userId: string, sanction: 'SUSPENSION' | 'BAN', endsAt: Date | null) {
  return h.publish({
    type: 'report.sanction_applied',
    producer: 'report',
    subjectUserId: userId,
    data: { reportId: randomUUID(), sanctionId: randomUUID(), userId, sanction, reason: '사기 신고가 확인되었습니다.', startsAt: new Date().toISOString(), endsAt: endsAt?.toISOString() ?? null, appliedBy: randomUUID() },
  });
}

describe('deleteAccount', () => {
  it('a wrong password is a coded error in Korean or English and changes nothing; anonymous callers are refused', async () => {
    const member = await registerWithBoundPhone(h);
    const before = await row(member.id);
    const wrong = onlyError(await h.gql(DELETE, { p: 'not-my-password' }, { token: member.accessToken }));
    expect(wrong).toMatchObject({ code: 'UNAUTHENTICATED', message: expect.stringContaining('비밀번호'), extensions: { reason: 'WRONG_PASSWORD' } });
    const english = onlyError(await h.gql(DELETE, { p: 'x'.repeat(300) }, { token: member.accessToken, lang: 'en' }));
    expect(english.message).toBe('The password is not correct. Your account was not deleted.');
    expect(onlyError(await h.gql(DELETE, { p: member.password })).code).toBe('UNAUTHENTICATED');
    expect(await row(member.id)).toEqual(before);
    expect(await h.prisma.outboxEvent.count({ where: { type: 'user.deleted', payload: { path: ['data', 'userId'], equals: member.id } } })).toBe(0);
    expect((await h.gql(LOGIN, { email: member.email, password: member.password })).data?.login.accessToken).toBeTruthy();
  });

  it('removes or anonymises the personal data, ends every session and publishes user.deleted', async () => {
    const member = await registerWithBoundPhone(h, { nickname: '떠나는사람' });
    await h.gql(`mutation { updateProfile(input: { bio: "안녕하세요", region: "서울 마포구" }) { id } }`, {}, { token: member.accessToken });
    const photoUrl = await withPhoto(member);
    expect((await h.send(photoUrl)).status).toBe(200);
    await h.prisma.guardian.create({ data: { userId: member.id, name: '엄마', relation: '가족', phoneEncrypted: 'x', phoneHash: `g-${member.id}`, codeHash: 'x', codeExpiresAt: new Date() } });
    await h.prisma.oidcIdentity.create({ data: { provider: 'local', subject: `s-${member.id}`, userId: member.id, email: member.email } });

    const deleted = await h.gql(DELETE, { p: member.password }, { token: member.accessToken });
    expect(deleted.data).toEqual({ deleteAccount: true });

    const after = await row(member.id);
    expect(after).toMatchObject({ nickname: '탈퇴한 회원', phoneHash: null, phoneEncrypted: null, pendingPhoneEncrypted: null, bio: null, region: null, photoKey: null, hasPassword: false });
    expect(after!.email).not.toContain(member.email.split('@')[0]);
    expect(after!.deletedAt).toBeInstanceOf(Date);
    expect((await h.send(photoUrl)).status).toBe(404);
    expect(await h.prisma.guardian.count({ where: { userId: member.id } })).toBe(0);
    expect(await h.prisma.oidcIdentity.count({ where: { userId: member.id } })).toBe(0);
    expect(await h.prisma.verification.count({ where: { userId: member.id } })).toBe(0);
    expect(await h.prisma.refreshToken.count({ where: { userId: member.id, revokedAt: null } })).toBe(0);

    // No way back in: the old email and password, the refresh token, the access token (the gateway's revoked-before key).
    expect(onlyError(await h.gql(LOGIN, { email: member.email, password: member.password })).code).toBe('UNAUTHENTICATED');
    expect(onlyError(await h.gql(REFRESH, { token: member.refreshToken })).code).toBe('UNAUTHENTICATED');
    expect(await h.redis.get(revokedBeforeKey(member.id))).not.toBeNull();

    // Others see an anonymised member, never the old contact data.
    const seen = await h.gql(`query($id: ID!) { user(id: $id) { nickname phone photoUrl bio } }`, { id: member.id });
    expect(seen.data!.user).toEqual({ nickname: '탈퇴한 회원', phone: null, photoUrl: null, bio: null });

    const event = await h.prisma.outboxEvent.findFirst({ where: { type: 'user.deleted', payload: { path: ['data', 'userId'], equals: member.id } }, select: { payload: true, priority: true } });
    expect((event!.payload as { data: Record<string, unknown> }).data).toMatchObject({ userId: member.id, displayName: '탈퇴한 회원' });
    expect(JSON.stringify(event!.payload)).not.toContain(member.email);
    const audit = await h.prisma.auditLog.findFirst({ where: { subjectId: member.id, action: 'user.deleted' }, select: { after: true } });
    expect(audit?.after).toMatchObject({ sanctioned: false, phoneRetired: false });

    // Its number is free again: nothing held against this member.
    const next = await registerUser(h, { phone: member.phone });
    expect((await bindPendingPhone(h, next)).errors).toBeUndefined();
  });

  it('a deleted fraudster’s verified phone cannot be bound by another account during the retention period', async () => {
    const fraudster = await registerWithBoundPhone(h);
    const endsAt = new Date(Date.now() + 60_000);
    await h.processed(await sanction(fraudster.id, 'SUSPENSION', endsAt));
    // The suspension ended (an admin lets them back); they sign in again and leave.
    await h.prisma.user.update({ where: { id: fraudster.id }, data: { status: 'ACTIVE', statusUntil: null } });
    const again = (await h.gql(LOGIN, { email: fraudster.email, password: fraudster.password })).data!.login.accessToken as string;
    expect((await h.gql(DELETE, { p: fraudster.password }, { token: again })).data).toEqual({ deleteAccount: true });

    const retired = await h.prisma.retiredPhone.findFirst({ where: { deletedUserId: fraudster.id } });
    expect(retired).toMatchObject({ reason: 'DELETED_AFTER_SANCTION' });
    const days = (retired!.retainUntil.getTime() - retired!.retiredAt.getTime()) / 86_400_000;
    expect(Math.round(days)).toBe(FRAUD_RECORD_RETENTION_DAYS);
    expect(JSON.stringify(retired)).not.toContain(fraudster.phone!.replaceAll('-', ''));

    // Back with a new account and the same number: refused, naming no one; the number stays unbound.
    const comeback = await registerUser(h, { phone: fraudster.phone });
    const refused = onlyError(await bindPendingPhone(h, comeback));
    expect(refused.code).toBe('CONFLICT');
    expect((await row(comeback.id))!.phoneHash).toBeNull();
    // The sanction history stays in the audit log.
    expect(await h.prisma.auditLog.count({ where: { subjectId: fraudster.id, action: 'user.status_changed' } })).toBeGreaterThan(0);
  });
});
