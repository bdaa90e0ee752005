// Sliding windows judge each event by its own time (occurredAt), against real Redis and the real
// consumer: events arrive out of order (two topics, retries, a consumer catching up), and a late
// event must not count what arrived before it but happened outside any window with it.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlidingWindows, windowAround } from '../src/assessment/sliding-windows.ts';
import { MonitorHarness, user } from './support/harness.ts';

const HOUR = 3_600_000;
let h: MonitorHarness;
let windows: SlidingWindows;
beforeAll(async () => {
  h = await new MonitorHarness().start();
  windows = new SlidingWindows(h.redis);
});
afterAll(async () => {
  await h?.stop();
});

describe('windowAround', () => {
  it('takes the busiest window that contains the event, counting the event at its own time', () => {
    const at = 100 * HOUR;
    const entries = [{ member: 'a', at: at - 2 * HOUR }, { member: 'b', at: at + 20 * HOUR }, { member: 'c', at: at + 25 * HOUR }];
    // A day containing `at`: (at − 24 h, at] holds a; (at − 4 h, at + 20 h] holds a and b; c is never with it.
    expect(windowAround([...entries, { member: 'me', at }], 'me', at, 24 * HOUR).map((e) => e.member).sort()).toEqual(['a', 'b', 'me']);
    // The event's own member counts at the event's time even when the set keeps a later time for it.
    expect(windowAround([{ member: 'me', at: at + 30 * HOUR }], 'me', at, 24 * HOUR).map((e) => e.at)).toEqual([at]);
  });
});

describe('SlidingWindows', () => {
  it('in order: counts the members of the last window, as before', async () => {
    const key = randomUUID();
    const t0 = Date.now() - 10 * HOUR;
    expect(await windows.addAndCount('test', key, 'a', 3_600, new Date(t0))).toBe(1);
    expect(await windows.addAndCount('test', key, 'b', 3_600, new Date(t0 + 30 * 60_000))).toBe(2);
    expect(await windows.addAndCount('test', key, 'c', 3_600, new Date(t0 + 80 * 60_000))).toBe(2); // a fell out
    expect(await windows.addAndCount('test', key, 'b', 3_600, new Date(t0 + 95 * 60_000))).toBe(2); // a repeat is not a new member
  });

  it('a late event counts only what happened within a window of it, and never moves a member back in time', async () => {
    const key = randomUUID();
    const t0 = Date.now() - 48 * HOUR;
    await windows.addAndCount('test', key, 'b', 86_400, new Date(t0 + 23 * HOUR));
    await windows.addAndCount('test', key, 'c', 86_400, new Date(t0 + 25 * HOUR));
    // Arriving last but dated t0: b is within a day of it, c is not (25 h): two, not three.
    expect(await windows.addAndCount('test', key, 'a', 86_400, new Date(t0))).toBe(2);
    // b again, late (t0 + 1 h): b keeps its later time, so c still counts with b.
    await windows.addAndCount('test', key, 'b', 86_400, new Date(t0 + HOUR));
    expect(await windows.count('test', key, 86_400, new Date(t0 + 25 * HOUR))).toBe(2);
    expect(await h.redis.zscore(`monitor:win:test:${key}`, 'b')).toBe(String(t0 + 23 * HOUR));
  });
});

describe('SHARED_DEVICE with sign-ins out of order', () => {
  const signedInAt = (member: { userId: string }, deviceId: string, at: Date) =>
    h.deliver({
      type: 'user.signed_in',
      producer: 'user',
      subjectUserId: member.userId,
      data: { userId: member.userId, method: 'PASSWORD', deviceId, clientAddress: '203.0.113.9', newDevice: true, at: at.toISOString() },
    });

  it('a late sign-in is not flagged with accounts that used the device more than a day apart from it', async () => {
    const deviceId = `device-${randomUUID()}`;
    const [a, b, c] = [user(), user(), user()];
    const t0 = new Date(Date.now() - 30 * HOUR);
    await signedInAt(b, deviceId, new Date(t0.getTime() + 2 * HOUR));
    await signedInAt(c, deviceId, new Date(t0.getTime() + 26 * HOUR));
    await signedInAt(a, deviceId, t0); // late: a and c were never on the device within one day
    expect(await h.prisma.riskAlert.count({ where: { rule: 'SHARED_DEVICE', subjectUserId: { in: [a.userId, b.userId, c.userId] } } })).toBe(0);

    // A fourth account within a day of a and b: three within one day, flagged, however late it arrives.
    const d = user();
    await signedInAt(d, deviceId, new Date(t0.getTime() + HOUR));
    expect(await h.prisma.riskAlert.count({ where: { rule: 'SHARED_DEVICE', subjectUserId: d.userId } })).toBe(1);
  });
});
