// How an audit row of user.status_changed becomes a line of User.statusHistory (pure).
import { describe, expect, it } from 'vitest';
import { statusChangeOf } from '../src/users/status-history.ts';

const at = new Date('2026-12-06T01:00:00.000Z');
const row = (before: unknown, after: unknown, actorId: string | null = 'admin-1') => ({ id: 'a1', actorId, before, after, at });

describe('statusChangeOf', () => {
  it("reads an ADMIN's suspension: from, to, until, the reason as written, the actor", () => {
    const change = statusChangeOf(row({ status: 'ACTIVE', statusUntil: null }, { status: 'SUSPENDED', statusUntil: '2026-12-20T00:00:00.000Z', reason: '거래 사기 의심', source: 'admin' }), 'ko');
    expect(change).toEqual({ id: 'a1', at, from: 'ACTIVE', to: 'SUSPENDED', until: new Date('2026-12-20T00:00:00.000Z'), reason: '거래 사기 의심', origin: 'ADMIN', reportId: null, actorId: 'admin-1' });
  });

  it("tells a report's ban from the automatic end of a report's suspension, naming the report", () => {
    const ban = statusChangeOf(row({ status: 'ACTIVE', statusUntil: null }, { status: 'BANNED', statusUntil: null, reason: '선입금 사기 확인', source: 'report:r-9' }), 'en');
    expect(ban).toMatchObject({ origin: 'REPORT_SANCTION', reportId: 'r-9', to: 'BANNED', reason: '선입금 사기 확인' });
    const ended = row({ status: 'SUSPENDED', statusUntil: '2026-12-05T00:00:00.000Z' }, { status: 'ACTIVE', statusUntil: null, reason: 'suspension ended', source: 'report:r-7' }, null);
    expect(statusChangeOf(ended, 'en')).toMatchObject({ origin: 'SANCTION_ENDED', reportId: 'r-7', actorId: null, reason: 'The suspension ended by itself.' });
    expect(statusChangeOf(ended, 'ko')?.reason).toBe('정지 기간이 끝나 자동으로 해제되었습니다.');
  });

  it('leaves out a row that does not hold a change', () => {
    expect(statusChangeOf(row(null, { status: 'BANNED' }), 'ko')).toBeNull();
    expect(statusChangeOf(row({ status: 'ACTIVE' }, { status: 'GONE' }), 'ko')).toBeNull();
  });
});
