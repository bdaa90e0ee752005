// The cluster of an account: a breadth-first search over shared link values, bounded by
// cluster-limits.ts. Pure: the graph is read through the two functions it is given (SQL in
// link-repository.ts, a map in unit tests), one call each per hop, so a cluster costs at most
// 2 × maxHops queries however large the marketplace is.
import { LINK_KINDS, type ClusterLimits, type LinkKind } from './cluster-limits.ts';

export interface LinkValue {
  kind: LinkKind;
  valueHash: string;
}

export interface HeldValue extends LinkValue {
  userId: string;
}

export interface ClusterGraph {
  /** Every link value the accounts hold. */
  valuesOf(userIds: readonly string[]): Promise<HeldValue[]>;
  /** The accounts holding each value, at most `limit` per value (enough to recognise a hub without reading it all). */
  holdersOf(values: readonly LinkValue[], limit: number): Promise<HeldValue[]>;
}

export interface ClusterMember {
  userId: string;
  /** Shortest distance from the starting account. */
  hops: number;
  /** The kinds of link on the shortest path(s) from the starting account, in LINK_KINDS order. */
  kinds: LinkKind[];
}

export interface Cluster {
  /** Everyone reached, nearest first; the starting account is not among them. */
  members: ClusterMember[];
  /** True when maxMembers stopped the search before it ended by itself. */
  truncated: boolean;
  /** Values skipped because more than maxAccountsPerLink accounts hold them. */
  hubsIgnored: number;
}

export const valueKey = (value: LinkValue): string => `${value.kind}:${value.valueHash}`;

export function sortKinds(kinds: Iterable<LinkKind>): LinkKind[] {
  const set = new Set(kinds);
  return LINK_KINDS.filter((kind) => set.has(kind));
}

/** Groups holders by value and drops the hubs (more holders than the limit allows). */
export function nonHubHolders(holders: readonly HeldValue[], maxAccountsPerLink: number): { byValue: Map<string, { value: LinkValue; userIds: string[] }>; hubs: number } {
  const byValue = new Map<string, { value: LinkValue; userIds: string[] }>();
  for (const holder of holders) {
    const key = valueKey(holder);
    const entry = byValue.get(key) ?? { value: { kind: holder.kind, valueHash: holder.valueHash }, userIds: [] };
    if (!entry.userIds.includes(holder.userId)) entry.userIds.push(holder.userId);
    byValue.set(key, entry);
  }
  let hubs = 0;
  for (const [key, entry] of byValue) {
    if (entry.userIds.length > maxAccountsPerLink) {
      byValue.delete(key);
      hubs += 1;
    }
  }
  return { byValue, hubs };
}

export async function exploreCluster(startUserId: string, graph: ClusterGraph, limits: ClusterLimits): Promise<Cluster> {
  const found = new Map<string, ClusterMember>();
  const pathKinds = new Map<string, Set<LinkKind>>([[startUserId, new Set()]]);
  const seenValues = new Set<string>();
  let frontier = [startUserId];
  let truncated = false;
  let hubsIgnored = 0;
  for (let hop = 1; hop <= limits.maxHops && frontier.length > 0 && !truncated; hop += 1) {
    const values = (await graph.valuesOf(frontier)).filter((value) => !seenValues.has(valueKey(value)));
    if (values.length === 0) break;
    const heldBy = new Map<string, string[]>();
    for (const value of values) heldBy.set(valueKey(value), [...(heldBy.get(valueKey(value)) ?? []), value.userId]);
    const distinct = [...new Map(values.map((value) => [valueKey(value), { kind: value.kind, valueHash: value.valueHash }])).values()];
    distinct.forEach((value) => seenValues.add(valueKey(value)));
    // One more than the limit tells a hub from a value at the limit.
    const { byValue, hubs } = nonHubHolders(await graph.holdersOf(distinct, limits.maxAccountsPerLink + 1), limits.maxAccountsPerLink);
    hubsIgnored += hubs;
    const next: string[] = [];
    for (const [key, { value, userIds }] of byValue) {
      const via = (heldBy.get(key) ?? []).filter((userId) => pathKinds.has(userId));
      const kinds = new Set<LinkKind>([value.kind, ...via.flatMap((userId) => [...pathKinds.get(userId)!])]);
      for (const userId of userIds) {
        if (userId === startUserId) continue;
        const member = found.get(userId);
        if (member) {
          // Reached again on this same hop through another value: both kinds connect it.
          if (member.hops === hop) {
            kinds.forEach((kind) => pathKinds.get(userId)!.add(kind));
            member.kinds = sortKinds(pathKinds.get(userId)!);
          }
          continue;
        }
        if (found.size >= limits.maxMembers) {
          truncated = true;
          break;
        }
        pathKinds.set(userId, new Set(kinds));
        found.set(userId, { userId, hops: hop, kinds: sortKinds(kinds) });
        next.push(userId);
      }
      if (truncated) break;
    }
    frontier = next;
  }
  return { members: [...found.values()].sort((a, b) => a.hops - b.hops), truncated, hubsIgnored };
}
