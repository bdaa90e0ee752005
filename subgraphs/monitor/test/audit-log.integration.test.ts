// The console's one audit log and the alerts figure of its dashboard, in the monitor against real
// PostgreSQL and BullMQ: other services' <service>.admin_action_audited events are stored once however
// often they arrive, the monitor's own risk actions join them in the same transaction, pages run
// newest first with a cursor, filters narrow by actor and action; alerts per rule per day count
// what was raised in the window. Members get FORBIDDEN; bad cursors and ranges BAD_USER_INPUT.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin, MonitorHarness, onlyError, PAYMENT, screened, user } from './support/harness.ts';

const h = new MonitorHarness();
beforeAll(() => h.start(), 60_000);
afterAll(() => h.stop());

const LOG = `query($first: Int, $after: ID, $actorId: ID, $action: String) { auditLog(first: $first, after: $after, actorId: $actorId, action: $action) { id service actor { id } action subjectId details requestId at } }`;
const BY_RULE = `query($days: Int) { riskAlertsByRule(days: $days) { rule total perDay { day count } } }`;

function audited(service: 'user' | 'report' | 'safety' | 'chat', actorId: string, action: string, minutesAgo: number) {
  const subjectId = randomUUID();
  return {
    type: `${service}.admin_action_audited` as 'report.admin_action_audited',
    producer: service,
    subjectUserId: subjectId,
    data: { auditId: randomUUID(), actorId, action, subjectId, details: { after: { status: 'ACTION_TAKEN' } }, requestId: 'req-1', at: new Date(Date.now() - minutesAgo * 60_000).toISOString() },
  } as const;
}

describe('auditLog', () => {
  it('stores each audited action once, newest first, with the monitor’s own actions beside the others', async () => {
    const boss = admin();
    const processed = audited('report', boss.userId, 'report.processed', 3);
    // Delivered twice (at least once): stored once.
    await h.processed(await h.publish(processed));
    await h.processed(await h.publish(processed));
    await h.processed(await h.publish(audited('user', boss.userId, 'user.status_changed', 2)));
    await h.processed(await h.publish(audited('chat', boss.userId, 'chat.conversation_read', 1)));
    const seller = user();
    await screened(h, seller, user(), [PAYMENT]);
    await h.ok(`mutation($input: RiskActionInput!) { takeRiskAction(input: $input) }`, { input: { userId: seller.userId, action: 'CLEAR', reason: '본인 확인 완료' } }, { identity: boss });

    const log = (await h.ok(LOG, { actorId: boss.userId }, { identity: boss })).auditLog;
    expect(log.map((e: { service: string; action: string }) => `${e.service}:${e.action}`)).toEqual(['monitor:risk.clear', 'chat:chat.conversation_read', 'user:user.status_changed', 'report:report.processed']);
    expect(log[0]).toMatchObject({ actor: { id: boss.userId }, subjectId: seller.userId, details: { reason: '본인 확인 완료' } });
    expect(log[3]).toMatchObject({ id: processed.data.auditId, subjectId: processed.data.subjectId, details: { after: { status: 'ACTION_TAKEN' } }, requestId: 'req-1' });

    // Pages of one continue after the cursor; an action narrows it.
    const second = (await h.ok(LOG, { actorId: boss.userId, first: 1, after: log[0].id }, { identity: boss })).auditLog;
    expect(second.map((e: { id: string }) => e.id)).toEqual([log[1].id]);
    const only = (await h.ok(LOG, { actorId: boss.userId, action: 'report.processed' }, { identity: boss })).auditLog;
    expect(only).toHaveLength(1);
  });

  it('is for ADMINs only, and refuses a bad cursor, actor or page size with BAD_USER_INPUT', async () => {
    const member = user();
    expect(onlyError(await h.gql(LOG, {}, { identity: member })).code).toBe('FORBIDDEN');
    expect(onlyError(await h.gql(LOG, {}, {})).code).toBe('UNAUTHENTICATED');
    const boss = admin();
    for (const [variables, field] of [[{ after: randomUUID() }, 'after'], [{ after: 'x' }, 'after'], [{ actorId: 'nobody' }, 'actorId'], [{ first: 0 }, 'first'], [{ first: 101 }, 'first']] as const) {
      const error = onlyError(await h.gql(LOG, variables, { identity: boss }));
      expect(error.code).toBe('BAD_USER_INPUT');
      expect(error.extensions.fields[0].field).toBe(field);
    }
  });
});

describe('riskAlertsByRule', () => {
  it('counts alerts per rule per Korean day over the window, zeros included; ADMIN only; days 1–90', async () => {
    const rule = `TEST_RULE_${randomUUID().slice(0, 8)}`;
    const subject = randomUUID();
    const at = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000);
    for (const daysAgo of [0, 0, 2, 40]) {
      await h.prisma.riskAlert.create({ data: { id: randomUUID(), level: 'MEDIUM', rule, messageKo: '테스트', messageEn: 'test', subjectUserId: subject, createdAt: at(daysAgo) }, select: { id: true } });
    }
    const series = (await h.ok(BY_RULE, { days: 7 }, { identity: admin() })).riskAlertsByRule.find((s: { rule: string }) => s.rule === rule);
    expect(series.total).toBe(3);
    expect(series.perDay).toHaveLength(7);
    expect(series.perDay.at(-1).count).toBe(2);
    expect(series.perDay.reduce((sum: number, p: { count: number }) => sum + p.count, 0)).toBe(3);
    const ninety = (await h.ok(BY_RULE, { days: 90 }, { identity: admin() })).riskAlertsByRule.find((s: { rule: string }) => s.rule === rule);
    expect(ninety.total).toBe(4);

    expect(onlyError(await h.gql(BY_RULE, {}, { identity: user() })).code).toBe('FORBIDDEN');
    for (const days of [0, 91]) expect(onlyError(await h.gql(BY_RULE, { days }, { identity: admin() })).extensions.fields[0]).toMatchObject({ field: 'days', reason: 'outOfRange' });
  });
});
