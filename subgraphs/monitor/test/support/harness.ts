// The monitor subgraph under test (test/support/subgraph-harness.ts starts it, signs identity,
// stands in for the services that send it events, opens graphql-ws subscriptions the way the
// gateway does, and cleans up).
import { randomUUID } from 'node:crypto';
import { SubgraphHarness, type Env } from '../../../../test/support/subgraph-harness.ts';
import { buildMonitorServer, type MonitorServer } from '../../src/server.ts';
import { createDatabase, type MonitorPrisma } from '../../src/database.ts';
import type { UserHarness } from '../../../user/test/support/harness.ts';

export { admin, hex, onlyError, user, waitFor, type GraphQLResult } from '../../../../test/support/subgraph-harness.ts';

export class MonitorHarness extends SubgraphHarness<MonitorServer, MonitorPrisma> {
  /**
   * `userOwner`: a user subgraph started first (port 0), asked whether a member an ADMIN names in
   * recordActivity exists; without one its URL points nowhere (port 9): such a record fails closed.
   */
  constructor(
    extraEnv: Env = {},
    private readonly userOwner?: UserHarness,
  ) {
    super('monitor', extraEnv, { database: createDatabase });
    if (userOwner) this.sharingSecretsWith(userOwner);
  }

  protected override serviceEnv(): Env {
    return { MONITOR_USER_SUBGRAPH_URL: this.userOwner?.url ?? 'http://127.0.0.1:9/graphql', MONITOR_INTERNAL_READ_TIMEOUT_MS: '500' };
  }

  protected override buildServer(env: Env): Promise<MonitorServer> {
    return buildMonitorServer(env);
  }
}

export const ALERT_FIELDS = 'id level rule message subject { id } recipients { id } product { id } transaction { id } createdAt acknowledged';

type Member = { userId: string };
type Finding = { code: string; level: 'MEDIUM' | 'HIGH' | 'CRITICAL' };

/** The chat service stored a message from `sender` to `recipient` (chat.contact_observed: chat announces a party's first message, then one an hour); resolves once the monitor handled it. */
export async function chatted(h: MonitorHarness, sender: Member, recipient: Member, productId: string = randomUUID()): Promise<void> {
  await h.deliver({
    type: 'chat.contact_observed',
    producer: 'chat',
    subjectUserId: sender.userId,
    data: { conversationId: randomUUID(), messageId: randomUUID(), productId, senderId: sender.userId, recipientId: recipient.userId, sentAt: new Date().toISOString() },
  });
}

/** The chat service's screening found `findings` in a message from `sender` to `recipient` (chat.message_screened). */
export async function screened(h: MonitorHarness, sender: Member, recipient: Member, findings: Finding[], options: { productId?: string; wait?: boolean } = {}): Promise<string> {
  const id = await h.publish({
    type: 'chat.message_screened',
    producer: 'chat',
    subjectUserId: sender.userId,
    data: {
      conversationId: randomUUID(),
      messageId: randomUUID(),
      senderId: sender.userId,
      recipientId: recipient.userId,
      masked: findings.some((f) => f.code === 'KNOWN_FRAUD_IDENTIFIER'),
      findings,
      at: new Date().toISOString(),
      ...(options.productId ? { productId: options.productId } : {}),
    },
  });
  if (options.wait !== false) await h.processed(id);
  return id;
}

/** The user service saw `member` sign in from `deviceId` (user.signed_in). */
export async function signedIn(h: MonitorHarness, member: Member, deviceId: string): Promise<void> {
  await h.deliver({
    type: 'user.signed_in',
    producer: 'user',
    subjectUserId: member.userId,
    data: { userId: member.userId, method: 'PASSWORD', deviceId, clientAddress: '203.0.113.5', newDevice: true, at: new Date().toISOString() },
  });
}

export const PAYMENT: Finding = { code: 'PAYMENT_IDENTIFIER', level: 'HIGH' };
export const LOOKALIKE: Finding = { code: 'LOOKALIKE_LINK', level: 'HIGH' };
export const OFF_APP: Finding = { code: 'OFF_APP_CONTACT', level: 'MEDIUM' };
export const KNOWN_FRAUD: Finding = { code: 'KNOWN_FRAUD_IDENTIFIER', level: 'CRITICAL' };
