// Clusters of linked accounts: storing the links the platform observes (a device id at sign-up or
// sign-in, a verified phone, payment identifiers written in chat or tied to an account by an
// accepted report) and acting on them:
// - a new link to a device or phone a BANNED account holds flags the account at once
//   (RETURNING_BANNED_MEMBER, CRITICAL);
// - a new link that puts the account within reach of a banned or confirmed fraud account, and the
//   confirmation of a member (a ban, an accepted report), flag the others (LINKED_TO_CONFIRMED_FRAUD).
// Exploring is bounded by cluster-limits.ts. Every alert is keyed by the pair (confirmed account,
// flagged account) and rule, so a redelivered event, or a ban that is announced both by the report
// and the user service, flags each account once.
import type { FieldCipher, Logger } from '@anshim/platform';
import type { AlertRecord } from '../alerts/alert-repository.ts';
import type { AssessmentService, FromEvent } from '../assessment/assessment-service.ts';
import { accountLinkRule } from '../rules/index.ts';
import type { ClusterLimits, LinkKind } from './cluster-limits.ts';
import { exploreCluster, nonHubHolders, sortKinds, type Cluster, type LinkValue } from './explore-cluster.ts';
import type { LinkRepository } from './link-repository.ts';

export interface ClusterServiceDeps {
  links: LinkRepository;
  assessment: AssessmentService;
  /** The monitor's keyed lookup hash (DATA_ENCRYPTION_KEY): device ids are stored hashed with it, never raw. */
  cipher: Pick<FieldCipher, 'lookupHash'>;
  limits: ClusterLimits;
  logger: Logger;
}

interface Link {
  kinds: LinkKind[];
  hops: number;
  toBannedAccount: boolean;
}

export class ClusterService {
  constructor(private readonly deps: ClusterServiceDeps) {}

  deviceLink(deviceId: string): LinkValue {
    return { kind: 'DEVICE', valueHash: this.deps.cipher.lookupHash(`device:${deviceId}`) };
  }

  phoneLink(phoneLookupHash: string): LinkValue {
    return { kind: 'PHONE', valueHash: phoneLookupHash };
  }

  /** The cluster around an account, read in the event's transaction. */
  explore(userId: string, from: Pick<FromEvent, 'tx'>): Promise<Cluster> {
    return exploreCluster(userId, this.deps.links.graph(from.tx), this.deps.limits);
  }

  /** Sign-up, sign-in or phone verification: the device or phone the account was seen with. */
  async accountSeenWith(userId: string, values: readonly LinkValue[], at: Date, from: FromEvent): Promise<AlertRecord[]> {
    const added = await this.deps.links.record(from.tx, userId, values, at);
    return added.length > 0 ? this.checkNewLinks(userId, added, at, from) : [];
  }

  /**
   * Payment identifiers a member wrote in chat (lookup hashes). One the recipient wrote first is
   * theirs, quoted back ("is this your account?"): it does not link the sender to it, or every
   * careful buyer would join the cluster of the fraudster who wrote to them.
   */
  async identifiersWritten(senderId: string, recipientId: string, hashes: readonly string[], at: Date, from: FromEvent): Promise<AlertRecord[]> {
    if (hashes.length === 0) return [];
    const recipients = await this.deps.links.heldBy(from.tx, recipientId, 'PAYMENT_IDENTIFIER', hashes);
    const own = [...new Set(hashes)].filter((hash) => !recipients.has(hash)).map((valueHash): LinkValue => ({ kind: 'PAYMENT_IDENTIFIER', valueHash }));
    return this.accountSeenWith(senderId, own, at, from);
  }

  /** report.identifiers_confirmed: the identifiers are the target's; the target and its cluster are dealt with by fraudConfirmed. */
  async identifiersConfirmed(userId: string, hashes: readonly string[], at: Date, from: FromEvent): Promise<AlertRecord[]> {
    await this.deps.links.record(from.tx, userId, hashes.map((valueHash) => ({ kind: 'PAYMENT_IDENTIFIER' as const, valueHash })), at);
    await this.deps.links.markConfirmed(from.tx, userId, at);
    return this.fraudConfirmed(userId, at, from);
  }

  /** A member was banned or confirmed as fraud: every other account of their cluster is flagged. */
  async fraudConfirmed(userId: string, at: Date, from: FromEvent): Promise<AlertRecord[]> {
    const cluster = await this.explore(userId, from);
    if (cluster.truncated || cluster.hubsIgnored > 0) {
      this.deps.logger.info({ userId, members: cluster.members.length, truncated: cluster.truncated, hubsIgnored: cluster.hubsIgnored }, 'cluster bounded');
    }
    const raised: AlertRecord[] = [];
    for (const member of cluster.members) {
      raised.push(...(await this.flag(member.userId, { kinds: member.kinds, hops: member.hops, toBannedAccount: false }, userId, at, from)));
    }
    return raised;
  }

  /**
   * New links of an account: first the returning banned member (a new device or phone that a banned
   * account holds, hubs aside), then the cluster (nearest banned or confirmed account).
   */
  private async checkNewLinks(userId: string, added: readonly LinkValue[], at: Date, from: FromEvent): Promise<AlertRecord[]> {
    const { links, limits } = this.deps;
    const personal = added.filter((value) => value.kind !== 'PAYMENT_IDENTIFIER');
    if (personal.length > 0) {
      const { byValue } = nonHubHolders(await links.graph(from.tx).holdersOf(personal, limits.maxAccountsPerLink + 1), limits.maxAccountsPerLink);
      const others = [...new Set([...byValue.values()].flatMap((entry) => entry.userIds))].filter((id) => id !== userId);
      const confirmed = await links.confirmedAmong(from.tx, others);
      const banned = others.filter((id) => confirmed.get(id)?.banned).sort();
      if (banned.length > 0) {
        const kinds = sortKinds([...byValue.values()].filter((entry) => entry.userIds.some((id) => banned.includes(id))).map((entry) => entry.value.kind));
        return this.flag(userId, { kinds, hops: 1, toBannedAccount: true }, banned[0]!, at, from);
      }
    }
    const cluster = await this.explore(userId, from);
    const confirmed = await links.confirmedAmong(from.tx, cluster.members.map((member) => member.userId));
    const nearest = cluster.members.find((member) => confirmed.has(member.userId));
    if (!nearest) return [];
    return this.flag(userId, { kinds: nearest.kinds, hops: nearest.hops, toBannedAccount: false }, nearest.userId, at, from);
  }

  private async flag(memberId: string, link: Link, confirmedId: string, at: Date, from: FromEvent): Promise<AlertRecord[]> {
    // Keyed by the pair, not the event: the same pair found again (another event, another path) raises nothing new.
    const pair: FromEvent = { ...from, sourceEventId: `link:${confirmedId}>${memberId}` };
    const { alerts } = await this.deps.assessment.assess({ type: 'ACCOUNT_LINKED', userId: memberId, at }, { accountLink: link }, pair, [accountLinkRule(link)]);
    return alerts;
  }
}
