// What a peer gateway must do to be let into our subgraphs, done the way our gateway does it:
// verify the member's access token (signature, issuer, audience, expiry: packages/platform's own
// check) and sign every subgraph request over method, subgraph, path, body hash, identity (or
// `anonymous`), time and request id (ARCHITECTURE §8). Shared by the Hive Gateway config and the
// stock Apollo peer; it lives here, beside their node_modules, so both resolve their own packages.
// Unlike our gateway, the peers skip the Redis checks of revoked tokens and the rate limits: the
// bench's tokens are never revoked, so the answers are the same and the peers do less work.
import { randomUUID } from 'node:crypto';
import { bodySha256, signIdentityHeaders, type Identity } from '../../packages/platform/src/identity.ts';
import { verifyAccessToken } from '../../packages/platform/src/tokens.ts';

export interface PeerSigner {
  /** The member behind an `Authorization: Bearer …` header; null when absent or not valid. */
  identityOf(authorization: string | null | undefined): Promise<Identity | null>;
  /** Headers that make a POST of `body` to `url` (one of the subgraphs) acceptable to it. */
  headersFor(url: string, body: string, identity: Identity | null): Record<string, string>;
}

/** Reads INTERNAL_SECRET, JWT_SECRET and ANSHIM_PEER_SUBGRAPHS (JSON: subgraph name → URL) from the environment. */
export function peerSignerFromEnv(env: NodeJS.ProcessEnv = process.env): PeerSigner {
  const internalSecret = env.INTERNAL_SECRET;
  const jwtSecret = env.JWT_SECRET;
  if (!internalSecret || !jwtSecret || !env.ANSHIM_PEER_SUBGRAPHS) throw new Error('peer signer needs INTERNAL_SECRET, JWT_SECRET and ANSHIM_PEER_SUBGRAPHS');
  const byUrl = new Map<string, { subgraph: string; path: string }>();
  for (const [subgraph, url] of Object.entries(JSON.parse(env.ANSHIM_PEER_SUBGRAPHS) as Record<string, string>)) {
    byUrl.set(url, { subgraph, path: new URL(url).pathname });
  }
  return {
    async identityOf(authorization) {
      const token = authorization?.startsWith('Bearer ') ? authorization.slice(7) : undefined;
      if (!token) return null;
      const check = await verifyAccessToken(jwtSecret, token);
      return check.ok ? { userId: check.claims.userId, role: check.claims.role } : null;
    },
    headersFor(url, body, identity) {
      const target = byUrl.get(url);
      if (!target) throw new Error(`peer signer: ${url} is not one of the subgraphs`);
      return signIdentityHeaders(internalSecret, identity, { method: 'POST', subgraph: target.subgraph, path: target.path, bodySha256: bodySha256(body) }, randomUUID());
    },
  };
}
