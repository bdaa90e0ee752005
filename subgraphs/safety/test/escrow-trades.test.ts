// The score model and safe payment: trades completed through escrow (payment.released) weigh more
// than trades completed without it, within the same maximum, explained in the factor's text; and a
// dispute a moderator accepted (a FRAUD report tied to the trade) counts like any accepted FRAUD report.
import { describe, expect, it } from 'vitest';
import { calculateSafetyScore, EMPTY_INPUTS, WEIGHTS, type ScoreInputs } from '../src/score/safety-score.ts';

const now = new Date('2026-12-06T00:00:00Z');
const score = (inputs: Partial<ScoreInputs>) => calculateSafetyScore({ ...EMPTY_INPUTS, ...inputs }, now);
const trades = (inputs: Partial<ScoreInputs>) => score(inputs).factors.find((f) => f.code === 'COMPLETED_TRADES')!;

describe('trades completed through safe payment', () => {
  it('weigh more than the same number completed without it, by the documented weight', () => {
    const plain = trades({ completedTrades: 4 }).contribution;
    const half = trades({ completedTrades: 4, escrowTrades: 2 }).contribution;
    const all = trades({ completedTrades: 4, escrowTrades: 4 }).contribution;
    expect(plain).toBeLessThan(half);
    expect(half).toBeLessThan(all);
    // Four escrow trades count as 4 · escrowWeight plain ones.
    expect(all).toBe(trades({ completedTrades: 4 * WEIGHTS.trades.escrowWeight }).contribution);
    expect(WEIGHTS.trades.escrowWeight).toBeGreaterThan(1);
  });

  it('still stop at the factor maximum and the score stays within 0..100', () => {
    const many = score({ completedTrades: 10_000, escrowTrades: 10_000, ratingCount: 10_000, ratingAverage: 5, verifiedMethods: ['EMAIL', 'SMS', 'ID_CARD', 'OAUTH'], profileCompleteness: 100, registeredAt: new Date('2020-01-01T00:00:00Z') });
    expect(many.factors.find((f) => f.code === 'COMPLETED_TRADES')!.contribution).toBe(WEIGHTS.trades.max);
    expect(many.value).toBeLessThanOrEqual(100);
    expect(many.value).toBeGreaterThanOrEqual(0);
  });

  it('cannot count more escrow trades than completed ones, nor fewer than none', () => {
    expect(trades({ completedTrades: 2, escrowTrades: 50 }).contribution).toBe(trades({ completedTrades: 2, escrowTrades: 2 }).contribution);
    expect(trades({ completedTrades: 2, escrowTrades: -3 }).contribution).toBe(trades({ completedTrades: 2 }).contribution);
    expect(score({ escrowTrades: 3 }).factors.some((f) => f.code === 'COMPLETED_TRADES')).toBe(false);
  });

  it('are named in the explanation, in Korean and English; without them the text is as before', () => {
    const rated = trades({ completedTrades: 5, escrowTrades: 3, ratingCount: 2, ratingAverage: 4.5 }).description;
    expect(rated.ko).toBe('거래 5건을 마쳤고 받은 별점은 평균 4.5점입니다. 그중 3건은 안전결제로 마쳐 더 크게 반영됩니다.');
    expect(rated.en).toBe('5 completed trades, rated 4.5 stars on average. 3 of them through safe payment, which counts more.');
    expect(trades({ completedTrades: 1, escrowTrades: 1 }).description.en).toBe('1 completed trade. 1 of them through safe payment, which counts more.');
    expect(trades({ completedTrades: 5 }).description).toEqual({ ko: '거래 5건을 마쳤습니다.', en: '5 completed trades.' });
  });
});

describe('a dispute a moderator accepted', () => {
  it('counts like any accepted FRAUD report (the report opened for the dispute; the trade it names changes nothing)', () => {
    const fraud = score({ completedTrades: 3, escrowTrades: 3, reports: [{ type: 'FRAUD', state: 'ACCEPTED', filedAt: now, reporterId: 'buyer', reporterWeight: 0.2 }] });
    expect(fraud.factors.find((f) => f.code === 'REPORT_FRAUD')!.contribution).toBe(WEIGHTS.acceptedReport.FRAUD);
    const pending = score({ reports: [{ type: 'FRAUD', state: 'PENDING', filedAt: now, reporterId: 'buyer', reporterWeight: 1 }] });
    expect(pending.factors.some((f) => f.code === 'REPORT_FRAUD')).toBe(false);
  });
});
