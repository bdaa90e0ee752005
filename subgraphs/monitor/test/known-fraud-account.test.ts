// KNOWN_FRAUD_ACCOUNT as pure logic: it fires on chat-like activity whose text held a confirmed
// identifier (the count arrives in the facts), at CRITICAL on its own, warning the recipient.
import { describe, expect, it } from 'vitest';
import { combineLevels, evaluateRules, type ActivityFacts, type RuleFacts } from '../src/rules/index.ts';
import { KNOWN_FRAUD_ACCOUNT } from '../src/rules/known-fraud-account.ts';

const now = new Date('2026-11-24T00:00:00Z');
function facts(activity: Partial<ActivityFacts>, more: Partial<RuleFacts> = {}): RuleFacts {
  return { activity: { type: 'CHAT_MESSAGE', userId: 'u1', counterpartId: 'u2', at: now, text: '내일 만나요', ...activity }, allowedDomains: [], ...more };
}
const codes = (f: RuleFacts) => evaluateRules(f).map((rule) => rule.code);

describe('KNOWN_FRAUD_ACCOUNT', () => {
  it('matches a chat message or payment request naming a confirmed identifier, and is CRITICAL for the recipient', () => {
    expect(codes(facts({}, { knownFraudIdentifiers: 1 }))).toContain('KNOWN_FRAUD_ACCOUNT');
    expect(codes(facts({ type: 'PAYMENT_REQUEST' }, { knownFraudIdentifiers: 2 }))).toContain('KNOWN_FRAUD_ACCOUNT');
    expect(KNOWN_FRAUD_ACCOUNT).toMatchObject({ level: 'CRITICAL', recipients: 'counterpart' });
    expect(combineLevels([{ rule: 'KNOWN_FRAUD_ACCOUNT', level: 'CRITICAL' }])).toBe('CRITICAL');
    expect(KNOWN_FRAUD_ACCOUNT.message.ko).toContain('돈을 보내지');
  });

  it('stays silent for unknown identifiers, unknown facts and other activity', () => {
    expect(codes(facts({}, { knownFraudIdentifiers: 0 }))).not.toContain('KNOWN_FRAUD_ACCOUNT');
    expect(codes(facts({}))).not.toContain('KNOWN_FRAUD_ACCOUNT');
    expect(codes(facts({ type: 'LISTING_CREATED' }, { knownFraudIdentifiers: 1 }))).not.toContain('KNOWN_FRAUD_ACCOUNT');
  });
});
