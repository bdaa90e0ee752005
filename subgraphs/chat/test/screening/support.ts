import { paymentIdentifierKey } from '@anshim/contracts';
import type { KnownFraudLookup } from '../../src/screening/screen.ts';

/** A registry that knows nothing. */
export const nobody: KnownFraudLookup = () => false;

/** A registry that knows these canonical identifiers (digits only), and records what it was asked. */
export function registry(known: { accounts?: string[]; phones?: string[] }): KnownFraudLookup & { asked: string[] } {
  const keys = new Set([
    ...(known.accounts ?? []).map((value) => paymentIdentifierKey({ type: 'BANK_ACCOUNT', value })),
    ...(known.phones ?? []).map((value) => paymentIdentifierKey({ type: 'PHONE', value })),
  ]);
  const asked: string[] = [];
  const lookup = (kind: 'BANK_ACCOUNT' | 'PHONE', key: string) => {
    asked.push(key);
    return key.startsWith(`payment-identifier:${kind}:`) && keys.has(key);
  };
  return Object.assign(lookup, { asked });
}
