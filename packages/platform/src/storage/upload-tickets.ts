// Which upload tickets are open (issued, not attached, not expired), in Redis, shared by every
// replica of a service and by the three services that take uploads. Two sorted sets per kind
// (policy namespace), scored by the ticket's expiry:
// - `uploads:open:<kind>:<owner>`: the member's open tickets, for the quota (attach removes them);
// - `uploads:sweep:<kind>`: every ticket ever issued, until the sweep (upload-sweep.ts) has dealt
//   with its file after expiry. It is only a to-do list: the service's database decides whether a
//   key was attached, so a lost Redis entry can only leave a private file on disk, never delete an
//   attached one.
// Redis rather than each service's PostgreSQL: one implementation serves three databases, and
// the quota check-and-add is one atomic script under concurrent requests.
import type { Redis } from 'ioredis';
import { RateLimitedError } from '../errors.ts';
import { storageMessages } from './messages.ts';

export interface UploadTicketSettings {
  /** How long a ticket stays open: attach within it, or the file is swept. */
  ttlSeconds: number;
  /** Open tickets one member may hold per kind. */
  maxOpenPerMember: number;
}

// KEYS: open set, sweep set. ARGV: now ms, expiry ms, max, key, open-set ttl ms.
// Returns 0 (issued) or the earliest expiry (ms) of the tickets holding the quota.
const ISSUE = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
  local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return tonumber(first[2])
end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[4])
return 0`;

const openKey = (kind: string, ownerId: string) => `uploads:open:${kind}:${ownerId}`;
const sweepKey = (kind: string) => `uploads:sweep:${kind}`;

type WithIssue = Redis & { anshimUploadIssue(open: string, sweep: string, now: number, expires: number, max: number, key: string, ttl: number): Promise<number> };

export class UploadTickets {
  private readonly redis: WithIssue;

  constructor(redis: Redis, readonly settings: UploadTicketSettings) {
    if (!('anshimUploadIssue' in redis)) redis.defineCommand('anshimUploadIssue', { numberOfKeys: 2, lua: ISSUE });
    this.redis = redis as WithIssue;
  }

  /** Records a ticket, or refuses with RATE_LIMITED (reason UPLOAD_QUOTA) when the member holds too many open ones. */
  async open(kind: string, ownerId: string, key: string, now: Date): Promise<Date> {
    const expiresAt = new Date(now.getTime() + this.settings.ttlSeconds * 1000);
    const { maxOpenPerMember: max, ttlSeconds } = this.settings;
    const earliest = await this.redis.anshimUploadIssue(openKey(kind, ownerId), sweepKey(kind), now.getTime(), expiresAt.getTime(), max, key, ttlSeconds * 1000 + 60_000);
    if (earliest !== 0) {
      const retryAfter = Math.max(1, Math.ceil((earliest - now.getTime()) / 1000));
      throw new RateLimitedError(storageMessages.tooManyOpenUploads(max), retryAfter, { reason: 'UPLOAD_QUOTA', max });
    }
    return expiresAt;
  }

  /** The keys were attached: they no longer hold the member's quota (the sweep still tidies their originals). */
  async attached(kind: string, ownerId: string, keys: readonly string[]): Promise<void> {
    if (keys.length > 0) await this.redis.zrem(openKey(kind, ownerId), ...keys);
  }

  /** Tickets of this kind that expired before `before`, oldest first. */
  async expired(kind: string, before: Date, limit: number): Promise<string[]> {
    return this.redis.zrangebyscore(sweepKey(kind), '-inf', before.getTime(), 'LIMIT', 0, limit);
  }

  async done(kind: string, keys: readonly string[]): Promise<void> {
    if (keys.length > 0) await this.redis.zrem(sweepKey(kind), ...keys);
  }
}
