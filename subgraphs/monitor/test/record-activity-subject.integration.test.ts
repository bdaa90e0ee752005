// recordActivity naming the member it is about (ActivityInput.userId), against real PostgreSQL and
// Redis and a real user subgraph as the owner the monitor asks (signed /internal/user-facts) when its
// copy does not know the member yet: the named member is the subject and the rules run on them;
// an unknown member is NOT_FOUND with nothing written; a member is FORBIDDEN; the admin is audited.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerUser, UserHarness } from '../../user/test/support/harness.ts';
import { admin, ALERT_FIELDS, MonitorHarness, onlyError, user } from './support/harness.ts';

const RECORD = `mutation($input: ActivityInput!) { recordActivity(input: $input) { level rulesMatched alerts { ${ALERT_FIELDS} } } }`;
const LEVEL = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on User { riskLevel } } }`;
const ADVANCE_PAYMENT = '선입금 부탁드려요 국민은행 123456-78-901234';

const owner = new UserHarness();
const h = new MonitorHarness({}, owner);
beforeAll(async () => {
  await owner.start();
  await h.start();
});
afterAll(async () => {
  await h?.stop();
  await owner?.stop();
});

const levelOf = async (id: string) => (await h.ok(LEVEL, { reps: [{ __typename: 'User', id }] }, { identity: admin() }))._entities[0].riskLevel;
/** Everything recordActivity could have written about `id`. */
async function tracesOf(id: string) {
  await h.server.buffer.flush();
  const [activities, alerts, signals, audits, known, outbox] = await Promise.all([
    h.prisma.activity.count({ where: { userId: id } }),
    h.prisma.riskAlert.count({ where: { subjectUserId: id } }),
    h.prisma.riskSignal.count({ where: { userId: id } }),
    h.prisma.auditEntry.count({ where: { targetId: id } }),
    h.prisma.knownUser.count({ where: { id } }),
    h.prisma.outboxEvent.count({ where: { payload: { path: ['subjectUserId'], equals: id } } }),
  ]);
  return { activities, alerts, signals, audits, known, outbox };
}

describe('recordActivity for a named member (ADMIN)', () => {
  it('makes the named member the subject (asking the user service about a member the copy does not know), runs the rules on them and audits the admin', async () => {
    const member = await registerUser(owner, { nickname: '판매자' });
    const victim = user();
    const boss = admin();
    expect(await tracesOf(member.id)).toMatchObject({ known: 0 }); // user.registered never reached this monitor

    const { recordActivity } = await h.ok(RECORD, { input: { type: 'CHAT_MESSAGE', userId: member.id.toUpperCase(), counterpartId: victim.userId, text: ADVANCE_PAYMENT } }, { identity: boss });
    expect(recordActivity).toMatchObject({ level: 'HIGH', rulesMatched: ['OFF_PLATFORM_PAYMENT_REQUEST'] });
    expect(recordActivity.alerts).toHaveLength(1);
    expect(recordActivity.alerts[0]).toMatchObject({ rule: 'OFF_PLATFORM_PAYMENT_REQUEST', subject: { id: member.id } });

    // The member carries the level and its automatic actions; the admin carries nothing.
    expect(await levelOf(member.id)).toBe('HIGH');
    expect(await levelOf(boss.userId)).toBe('NONE');
    const actions = await h.prisma.outboxEvent.findMany({ where: { type: 'monitor.action_taken', payload: { path: ['subjectUserId'], equals: member.id } }, select: { payload: true } });
    expect(actions.map((row) => (row.payload as any).data.action).sort()).toEqual(['REQUIRE_VERIFICATION', 'WARN_COUNTERPARTS']);
    await h.server.buffer.flush();
    expect(await h.prisma.activity.findMany({ where: { userId: member.id }, select: { type: true, counterpartId: true } })).toEqual([{ type: 'CHAT_MESSAGE', counterpartId: victim.userId }]);
    expect(await tracesOf(boss.userId)).toMatchObject({ activities: 0, alerts: 0, signals: 0 });

    // Audited: who recorded what about whom (never the text).
    const audit = await h.prisma.auditEntry.findMany({ where: { targetId: member.id }, select: { actorId: true, action: true, details: true } });
    expect(audit).toEqual([{ actorId: boss.userId, action: 'risk.record_activity', details: expect.objectContaining({ type: 'CHAT_MESSAGE', counterpartId: victim.userId }) }]);
    expect(JSON.stringify(audit)).not.toContain('123456');

    // The owner's answer went into the copy: the member's real registration time.
    const known = await h.prisma.knownUser.findUniqueOrThrow({ where: { id: member.id } });
    const registered = await owner.prisma.user.findUniqueOrThrow({ where: { id: member.id }, select: { createdAt: true } });
    expect(known.registeredAt.toISOString()).toBe(registered.createdAt.toISOString());

    // A named member who is the counterpart too is refused like the caller naming themself.
    expect(onlyError(await h.gql(RECORD, { input: { type: 'CHAT_MESSAGE', userId: member.id, counterpartId: member.id, text: 'hi' } }, { identity: boss })).code).toBe('BAD_USER_INPUT');
  });

  it('refuses an unknown or malformed member (NOT_FOUND / BAD_USER_INPUT) and writes nothing', async () => {
    const boss = admin();
    const nobody = randomUUID();
    const missing = onlyError(await h.gql(RECORD, { input: { type: 'CHAT_MESSAGE', userId: nobody, counterpartId: randomUUID(), text: ADVANCE_PAYMENT } }, { identity: boss, lang: 'en' }));
    expect(missing).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('member') });
    expect(onlyError(await h.gql(RECORD, { input: { type: 'LOGIN', userId: 'not-a-user' } }, { identity: boss })).code).toBe('BAD_USER_INPUT');
    expect(await tracesOf(nobody)).toEqual({ activities: 0, alerts: 0, signals: 0, audits: 0, known: 0, outbox: 0 });
    expect(await tracesOf(boss.userId)).toEqual({ activities: 0, alerts: 0, signals: 0, audits: 0, known: 0, outbox: 0 });
  });

  it('refuses a member naming someone else with FORBIDDEN, and writes nothing', async () => {
    const target = await registerUser(owner, { nickname: '피해자' });
    const me = user();
    const refused = onlyError(await h.gql(RECORD, { input: { type: 'CHAT_MESSAGE', userId: target.id, counterpartId: randomUUID(), text: ADVANCE_PAYMENT } }, { identity: me }));
    expect(refused).toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('관리자') });
    expect(await tracesOf(target.id)).toEqual({ activities: 0, alerts: 0, signals: 0, audits: 0, known: 0, outbox: 0 });
    expect(await tracesOf(me.userId)).toMatchObject({ activities: 0, alerts: 0, signals: 0 });
  });
});
