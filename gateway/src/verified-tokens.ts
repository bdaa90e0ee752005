// Access tokens the gateway verified already. A member's app sends the same token with every
// request for up to 15 minutes, and the bench's CPU profile (issue 18) had the HMAC check of it
// (jose on WebCrypto) as the gateway's largest single cost per sendMessage. A signature's
// verdict never changes for the same bytes and the same secret, so a token verified once is
// remembered by its exact string until it expires; only its expiry is checked again (as jose
// does: expired once `exp` ≤ now in whole seconds). Only good tokens are kept, so a forged or
// altered one is never found here. Revocation is not a property of the token and is still asked
// of Redis on every request (auth.ts).
import { BoundedMap, type AccessClaims, type AccessTokenCheck } from '@anshim/platform';

export class VerifiedTokens {
  private readonly claims: BoundedMap<string, AccessClaims>;

  constructor(
    private readonly verify: (token: string) => Promise<AccessTokenCheck>,
    /** Tokens kept at most; the oldest kept is forgotten first. */
    capacity = 10_000,
    private readonly nowMs: () => number = Date.now,
  ) {
    this.claims = new BoundedMap(capacity);
  }

  async check(token: string): Promise<AccessTokenCheck> {
    const known = this.claims.get(token);
    if (known) {
      if (known.exp > Math.floor(this.nowMs() / 1000)) return { ok: true, claims: known };
      this.claims.delete(token);
      return { ok: false, reason: 'expired' };
    }
    const checked = await this.verify(token);
    if (checked.ok) {
      this.claims.remember(token, checked.claims);
    }
    return checked;
  }
}
