// Clusters of linked accounts as pure logic: the bounded breadth-first search over an in-memory
// graph (hops, size, hubs, which kinds of link connect whom), and the rules' wording.
import { describe, expect, it } from 'vitest';
import { DEFAULT_CLUSTER_LIMITS, type ClusterLimits, type LinkKind } from '../src/clusters/cluster-limits.ts';
import { exploreCluster, nonHubHolders, type ClusterGraph, type HeldValue } from '../src/clusters/explore-cluster.ts';
import { accountLinkRule, evaluateRules, linkKindsText, type RuleFacts } from '../src/rules/index.ts';

/** An in-memory graph that also counts its reads (one per call and hop). */
function graphOf(links: Array<[user: string, kind: LinkKind, value: string]>): ClusterGraph & { reads: number } {
  const held: HeldValue[] = links.map(([userId, kind, valueHash]) => ({ userId, kind, valueHash }));
  const graph = {
    reads: 0,
    valuesOf: async (userIds: readonly string[]) => {
      graph.reads += 1;
      return held.filter((h) => userIds.includes(h.userId));
    },
    holdersOf: async (values: ReadonlyArray<{ kind: LinkKind; valueHash: string }>, limit: number) => {
      graph.reads += 1;
      return values.flatMap((v) => held.filter((h) => h.kind === v.kind && h.valueHash === v.valueHash).slice(0, limit));
    },
  };
  return graph;
}

const limits = (more: Partial<ClusterLimits> = {}): ClusterLimits => ({ ...DEFAULT_CLUSTER_LIMITS, ...more });

describe('exploreCluster', () => {
  // A–device–B–phone–C–identifier–D, and E beyond D by another device.
  const ring = graphOf([
    ['A', 'DEVICE', 'd1'], ['B', 'DEVICE', 'd1'],
    ['B', 'PHONE', 'p1'], ['C', 'PHONE', 'p1'],
    ['C', 'PAYMENT_IDENTIFIER', 'x1'], ['D', 'PAYMENT_IDENTIFIER', 'x1'],
    ['D', 'DEVICE', 'd2'], ['E', 'DEVICE', 'd2'],
  ]);

  it('follows several hops, nearest first, naming the kinds of link on the way', async () => {
    const cluster = await exploreCluster('A', ring, limits());
    expect(cluster.members).toEqual([
      { userId: 'B', hops: 1, kinds: ['DEVICE'] },
      { userId: 'C', hops: 2, kinds: ['DEVICE', 'PHONE'] },
      { userId: 'D', hops: 3, kinds: ['DEVICE', 'PHONE', 'PAYMENT_IDENTIFIER'] },
    ]);
    expect(cluster).toMatchObject({ truncated: false, hubsIgnored: 0 });
  });

  it('stops at maxHops, and reads the graph twice per hop at most', async () => {
    const graph = graphOf([['A', 'DEVICE', 'd1'], ['B', 'DEVICE', 'd1'], ['B', 'PHONE', 'p1'], ['C', 'PHONE', 'p1']]);
    const cluster = await exploreCluster('A', graph, limits({ maxHops: 1 }));
    expect(cluster.members.map((m) => m.userId)).toEqual(['B']);
    expect(graph.reads).toBe(2);
    expect((await exploreCluster('A', ring, limits({ maxHops: 4 }))).members.map((m) => m.userId)).toEqual(['B', 'C', 'D', 'E']);
  });

  it('ignores a value shared by more accounts than maxAccountsPerLink (a hub), but not one at the limit', async () => {
    const hub = graphOf([
      ...['A', 'B', 'C', 'D'].map((u): [string, LinkKind, string] => [u, 'DEVICE', 'cafe']),
      ['A', 'PHONE', 'family'], ['F', 'PHONE', 'family'], ['G', 'PHONE', 'family'],
    ]);
    const cluster = await exploreCluster('A', hub, limits({ maxAccountsPerLink: 3 }));
    expect(cluster.members.map((m) => m.userId).sort()).toEqual(['F', 'G']);
    expect(cluster.hubsIgnored).toBe(1);
    expect(nonHubHolders([{ userId: 'A', kind: 'DEVICE', valueHash: 'v' }, { userId: 'B', kind: 'DEVICE', valueHash: 'v' }], 1)).toMatchObject({ hubs: 1 });
  });

  it('stops at maxMembers and says it was truncated', async () => {
    const star = graphOf(['A', ...'BCDEFGH'].map((u, i): [string, LinkKind, string] => [u, 'PHONE', i < 4 ? 'p1' : 'p2']).concat([['D', 'PHONE', 'p2']]));
    const cluster = await exploreCluster('A', star, limits({ maxMembers: 4 }));
    expect(cluster.members).toHaveLength(4);
    expect(cluster.truncated).toBe(true);
  });

  it('an account reached through two values on the same hop is linked by both kinds', async () => {
    const both = graphOf([['A', 'DEVICE', 'd'], ['B', 'DEVICE', 'd'], ['A', 'PHONE', 'p'], ['B', 'PHONE', 'p']]);
    expect((await exploreCluster('A', both, limits())).members).toEqual([{ userId: 'B', hops: 1, kinds: ['DEVICE', 'PHONE'] }]);
  });

  it('an account with no links, or whose only value is its own, has an empty cluster', async () => {
    expect((await exploreCluster('Z', ring, limits())).members).toEqual([]);
    expect((await exploreCluster('A', graphOf([['A', 'DEVICE', 'solo']]), limits())).members).toEqual([]);
  });
});

