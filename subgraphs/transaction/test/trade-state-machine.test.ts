import { describe, expect, it } from 'vitest';
import { TRADE_STATUSES, type PartyRole, type TradeStatus } from '../src/model.ts';
import { allowedNext, checkTransition, DISPUTE_WINDOW_MS, productEffect } from '../src/trades/trade-state-machine.ts';

const now = new Date('2026-11-24T00:00:00Z');
const check = (from: TradeStatus, to: TradeStatus, role: PartyRole, completedAt: Date | null = null) => checkTransition(from, to, role, { completedAt, now });

describe('trade state machine', () => {
  it.each([
    ['REQUESTED', 'ACCEPTED', 'SELLER'],
    ['REQUESTED', 'CANCELLED', 'BUYER'],
    ['REQUESTED', 'CANCELLED', 'SELLER'],
    ['ACCEPTED', 'COMPLETED', 'BUYER'],
    ['ACCEPTED', 'CANCELLED', 'BUYER'],
    ['ACCEPTED', 'CANCELLED', 'SELLER'],
    ['ACCEPTED', 'DISPUTED', 'BUYER'],
    ['ACCEPTED', 'DISPUTED', 'SELLER'],
  ] as const)('%s → %s by the %s is allowed', (from, to, role) => {
    expect(check(from, to, role)).toEqual({ ok: true });
  });

  it.each([
    ['REQUESTED', 'ACCEPTED', 'BUYER', ['SELLER']],
    ['ACCEPTED', 'COMPLETED', 'SELLER', ['BUYER']],
  ] as const)('%s → %s by the %s is the wrong party', (from, to, role, allowedBy) => {
    expect(check(from, to, role)).toEqual({ ok: false, reason: 'WRONG_PARTY', allowedBy });
  });

  it('names the allowed statuses for an illegal transition', () => {
    expect(check('REQUESTED', 'COMPLETED', 'BUYER')).toEqual({ ok: false, reason: 'ILLEGAL_TRANSITION', allowed: ['ACCEPTED', 'CANCELLED'] });
    expect(check('COMPLETED', 'CANCELLED', 'BUYER')).toEqual({ ok: false, reason: 'ILLEGAL_TRANSITION', allowed: ['DISPUTED'] });
    expect(check('REQUESTED', 'REQUESTED', 'BUYER')).toMatchObject({ reason: 'ILLEGAL_TRANSITION' });
  });

  it('CANCELLED and DISPUTED are final', () => {
    for (const status of ['CANCELLED', 'DISPUTED'] as const) {
      expect(allowedNext(status)).toEqual([]);
      for (const to of TRADE_STATUSES) expect(check(status, to, 'SELLER').ok).toBe(false);
    }
  });

  it('a completed trade may be disputed by either party for 7 days, not after', () => {
    const justInside = new Date(now.getTime() - DISPUTE_WINDOW_MS);
    expect(check('COMPLETED', 'DISPUTED', 'SELLER', justInside)).toEqual({ ok: true });
    expect(check('COMPLETED', 'DISPUTED', 'BUYER', new Date(justInside.getTime() - 1))).toMatchObject({ ok: false, reason: 'DISPUTE_WINDOW_CLOSED' });
  });

  it('the product follows: RESERVED on accept, SOLD on completion, ON_SALE again when an accepted trade is cancelled', () => {
    expect(productEffect('REQUESTED', 'ACCEPTED')).toEqual({ from: 'ON_SALE', to: 'RESERVED' });
    expect(productEffect('ACCEPTED', 'COMPLETED')).toEqual({ from: 'RESERVED', to: 'SOLD' });
    expect(productEffect('ACCEPTED', 'CANCELLED')).toEqual({ from: 'RESERVED', to: 'ON_SALE' });
    expect(productEffect('REQUESTED', 'CANCELLED')).toBeNull();
    expect(productEffect('ACCEPTED', 'DISPUTED')).toBeNull();
    expect(productEffect('COMPLETED', 'DISPUTED')).toBeNull();
  });
});
