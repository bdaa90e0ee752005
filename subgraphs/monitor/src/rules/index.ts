// The rule engine: every rule, evaluation, and how matched signals add up to one level. Pure (no
// I/O) and below both domains: the assessment evaluates it, alerts read each rule's warnings.
import { LINKED_TO_CONFIRMED_FRAUD, RETURNING_BANNED_MEMBER } from './account-links.ts';
import { BEHAVIOUR_CHANGE } from './behaviour-change.ts';
import { KNOWN_FRAUD_ACCOUNT } from './known-fraud-account.ts';
import { OFF_APP_CONTACT } from './off-app-contact.ts';
import { NEW_ACCOUNT_HIGH_VALUE } from './new-account-high-value.ts';
import { OFF_PLATFORM_PAYMENT_REQUEST } from './off-platform-payment-request.ts';
import { PHISHING_LINK } from './phishing-link.ts';
import { PRICE_TOO_GOOD } from './price-too-good.ts';
import { PROTECTED_USER_EXPOSED } from './protected-user-exposed.ts';
import { OFF_APP_AFTER_SAFE_PAYMENT, PAYMENT_FAILURE_BURST, REPEATED_DISPUTES } from './safe-payment.ts';
import { levelRank, type RiskLevel } from '../model.ts';
import type { Rule, RuleFacts } from './types.ts';
import { LISTING_BURST, REPORT_BURST, SHARED_DEVICE } from './window-rules.ts';

export * from './types.ts';
export * from './window-rules.ts';
export * from './account-notices.ts';
export * from './account-links.ts';
export * from './behaviour-change.ts';
export * from './safe-payment.ts';

export const RULES: readonly Rule[] = [
  OFF_PLATFORM_PAYMENT_REQUEST,
  PHISHING_LINK,
  NEW_ACCOUNT_HIGH_VALUE,
  PRICE_TOO_GOOD,
  LISTING_BURST,
  SHARED_DEVICE,
  REPORT_BURST,
  PROTECTED_USER_EXPOSED,
  KNOWN_FRAUD_ACCOUNT,
  BEHAVIOUR_CHANGE,
  RETURNING_BANNED_MEMBER,
  LINKED_TO_CONFIRMED_FRAUD,
  OFF_APP_CONTACT,
  OFF_APP_AFTER_SAFE_PAYMENT,
  REPEATED_DISPUTES,
  PAYMENT_FAILURE_BURST,
];

export const RULES_BY_CODE: ReadonlyMap<string, Rule> = new Map(RULES.map((rule) => [rule.code, rule]));

/** The rules that match, less those a stronger matching rule supersedes (Rule.supersedes). */
export function evaluateRules(facts: RuleFacts, rules: readonly Rule[] = RULES): Rule[] {
  const matched = rules.filter((rule) => rule.matches(facts));
  const superseded = new Set(matched.flatMap((rule) => rule.supersedes ?? []));
  return superseded.size === 0 ? matched : matched.filter((rule) => !superseded.has(rule.code));
}

/**
 * The level of a set of active signals: the highest one, except that two different HIGH rules
 * together (e.g. an advance-payment request with a fake payment link) make it CRITICAL.
 */
export function combineLevels(signals: ReadonlyArray<{ rule: string; level: RiskLevel }>): RiskLevel {
  let top: RiskLevel = 'NONE';
  const highRules = new Set<string>();
  for (const signal of signals) {
    if (levelRank(signal.level) > levelRank(top)) top = signal.level;
    if (signal.level === 'HIGH') highRules.add(signal.rule);
  }
  return highRules.size >= 2 && levelRank(top) < levelRank('CRITICAL') ? 'CRITICAL' : top;
}

/** Actions a level takes by itself: HIGH warns and asks for verification; CRITICAL also holds trades. */
export function automaticActions(level: RiskLevel): Array<'WARN_COUNTERPARTS' | 'REQUIRE_VERIFICATION' | 'HOLD_TRANSACTIONS'> {
  if (level === 'CRITICAL') return ['WARN_COUNTERPARTS', 'REQUIRE_VERIFICATION', 'HOLD_TRANSACTIONS'];
  if (level === 'HIGH') return ['WARN_COUNTERPARTS', 'REQUIRE_VERIFICATION'];
  return [];
}

export function atLeast(level: RiskLevel, minimum: RiskLevel): boolean {
  return levelRank(level) >= levelRank(minimum);
}
