// Risk actions expire with the signal (ARCHITECTURE §6), against real PostgreSQL, Redis and BullMQ:
// automatic actions carry an expiry per action (short here, via env); the scheduled sweep renews
// them while the level still calls for them and otherwise ends them with monitor.action_ended, the
// event chat, transaction and user lift their copies by; an admin's action keeps its own duration,
// one still in effect keeps its action on the member, and a CLEAR ends everything at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin, LOOKALIKE, MonitorHarness, PAYMENT, screened, user, waitFor } from './support/harness.ts';

const HOUR = 3_600_000;
const ACT = `mutation($input: RiskActionInput!) { takeRiskAction(input: $input) }`;
const LEVEL = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on User { riskLevel } } }`;

// Seconds-long automatic actions and a sweep every second: the real scheduler does the work.
const quick = new MonitorHarness({ MONITOR_AUTO_WARN_SECONDS: '2', MONITOR_AUTO_VERIFICATION_SECONDS: '3', MONITOR_AUTO_HOLD_SECONDS: '2', MONITOR_ACTION_SWEEP_SECONDS: '1' });
// The defaults (72 hours), the scheduler out of the way: the test moves a member's rows back in time
// and runs the sweep itself. (The database is shared with other files: sweeps are never dated ahead,
// and every check looks at this file's members only.)
const slow = new MonitorHarness({ MONITOR_ACTION_SWEEP_SECONDS: '3600' });
beforeAll(async () => {
  await Promise.all([quick.start(), slow.start()]);
});
afterAll(async () => {
  await Promise.all([quick?.stop(), slow?.stop()]);
});

async function events(h: MonitorHarness, type: 'monitor.action_taken' | 'monitor.action_ended', userId: string): Promise<Array<Record<string, any>>> {
  const rows = await h.prisma.outboxEvent.findMany({ where: { type, payload: { path: ['subjectUserId'], equals: userId } }, select: { payload: true }, orderBy: { createdAt: 'asc' } });
  return rows.map((row) => (row.payload as any).data);
}
/** As if everything about the member happened `hours` earlier: their signals' and actions' times move back. */
async function backdate(h: MonitorHarness, userId: string, hours: number): Promise<void> {
  for (const table of ['risk_signals', 'risk_actions']) {
    await h.prisma.$executeRawUnsafe(
      `UPDATE ${table} SET created_at = created_at - $2::interval, expires_at = expires_at - $2::interval WHERE user_id = $1::uuid`,
      userId,
      `${hours} hours`,
    );
  }
}
const inEffect = (h: MonitorHarness, userId: string, at = new Date()) =>
  h.prisma.riskAction.findMany({ where: { userId, endedAt: null, action: { not: 'CLEAR' }, OR: [{ expiresAt: null }, { expiresAt: { gt: at } }] }, select: { action: true, byUserId: true } });

describe('automatic actions expire with the signal (scheduled sweep)', () => {
  it('are renewed while the level still calls for them, then ended with monitor.action_ended once the signal is gone', async () => {
    const seller = user();
    await screened(quick, seller, user(), [PAYMENT]);
    const taken = await events(quick, 'monitor.action_taken', seller.userId);
    expect(taken.map((a) => a.action).sort()).toEqual(['REQUIRE_VERIFICATION', 'WARN_COUNTERPARTS']);
    const lasts = (a: Record<string, any>) => Date.parse(a.expiresAt) - Date.parse(a.takenAt);
    expect(lasts(taken.find((a) => a.action === 'WARN_COUNTERPARTS')!)).toBe(2_000);
    expect(lasts(taken.find((a) => a.action === 'REQUIRE_VERIFICATION')!)).toBe(3_000);

    // The HIGH signal counts 72 hours: past the warning's 2 seconds it is renewed, never lifted.
    const renewed = await waitFor('the warning to be renewed', async () => {
      const all = await events(quick, 'monitor.action_taken', seller.userId);
      return all.find((a) => a.action === 'WARN_COUNTERPARTS' && a.reason === 'automatic: renewed, still HIGH');
    }, { timeoutMs: 15_000 });
    expect(renewed).toMatchObject({ by: null });
    expect(lasts(renewed)).toBe(2_000);
    expect(await events(quick, 'monitor.action_ended', seller.userId)).toEqual([]);
    expect((await inEffect(quick, seller.userId)).map((a) => a.action)).toContain('WARN_COUNTERPARTS');

    // The signal runs out (as 72 hours later): the next expiries end both actions and say so, once each.
    // (Behind the level cache's back, as time would not be: the cached level goes too.)
    await quick.prisma.riskSignal.updateMany({ where: { userId: seller.userId }, data: { expiresAt: new Date() } });
    await quick.redis.del(`monitor:level:${seller.userId}`);
    const ended = await waitFor('both actions to end', async () => {
      const all = await events(quick, 'monitor.action_ended', seller.userId);
      return all.length >= 2 ? all : undefined;
    }, { timeoutMs: 15_000 });
    expect(ended.map((e) => e.action).sort()).toEqual(['REQUIRE_VERIFICATION', 'WARN_COUNTERPARTS']);
    for (const event of ended) {
      // Ended at the action's own expiry, which the row keeps.
      const row = await quick.prisma.riskAction.findFirstOrThrow({ where: { userId: seller.userId, action: event.action, createdAt: new Date(event.takenAt) } });
      expect(row.endedAt?.toISOString()).toBe(event.endedAt);
      expect(row.expiresAt?.toISOString()).toBe(event.endedAt);
    }
    expect(await inEffect(quick, seller.userId)).toEqual([]);
    // Nothing more happens: no renewal, no second lift.
    await quick.server.actions.sweep(new Date());
    expect(await events(quick, 'monitor.action_ended', seller.userId)).toHaveLength(2);
    expect((await events(quick, 'monitor.action_taken', seller.userId)).length).toBe((await quick.prisma.riskAction.count({ where: { userId: seller.userId } })));
    expect((await quick.ok(LEVEL, { reps: [{ __typename: 'User', id: seller.userId }] }, { identity: admin() }).then((d) => d._entities[0].riskLevel))).toBe('NONE');
  });
});

describe('admin actions and CLEAR (73 hours on)', () => {
  it('keeps an admin\'s explicit durations; an admin\'s action in effect keeps its action on the member; one lift per action', async () => {
    const seller = user();
    const boss = admin();
    const buyer = user();
    await screened(slow, seller, buyer, [PAYMENT]);
    await screened(slow, seller, buyer, [LOOKALIKE]);
    for (const action of ['WARN_COUNTERPARTS', 'RESTRICT_ACCOUNT', 'HOLD_TRANSACTIONS']) {
      await slow.ok(ACT, { input: { userId: seller.userId, action, reason: '관리자 확인' } }, { identity: boss });
    }
    const taken = await events(slow, 'monitor.action_taken', seller.userId);
    const automatic = taken.filter((a) => a.by === null);
    expect(automatic.map((a) => a.action).sort()).toEqual(['HOLD_TRANSACTIONS', 'REQUIRE_VERIFICATION', 'WARN_COUNTERPARTS']);
    for (const a of automatic) expect(Date.parse(a.expiresAt) - Date.parse(a.takenAt)).toBe(72 * HOUR);
    const manual = Object.fromEntries(taken.filter((a) => a.by === boss.userId).map((a) => [a.action, a.expiresAt && Date.parse(a.expiresAt) - Date.parse(a.takenAt)]));
    expect(manual).toEqual({ WARN_COUNTERPARTS: null, RESTRICT_ACCOUNT: null, HOLD_TRANSACTIONS: 72 * HOUR });

    // 73 hours on: the signals (72 h) and every action with an expiry are over.
    await backdate(slow, seller.userId, 73);
    await slow.server.actions.sweep(new Date());
    const rows = await slow.prisma.riskAction.findMany({ where: { userId: seller.userId }, select: { action: true, byUserId: true, endedAt: true, expiresAt: true } });
    const ended = rows.filter((row) => row.endedAt).map((row) => `${row.action}:${row.byUserId === null ? 'auto' : 'admin'}`).sort();
    expect(ended).toEqual(['HOLD_TRANSACTIONS:admin', 'HOLD_TRANSACTIONS:auto', 'REQUIRE_VERIFICATION:auto', 'WARN_COUNTERPARTS:auto']);
    for (const row of rows.filter((r) => r.endedAt)) expect(row.endedAt).toEqual(row.expiresAt); // at their own expiry
    const lifts = await events(slow, 'monitor.action_ended', seller.userId);
    // The admin's warning has no expiry: counterparts are still warned, so no lift for it; two holds ending, one lift.
    expect(lifts.map((e) => e.action).sort()).toEqual(['HOLD_TRANSACTIONS', 'REQUIRE_VERIFICATION']);
    expect((await inEffect(slow, seller.userId)).map((a) => `${a.action}:${a.byUserId === null ? 'auto' : 'admin'}`).sort()).toEqual(['RESTRICT_ACCOUNT:admin', 'WARN_COUNTERPARTS:admin']);
    await slow.server.actions.sweep(new Date());
    expect(await events(slow, 'monitor.action_ended', seller.userId)).toHaveLength(2);
  });

  it('CLEAR ends every action in effect at once: the sweep has nothing left to end or announce', async () => {
    const seller = user();
    const boss = admin();
    await screened(slow, seller, user(), [PAYMENT]);
    await slow.ok(ACT, { input: { userId: seller.userId, action: 'RESTRICT_ACCOUNT', reason: '확인 중' } }, { identity: boss });
    expect((await inEffect(slow, seller.userId)).length).toBe(3);
    await slow.ok(ACT, { input: { userId: seller.userId, action: 'CLEAR', reason: '본인 확인 완료' } }, { identity: boss });
    expect(await inEffect(slow, seller.userId)).toEqual([]);
    await backdate(slow, seller.userId, 73);
    await slow.server.actions.sweep(new Date());
    expect(await events(slow, 'monitor.action_ended', seller.userId)).toEqual([]);

    // Afterwards a new HIGH signal acts again: nothing is in effect any more.
    await screened(slow, seller, user(), [LOOKALIKE]);
    const after = (await events(slow, 'monitor.action_taken', seller.userId)).filter((a) => a.by === null);
    expect(after.map((a) => a.action).sort()).toEqual(['REQUIRE_VERIFICATION', 'REQUIRE_VERIFICATION', 'WARN_COUNTERPARTS', 'WARN_COUNTERPARTS']);
  });
});
