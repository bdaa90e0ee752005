// The demo plan is pure: the same scale gives the same marketplace, with the variety the seed
// promises and the limits that keep each role in its grade (see seed-plan.ts).
import { describe, expect, it } from 'vitest';
import { normalizePaymentIdentifier, paymentIdentifierKey } from '@anshim/contracts';
import { screenMessage, type KnownFraudLookup } from '../../subgraphs/chat/src/screening/screen.ts';
import { buildPlan } from '../lib/seed-plan.ts';

describe('demo marketplace plan', () => {
  const plan = buildPlan({ users: 200, products: 1000 });

  it('is deterministic and sized as asked', () => {
    expect(buildPlan({ users: 200, products: 1000 })).toEqual(plan);
    expect(plan.users).toHaveLength(200);
    expect(plan.products).toHaveLength(1000);
    expect(buildPlan({ users: 200, products: 1000, seed: 7 })).not.toEqual(plan);
  });

  it('has unique natural keys: emails, nicknames, phones, a seller’s titles, one trade per product', () => {
    expect(new Set(plan.users.map((u) => u.email)).size).toBe(200);
    expect(new Set(plan.users.map((u) => u.nickname)).size).toBe(200);
    const phones = plan.users.flatMap((u) => (u.phone ? [u.phone.replace(/\D/g, '')] : []));
    expect(new Set(phones).size).toBe(phones.length);
    expect(new Set(plan.products.map((p) => `${p.seller}|${p.title}`)).size).toBe(1000);
    expect(new Set(plan.trades.map((t) => t.product)).size).toBe(plan.trades.length);
    for (const t of plan.trades) expect(t.buyer).not.toBe(t.seller);
  });

  it('covers every trade state, report state and role', () => {
    expect(new Set(plan.trades.map((t) => t.final))).toEqual(new Set(['REQUESTED', 'ACCEPTED', 'COMPLETED', 'CANCELLED', 'DISPUTED']));
    expect(new Set(plan.reports.map((r) => r.outcome))).toEqual(new Set(['RECEIVED', 'IN_REVIEW', 'ACTION_TAKEN', 'DISMISSED']));
    expect(new Set(plan.reports.map((r) => r.sanction).filter(Boolean))).toEqual(new Set(['WARNING', 'SUSPENSION', 'BAN']));
    expect(new Set(plan.users.map((u) => u.role))).toEqual(new Set(['VERY_SAFE', 'SAFE', 'NORMAL', 'BULK', 'CAUTION', 'FRAUD']));
    expect(new Set(plan.conversations.flatMap((c) => c.findings))).toEqual(new Set(['PAYMENT_IDENTIFIER', 'LOOKALIKE_LINK', 'OFF_APP_CONTACT', 'KNOWN_FRAUD_IDENTIFIER']));
  });

  it('plans conversations buyers can open: about a listing of the seller, never with themselves, small talk on untraded listings', () => {
    const traded = new Set(plan.trades.map((t) => t.product));
    const honest = plan.conversations.filter((c) => c.findings.length === 0);
    expect(honest.length).toBeGreaterThanOrEqual(20);
    expect(plan.conversations.length - honest.length).toBeGreaterThanOrEqual(plan.users.filter((u) => u.role === 'FRAUD').length);
    expect(new Set(plan.conversations.map((c) => `${c.buyer}|${c.product}`)).size).toBe(plan.conversations.length);
    for (const c of plan.conversations) {
      expect(plan.products[c.product]!.seller).toBe(c.seller);
      expect(c.buyer).not.toBe(c.seller);
      expect(c.messages[0]!.by).toBe('BUYER');
      for (const side of [c.buyer, c.seller]) expect(plan.users[side]!.protectedMode).toBe(false);
    }
    for (const c of honest) expect(traded.has(c.product)).toBe(false);
  });

  it('writes messages the chat screening reads as planned: small talk passes, each fraud pattern is found, the exposed account is masked', () => {
    const banned = plan.users.find((u) => u.role === 'FRAUD')!.account!;
    const exposed = paymentIdentifierKey(normalizePaymentIdentifier('BANK_ACCOUNT', `국민은행 ${banned}`)!);
    const knownAfterReports: KnownFraudLookup = (_type, key) => key === exposed;
    for (const c of plan.conversations) {
      const found = new Set<string>();
      let masked = false;
      c.messages.forEach((message, i) => {
        // What chat passes as recent: the same sender's earlier messages in this conversation.
        const recentTexts = c.messages.slice(0, i).filter((m) => m.by === message.by).map((m) => m.text);
        const screened = screenMessage({ text: message.text, recentTexts }, c.phase === 2 ? knownAfterReports : () => false);
        for (const f of screened.findings) found.add(f.code);
        masked ||= screened.masked;
        if (message.by === 'BUYER') expect(screened.findings, message.text).toEqual([]);
      });
      expect([...found].sort(), c.messages.map((m) => m.text).join(' / ')).toEqual([...c.findings].sort());
      expect(masked).toBe(c.findings.includes('LOOKALIKE_LINK') || c.findings.includes('KNOWN_FRAUD_IDENTIFIER'));
    }
  });

  it('keeps honest listings clear of the price rules and honest members within their grade limits', () => {
    const byCategory = new Map<string, number[]>();
    for (const p of plan.products) {
      const role = plan.users[p.seller]!.role;
      if (role === 'FRAUD') continue;
      expect(p.price).toBeLessThan(1_000_000);
      byCategory.set(p.category, [...(byCategory.get(p.category) ?? []), p.price]);
    }
    for (const prices of byCategory.values()) expect(Math.min(...prices)).toBeGreaterThanOrEqual(0.4 * Math.max(...prices));
    const listings = new Map<number, number>();
    for (const p of plan.products) listings.set(p.seller, (listings.get(p.seller) ?? 0) + 1);
    const completed = new Map<number, number>();
    for (const t of plan.trades.filter((t) => t.final === 'COMPLETED')) {
      completed.set(t.buyer, (completed.get(t.buyer) ?? 0) + 1);
      completed.set(t.seller, (completed.get(t.seller) ?? 0) + 1);
    }
    for (const u of plan.users) {
      if (u.role !== 'BULK' && u.role !== 'FRAUD') expect(listings.get(u.index) ?? 0).toBeLessThanOrEqual(4);
      if (u.role === 'VERY_SAFE') expect(completed.get(u.index)).toBe(12);
      else if (u.role === 'SAFE' || u.role === 'CAUTION') expect(completed.get(u.index) ?? 0).toBeLessThanOrEqual(4);
      else expect(completed.get(u.index) ?? 0).toBe(0);
    }
  });

  it('refuses a scale it cannot build', () => {
    expect(() => buildPlan({ users: 10, products: 100 })).toThrow(RangeError);
    expect(() => buildPlan({ users: 200, products: 300 })).toThrow(/too few/);
  });
});
