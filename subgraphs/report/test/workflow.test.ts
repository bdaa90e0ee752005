import { describe, expect, it } from 'vitest';
import { decide, isActive, planSanction, queueOrderFor, severity, startReview, WARNING_ACTIVE_DAYS } from '../src/reports/workflow.ts';

const DAY = 24 * 60 * 60 * 1000;

describe('review workflow', () => {
  it('moves RECEIVED to IN_REVIEW once', () => {
    expect(startReview('RECEIVED')).toEqual({ ok: true, to: 'IN_REVIEW' });
    expect(startReview('IN_REVIEW')).toEqual({ ok: false, reason: 'alreadyInReview' });
  });

  it('decides open reports: ACCEPT → ACTION_TAKEN, DISMISS → DISMISSED', () => {
    for (const from of ['RECEIVED', 'IN_REVIEW'] as const) {
      expect(decide(from, 'ACCEPT')).toEqual({ ok: true, to: 'ACTION_TAKEN' });
      expect(decide(from, 'DISMISS')).toEqual({ ok: true, to: 'DISMISSED' });
    }
  });

  it('never changes a closed report', () => {
    for (const from of ['ACTION_TAKEN', 'DISMISSED'] as const) {
      expect(startReview(from)).toEqual({ ok: false, reason: 'closed' });
      expect(decide(from, 'ACCEPT')).toEqual({ ok: false, reason: 'closed' });
      expect(decide(from, 'DISMISS')).toEqual({ ok: false, reason: 'closed' });
    }
  });
});

describe('sanctions', () => {
  const now = new Date('2026-11-24T00:00:00Z');

  it('plans a suspension of N days and open-ended bans and warnings', () => {
    expect(planSanction('SUSPENSION', 7, now).endsAt).toEqual(new Date(now.getTime() + 7 * DAY));
    expect(planSanction('BAN', null, now).endsAt).toBeNull();
    expect(planSanction('WARNING', null, now).endsAt).toBeNull();
    expect(() => planSanction('SUSPENSION', null, now)).toThrow();
  });

  it('knows which sanctions are in force', () => {
    const suspension = planSanction('SUSPENSION', 1, now);
    expect(isActive(suspension, now)).toBe(true);
    expect(isActive(suspension, new Date(now.getTime() + DAY))).toBe(false);
    expect(isActive({ ...suspension, endedAt: now }, now)).toBe(false);
    expect(isActive(planSanction('BAN', null, now), new Date(now.getTime() + 1000 * DAY))).toBe(true);
    const warning = planSanction('WARNING', null, now);
    expect(isActive(warning, new Date(now.getTime() + (WARNING_ACTIVE_DAYS - 1) * DAY))).toBe(true);
    expect(isActive(warning, new Date(now.getTime() + WARNING_ACTIVE_DAYS * DAY))).toBe(false);
    expect(severity('BAN')).toBeGreaterThan(severity('SUSPENSION'));
    expect(severity('SUSPENSION')).toBeGreaterThan(severity('WARNING'));
  });
});

describe('the admin queue order', () => {
  it('is most urgent first for open reports and all statuses, newest decision first for decided ones', () => {
    expect(queueOrderFor(null)).toBe('URGENCY');
    expect(queueOrderFor('RECEIVED')).toBe('URGENCY');
    expect(queueOrderFor('IN_REVIEW')).toBe('URGENCY');
    expect(queueOrderFor('ACTION_TAKEN')).toBe('NEWEST_DECISION');
    expect(queueOrderFor('DISMISSED')).toBe('NEWEST_DECISION');
  });
});
