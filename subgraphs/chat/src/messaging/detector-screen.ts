// The screen sendMessage uses: the screening folder's detectors (payment identifiers in every
// spelling, lookalike links, off-app contact requests). Known fraud accounts are not looked up yet:
// chat keeps no copy of the report registry's confirmed identifiers (issue 18 §2 remains open for
// that copy, fed by report.identifiers_confirmed), so no identifier is treated as known fraud.
import type { MessageScreen } from '../model.ts';
import { screenMessage, type KnownFraudLookup } from '../screening/screen.ts';

const noRegistryCopyYet: KnownFraudLookup = () => false;

export function detectorScreen(allowedLinkDomains?: readonly string[]): MessageScreen {
  return {
    screen: ({ text, recentTexts }) => {
      const result = screenMessage({ text, recentTexts }, noRegistryCopyYet, { allowedLinkDomains });
      return {
        deliveredText: result.deliveredText,
        masked: result.masked,
        findings: result.findings.map(({ code, level }) => ({ code, level })),
      };
    },
  };
}
