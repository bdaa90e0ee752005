// The user service consuming sanctions from the report service: report.sanction_applied
// suspends (until endsAt) or bans, revokes sessions and publishes user.status_changed;
// report.sanction_ended lets a suspended person back in. Events arrive the way the report
// service sends them: an outbox row, then a relay pass into this service's queue.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onlyError, registerUser, UserHarness } from './support/harness.ts';

const LOGIN = /* GraphQL */ `mutation($email: String!, $password: String!) { login(email: $email, password: $password) { accessToken } }`;
const REFRESH = /* GraphQL */ `mutation($token: String!) { refreshToken(refreshToken: $token) { accessToken } }`;

const h = new UserHarness();

beforeAll(async () => {
  await h.start();
});
afterAll(() => h.stop());

async function statusOf(userId: string) {
  return h.prisma.user.findUnique({ where: { id: userId }, select: { status: true, statusUntil: true, statusReason: true } });
}

async function statusEvents(userId: string): Promise<Array<{ status: string; until: string | null }>> {
  const rows = await h.prisma.outboxEvent.findMany({ where: { type: 'user.status_changed' }, orderBy: { createdAt: 'asc' }, select: { payload: true, priority: true } });
  return rows.map((r) => (r.payload as any).data).filter((d) => d.userId === userId).map((d) => ({ status: d.status, until: d.until ?? null }));
}

function applied(userId: string, sanction: 'WARNING' | 'SUSPENSION' | 'BAN', endsAt: Date | null, appliedBy = randomUUID()) {
  return h.publish({
    type: 'report.sanction_applied',
    producer: 'report',
    subjectUserId: userId,
    data: { reportId: randomUUID(), sanctionId: randomUUID(), userId, sanction, reason: '사기 신고가 확인되었습니다.', startsAt: new Date().toISOString(), endsAt: endsAt?.toISOString() ?? null, appliedBy },
  });
}

describe('sanctions from the report service', () => {
  it('suspends until endsAt (no sign-in, sessions revoked, audited, published) and lets the person back in when it ends', async () => {
    const seller = await registerUser(h);
    const endsAt = new Date(Date.now() + 3 * 86_400_000);
    const adminId = randomUUID();
    await h.processed(await applied(seller.id, 'SUSPENSION', endsAt, adminId));

    expect(await statusOf(seller.id)).toMatchObject({ status: 'SUSPENDED', statusUntil: endsAt, statusReason: '사기 신고가 확인되었습니다.' });
    const login = onlyError(await h.gql(LOGIN, { email: seller.email, password: seller.password }));
    expect(login.code).toBe('FORBIDDEN');
    expect(login.message).toContain('까지');
    expect(login.extensions.until).toBe(endsAt.toISOString());
    expect(['UNAUTHENTICATED', 'FORBIDDEN']).toContain(onlyError(await h.gql(REFRESH, { token: seller.refreshToken })).code);
    expect(await statusEvents(seller.id)).toEqual([{ status: 'SUSPENDED', until: endsAt.toISOString() }]);
    const audit = await h.prisma.auditLog.findFirst({ where: { subjectId: seller.id, action: 'user.status_changed' }, select: { actorId: true, after: true } });
    expect(audit).toMatchObject({ actorId: adminId, after: { status: 'SUSPENDED' } });

    // A WARNING changes nothing here.
    await h.processed(await applied(seller.id, 'WARNING', null));
    expect((await statusOf(seller.id))?.status).toBe('SUSPENDED');

    // The report service's delayed job says the suspension ended.
    await h.processed(
      await h.publish({
        type: 'report.sanction_ended',
        producer: 'report',
        subjectUserId: seller.id,
        data: { reportId: randomUUID(), userId: seller.id, sanction: 'SUSPENSION', endedAt: endsAt.toISOString() },
      }),
    );
    expect(await statusOf(seller.id)).toMatchObject({ status: 'ACTIVE', statusUntil: null });
    expect((await h.gql(LOGIN, { email: seller.email, password: seller.password })).data?.login.accessToken).toBeTruthy();
    expect((await statusEvents(seller.id)).map((e) => e.status)).toEqual(['SUSPENDED', 'ACTIVE']);
  });

  it('bans for good: a later suspension or a suspension end does not lift a ban', async () => {
    const seller = await registerUser(h);
    await h.processed(await applied(seller.id, 'BAN', null));
    expect(await statusOf(seller.id)).toMatchObject({ status: 'BANNED', statusUntil: null });
    const login = onlyError(await h.gql(LOGIN, { email: seller.email, password: seller.password }));
    expect(login.code).toBe('FORBIDDEN');
    expect(login.extensions.status).toBe('BANNED');

    await h.processed(await applied(seller.id, 'SUSPENSION', new Date(Date.now() + 86_400_000)));
    await h.processed(
      await h.publish({ type: 'report.sanction_ended', producer: 'report', subjectUserId: seller.id, data: { reportId: randomUUID(), userId: seller.id, sanction: 'SUSPENSION', endedAt: new Date().toISOString() } }),
    );
    expect((await statusOf(seller.id))?.status).toBe('BANNED');
    expect(await statusEvents(seller.id)).toEqual([{ status: 'BANNED', until: null }]);
  });

  it('keeps the longer of two suspensions; the shorter one ending does not lift the longer', async () => {
    const seller = await registerUser(h);
    const long = new Date(Date.now() + 30 * 86_400_000);
    const short = new Date(Date.now() + 86_400_000);
    await h.processed(await applied(seller.id, 'SUSPENSION', long));
    await h.processed(await applied(seller.id, 'SUSPENSION', short));
    expect((await statusOf(seller.id))?.statusUntil).toEqual(long);
    await h.processed(
      await h.publish({ type: 'report.sanction_ended', producer: 'report', subjectUserId: seller.id, data: { reportId: randomUUID(), userId: seller.id, sanction: 'SUSPENSION', endedAt: short.toISOString() } }),
    );
    expect(await statusOf(seller.id)).toMatchObject({ status: 'SUSPENDED', statusUntil: long });
  });

  it('ignores a sanction for a user it does not know', async () => {
    const id = await applied(randomUUID(), 'BAN', null);
    await h.processed(id);
  });
});
