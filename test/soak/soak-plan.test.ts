// The soak's plan and its judges, without the system: the chaos schedule scales with the run's length
// (the 30 minutes, the fault suite's 3), flags and SOAK_* variables override it, the memory
// slope is a least-squares fit judged per incarnation once it is warm, and a request overlapping a fault window is excused.
import { describe, expect, it } from 'vitest';
import { defaultChaos, soakOptionsFromArgs } from '../../scripts/lib/soak/options.ts';
import { MemorySampler, slopePerMinute } from '../../scripts/lib/soak/memory.ts';
import { no5xx } from '../../scripts/lib/soak/report.ts';
import { eventsConsumed, guardianSms } from '../../scripts/lib/soak/invariants.ts';

describe('soak plan', () => {
  it('30 minutes: a kill every 2 minutes, one Redis and one PostgreSQL restart, a 10-minute SMS outage, faults apart', () => {
    const plan = defaultChaos(30);
    expect(plan.killsAt.length).toBeGreaterThanOrEqual(10);
    for (let i = 1; i < plan.killsAt.length; i++) expect(plan.killsAt[i]! - plan.killsAt[i - 1]!).toBeGreaterThanOrEqual(120);
    expect(plan.smsOutage).toEqual({ from: 720, seconds: 600 });
    for (const kill of plan.killsAt) {
      expect(Math.abs(kill - plan.redisRestartAt!)).toBeGreaterThanOrEqual(20);
      expect(Math.abs(kill - plan.postgresRestartAt!)).toBeGreaterThanOrEqual(20);
    }
  });

  it('3 minutes: one kill, one Redis and one PostgreSQL restart, all before the last quarter', () => {
    const plan = defaultChaos(3, { smsOutageSeconds: 40 });
    expect(plan.killsAt).toHaveLength(1);
    expect([plan.killsAt[0]!, plan.redisRestartAt!, plan.postgresRestartAt!].every((t) => t < 135)).toBe(true);
    expect(plan.smsOutage!.seconds).toBe(40);
  });

  it('flags win over SOAK_* variables, which win over the defaults; bad values are refused', () => {
    const options = soakOptionsFromArgs(['--minutes', '5', '--no-redis-restart', '--sms-outage', '0'], { SOAK_MINUTES: '9', SOAK_CONCURRENCY: '7' });
    if (options === 'help') throw new Error('unexpected help');
    expect(options.minutes).toBe(5);
    expect(options.concurrency).toBe(7);
    expect(options.chaos.redisRestartAt).toBeNull();
    expect(options.chaos.smsOutage).toBeNull();
    expect(() => soakOptionsFromArgs(['--minutes', 'soon'])).toThrow(/not a non-negative number/);
    expect(soakOptionsFromArgs(['--help'])).toBe('help');
  });
});