describe('account link rules', () => {
  const at = new Date('2026-12-01T00:00:00Z');
  const facts = (accountLink: RuleFacts['accountLink']): RuleFacts => ({ activity: { type: 'ACCOUNT_LINKED', userId: 'u', at }, accountLink, allowedDomains: [] });
  const codes = (f: RuleFacts) => evaluateRules(f).map((rule) => rule.code);

  it('a device or phone of a banned account, one hop away: RETURNING_BANNED_MEMBER, CRITICAL', () => {
    expect(codes(facts({ kinds: ['DEVICE'], hops: 1, toBannedAccount: true }))).toEqual(['RETURNING_BANNED_MEMBER']);
    const rule = accountLinkRule({ kinds: ['PHONE'], hops: 1, toBannedAccount: true });
    expect(rule).toMatchObject({ code: 'RETURNING_BANNED_MEMBER', level: 'CRITICAL' });
    expect(rule.message.ko).toMatch(/같은 전화번호로 가입하거나 로그인/);
    expect(rule.message.en).toMatch(/with the same phone number as a banned account/);
  });

  it('anything else in reach of confirmed fraud: LINKED_TO_CONFIRMED_FRAUD, HIGH, naming the kinds and hops', () => {
    expect(codes(facts({ kinds: ['PAYMENT_IDENTIFIER'], hops: 1, toBannedAccount: true }))).toEqual(['LINKED_TO_CONFIRMED_FRAUD']);
    expect(codes(facts({ kinds: ['DEVICE', 'PHONE'], hops: 2, toBannedAccount: false }))).toEqual(['LINKED_TO_CONFIRMED_FRAUD']);
    const rule = accountLinkRule({ kinds: ['DEVICE', 'PHONE', 'PAYMENT_IDENTIFIER'], hops: 3, toBannedAccount: false });
    expect(rule).toMatchObject({ code: 'LINKED_TO_CONFIRMED_FRAUD', level: 'HIGH', recipients: 'none' });
    expect(rule.message.ko).toContain('같은 기기·같은 전화번호·채팅에 쓴 같은 계좌·결제 번호로 3단계를 거쳐 연결');
    expect(rule.message.en).toContain('3 steps away to an account confirmed as fraud through the same device, the same phone number and the same bank account');
    expect(accountLinkRule({ kinds: ['DEVICE'], hops: 1, toBannedAccount: false }).message.en).toContain('linked directly');
  });

  it('no link facts, no match (an ordinary activity never trips them)', () => {
    expect(codes(facts(undefined))).toEqual([]);
    expect(linkKindsText(['PHONE', 'DEVICE'].filter((k) => k === 'DEVICE') as LinkKind[])).toEqual({ ko: '같은 기기', en: 'the same device' });
  });
});
