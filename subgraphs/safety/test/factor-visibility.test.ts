// The "who sees what" rules as pure functions: public factors pass unchanged, everything else
// (including a factor code nobody has classified yet) folds into one under-review factor, and a
// history entry keeps its reason only when both its reason and its cause are public.
import { describe, expect, it } from 'vitest';
import { publicChange, publicFactors, seesEverything, UNDER_REVIEW_TEXT } from '../src/score/factor-visibility.ts';
import type { Factor, ScoreChangeRecord } from '../src/model.ts';

const factor = (code: string, contribution: number): Factor => ({ code, contribution, description: { ko: code, en: code } });
const change = (reasonCode: string | null, cause: string): ScoreChangeRecord => ({
  userId: 'u', value: 40, grade: 'NORMAL', delta: -5, reason: { ko: '이유', en: 'reason' }, reasonCode, cause, at: new Date(0),
});

describe('publicFactors', () => {
  it('keeps public factors in order and folds the rest into one factor where the first of them was', () => {
    const shown = publicFactors([factor('BASE', 50), factor('PENDING_REPORTS', -3), factor('EMAIL_VERIFIED', 5), factor('RISK_HIGH', -20), factor('SOMETHING_NEW', -1.5)]);
    expect(shown.map((f) => [f.code, f.contribution])).toEqual([['BASE', 50], ['UNDER_REVIEW', -24.5], ['EMAIL_VERIFIED', 5]]);
    expect(shown[1]!.description).toEqual(UNDER_REVIEW_TEXT);
  });

  it('adds nothing when every factor is public', () => {
    const all = [factor('BASE', 50), factor('REPORT_FRAUD', -30), factor('BAN_CAP', -10)];
    expect(publicFactors(all)).toEqual(all);
  });
});

describe('publicChange', () => {
  it('hides a private reason, a private cause, and a dismissal behind report.processed', () => {
    expect(publicChange(change('PENDING_REPORTS', 'report.filed')).cause).toBe('activity.review');
    expect(publicChange(change('ACCOUNT_AGE', 'report.filed')).reason).toEqual(UNDER_REVIEW_TEXT);
    expect(publicChange(change('RISK_HIGH', 'batch.nightly')).cause).toBe('activity.review');
    expect(publicChange(change('PENDING_REPORTS', 'report.processed')).cause).toBe('activity.review');
    expect(publicChange(change(null, 'user.verified')).cause).toBe('activity.review');
  });

  it('keeps public entries as they are', () => {
    for (const entry of [change('REPORT_FRAUD', 'report.processed'), change('EMAIL_VERIFIED', 'user.verified'), change('LEGACY', 'transaction.completed')]) {
      expect(publicChange(entry)).toBe(entry);
    }
  });
});

describe('seesEverything', () => {
  it('the member and ADMINs only', () => {
    expect(seesEverything({ userId: 'u', role: 'USER' }, 'u')).toBe(true);
    expect(seesEverything({ userId: 'a', role: 'ADMIN' }, 'u')).toBe(true);
    expect(seesEverything({ userId: 'x', role: 'USER' }, 'u')).toBe(false);
    expect(seesEverything(null, 'u')).toBe(false);
  });
});
