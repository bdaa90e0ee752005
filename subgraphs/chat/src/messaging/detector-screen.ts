// The screen sendMessage uses: the screening folder's detectors (payment identifiers in every
// spelling, lookalike links, off-app contact requests) and chat's copy of the fraud registry.
// Screening is pure and synchronous, so it runs twice at most: once noting which identifiers it
// would ask the registry about, then (only when the copy knows one of them) again with the answer,
// so a known fraud account is masked and its recipient warned (KNOWN_FRAUD_IDENTIFIER, CRITICAL).
// The identifiers it noted leave as keyed lookup hashes only (for the monitor), never in clear.
import type { LookupHasher } from '@anshim/contracts';
import type { MessageScreen, ScreenResult } from '../model.ts';
import type { IdentifierCandidate } from '../copies/known-fraud-repository.ts';
import { screenMessage, type ScreeningResult } from '../screening/screen.ts';

export interface FraudRegistryCopy {
  knownAmong(candidates: readonly IdentifierCandidate[]): Promise<Set<string>>;
}

/** What chat.message_screened carries at most (the contract's bound). */
const MAX_IDENTIFIER_HASHES = 20;

export function detectorScreen(registry: FraudRegistryCopy, hasher: LookupHasher, allowedLinkDomains?: readonly string[]): MessageScreen {
  return {
    screen: async ({ text, recentTexts }) => {
      const candidates: IdentifierCandidate[] = [];
      const first = screenMessage({ text, recentTexts }, (type, key) => (candidates.push({ type, key }), false), { allowedLinkDomains });
      const known = await registry.knownAmong(candidates);
      const result = known.size === 0 ? first : screenMessage({ text, recentTexts }, (_type, key) => known.has(key), { allowedLinkDomains });
      return { ...asScreenResult(result), identifierHashes: identifierHashes(result, candidates, hasher) };
    },
  };
}

/**
 * The hashes of the identifiers screening asked about, when it reported one (a number that was
 * not taken for an account or phone is no one's identifier). `candidate.key` is
 * paymentIdentifierKey(identifier), so its lookupHash is exactly paymentIdentifierHash(cipher, identifier).
 */
function identifierHashes(result: ScreeningResult, candidates: readonly IdentifierCandidate[], hasher: LookupHasher): string[] {
  if (!result.findings.some((f) => f.code === 'PAYMENT_IDENTIFIER' || f.code === 'KNOWN_FRAUD_IDENTIFIER')) return [];
  return [...new Set(candidates.map((c) => hasher.lookupHash(c.key)))].slice(0, MAX_IDENTIFIER_HASHES);
}

function asScreenResult(result: ScreeningResult): ScreenResult {
  return { deliveredText: result.deliveredText, masked: result.masked, findings: result.findings.map(({ code, level }) => ({ code, level })) };
}
