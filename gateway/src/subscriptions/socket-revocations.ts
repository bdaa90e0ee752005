// A graphql-ws connection authenticates once, but a session can end while it stays open (logout,
// sessions revoked, password changed, account suspended or banned). This closes such sockets:
// at once when the user service announces the revocation on Redis pub/sub, and on a periodic
// sweep of the same Redis keys HTTP checks, so a lost notice (or a notice sent while this gateway
// was reconnecting) still closes them within the sweep interval.
import {
  REVOCATION_CHANNEL,
  WsCloseCode,
  type AccessClaims,
  type Logger,
  type RedisChannelHub,
  type RevocationNotice,
} from '@anshim/platform';
import type { Authenticator, Revocation } from '../auth.ts';

/** What a revoked socket is closed with: 4401 for an ended session, 4403 for a sanctioned account. */
export function closeFor(revocation: Revocation): { code: number; reason: string } {
  if (revocation === 'revoked') return { code: WsCloseCode.Unauthorized, reason: 'Unauthorized: revoked' };
  return { code: WsCloseCode.Forbidden, reason: `Forbidden: account ${revocation === 'BANNED' ? 'banned' : 'suspended'}` };
}

interface TrackedSocket {
  claims: AccessClaims;
  close(code: number, reason: string): void;
}

export interface SocketRevocationsOptions {
  authenticator: Authenticator;
  hub: RedisChannelHub;
  /** How often every tracked socket's token is checked against Redis again. */
  sweepIntervalMs: number;
  logger: Logger;
}

/** Claims checked per Redis round trip during a sweep. */
const SWEEP_CHUNK = 500;

export class SocketRevocations {
  private readonly byUser = new Map<string, Set<TrackedSocket>>();
  private timer: NodeJS.Timeout | undefined;
  private unlisten: (() => Promise<void>) | undefined;
  private sweeping = false;

  constructor(private readonly options: SocketRevocationsOptions) {}

  /**
   * Starts the sweep and listens for notices. Not awaited on the subscription: a gateway starts
   * while Redis is away (its sign-in checks fail closed meanwhile) and listens once it is back.
   */
  start(): void {
    const listening = this.options.hub.listen(REVOCATION_CHANNEL, (message) => this.onNotice(message));
    this.unlisten = async () => (await listening)();
    listening.catch((error: unknown) => this.options.logger.error({ err: error }, 'revocation notices unavailable; the sweep still closes revoked sockets'));
    this.timer = setInterval(() => void this.sweep(), this.options.sweepIntervalMs);
    this.timer.unref();
  }

  /** Follows a signed-in socket until it closes; call the returned function when it does. */
  track(claims: AccessClaims, close: (code: number, reason: string) => void): () => void {
    const socket: TrackedSocket = { claims, close };
    let set = this.byUser.get(claims.userId);
    if (!set) this.byUser.set(claims.userId, (set = new Set()));
    set.add(socket);
    return () => this.untrack(socket);
  }

  get size(): number {
    let total = 0;
    for (const set of this.byUser.values()) total += set.size;
    return total;
  }

  /** Checks every tracked socket against Redis once and closes the revoked ones. */
  async sweep(): Promise<void> {
    if (this.sweeping) return; // a slow Redis: the next tick starts when this one is done
    this.sweeping = true;
    try {
      const sockets = [...this.byUser.values()].flatMap((set) => [...set]);
      for (let start = 0; start < sockets.length; start += SWEEP_CHUNK) {
        const chunk = sockets.slice(start, start + SWEEP_CHUNK);
        const verdicts = await this.options.authenticator.revocations(
          chunk.map((socket) => socket.claims),
          'en',
          this.options.logger,
        );
        chunk.forEach((socket, i) => {
          const verdict = verdicts[i];
          if (verdict) this.closeSocket(socket, verdict, 'sweep');
        });
      }
    } catch (error) {
      // Redis is away: operations on these sockets are refused meanwhile (they re-check, fail closed).
      this.options.logger.warn({ err: error }, 'revocation sweep failed; retrying on the next tick');
    } finally {
      this.sweeping = false;
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    const unlisten = this.unlisten;
    this.unlisten = undefined;
    // The hub closes right after this: a subscription still waiting for Redis is not awaited.
    await Promise.race([unlisten?.().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 100).unref())]);
    this.byUser.clear();
  }

  private onNotice(message: string): void {
    let notice: RevocationNotice;
    try {
      notice = JSON.parse(message) as RevocationNotice;
    } catch {
      this.options.logger.warn('unreadable revocation notice');
      return;
    }
    for (const socket of [...(this.byUser.get(notice.userId) ?? [])]) {
      if ('jti' in notice) {
        if (socket.claims.jti === notice.jti) this.closeSocket(socket, 'revoked', 'notice');
      } else if (socket.claims.iat * 1_000 <= notice.before) {
        this.closeSocket(socket, notice.reason === 'SESSIONS_REVOKED' ? 'revoked' : notice.reason, 'notice');
      }
    }
  }

  private closeSocket(socket: TrackedSocket, revocation: Revocation, via: 'notice' | 'sweep'): void {
    this.untrack(socket);
    const { code, reason } = closeFor(revocation);
    this.options.logger.info({ userId: socket.claims.userId, code, via }, 'closed a revoked graphql-ws connection');
    socket.close(code, reason);
  }

  private untrack(socket: TrackedSocket): void {
    const set = this.byUser.get(socket.claims.userId);
    if (!set) return;
    set.delete(socket);
    if (set.size === 0) this.byUser.delete(socket.claims.userId);
  }
}
