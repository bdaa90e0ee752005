// The screen sendMessage uses: the screening folder's detectors (payment identifiers in every
// spelling, lookalike links, off-app contact requests) and chat's copy of the fraud registry.
// Screening is pure and synchronous, so it runs twice at most: once noting which identifiers it
// would ask the registry about, then (only when the copy knows one of them) again with the answer,
// so a known fraud account is masked and its recipient warned (KNOWN_FRAUD_IDENTIFIER, CRITICAL).
import type { MessageScreen, ScreenResult } from '../model.ts';
import type { IdentifierCandidate } from '../copies/known-fraud-repository.ts';
import { screenMessage, type ScreeningResult } from '../screening/screen.ts';

export interface FraudRegistryCopy {
  knownAmong(candidates: readonly IdentifierCandidate[]): Promise<Set<string>>;
}

export function detectorScreen(registry: FraudRegistryCopy, allowedLinkDomains?: readonly string[]): MessageScreen {
  return {
    screen: async ({ text, recentTexts }) => {
      const candidates: IdentifierCandidate[] = [];
      const first = screenMessage({ text, recentTexts }, (type, key) => (candidates.push({ type, key }), false), { allowedLinkDomains });
      const known = await registry.knownAmong(candidates);
      if (known.size === 0) return asScreenResult(first);
      return asScreenResult(screenMessage({ text, recentTexts }, (_type, key) => known.has(key), { allowedLinkDomains }));
    },
  };
}

function asScreenResult(result: ScreeningResult): ScreenResult {
  return { deliveredText: result.deliveredText, masked: result.masked, findings: result.findings.map(({ code, level }) => ({ code, level })) };
}