describe('soak judges', () => {
  it('the memory slope is the least-squares line in MB per minute', () => {
    expect(slopePerMinute([[0, 100], [60_000, 102], [120_000, 104]])).toBeCloseTo(2);
    expect(slopePerMinute([[0, 100], [60_000, 110], [120_000, 100]])).toBeCloseTo(0);
  });

  it('memory: every incarnation is judged after the same warm-up (a third of the run) if a sixth of the run is left; a leak fails, a late restart\'s warm-up does not', () => {
    const start = 1_000_000;
    const sampler = new MemorySampler(() => []);
    // 30 minutes sampled every 10 s; rss(t) in MB for t seconds into the load.
    const run = (name: string, pid: number, from: number, to: number, rss: (t: number) => number) => {
      for (let t = from; t < to; t += 10) sampler.samples.push({ at: start + t * 1_000, name, pid, rssMb: rss(t) });
    };
    run('steady', 1, 0, 1800, () => 150);
    run('leaky', 2, 0, 1800, (t) => 150 + (3 * t) / 60);
    // The 06:33 run's gateway: killed at 925 s; the new one starts high, dips, then climbs 4 MB/min to the end.
    run('gateway', 3, 0, 925, (t) => 200 + Math.sin(t / 60));
    run('gateway', 4, 925, 1800, (t) => (t < 1000 ? 254 : 140 + (4 * (t - 1000)) / 60));
    // Restarted early and leaking: its incarnation is judged from 300 + 600 s and fails.
    run('chat', 5, 0, 300, () => 150);
    run('chat', 6, 300, 1800, (t) => 150 + (3 * (t - 300)) / 60);
    const verdicts = Object.fromEntries(sampler.verdicts({ loadStartedAt: start, warmUpMs: 600_000, minWindowMs: 300_000, limitMbPerMinute: 2 }).map((v) => [v.name, v]));

    expect(verdicts.steady).toMatchObject({ flat: true, slopeMbPerMinute: 0, samples: 120 });
    expect(verdicts.leaky).toMatchObject({ flat: false, slopeMbPerMinute: 3 });
    expect(verdicts.gateway!.flat).toBe(true);
    expect(verdicts.gateway!.pid).toBe(3);
    expect(verdicts.gateway!.incarnations.map((i) => [i.pid, i.startedAtSecond, i.judged])).toEqual([[3, 0, true], [4, 925, false]]);
    expect(verdicts.chat).toMatchObject({ flat: false, pid: 6, slopeMbPerMinute: 3 });
    expect(verdicts.chat!.incarnations.map((i) => i.judged)).toEqual([false, true]);
  });

  it('a 5xx is excused only when the request overlaps a fault window; an INTERNAL_SERVER_ERROR answered with 200 counts too', () => {
    const window = { kind: 'kill' as const, target: 'chat', start: 1_000, end: 2_000, excusedUntil: 3_000 };
    const excused = (from: number, to: number) => (from <= window.excusedUntil && to >= window.start ? window : undefined);
    const answers = [
      { at: 900, ms: 200, status: 503, operation: 'a' }, // in flight when the fault began
      { at: 5_000, ms: 10, status: 200, operation: 'b', code: 'INTERNAL_SERVER_ERROR' },
      { at: 5_000, ms: 10, status: 200, operation: 'c' },
    ];
    const verdict = no5xx(answers, excused, [window]);
    expect(verdict.ok).toBe(false);
    expect(verdict.examples).toEqual([expect.objectContaining({ operation: 'b' })]);
  });

  it('guardian SMS: a lost cause, a missing send and a duplicate (a second key) each fail it; a resend under the same key does not', () => {
    const member = { id: 'm1', email: '', password: '', token: '', tokenAt: 0, guardianId: 'g1', guardianPhone: '01011112222' };
    const outbox = [{ service: 'transaction' as const, id: 'e1', type: 'transaction.check_in_overdue', createdAt: new Date(), publishedAt: new Date(), data: { userId: 'm1', checkInId: 'c1' } }];
    const sms = (key: string | null) => ({ at: 0, to: '01011112222', text: '[안심] 보호자님께 알려 드립니다. …', key, status: 200 });
    const base = { outbox, members: [member], checkInsMade: 1 };
    expect(guardianSms({ ...base, notifications: [{ guardianId: 'g1', causeId: 'checkin:c1', kind: 'CHECK_IN_OVERDUE' }], received: [sms('k1')] }).ok).toBe(true);
    expect(guardianSms({ ...base, notifications: [], received: [] }).ok).toBe(false);
    expect(guardianSms({ ...base, notifications: [{ guardianId: 'g1', causeId: 'checkin:c1', kind: 'CHECK_IN_OVERDUE' }], received: [] }).ok).toBe(false);
    const twice = guardianSms({ ...base, notifications: [{ guardianId: 'g1', causeId: 'checkin:c1', kind: 'CHECK_IN_OVERDUE' }, { guardianId: 'g1', causeId: 'checkin:c2', kind: 'CHECK_IN_OVERDUE' }], received: [sms('k1'), sms('k1')] });
    expect(twice.ok).toBe(false);
    expect(twice.details).toMatchObject({ deliveryMismatches: 1, resentSameKey: 1 });
    // One record sent under two keys went out twice; the same key again is a resend a keyed vendor drops.
    const one = [{ guardianId: 'g1', causeId: 'checkin:c1', kind: 'CHECK_IN_OVERDUE' }];
    const twoKeys = guardianSms({ ...base, notifications: one, received: [sms('k1'), sms('k2')] });
    expect(twoKeys.ok).toBe(false);
    expect(twoKeys.details).toMatchObject({ duplicates: 1 });
    const resent = guardianSms({ ...base, notifications: one, received: [sms('k1'), sms('k1')] });
    expect(resent.ok).toBe(true);
    expect(resent.details).toMatchObject({ duplicates: 0, resentSameKey: 1 });
  });

  it('events: each handling service must have processed each committed event, and nothing else', () => {
    const row = (id: string, type: string) => ({ service: 'transaction' as const, id, type, createdAt: new Date(0), publishedAt: new Date(0), data: {} });
    // transaction.check_in_overdue is handled by user only (the event map in README.md).
    const outbox = [row('00000000-0000-4000-8000-000000000001', 'transaction.check_in_overdue')];
    expect(eventsConsumed(outbox, new Map([['user', new Set(['00000000-0000-4000-8000-000000000001'])]])).ok).toBe(true);
    const missing = eventsConsumed(outbox, new Map());
    expect(missing.ok).toBe(false);
    expect(missing.details).toMatchObject({ missingCount: 1, phantomCount: 0 });
    const phantom = eventsConsumed(outbox, new Map([['user', new Set(['00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002'])]]));
    expect(phantom.ok).toBe(false);
    expect(phantom.details).toMatchObject({ missingCount: 0, phantomCount: 1 });
  });
});
