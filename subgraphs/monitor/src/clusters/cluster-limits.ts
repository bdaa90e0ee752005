// How far a cluster of linked accounts reaches: the one place its bounds are defined (env.ts reads
// the defaults from here; docs/alerts-and-guardians.md explains them). The bounds exist because one
// link value can be shared innocently by many accounts: a shop's tablet or an emulator's fixed
// device id, a family's phone, a well-known business account written in many chats. Such a hub
// would otherwise join half the marketplace into one "cluster" and flag it when one member is banned.

/** What links two accounts: a shared device id, verified phone, or payment identifier written in chat. */
export const LINK_KINDS = ['DEVICE', 'PHONE', 'PAYMENT_IDENTIFIER'] as const;
export type LinkKind = (typeof LINK_KINDS)[number];

export interface ClusterLimits {
  /** Hops from the starting account: A–B is 1, A–B–C is 2. */
  maxHops: number;
  /** Accounts in one cluster besides the starting one; exploring stops (truncated) once reached. */
  maxMembers: number;
  /** A value held by more accounts than this is a hub: it links nobody (nor flags a returning member). */
  maxAccountsPerLink: number;
}

export const DEFAULT_CLUSTER_LIMITS: ClusterLimits = {
  // Three hops catches the usual rings (an old device handed to a mule account whose phone verifies a
  // third account that writes the same bank account in chat) without wandering into strangers.
  maxHops: 3,
  maxMembers: 50,
  // A household shares a phone or a tablet among a few people; more than five accounts on one value
  // is a public or fixed device id, not a person.
  maxAccountsPerLink: 5,
};
