// The screen sendMessage uses: the screening folder's detectors (payment identifiers in every
// spelling, lookalike links, off-app contact requests) and chat's copy of the fraud registry.
// Screening is pure and synchronous, so it runs twice at most: once noting which identifiers it
// would ask the registry about, then (only when the copy knows one of them) again with the answer,
// so a known fraud account is masked and its recipient warned (KNOWN_FRAUD_IDENTIFIER, CRITICAL).
// The identifiers it noted leave as keyed lookup hashes only (for the monitor), never in clear.
// The registry is asked ahead, in the send's facts read, about the candidates of the message's own
// text (lookupHashesOf); only a candidate that exists with the recent texts alone (a number split
// across messages) is still looked up here, so the answers are exactly what one lookup would give.
import type { LookupHasher } from '@anshim/contracts';
import type { MessageScreen, RegistryAnswers, ScreenResult } from '../model.ts';
import type { IdentifierCandidate } from '../copies/known-fraud-repository.ts';
import { screenMessage, type ScreeningResult } from '../screening/screen.ts';

export interface FraudRegistryCopy {
  knownAmong(candidates: readonly IdentifierCandidate[]): Promise<Set<string>>;
}

/** What chat.message_screened carries at most (the contract's bound). */
const MAX_IDENTIFIER_HASHES = 20;

export function detectorScreen(registry: FraudRegistryCopy, hasher: LookupHasher, allowedLinkDomains?: readonly string[]): MessageScreen {
  const candidatesOf = (text: string, recentTexts: readonly string[]) => {
    const candidates: IdentifierCandidate[] = [];
    const result = screenMessage({ text, recentTexts }, (type, key) => (candidates.push({ type, key }), false), { allowedLinkDomains });
    return { result, candidates };
  };
  return {
    lookupHashesOf: (text) => [...new Set(candidatesOf(text, []).candidates.map((c) => hasher.lookupHash(c.key)))],
    screen: async ({ text, recentTexts, registry: answered }) => {
      const { result: first, candidates } = candidatesOf(text, recentTexts);
      const known = await knownKeys(registry, hasher, candidates, answered);
      const result = known.size === 0 ? first : screenMessage({ text, recentTexts }, (_type, key) => known.has(key), { allowedLinkDomains });
      return { ...asScreenResult(result), identifierHashes: identifierHashes(result, candidates, hasher) };
    },
  };
}

/** The candidates' keys the registry copy knows: from the facts read's answers, the rest (if any) asked now. */
async function knownKeys(registry: FraudRegistryCopy, hasher: LookupHasher, candidates: readonly IdentifierCandidate[], answered: RegistryAnswers | undefined): Promise<Set<string>> {
  if (!answered) return registry.knownAmong(candidates);
  const known = new Set<string>();
  const unanswered: IdentifierCandidate[] = [];
  for (const candidate of candidates) {
    const hash = hasher.lookupHash(candidate.key);
    if (!answered.asked.has(hash)) unanswered.push(candidate);
    else if (answered.known.has(hash)) known.add(candidate.key);
  }
  if (unanswered.length > 0) for (const key of await registry.knownAmong(unanswered)) known.add(key);
  return known;
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
