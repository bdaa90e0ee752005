import type { Identity } from '@anshim/platform';
import { addressBucket } from './client-ip.ts';
import type { RateCharge, RateWindow } from './rate-limit.ts';

export interface RateLimitSettings {
  /** Every operation, per client address. */
  perIp: RateWindow;
  /** Every operation of a signed-in user, wherever it comes from. */
  perUser: RateWindow;
  /** Root fields with their own, stricter windows (sign-in, sign-up, verification codes, reports). */
  sensitiveFields: readonly string[];
  /** The window of each sensitive field, counted per address and per user apart from the rest. */
  sensitive: RateWindow;
}

/**
 * The counters one operation is charged to: one hit on the address (an IPv6 client's /64) and
 * (signed in) the user; each occurrence of a sensitive root field is one more hit on that field's
 * own counters, so aliasing `login` five times costs five sign-in attempts.
 */
export function rateCharges(settings: RateLimitSettings, who: { identity: Identity | null; clientIp: string }, rootFields: readonly string[]): RateCharge[] {
  const address = addressBucket(who.clientIp);
  const charges: RateCharge[] = [{ key: `rl:ip:${address}`, hits: 1, ...settings.perIp }];
  if (who.identity) charges.push({ key: `rl:user:${who.identity.userId}`, hits: 1, ...settings.perUser });
  for (const field of settings.sensitiveFields) {
    const hits = rootFields.filter((name) => name === field).length;
    if (hits === 0) continue;
    charges.push({ key: `rl:${field}:ip:${address}`, hits, ...settings.sensitive });
    if (who.identity) charges.push({ key: `rl:${field}:user:${who.identity.userId}`, hits, ...settings.sensitive });
  }
  return charges;
}

/** Whether an operation touches a sensitive field: its limits fail closed when Redis is away. */
export function chargesSensitive(settings: RateLimitSettings, rootFields: readonly string[]): boolean {
  return rootFields.some((name) => settings.sensitiveFields.includes(name));
}
