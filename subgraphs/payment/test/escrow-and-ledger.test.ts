import { describe, expect, it } from 'vitest';
import { allowedNext, checkEscrowTransition, ESCROW_TRANSITIONS, holdsMoney } from '../src/escrow/escrow-state-machine.ts';
import { accountKey, assertBalanced, balances, entryFor, UnbalancedEntryError, type PaymentMoney } from '../src/ledger/postings.ts';
import { FINAL_STATUSES, PAYMENT_STATUSES } from '../src/model.ts';

describe('escrow state machine', () => {
  it('follows the happy path with the right actors and money movements', () => {
    expect(checkEscrowTransition('AWAITING_GUARDIAN', 'AWAITING_PAYMENT', 'GUARDIAN')).toEqual({ ok: true, moves: null });
    expect(checkEscrowTransition('AWAITING_PAYMENT', 'HELD', 'PROVIDER')).toEqual({ ok: true, moves: 'HOLD' });
    expect(checkEscrowTransition('HELD', 'RELEASED', 'BUYER')).toEqual({ ok: true, moves: 'RELEASE' });
    expect(checkEscrowTransition('HELD', 'RELEASED', 'PLATFORM')).toEqual({ ok: true, moves: 'RELEASE' });
    expect(checkEscrowTransition('HELD', 'REFUNDED', 'PLATFORM')).toEqual({ ok: true, moves: 'REFUND' });
    expect(checkEscrowTransition('DISPUTED', 'REFUNDED', 'MODERATOR')).toEqual({ ok: true, moves: 'REFUND' });
  });

  it('never moves a finished payment again (money is never released twice)', () => {
    for (const from of FINAL_STATUSES) {
      for (const to of PAYMENT_STATUSES) {
        for (const actor of ['BUYER', 'PROVIDER', 'GUARDIAN', 'MODERATOR', 'PLATFORM'] as const) {
          expect(checkEscrowTransition(from, to, actor)).toEqual({ ok: false, reason: 'FINAL', allowed: [] });
        }
      }
    }
  });

  it('refuses the wrong actor: a buyer cannot confirm their own payment, a seller-side platform job cannot decide a dispute', () => {
    expect(checkEscrowTransition('AWAITING_PAYMENT', 'HELD', 'BUYER')).toMatchObject({ ok: false, reason: 'WRONG_ACTOR' });
    expect(checkEscrowTransition('DISPUTED', 'RELEASED', 'PLATFORM')).toMatchObject({ ok: false, reason: 'WRONG_ACTOR' });
    expect(checkEscrowTransition('DISPUTED', 'RELEASED', 'BUYER')).toMatchObject({ ok: false, reason: 'WRONG_ACTOR' });
    expect(checkEscrowTransition('AWAITING_GUARDIAN', 'AWAITING_PAYMENT', 'BUYER')).toMatchObject({ ok: false, reason: 'WRONG_ACTOR' });
  });

  it('refuses skipping states: no release before the money is held, no dispute before it is paid', () => {
    expect(checkEscrowTransition('AWAITING_PAYMENT', 'RELEASED', 'BUYER')).toEqual({ ok: false, reason: 'ILLEGAL_TRANSITION', allowed: ['HELD', 'FAILED', 'CANCELLED'] });
    expect(checkEscrowTransition('AWAITING_GUARDIAN', 'HELD', 'PROVIDER')).toMatchObject({ ok: false, reason: 'ILLEGAL_TRANSITION' });
    expect(checkEscrowTransition('AWAITING_PAYMENT', 'DISPUTED', 'BUYER')).toMatchObject({ ok: false, reason: 'ILLEGAL_TRANSITION' });
  });

  it('every status has an entry and only HELD and DISPUTED hold money', () => {
    expect(Object.keys(ESCROW_TRANSITIONS).sort()).toEqual([...PAYMENT_STATUSES].sort());
    expect(PAYMENT_STATUSES.filter(holdsMoney)).toEqual(['HELD', 'DISPUTED']);
    expect(allowedNext('DISPUTED')).toEqual(['RELEASED', 'REFUNDED']);
  });
});

describe('ledger postings', () => {
  const payment: PaymentMoney = { id: 'p1', buyerId: 'b1', sellerId: 's1', amount: 350_000, provider: 'sandbox', fee: 10_150 };
  const sum = (entry: { postings: { amount: number }[] }) => entry.postings.reduce((total, posting) => total + posting.amount, 0);

  it('every movement balances', () => {
    for (const kind of ['HOLD', 'RELEASE', 'REFUND', 'REFUND_RETURNED'] as const) {
      expect(sum(entryFor(kind, payment)), kind).toBe(0);
    }
  });

  it('hold then release leaves escrow at zero and the seller owed the full price', () => {
    const all = [...entryFor('HOLD', payment).postings, ...entryFor('RELEASE', payment).postings];
    const totals = balances(all);
    expect(totals.get('ESCROW_HELD:p1')).toBe(0);
    expect(totals.get('SELLER_PAYABLE:s1')).toBe(-350_000);
    expect(totals.get('PROVIDER_CLEARING:sandbox')).toBe(339_850);
    expect(totals.get('PROVIDER_FEES:sandbox')).toBe(10_150);
  });

  it('hold, refund and the provider returning the money leave every account of the payment at zero', () => {
    const all = ['HOLD', 'REFUND', 'REFUND_RETURNED'].flatMap((kind) => entryFor(kind as 'HOLD', payment).postings);
    expect([...balances(all).values()].every((balance) => balance === 0)).toBe(true);
  });

  it('a fee of 0 makes no zero posting', () => {
    const hold = entryFor('HOLD', { ...payment, fee: 0 });
    expect(hold.postings.map((posting) => accountKey(posting.account))).toEqual(['PROVIDER_CLEARING:sandbox', 'ESCROW_HELD:p1']);
  });

  it('refuses unbalanced, fractional, zero and one-sided entries', () => {
    const account = { kind: 'ESCROW_HELD' as const, ownerId: 'p1' };
    expect(() => assertBalanced([{ account, amount: 100 }, { account, amount: -99 }])).toThrow(UnbalancedEntryError);
    expect(() => assertBalanced([{ account, amount: 0.5 }, { account, amount: -0.5 }])).toThrow(/whole/);
    expect(() => assertBalanced([{ account, amount: 0 }, { account, amount: 0 }])).toThrow(/non-zero/);
    expect(() => assertBalanced([{ account, amount: 100 }])).toThrow(/two postings/);
    expect(() => entryFor('HOLD', { ...payment, amount: -5 })).toThrow(/positive/);
    expect(() => entryFor('HOLD', { ...payment, fee: payment.amount + 1 })).toThrow(/fee/);
  });
});
