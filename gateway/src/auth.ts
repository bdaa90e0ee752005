import { HeaderMap } from '@apollo/server';
import {
  AppError,
  ErrorCode,
  UnauthenticatedError,
  blacklistKey,
  revokedBeforeKey,
  revokedReasonKey,
  pick,
  type AccessClaims,
  verifyAccessToken,
  type Identity,
  type Locale,
  type Logger,
  type Redis,
} from '@anshim/platform';
import { VerifiedTokens } from './verified-tokens.ts';

export type TokenRejection = 'malformed' | 'invalid' | 'expired' | 'revoked';

const MESSAGES: Record<TokenRejection, { ko: string; en: string }> = {
  malformed: { ko: 'Authorization 헤더는 "Bearer <토큰>" 형식이어야 합니다.', en: 'The Authorization header must be "Bearer <token>".' },
  invalid: { ko: '로그인 정보가 올바르지 않습니다. 다시 로그인해 주세요.', en: 'The access token is not valid. Please sign in again.' },
  expired: { ko: '로그인이 만료되었습니다. 토큰을 갱신해 주세요.', en: 'The access token has expired. Please refresh it.' },
  revoked: { ko: '로그아웃되었거나 계정 상태가 바뀐 토큰입니다. 다시 로그인해 주세요.', en: 'This access token was signed out or the account status changed. Please sign in again.' },
};

const UNCHECKABLE = {
  ko: '지금은 로그인 상태를 확인할 수 없습니다. 잠시 후 다시 시도해 주세요.',
  en: 'Your sign-in cannot be checked right now. Please try again in a moment.',
};

/** Why a verified token no longer counts: signed out / sessions ended (4401), or the account was sanctioned (4403). */
export type Revocation = 'revoked' | 'SUSPENDED' | 'BANNED';

export interface Authenticator {
  /** No Authorization header: anonymous (null). A present but bad token: UNAUTHENTICATED with HTTP 401. */
  identify(authorization: string | undefined, locale: Locale, logger: Logger): Promise<Identity | null>;
  /** identify() plus the token's claims, which a graphql-ws connection keeps to re-check revocation. */
  authenticate(authorization: string | undefined, locale: Locale, logger: Logger): Promise<{ identity: Identity; claims: AccessClaims } | null>;
  /**
   * Whether tokens with these claims were revoked since (one Redis round trip for many claims).
   * Throws the retryable "cannot be checked" error when Redis is away (fail closed).
   */
  revocations(claims: readonly AccessClaims[], locale: Locale, logger: Logger): Promise<Array<Revocation | null>>;
}

function rejection(reason: TokenRejection, locale: Locale, revocation?: Revocation): UnauthenticatedError {
  return new UnauthenticatedError(pick(MESSAGES[reason], locale), {
    reason,
    // A sanctioned account: graphql-ws closes with 4403 rather than 4401 (do not just sign in again).
    ...(revocation === 'SUSPENDED' || revocation === 'BANNED' ? { accountStatus: revocation } : {}),
    http: { status: 401, headers: new HeaderMap([['www-authenticate', `Bearer error="invalid_token"`]]) },
  });
}

export function createAuthenticator(options: { jwtSecret: string; redis: Redis }): Authenticator {
  const verified = new VerifiedTokens((token) => verifyAccessToken(options.jwtSecret, token));
  /** Signed out (blacklisted jti), or issued before the user's tokens were revoked (sanction, sessions ended). */
  async function revocations(claims: readonly AccessClaims[], locale: Locale, logger: Logger): Promise<Array<Revocation | null>> {
    if (claims.length === 0) return [];
    let values: Array<string | null>;
    try {
      values = await options.redis.mget(...claims.flatMap((c) => [blacklistKey(c.jti), revokedBeforeKey(c.userId), revokedReasonKey(c.userId)]));
    } catch (error) {
      // Fail closed: without the blacklist a signed-out or banned token would work again. The
      // client is told this is temporary (503, retryable) and its retry succeeds once Redis is back.
      logger.error({ err: error }, 'token blacklist unavailable');
      throw new AppError(pick(UNCHECKABLE, locale), ErrorCode.INTERNAL_SERVER_ERROR, {
        retryable: true,
        http: { status: 503, headers: new HeaderMap([['retry-after', '1']]) },
      });
    }
    return claims.map((c, i) => {
      const [blacklisted, revokedBefore, reason] = values.slice(3 * i, 3 * i + 3);
      if (blacklisted !== null) return 'revoked';
      if (revokedBefore === null || revokedBefore === undefined || c.iat * 1000 > Number(revokedBefore)) return null;
      return reason === 'SUSPENDED' || reason === 'BANNED' ? reason : 'revoked';
    });
  }

  async function authenticate(authorization: string | undefined, locale: Locale, logger: Logger) {
    if (authorization === undefined || authorization.trim() === '') return null;
    const token = /^Bearer +([^\s]+)\s*$/i.exec(authorization)?.[1];
    if (!token) throw rejection('malformed', locale);
    const checked = await verified.check(token);
    if (!checked.ok) {
      logger.debug({ reason: checked.reason }, 'refused access token');
      throw rejection(checked.reason, locale);
    }
    const [revoked] = await revocations([checked.claims], locale, logger);
    if (revoked) throw rejection('revoked', locale, revoked);
    return { identity: { userId: checked.claims.userId, role: checked.claims.role }, claims: checked.claims };
  }

  return {
    authenticate,
    revocations,
    async identify(authorization, locale, logger) {
      return (await authenticate(authorization, locale, logger))?.identity ?? null;
    },
  };
}
