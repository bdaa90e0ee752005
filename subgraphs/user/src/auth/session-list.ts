// User.sessions and revokeSession: a session is a refresh-token family (one per sign-in) with the
// device id and client it was opened from. Ending one revokes its refresh tokens and blacklists
// the access tokens issued to it (auth-service.ts keeps their jti per family in Redis), and the
// revocation notice closes open graphql-ws sockets that use them.
import { ACCESS_TOKEN_TTL_SECONDS, isUuid, NotFoundError, requireIdentity, verifyAccessToken, type Logger, type Redis } from '@anshim/platform';
import type { Tx } from '../database.ts';
import { accountMessages } from '../messages.ts';
import type { UserRecord } from '../model.ts';
import { isSelf, type RequestScope } from '../scope.ts';
import { familyTokensKey, sessionKey } from './auth-service.ts';
import type { SessionRecord, SessionRepository } from './session-repository.ts';
import type { TokenRevocations } from './token-revocations.ts';

export interface SessionView extends SessionRecord {
  current: boolean;
}

export class SessionService {
  constructor(
    private readonly deps: { sessions: SessionRepository; revocations: TokenRevocations; redis: Redis; jwtSecret: string; logger: Logger },
  ) {}

  /** The member's own sessions; anyone else (ADMINs included) gets an empty list. */
  async listOf(scope: RequestScope, user: UserRecord): Promise<SessionView[]> {
    if (!isSelf(scope, user.id)) return [];
    const [rows, current] = await Promise.all([this.deps.sessions.listActive(user.id, new Date()), this.currentFamily(scope)]);
    return rows.map((row) => ({ ...row, current: row.id === current }));
  }

  /** How many sessions are open: ADMINs (the moderator console) and the member themself; null for others. */
  async countOf(scope: RequestScope, user: UserRecord): Promise<number | null> {
    if (!isSelf(scope, user.id) && scope.identity?.role !== 'ADMIN') return null;
    return this.deps.sessions.countActive(user.id, new Date());
  }

  /** Ends one of the caller's own sessions. Someone else's (or an unknown id) is NOT_FOUND and nothing changes. */
  async revoke(scope: RequestScope, id: string): Promise<boolean> {
    const identity = requireIdentity(scope);
    const owner = isUuid(id) ? await this.deps.sessions.familyOwner(id) : null;
    if (owner !== identity.userId) throw new NotFoundError(accountMessages.sessionNotFound, { field: 'id' });
    await this.deps.sessions.revokeFamilies([id], new Date());
    await this.stopAccessTokens(identity.userId, [id]);
    scope.logger.info({ familyId: id }, 'session revoked by its member');
    return true;
  }

  /** The refresh family of the caller's access token (forwarded Authorization), or null. */
  async currentFamily(scope: RequestScope): Promise<string | null> {
    const bearer = /^Bearer\s+(\S+)$/i.exec(scope.authorization ?? '')?.[1];
    if (!bearer || !scope.identity) return null;
    const checked = await verifyAccessToken(this.deps.jwtSecret, bearer);
    if (!checked.ok || checked.claims.userId !== scope.identity.userId) return null;
    return this.deps.redis.get(sessionKey(checked.claims.jti)).catch(() => null);
  }

  /** Revokes the families in the caller's transaction; stopAccessTokens after it committed. */
  async revokeFamiliesIn(tx: Tx, familyIds: readonly string[], at: Date): Promise<void> {
    await this.deps.sessions.revokeFamilies(familyIds, at, tx);
  }

  /** Blacklists every access token issued to these families (each closes its sockets too). */
  async stopAccessTokens(userId: string, familyIds: readonly string[]): Promise<void> {
    for (const familyId of familyIds) {
      const jtis = await this.deps.redis.smembers(familyTokensKey(familyId)).catch((error: unknown) => {
        this.deps.logger.warn({ err: error, familyId }, 'could not read the access tokens of a revoked session; they expire within 15 minutes');
        return [] as string[];
      });
      for (const jti of jtis) await this.deps.revocations.revokeToken(userId, jti, ACCESS_TOKEN_TTL_SECONDS);
    }
  }
}
