// Signed, expiring URLs of the two ID card routes: the user's upload (PUT) and an ADMIN's view
// (GET). HMAC-SHA256 over the purpose, the check id and the expiry, keyed from INTERNAL_SECRET so
// every replica agrees; anyone holding a URL can use it only until it expires.
import { createHmac } from 'node:crypto';
import { safeEqual } from '@anshim/platform';

export const ID_CARD_ROUTE = '/auth/id-card';
type Purpose = 'upload' | 'photo';

export class IdCardUrls {
  private readonly key: string;

  constructor(
    internalSecret: string,
    /** Read late: the port is known only after listen in tests. */
    private readonly publicBaseUrl: () => string,
  ) {
    this.key = createHmac('sha256', internalSecret).update('anshim:id-card-url').digest('base64url');
  }

  url(purpose: Purpose, checkId: string, expiresAt: Date): string {
    const exp = String(Math.floor(expiresAt.getTime() / 1000));
    const query = new URLSearchParams({ exp, sig: this.sign(purpose, checkId, exp) });
    return `${this.publicBaseUrl().replace(/\/$/, '')}${ID_CARD_ROUTE}/${purpose}/${checkId}?${query}`;
  }

  verify(purpose: Purpose, checkId: string, query: Record<string, unknown>, now = Date.now()): 'ok' | 'tampered' | 'expired' {
    const exp = typeof query.exp === 'string' ? query.exp : '';
    const sig = typeof query.sig === 'string' ? query.sig : '';
    if (!/^\d{1,12}$/.test(exp) || !sig || !safeEqual(sig, this.sign(purpose, checkId, exp))) return 'tampered';
    return Number(exp) * 1000 < now ? 'expired' : 'ok';
  }

  private sign(purpose: Purpose, checkId: string, exp: string): string {
    return createHmac('sha256', this.key).update(`${purpose}\n${checkId}\n${exp}`).digest('base64url');
  }
}
